//! Ranking without scoring every match. FTS5's bm25 scores each matching page, about a
//! microsecond apiece: a query matching most of a 200,000-page archive ("cong hoa", "thu*")
//! would spend its whole time budget on scores that cannot tell pages apart, because bm25
//! gives a word found on at least half of the pages (nearly) no weight.
//!
//! So a query is split in two tiers by the page counts kept in `term_df`: the pages that
//! match a word carrying weight, ranked by bm25, then the pages that match through
//! weightless words alone, in tie order (collection, dossier, path, page), read by walking
//! the current pages in that order until enough are found. A phrase or a word with digits
//! is never counted, so it always carries weight. Called by `search.rs`.

use rusqlite::types::Value;

use super::error::During;
use super::search::{collection_condition, index_table, SearchRequest, JOINS, SELECT};
use super::{Catalog, CatalogError, Hit};
use crate::search::{Match, Query};

/// Below this many matches the tie tier is sorted in SQL; above, the walk in tie order
/// reaches enough of them after a few hundred pages.
const SPARSE: usize = 20_000;

/// A query's two tiers as FTS5 expressions.
pub(super) struct Tiers {
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
        if !weightless {
            return Ok(Tiers {
                ranked: Some(full),
                rest: None,
            });
        }
        let any = weighted.join(" OR ");
        Ok(match weighted.is_empty() {
            true => Tiers {
                ranked: None,
                rest: Some(full),
            },
            false => Tiers {
                ranked: Some(format!("({full}) AND ({any})")),
                rest: Some(format!("({full}) NOT ({any})")),
            },
        })
    }

    /// Pages holding the word (for a prefix: at least the most frequent word it starts), or
    /// `None` when not counted (phrases, words with digits).
    fn pages_with(
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

    /// Current pages matching `expr` (respecting `--collection`).
    pub(super) fn count_current(
        &self,
        req: &SearchRequest,
        expr: &str,
    ) -> Result<usize, CatalogError> {
        let table = index_table(req.mode);
        let mut sql = format!(
            "SELECT count(*) FROM (SELECT rowid FROM {table} WHERE {table} MATCH ?) x {JOINS} \
             WHERE 1"
        );
        let mut args = vec![Value::Text(expr.to_string())];
        collection_condition(req, &mut sql, &mut args);
        let n: i64 = self
            .conn
            .query_row(&sql, rusqlite::params_from_iter(args), |r| r.get(0))
            .during("search")?;
        Ok(n as usize)
    }

    /// Current pages matching `expr`, in tie order, `offset` skipped.
    pub(super) fn tie_ordered(
        &self,
        req: &SearchRequest,
        expr: &str,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<Hit>, CatalogError> {
        let table = index_table(req.mode);
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT rowid FROM {table} WHERE {table} MATCH ?"))
            .during("search")?;
        let ids: Vec<i64> = stmt
            .query_map([expr], |r| r.get(0))
            .and_then(Iterator::collect)
            .during("search")?;
        let chosen = if ids.len() <= SPARSE {
            self.sorted(req, expr, offset, limit)?
        } else {
            self.walk(req, &Members::of(&ids), offset, limit)?
        };
        let mut hits = Vec::with_capacity(chosen.len());
        for id in chosen {
            let sql = format!("{SELECT}, 0.0 FROM (SELECT ?1 AS rowid) x {JOINS}");
            hits.extend(self.hits(req, &sql, vec![Value::Integer(id)])?);
        }
        Ok(hits)
    }

    /// The current pages matching `expr`, sorted in tie order by SQL: few enough to join.
    fn sorted(
        &self,
        req: &SearchRequest,
        expr: &str,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<i64>, CatalogError> {
        let table = index_table(req.mode);
        let mut sql = format!(
            "SELECT p.id FROM (SELECT rowid FROM {table} WHERE {table} MATCH ?) x {JOINS} WHERE 1"
        );
        let mut args = vec![Value::Text(expr.to_string())];
        collection_condition(req, &mut sql, &mut args);
        sql.push_str(" ORDER BY col.code, d.code, c.rel_path, p.page_index LIMIT ? OFFSET ?");
        args.extend([Value::Integer(limit as i64), Value::Integer(offset as i64)]);
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
        offset: usize,
        limit: usize,
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
        let mut chosen = Vec::with_capacity(limit);
        let mut skipped = 0;
        while chosen.len() < limit {
            let Some(row) = rows.next().during("search")? else {
                break;
            };
            let id: i64 = row.get(0).during("search")?;
            if !members.contains(id) {
                continue;
            }
            if skipped < offset {
                skipped += 1;
            } else {
                chosen.push(id);
            }
        }
        Ok(chosen)
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
    /// (weightless), "hiếm" on two.
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
                _ => "khác",
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
        // Ranked: the page with "hiếm" three times first; then "chung" alone, by code.
        let all = dossiers(&h, "chung OR hiem", 0, 10);
        assert_eq!(
            all,
            ["HS-5", "HS-6", "HS-1", "HS-2", "HS-3", "HS-7", "HS-8"]
        );
        // Every page of results is the same slice of that order, across the tiers.
        for offset in 0..8 {
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
    fn the_walk_and_the_sort_agree() -> TestResult {
        let h = archive()?;
        let req = request("chung", 0, 10)?;
        let matches = Members::of(&h.catalog.sorted(&req, "chung", 0, 100)?);
        for (offset, limit) in [(0, 10), (2, 3), (5, 5), (9, 1)] {
            let sorted = h.catalog.sorted(&req, "chung", offset, limit)?;
            let walked = h.catalog.walk(&req, &matches, offset, limit)?;
            assert_eq!(walked, sorted, "offset {offset} limit {limit}");
        }
        let few = Members::of(&[3, 70]);
        assert!(few.contains(3) && few.contains(70));
        assert!(!few.contains(4) && !few.contains(71) && !few.contains(-1));
        Ok(())
    }
}
