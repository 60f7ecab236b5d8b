//! Ranking without scoring every match. FTS5's bm25 scores each matching page, about a
//! microsecond apiece: a query matching most of a 200,000-page archive ("cong hoa", "thu*")
//! would spend its whole time budget on scores that cannot tell pages apart, because bm25
//! gives a word found on at least half of the pages (nearly) no weight.
//!
//! So a query is split in two tiers by the page counts kept in `term_df`: the pages that
//! match a word carrying weight, ranked by bm25, then the pages that match through
//! weightless words alone, in tie order (collection, dossier, path, page), read by walking
//! the current pages in that order until enough are found. A phrase or a word with digits
//! is never counted, so it always carries weight. Within the ranked tier, pages of equal
//! rank are put in tie order too, a rank at a time, so the order is total and paging is
//! stable. Called by `search.rs`.

use rusqlite::types::Value;

use super::error::During;
use super::search::{collection_condition, index_table, SearchRequest, JOINS};
use super::{Catalog, CatalogError};
use crate::search::{Match, Query};

/// Up to this many pages of one rank are sorted in SQL; more are found by walking the
/// archive in tie order, which reaches enough of them after a few hundred pages.
const SPARSE: usize = 20_000;

/// A query's tiers as FTS5 expressions, best first; each page is in one tier at most.
pub(super) struct Tiers {
    /// Pages where the query's plain words stand together, in order (see
    /// [`Query::together`]), ranked by bm25 before the pages where they are scattered.
    pub together: Option<String>,
    /// Pages matching a word with weight, to rank (`None`: every word is weightless).
    pub ranked: Option<String>,
    /// Pages matching through weightless words alone, in tie order (`None`: no such word,
    /// rank everything).
    pub rest: Option<String>,
}

impl Catalog {
    /// Split `query` by the weight of its positive words.
    pub(super) fn tiers(&self, query: &Query, mode: Match) -> Result<Tiers, CatalogError> {
        let pages: i64 = self
            .conn
            .query_row("SELECT count(*) FROM page", [], |r| r.get(0))
            .during("search")?;
        let mut weighted = Vec::new();
        let mut weightless = false;
        for (tokens, prefix) in query.highlights() {
            let df = self.pages_with(&tokens, prefix, mode)?;
            // bm25's idf, ln((N - n + 0.5) / (n + 0.5)), is clamped once n reaches N / 2.
            if df.is_some_and(|n| 2 * n >= pages) {
                weightless = true;
            } else {
                weighted.push(Query::Terms { tokens, prefix }.to_fts());
            }
        }
        let full = query.to_fts();
        let (ranked, rest) = match (weightless, weighted.is_empty()) {
            (false, _) => (Some(full), None),
            (true, true) => (None, Some(full)),
            (true, false) => {
                let any = weighted.join(" OR ");
                (
                    Some(format!("({full}) AND ({any})")),
                    Some(format!("({full}) NOT ({any})")),
                )
            }
        };
        Ok(split_together(query, ranked, rest))
    }

    /// Pages holding the word (for a prefix: at least the most frequent word it starts), or
    /// `None` when not counted (phrases, words with digits).
    pub(super) fn pages_with(
        &self,
        tokens: &[String],
        prefix: bool,
        mode: Match,
    ) -> Result<Option<i64>, CatalogError> {
        let [word] = tokens else { return Ok(None) };
        if !super::search_index::counted(word) {
            return Ok(None);
        }
        let kind = super::search_index::df_kind(mode);
        let (sql, upper) = match prefix {
            false => (
                "SELECT max(pages) FROM term_df WHERE kind = ?1 AND term = ?2",
                None,
            ),
            true => (
                "SELECT max(pages) FROM term_df WHERE kind = ?1 AND term >= ?2 AND term < ?3",
                Some(format!("{word}\u{10FFFF}")),
            ),
        };
        let mut stmt = self.conn.prepare_cached(sql).during("search")?;
        let found: Option<i64> = match upper {
            None => stmt.query_row(rusqlite::params![kind, word], |r| r.get(0)),
            Some(up) => stmt.query_row(rusqlite::params![kind, word, up], |r| r.get(0)),
        }
        .during("search")?;
        Ok(Some(found.unwrap_or(0)))
    }

