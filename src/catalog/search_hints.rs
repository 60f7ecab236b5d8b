//! What a search says beside its hits: how many current pages match in all (so a searcher
//! knows whether to page on), and, when none does, the near words of the index and the near
//! dossier codes, since a typo in a name or a code is the usual reason for nothing found.

use rusqlite::types::Value;

use super::error::During;
use super::search::{collection_condition, field_conditions, index_table, SearchRequest, JOINS};
use super::search_index::{counted, df_kind};
use super::{Catalog, CatalogError};

/// Near words offered for one word of a query, and near codes for one code.
const SUGGESTIONS: usize = 3;

/// Words and codes close to what was typed, best first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suggestions {
    /// Each word of the query found on no page, with the indexed words nearest to it.
    pub words: Vec<(String, Vec<String>)>,
    /// Dossier codes near the text typed, when it holds digits as codes do.
    pub codes: Vec<String>,
}

impl Suggestions {
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|(_, near)| near.is_empty()) && self.codes.is_empty()
    }
}

impl Catalog {
    /// The number of current pages matching `req`, whatever its limit and offset, counted
    /// up to `at_most`: a broad query matches much of the archive, and counting all of it
    /// costs more than finding the best page of hits, so callers say "more than" instead.
    ///
    /// # Errors
    /// The catalog cannot be read.
    pub fn search_total(&self, req: &SearchRequest, at_most: u64) -> Result<u64, CatalogError> {
        let mut args: Vec<Value> = Vec::new();
        let mut sql = match &req.query {
            Some(q) => {
                let table = index_table(req.mode);
                args.push(Value::Text(q.to_fts()));
                format!(
                    "SELECT count(*) FROM (SELECT 1 FROM (SELECT rowid FROM {table} WHERE {table} \
                     MATCH ?) x {JOINS} WHERE 1"
                )
            }
            None => format!("SELECT count(*) FROM (SELECT 1 FROM page x {JOINS} WHERE 1"),
        };
        field_conditions(req, &mut sql, &mut args);
        collection_condition(req, &mut sql, &mut args);
        sql.push_str(" LIMIT ?)");
        args.push(Value::Integer(i64::try_from(at_most).unwrap_or(i64::MAX)));
        let mut stmt = self.conn.prepare_cached(&sql).during("search")?;
        let total: i64 = stmt
            .query_row(rusqlite::params_from_iter(args), |r| r.get(0))
            .during("search")?;
        Ok(total.max(0) as u64)
    }

    /// Near words for the query's words that no page holds, and near dossier codes for
    /// `typed` when it holds a digit. Asked only when nothing was found: it reads every
    /// indexed word once.
    ///
    /// # Errors
    /// The catalog cannot be read.
    pub fn suggestions(
        &self,
        req: &SearchRequest,
        typed: &str,
    ) -> Result<Suggestions, CatalogError> {
        let mut out = Suggestions::default();
        let words: Vec<String> = req
            .query
            .iter()
            .flat_map(|q| q.highlights())
            .flat_map(|(tokens, _)| tokens)
            .filter(|w| counted(w) && w.chars().count() >= 3)
            .collect();
        let mut unknown = Vec::new();
        for word in words {
            let pages = self.pages_with(std::slice::from_ref(&word), false, req.mode)?;
            if pages == Some(0) && !unknown.contains(&word) {
                unknown.push(word);
            }
        }
        if !unknown.is_empty() {
            let vocabulary = self.vocabulary(df_kind(req.mode))?;
            out.words = unknown
                .into_iter()
                .map(|w| {
                    let near = nearest(&w, vocabulary.iter().map(|(t, n)| (t.as_str(), *n)));
                    (w, near)
                })
                .collect();
        }
        if typed.chars().any(|c| c.is_ascii_digit()) {
            out.codes = self.near_codes(req, typed)?;
        }
        Ok(out)
    }

    fn vocabulary(&self, kind: &str) -> Result<Vec<(String, i64)>, CatalogError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT term, pages FROM term_df WHERE kind = ?1")
            .during("search")?;
        stmt.query_map([kind], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(Iterator::collect)
            .during("search")
    }

