//! The `[walk] ignore` rule: glob patterns naming entries of a source that are not records
//! (scanner and desktop debris such as `Thumbs.db`), so a walk skips them, and counts each
//! one against the pattern that matched, so nothing disappears unexplained.
//!
//! A pattern without `/` is matched against an entry's name, one with `/` against its path
//! relative to the source (NFC, `/`-separated); both case-insensitively, since the debris
//! comes from Windows and macOS machines that do not tell `Thumbs.db` from `thumbs.db`. A
//! matched folder is skipped whole and counts once. The first matching pattern, in the
//! order given, gets the count. The `glob` crate lives here and nowhere else.

use std::collections::BTreeMap;

use glob::{MatchOptions, Pattern};

use crate::model::SkipCount;

const OPTIONS: MatchOptions = MatchOptions {
    case_sensitive: false,
    require_literal_separator: true,
    require_literal_leading_dot: false,
};

/// Compiled `[walk] ignore` patterns.
#[derive(Debug, Clone)]
pub struct IgnoreRules {
    patterns: Vec<(String, Pattern)>,
}

impl IgnoreRules {
    /// Compile `patterns`, in order.
    ///
    /// # Errors
    /// A pattern that is not a valid glob, with the reason.
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<IgnoreRules, String> {
        let mut compiled = Vec::with_capacity(patterns.len());
        for p in patterns {
            let p = p.as_ref();
            if p.trim().is_empty() {
                return Err("[walk] ignore: an empty pattern would match nothing".into());
            }
            let pattern = Pattern::new(p)
                .map_err(|e| format!("[walk] ignore: pattern {p:?} is not a valid glob: {e}"))?;
            compiled.push((p.to_string(), pattern));
        }
        Ok(IgnoreRules { patterns: compiled })
    }

    /// The patterns, in order.
    pub fn patterns(&self) -> impl Iterator<Item = &str> {
        self.patterns.iter().map(|(p, _)| p.as_str())
    }

    /// The first pattern matching an entry named `name` at `rel_path`.
    pub fn matching(&self, name: &str, rel_path: &str) -> Option<&str> {
        self.patterns
            .iter()
            .find(|(text, pattern)| {
                let subject = if text.contains('/') { rel_path } else { name };
                pattern.matches_with(subject, OPTIONS)
            })
            .map(|(text, _)| text.as_str())
    }
}

/// Entries skipped, counted per pattern.
#[derive(Debug, Default)]
pub struct SkipTally {
    by_pattern: BTreeMap<String, u64>,
}

impl SkipTally {
    pub fn add(&mut self, pattern: &str) {
        *self.by_pattern.entry(pattern.to_string()).or_default() += 1;
    }

    /// The counts in the order of `rules`' patterns (the order the config gives).
    pub fn counts(&self, rules: &IgnoreRules) -> Vec<SkipCount> {
        rules
            .patterns()
            .filter_map(|p| {
                self.by_pattern.get(p).map(|&entries| SkipCount {
                    pattern: p.to_string(),
                    entries,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DEFAULT_IGNORE;

    #[test]
    fn debris_is_matched_by_name_whatever_its_case() {
        let rules = IgnoreRules::new(&DEFAULT_IGNORE).unwrap();
        assert_eq!(
            rules.matching("thumbs.db", "HS-1/thumbs.db"),
            Some("Thumbs.db")
        );
        assert_eq!(
            rules.matching("Desktop.ini", "Desktop.ini"),
            Some("desktop.ini")
        );
        assert_eq!(
            rules.matching("._trang-1.jpg", "HS-1/._trang-1.jpg"),
            Some("._*")
        );
        assert_eq!(rules.matching("...", "HS-1/..."), Some(".*"));
        assert_eq!(rules.matching("trang-1.jpg", "HS-1/trang-1.jpg"), None);
        assert_eq!(rules.matching("Thumbs.db.jpg", "Thumbs.db.jpg"), None);
    }

    #[test]
    fn patterns_with_a_slash_match_the_path_from_the_source() {
        let rules = IgnoreRules::new(&["tmp/*", "*.bak"]).unwrap();
        assert_eq!(rules.matching("x.jpg", "tmp/x.jpg"), Some("tmp/*"));
        assert_eq!(rules.matching("x.jpg", "HS-1/tmp/x.jpg"), None);
        assert_eq!(rules.matching("a.jpg.BAK", "HS-1/a.jpg.BAK"), Some("*.bak"));
        assert!(IgnoreRules::new(&["[unclosed"]).is_err());
        assert!(IgnoreRules::new(&[""]).is_err());
        let none: [&str; 0] = [];
        assert_eq!(IgnoreRules::new(&none).unwrap().matching(".x", ".x"), None);
    }

    #[test]
    fn counts_follow_the_pattern_order() {
        let rules = IgnoreRules::new(&DEFAULT_IGNORE).unwrap();
        let mut tally = SkipTally::default();
        for p in [".*", "Thumbs.db", ".*"] {
            tally.add(p);
        }
        let counts: Vec<(String, u64)> = tally
            .counts(&rules)
            .into_iter()
            .map(|c| (c.pattern, c.entries))
            .collect();
        assert_eq!(counts, [("Thumbs.db".into(), 1), (".*".into(), 2)]);
    }
}