    /// The first `need` current pages matching `expr`, best first, with their rank. Every
    /// match is scored (one FTS5 pass, no sort in SQL); pages of equal rank are put in tie
    /// order a rank at a time, so ties are broken by dossier code wherever the results are
    /// cut, and paging with `--offset` neither repeats nor skips a page.
    pub(super) fn ranked(
        &self,
        req: &SearchRequest,
        expr: &str,
        need: usize,
    ) -> Result<Vec<(i64, f64)>, CatalogError> {
        let table = index_table(req.mode);
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT rank, rowid FROM {table} WHERE {table} MATCH ?"
            ))
            .during("search")?;
        let mut scored: Vec<(f64, i64)> = stmt
            .query_map([expr], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(Iterator::collect)
            .during("search")?;
        scored.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        let mut found = Vec::with_capacity(need);
        for group in scored.chunk_by(|a, b| a.0 == b.0) {
            if found.len() >= need {
                break;
            }
            let ids: Vec<i64> = group.iter().map(|g| g.1).collect();
            let ordered = self.in_tie_order(req, &ids, need - found.len())?;
            found.extend(ordered.into_iter().map(|id| (id, group[0].0)));
        }
        Ok(found)
    }

    /// The first `need` current pages matching `expr`, in tie order, without scores.
    pub(super) fn tie_ordered(
        &self,
        req: &SearchRequest,
        expr: &str,
        need: usize,
    ) -> Result<Vec<i64>, CatalogError> {
        let table = index_table(req.mode);
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT rowid FROM {table} WHERE {table} MATCH ?"))
            .during("search")?;
        let ids: Vec<i64> = stmt
            .query_map([expr], |r| r.get(0))
            .and_then(Iterator::collect)
            .during("search")?;
        self.in_tie_order(req, &ids, need)
    }

    /// The first `need` current pages among `ids`, in tie order: sorted by SQL when few,
    /// else found by walking the archive in that order.
    fn in_tie_order(
        &self,
        req: &SearchRequest,
        ids: &[i64],
        need: usize,
    ) -> Result<Vec<i64>, CatalogError> {
        if ids.len() > SPARSE {
            return self.walk(req, &Members::of(ids), need);
        }
        let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".to_string());
        let mut sql =
            format!("SELECT p.id FROM (SELECT value AS rowid FROM json_each(?)) x {JOINS} WHERE 1");
        let mut args = vec![Value::Text(list)];
        collection_condition(req, &mut sql, &mut args);
        sql.push_str(" ORDER BY col.code, d.code, c.rel_path, p.page_index LIMIT ?");
        args.push(Value::Integer(need as i64));
        let mut stmt = self.conn.prepare_cached(&sql).during("search")?;
        let ids = stmt
            .query_map(rusqlite::params_from_iter(args), |r| r.get(0))
            .and_then(Iterator::collect)
            .during("search")?;
        Ok(ids)
    }

    /// Walk the current pages in tie order, keeping the members.
    fn walk(
        &self,
        req: &SearchRequest,
        members: &Members,
        need: usize,
    ) -> Result<Vec<i64>, CatalogError> {
        // CROSS JOIN fixes the loop order so that every index is read in order and no sort
        // of the whole archive happens: rows stream out, and reading stops early.
        let mut sql = "SELECT p.id FROM collection col
             CROSS JOIN dossier d ON d.collection_id = col.id
             CROSS JOIN current_file c ON c.dossier_id = d.id
             CROSS JOIN page p ON p.file_id = c.file_id WHERE 1"
            .to_string();
        let mut args = Vec::new();
        collection_condition(req, &mut sql, &mut args);
        sql.push_str(" ORDER BY col.code, d.code, c.rel_path, p.page_index");
        let mut stmt = self.conn.prepare_cached(&sql).during("search")?;
        let mut rows = stmt
            .query(rusqlite::params_from_iter(args))
            .during("search")?;
        let mut chosen = Vec::with_capacity(need);
        while chosen.len() < need {
            let Some(row) = rows.next().during("search")? else {
                break;
            };
            let id: i64 = row.get(0).during("search")?;
            if members.contains(id) {
                chosen.push(id);
            }
        }
        Ok(chosen)
    }
}