    fn near_codes(&self, req: &SearchRequest, typed: &str) -> Result<Vec<String>, CatalogError> {
        let mut sql = "SELECT DISTINCT d.code FROM dossier d \
                       JOIN collection col ON col.id = d.collection_id WHERE 1"
            .to_string();
        let mut args = Vec::new();
        collection_condition(req, &mut sql, &mut args);
        let mut stmt = self.conn.prepare_cached(&sql).during("search")?;
        let codes: Vec<String> = stmt
            .query_map(rusqlite::params_from_iter(args), |r| r.get(0))
            .and_then(Iterator::collect)
            .during("search")?;
        let key = code_key(typed);
        let mut near: Vec<(usize, String)> = codes
            .into_iter()
            .map(|c| (strsim::osa_distance(&key, &code_key(&c)), c))
            .filter(|(d, _)| *d <= allowed_edits(key.chars().count()))
            .collect();
        near.sort();
        Ok(near.into_iter().take(SUGGESTIONS).map(|(_, c)| c).collect())
    }
}

/// A code as it is compared: letters and digits only, lower case ("ct 2023-0001" and
/// "CT-2023-0001" are the same code typed two ways).
fn code_key(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Edits a near word or code may differ by: one for short words, where two would reach
/// unrelated ones, then one more per four letters, at most three.
fn allowed_edits(len: usize) -> usize {
    (len / 4).clamp(1, 3)
}

/// The indexed words within the allowed edits of `word`, fewest edits first, then the
/// commonest.
fn nearest<'a>(word: &str, vocabulary: impl Iterator<Item = (&'a str, i64)>) -> Vec<String> {
    let len = word.chars().count();
    let limit = allowed_edits(len);
    let mut near: Vec<(usize, i64, &str)> = vocabulary
        .filter(|(t, _)| t.chars().count().abs_diff(len) <= limit)
        .map(|(t, n)| (strsim::osa_distance(word, t), -n, t))
        .filter(|(d, _, _)| (1..=limit).contains(d))
        .collect();
    near.sort();
    near.into_iter()
        .take(SUGGESTIONS)
        .map(|(_, _, t)| t.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{Harness, TestResult};
    use super::*;
    use crate::search::{parse, Match};

    fn request(q: &str) -> SearchRequest {
        SearchRequest {
            query: Some(parse(q, Match::Folded).expect("query")),
            mode: Match::Folded,
            id: None,
            name: None,
            born: None,
            collection: None,
            limit: 1,
            offset: 0,
        }
    }

    fn archive() -> Result<Harness, Box<dyn std::error::Error>> {
        let mut h = Harness::new()?;
        h.one_page_dossiers(&[
            (
                "CT-2023-0001",
                "Ông Nguyễn Văn Lượng, thường trú tại Hà Nội",
            ),
            ("CT-2023-0002", "Bà Trần Thị Lương, thường trú tại Đồng Nai"),
            ("QD-2024-0100", "Quyết định về việc đăng ký thường trú"),
        ])?;
        Ok(h)
    }

    #[test]
    fn the_total_counts_every_match_past_the_limit() -> TestResult {
        let h = archive()?;
        assert_eq!(h.catalog.search(&request("thuong tru"))?.len(), 1);
        let all = u64::MAX;
        assert_eq!(h.catalog.search_total(&request("thuong tru"), all)?, 3);
        assert_eq!(h.catalog.search_total(&request("luong"), all)?, 2);
        assert_eq!(h.catalog.search_total(&request("khong co"), all)?, 0);
        // Counted up to a bound, no further.
        assert_eq!(h.catalog.search_total(&request("thuong tru"), 2)?, 2);
        Ok(())
    }

    #[test]
    fn near_words_and_codes_are_offered_for_typos() -> TestResult {
        let h = archive()?;
        let s = h
            .catalog
            .suggestions(&request("nguyen van luogn"), "nguyen van luogn")?;
        assert_eq!(s.words, [("luogn".to_string(), vec!["luong".to_string()])]);
        assert!(s.codes.is_empty());
        let s = h
            .catalog
            .suggestions(&request("CT-2023-0011"), "CT-2023-0011")?;
        assert_eq!(
            s.codes,
            ["CT-2023-0001", "CT-2023-0002"],
            "one edit, then two"
        );
        let s = h
            .catalog
            .suggestions(&request("ct 2023 0003"), "ct 2023 0003")?;
        assert_eq!(s.codes, ["CT-2023-0001", "CT-2023-0002"]);
        let s = h.catalog.suggestions(&request("xyzw"), "xyzw")?;
        assert!(s.is_empty(), "{s:?}");
        Ok(())
    }
}
