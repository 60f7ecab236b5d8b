//! An error and its causes as one line of text, as the binary prints errors: for the
//! messages a library result carries as text (a refused merge source, a failed bag write).

/// `e` and each of its causes, joined by `: `; a cause whose text already ends the line (an
/// error that repeats its source's message) is not repeated.
pub fn one_line(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.ends_with(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = c.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    // A message the Vietnamese table already knows, as every `#[error]` must be.
    #[error("cannot read: {0}")]
    struct Outer(&'static str, #[source] std::io::Error);

    #[test]
    fn causes_follow_once() {
        let e = Outer("a.tif", std::io::Error::other("disk gone"));
        assert_eq!(one_line(&e), "cannot read: a.tif: disk gone");
        let repeats = Outer("disk gone", std::io::Error::other("disk gone"));
        assert_eq!(one_line(&repeats), "cannot read: disk gone");
    }
}