/// Move the pages where the words stand together out of the ranked tier, in front of it.
/// Only the ranked tier is split: a query of weightless words alone ("cong hoa") is on most
/// pages together too, and scoring all of them is the cost the tiers avoid. The phrase
/// needs every word, a weighted one included, so no page of the rest holds it.
fn split_together(query: &Query, ranked: Option<String>, rest: Option<String>) -> Tiers {
    let phrase = query.together().map(|t| t.to_fts());
    match (ranked, phrase) {
        (Some(ranked), Some(phrase)) => Tiers {
            together: Some(format!("({ranked}) AND {phrase}")),
            ranked: Some(format!("({ranked}) NOT {phrase}")),
            rest,
        },
        (ranked, _) => Tiers {
            together: None,
            ranked,
            rest,
        },
    }
}

/// A set of page ids as a bitmap: the walk tests every current page against it.
struct Members(Vec<u64>);

impl Members {
    fn of(ids: &[i64]) -> Members {
        let max = ids.iter().copied().max().unwrap_or(0).max(0) as usize;
        let mut bits = vec![0u64; max / 64 + 1];
        for &id in ids.iter().filter(|&&i| i >= 0) {
            bits[id as usize / 64] |= 1 << (id as usize % 64);
        }
        Members(bits)
    }

