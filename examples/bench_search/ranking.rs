//! The ranking half of the search benchmark: full names typed without marks, as a searcher
//! types them. The names are the ones the catalog itself extracted ("Họ và tên: …"), so the
//! same code measures generated pages and real pages (a development corpus's truth texts,
//! `--dev truth.jsonl`). For each name: does the first hit hold the name together, in
//! order, and does its snippet show it? Side by side, SQLite's own bm25 top hit for the same
//! words is checked the same way.

use std::time::Instant;

use rusqlite::{Connection, OpenFlags};
use sohoa::catalog::Catalog;
use sohoa::search::fold::tokens;
use sohoa::search::{parse, Match};

/// Names asked per catalog.
const QUERIES: usize = 200;

/// The figures of one catalog.
pub struct Ranking {
    pub queries: usize,
    pub first_together: usize,
    pub snippet_shows: usize,
    pub bm25_first_together: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
}

impl Ranking {
    pub fn print(&self, what: &str) {
        let pct = |n: usize| 100.0 * n as f64 / self.queries.max(1) as f64;
        println!(
            "{what}: {} full names typed without marks: first hit holds the name together {:.1}%, \
             its snippet shows it {:.1}%; plain FTS5 bm25 top hit holds it {:.1}%; \
             latency p50 {:.1} ms, p95 {:.1} ms",
            self.queries,
            pct(self.first_together),
            pct(self.snippet_shows),
            pct(self.bm25_first_together),
            self.p50_ms,
            self.p95_ms
        );
    }
}

/// Folded tokens of `text`.
fn words(text: &str) -> Vec<String> {
    tokens(text, Match::Folded)
        .into_iter()
        .map(|t| t.norm)
        .collect()
}

fn holds_together(text: &str, name: &[String]) -> bool {
    words(text).windows(name.len()).any(|w| w == name)
}

/// Up to [`QUERIES`] extracted names of three words or more, spread over the catalog, from
/// the dossiers whose code starts with `prefix`.
fn names(conn: &Connection, prefix: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT DISTINCT f.value FROM page_field f JOIN page p ON p.id = f.page_id
         JOIN current_file c ON c.file_id = p.file_id JOIN dossier d ON d.id = c.dossier_id
         WHERE f.kind = 'name' AND d.code LIKE ?1 || '%' ORDER BY f.page_id",
    )?;
    let all: Vec<String> = stmt
        .query_map([prefix], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let all: Vec<String> = all
        .into_iter()
        .filter(|n| n.split(' ').count() >= 3)
        .collect();
    let step = (all.len() / QUERIES).max(1);
    Ok(all.into_iter().step_by(step).take(QUERIES).collect())
}

fn page_text(conn: &Connection, dossier: &str, file: &str, index: u32) -> String {
    conn.query_row(
        "SELECT p.text FROM page p JOIN current_file c ON c.file_id = p.file_id
         JOIN dossier d ON d.id = c.dossier_id
         WHERE d.code = ?1 AND c.rel_path = ?2 AND p.page_index = ?3",
        rusqlite::params![dossier, file, index],
        |r| r.get(0),
    )
    .unwrap_or_default()
}

fn bm25_top_holds(conn: &Connection, expr: &str, name: &[String]) -> bool {
    let text: Option<String> = conn
        .query_row(
            "SELECT p.text FROM (SELECT rowid FROM page_fold WHERE page_fold MATCH ?1
             ORDER BY rank LIMIT 1) x JOIN page p ON p.id = x.rowid",
            [expr],
            |r| r.get(0),
        )
        .ok();
    text.is_some_and(|t| holds_together(&t, name))
}

/// Ask every name of the dossiers starting with `prefix` in `catalog` (at `path`).
pub fn measure(
    catalog: &Catalog,
    path: &std::path::Path,
    prefix: &str,
) -> Result<Ranking, Box<dyn std::error::Error>> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let names = names(&conn, prefix)?;
    let mut out = Ranking {
        queries: names.len(),
        first_together: 0,
        snippet_shows: 0,
        bm25_first_together: 0,
        p50_ms: 0.0,
        p95_ms: 0.0,
    };
    let mut times = Vec::new();
    for name in &names {
        let query = parse(name, Match::Folded)?;
        let req = super::request(Some(query.clone()), Match::Folded);
        let start = Instant::now();
        let hits = catalog.search(&req)?;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        let want = words(name);
        if let Some(top) = hits.first() {
            let text = page_text(&conn, &top.dossier, &top.rel_path, top.page_index);
            out.first_together += usize::from(holds_together(&text, &want));
            out.snippet_shows += usize::from(holds_together(&top.snippet.text, &want));
        }
        out.bm25_first_together += usize::from(bm25_top_holds(&conn, &query.to_fts(), &want));
    }
    times.sort_by(f64::total_cmp);
    if !times.is_empty() {
        out.p50_ms = super::percentile(&times, 0.5);
        out.p95_ms = super::percentile(&times, 0.95);
    }
    Ok(out)
}
