//! The station's two secrets: the access token printed with its address (without it every
//! request is refused) and the CSRF token the page carries into every POST, so that another
//! site open in the same browser cannot make decisions in the reviewer's name. Both are 128
//! random bits from the kernel, drawn anew at each start, compared in constant time.

use std::io::Read;

/// Name of the cookie that carries the access token after the first visit.
pub(super) const COOKIE: &str = "sohoa_review";

/// Header that carries the CSRF token of a POST.
pub(super) const CSRF_HEADER: &str = "X-Sohoa-Csrf";

/// The station's tokens, as lowercase hex.
#[derive(Debug, Clone)]
pub struct Tokens {
    access: String,
    csrf: String,
}

impl Tokens {
    /// Two fresh tokens.
    ///
    /// # Errors
    /// `/dev/urandom` cannot be read.
    pub fn draw() -> std::io::Result<Tokens> {
        Ok(Tokens {
            access: random_hex()?,
            csrf: random_hex()?,
        })
    }

    pub fn access(&self) -> &str {
        &self.access
    }

    pub fn csrf(&self) -> &str {
        &self.csrf
    }

    /// Whether a request carries the access token: in the query (`token=`) or the cookie.
    pub(super) fn admits(&self, query_token: Option<&str>, cookie_header: Option<&str>) -> bool {
        let from_cookie = cookie_header.and_then(|h| {
            h.split(';')
                .filter_map(|kv| kv.trim().split_once('='))
                .find(|(k, _)| *k == COOKIE)
                .map(|(_, v)| v)
        });
        [query_token, from_cookie]
            .into_iter()
            .flatten()
            .any(|t| same(t, &self.access))
    }

    /// Whether a POST carries the CSRF token.
    pub(super) fn csrf_ok(&self, header: Option<&str>) -> bool {
        header.is_some_and(|h| same(h, &self.csrf))
    }
}

fn random_hex() -> std::io::Result<String> {
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Equality that takes as long whatever the first differing byte, so response times give
/// nothing of the token away.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_drawn_tokens_are_admitted() {
        let t = Tokens::draw().expect("tokens");
        assert_eq!(t.access().len(), 32);
        assert_ne!(t.access(), t.csrf());
        assert!(t.admits(Some(t.access()), None));
        let cookie = format!("a=b; {COOKIE}={}", t.access());
        assert!(t.admits(None, Some(&cookie)));
        assert!(!t.admits(None, None));
        assert!(!t.admits(Some(t.csrf()), Some("sohoa_review=00")));
        assert!(t.csrf_ok(Some(t.csrf())));
        assert!(!t.csrf_ok(Some(t.access())) && !t.csrf_ok(None));
    }
}