    fn contains(&self, id: i64) -> bool {
        usize::try_from(id)
            .ok()
            .and_then(|i| self.0.get(i / 64).map(|w| w >> (i % 64) & 1 == 1))
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{page, scanned, Harness, TestResult};
    use super::*;
    use crate::search::{parse, QueryError};

    /// Eight dossiers recorded out of order, one page each: "chung" on six of them
    /// (weightless), "hiếm" on three, once on two of them (an equal rank).
    fn archive() -> Result<Harness, Box<dyn std::error::Error>> {
        let mut h = Harness::new()?;
        let codes = [
            "HS-5", "HS-2", "HS-8", "HS-1", "HS-7", "HS-3", "HS-6", "HS-4",
        ];
        let plans: Vec<(&str, u32)> = codes.iter().map(|c| (*c, 1)).collect();
        h.dossiers(&plans)?;
        for (n, code) in codes.iter().enumerate() {
            let text = match n {
                0 => "chung hiếm hiếm hiếm",
                1..=5 => "chung chung",
                6 => "hiếm một lần trong một trang dài hơn nhiều chữ",
                _ => "hiếm khác",
            };
            let path = format!("{code}/1.jpg");
            let file = scanned(code, &path, path.as_bytes(), vec![page(0, text, &[])]);
            h.record(&[file])?;
        }
        Ok(h)
    }

    fn request(q: &str, offset: usize, limit: usize) -> Result<SearchRequest, QueryError> {
        Ok(SearchRequest {
            query: Some(parse(q, Match::Folded)?),
            mode: Match::Folded,
            id: None,
            name: None,
            born: None,
            collection: None,
            limit,
            offset,
        })
    }

    fn dossiers(h: &Harness, q: &str, offset: usize, limit: usize) -> Vec<String> {
        let req = request(q, offset, limit).expect("query");
        let hits = h.catalog.search(&req).expect("search");
        hits.into_iter().map(|h| h.dossier).collect()
    }

    #[test]
    fn weightless_words_come_after_the_ranked_pages_in_dossier_order() -> TestResult {
        let h = archive()?;
        let q = parse("chung OR hiem", Match::Folded)?;
        let tiers = h.catalog.tiers(&q, Match::Folded)?;
        assert_eq!(
            tiers.ranked.as_deref(),
            Some(r#"(("chung" OR "hiem")) AND ("hiem")"#)
        );
        assert_eq!(
            tiers.rest.as_deref(),
            Some(r#"(("chung" OR "hiem")) NOT ("hiem")"#)
        );
        // Ranked: the page with "hiếm" three times first, the two with it once tie (no
        // length normalisation) and come by code; then "chung" alone, by code.
        let all = dossiers(&h, "chung OR hiem", 0, 10);
        let want = [
            "HS-5", "HS-4", "HS-6", "HS-1", "HS-2", "HS-3", "HS-7", "HS-8",
        ];
        assert_eq!(all, want);
        // Every page of results is the same slice of that order, across the tiers.
        for offset in 0..9 {
            for limit in 1..4 {
                let want: Vec<String> = all.iter().skip(offset).take(limit).cloned().collect();
                assert_eq!(dossiers(&h, "chung OR hiem", offset, limit), want);
            }
        }
        // Only weightless words: nothing to rank, all in tie order.
        let only = h
            .catalog
            .tiers(&parse("chung", Match::Folded)?, Match::Folded)?;
        assert!(only.ranked.is_none());
        assert_eq!(
            dossiers(&h, "chung", 0, 10),
            ["HS-1", "HS-2", "HS-3", "HS-5", "HS-7", "HS-8"]
        );
        // Words with weight only, and phrases: one ranked tier.
        let plain = h.catalog.tiers(
            &parse("hiem \"chung chung\"", Match::Folded)?,
            Match::Folded,
        )?;
        assert!(plain.rest.is_none());
        Ok(())
    }

    #[test]
    fn a_name_standing_together_ranks_above_its_words_scattered() -> TestResult {
        let mut h = Harness::new()?;
        let pages = [
            ("HS-1", "Lệ phí: văn bản số 12, lệ phí đức văn lệ phí"),
            ("HS-2", "Họ và tên: Lê Văn Đức, sinh năm 1980"),
            ("HS-3", "Văn phòng đăng ký đất đai"),
            ("HS-4", "Giấy xác nhận cư trú"),
            ("HS-5", "Đơn đề nghị"),
            ("HS-6", "Quyết định về việc đăng ký"),
        ];
        h.one_page_dossiers(&pages)?;
        let tiers = h
            .catalog
            .tiers(&parse("le van duc", Match::Folded)?, Match::Folded)?;
        assert_eq!(
            tiers.together.as_deref(),
            Some(r#"((("le" AND "van" AND "duc")) AND ("le" OR "duc")) AND "le van duc""#)
        );
        // bm25 alone puts the page about fees (lệ phí, three times) first.
        let req = request("le van duc", 0, 10)?;
        let by_bm25 = h
            .catalog
            .ranked(&req, r#"("le" AND "van" AND "duc")"#, 10)?;
        let fees = h.count(
            "SELECT p.id FROM page p JOIN current_file c ON c.file_id = p.file_id \
             WHERE c.rel_path = 'HS-1/1.jpg'",
        )?;
        assert_eq!(by_bm25[0].0, fees);
        assert_eq!(dossiers(&h, "le van duc", 0, 10), ["HS-2", "HS-1"]);
        assert_eq!(dossiers(&h, "le van duc", 1, 1), ["HS-1"]);
        assert_eq!(dossiers(&h, "\"le van duc\"", 0, 10), ["HS-2"]);
        Ok(())
    }

    #[test]
    fn the_walk_and_the_sort_agree() -> TestResult {
        let h = archive()?;
        let req = request("chung", 0, 10)?;
        let ids: Vec<i64> = (1..=8).rev().collect();
        for need in [1, 3, 8, 20] {
            let sorted = h.catalog.in_tie_order(&req, &ids, need)?;
            let walked = h.catalog.walk(&req, &Members::of(&ids), need)?;
            assert_eq!(walked, sorted, "need {need}");
            assert_eq!(sorted.len(), need.min(8));
        }
        let few = Members::of(&[3, 70]);
        assert!(few.contains(3) && few.contains(70));
        assert!(!few.contains(4) && !few.contains(71) && !few.contains(-1));
        Ok(())
    }
}
