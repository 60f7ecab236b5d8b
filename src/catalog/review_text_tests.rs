use chrono::Utc;

use super::super::testkit::{page, scanned, Harness, TestResult};
use super::super::{
    BatchCounts, BatchEnd, BatchStatus, Catalog, ChainIssueKind, NewReview, ReviewAction,
    SearchRequest,
};
use crate::model::PageFlag;
use crate::search::{parse, Match};

const READ: &str = "Nơi thường trú: xã Hòa Binh, huyện Đông Anh\nHọ và tên: Trần Văn Lang\n";
const CORRECTED: &str = "Nơi thường trú: xã Hòa Bình, huyện Đông Anh\nHọ và tên: Trần Văn Lãng\n";

/// HS-1: one flagged page read as `READ`, the batch ended and linked.
fn recorded() -> Result<(Harness, i64), Box<dyn std::error::Error>> {
    let mut h = Harness::new()?;
    h.dossiers(&[("HS-1", 1)])?;
    let pages = vec![page(0, READ, &[PageFlag::LowConfidence])];
    h.record(&[scanned("HS-1", "HS-1/a.tif", b"one", pages)])?;
    let end = BatchEnd {
        finished_at: Utc::now(),
        status: BatchStatus::Finished,
        counts: BatchCounts::default(),
    };
    h.catalog.finish_batch(h.batch, &end)?;
    let page = h
        .catalog
        .conn
        .query_row("SELECT id FROM page", [], |r| r.get(0))?;
    Ok((h, page))
}

fn correct(catalog: &mut Catalog, page: i64, text: &str) -> Result<i64, super::CatalogError> {
    catalog.record_review(&NewReview {
        page,
        action: ReviewAction::Text { text: text.into() },
        reviewer: "Hoa",
        at: Utc::now(),
    })
}

fn found(catalog: &Catalog, q: &str, mode: Match) -> Result<usize, Box<dyn std::error::Error>> {
    let req = SearchRequest {
        query: Some(parse(q, mode)?),
        mode,
        id: None,
        name: None,
        born: None,
        collection: None,
        limit: 10,
        offset: 0,
    };
    Ok(catalog.search(&req)?.len())
}

fn exported(catalog: &Catalog) -> Result<Vec<String>, super::CatalogError> {
    let mut texts = Vec::new();
    catalog.for_each_page_text(None, |p| texts.push(p.text))?;
    Ok(texts)
}

#[test]
fn a_corrected_text_is_what_is_shown_exported_searched_and_chained() -> TestResult {
    let (mut h, page) = recorded()?;
    assert_eq!(found(&h.catalog, "\"Hòa Bình\"", Match::Exact)?, 0);
    correct(&mut h.catalog, page, CORRECTED)?;

    let read: String = h
        .catalog
        .conn
        .query_row("SELECT text FROM page", [], |r| r.get(0))?;
    assert_eq!(read, READ, "the reading itself is never rewritten");
    assert_eq!(exported(&h.catalog)?, [CORRECTED]);
    let shown = h.catalog.review_page(page)?.expect("page");
    assert!(shown.text_corrected && shown.text == CORRECTED);
    let view = h.catalog.dossier_view(None, "HS-1")?;
    assert!(view.pages[0].text_corrected && view.pages[0].text == CORRECTED);

    for (mode, new, old) in [
        (Match::Exact, "\"Hòa Bình\"", "\"Hòa Binh\""),
        (Match::Exact, "lãng", "lang"),
        (Match::Folded, "\"hoa binh\"", "absent"),
    ] {
        assert_eq!(found(&h.catalog, new, mode)?, 1, "{new}");
        assert_eq!(found(&h.catalog, old, mode)?, 0, "{old}");
    }
    assert_eq!(
        h.count("SELECT count(*) FROM page_field WHERE kind = 'name' AND value = 'tran van lang'")?,
        1,
        "the fields of the corrected text"
    );

    // A second correction goes from the first, not from the reading.
    correct(
        &mut h.catalog,
        page,
        &CORRECTED.replace("Đông Anh", "Gia Lâm"),
    )?;
    assert_eq!(found(&h.catalog, "\"dong anh\"", Match::Folded)?, 0);
    assert_eq!(found(&h.catalog, "\"gia lam\"", Match::Folded)?, 1);
    let history = h.catalog.review_history("cu-tru", "HS-1")?;
    let changed: Vec<(&str, Option<&str>, Option<&str>)> = history
        .iter()
        .map(|e| (e.action.as_str(), e.before.as_deref(), e.value.as_deref()))
        .collect();
    assert_eq!(
        changed,
        [
            ("text", Some("Binh, … Lang"), Some("Bình, … Lãng")),
            ("text", Some("Đông Anh"), Some("Gia Lâm")),
        ]
    );
    let audit = h.catalog.audit()?;
    assert!(audit.chain.is_empty() && audit.rows.is_empty(), "{audit:?}");
    assert!(h.catalog.audit_derived(true)?.is_empty());
    assert_eq!(audit.links, 3, "the batch and two corrections");
    assert_eq!(
        h.catalog.collection_status("cu-tru")?.needs_review,
        1,
        "a corrected text does not clear the page"
    );
    Ok(())
}

#[test]
fn a_corrected_text_edited_behind_the_catalog_is_named() -> TestResult {
    let (mut h, page) = recorded()?;
    correct(&mut h.catalog, page, CORRECTED)?;
    let update = "UPDATE review SET value = 'something else' WHERE action = 'text'";
    assert!(h.catalog.conn.execute(update, []).is_err(), "append-only");
    h.catalog
        .conn
        .execute_batch("DROP TRIGGER review_append_only_update;")?;
    h.catalog.conn.execute(update, [])?;
    let issues = h.catalog.audit()?.chain;
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].kind, ChainIssueKind::ReviewAltered);
    Ok(())
}

/// Migration 13's `review`, for a catalog of schema 13: the same rows under the CHECK that
/// knew no text corrections.
const BACK_TO_13: &str = "
PRAGMA defer_foreign_keys = ON;
CREATE TABLE review_v14 AS SELECT * FROM review;
DROP TABLE review;
CREATE TABLE review (
    id INTEGER PRIMARY KEY,
    page_id INTEGER NOT NULL REFERENCES page(id),
    file_id INTEGER NOT NULL REFERENCES file(id),
    field_id INTEGER REFERENCES page_form_field(id),
    action TEXT NOT NULL CHECK (action IN ('accept', 'correct', 'clear')),
    value TEXT,
    reviewer TEXT NOT NULL CHECK (reviewer != ''),
    at TEXT NOT NULL,
    CHECK ((action = 'correct') = (value IS NOT NULL)),
    CHECK (action != 'accept' OR field_id IS NOT NULL),
    CHECK (action != 'clear' OR field_id IS NULL)
) STRICT;
INSERT INTO review SELECT * FROM review_v14;
DROP TABLE review_v14;
CREATE INDEX review_field ON review(field_id, id);
CREATE INDEX review_file ON review(file_id, page_id);
CREATE INDEX review_page ON review(page_id, id);
CREATE TRIGGER review_append_only_update BEFORE UPDATE ON review
BEGIN SELECT RAISE(ABORT, 'review is append-only'); END;
CREATE TRIGGER review_append_only_delete BEFORE DELETE ON review
BEGIN SELECT RAISE(ABORT, 'review is append-only'); END;
PRAGMA user_version = 13;";

#[test]
fn a_catalog_reviewed_before_text_corrections_keeps_its_decisions_and_chain() -> TestResult {
    let (mut h, page) = recorded()?;
    h.catalog.record_review(&NewReview {
        page,
        action: ReviewAction::Clear,
        reviewer: "Hoa",
        at: Utc::now(),
    })?;
    let path = h.path();
    h.catalog.conn.execute_batch("BEGIN;")?;
    h.catalog.conn.execute_batch(BACK_TO_13)?;
    h.catalog.conn.execute_batch("COMMIT;")?;
    drop(h.catalog);

    let mut catalog = Catalog::open_existing(&path)?;
    let version: i64 = catalog
        .conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))?;
    assert_eq!(version, super::super::schema::known_version());
    let kept: i64 = catalog.conn.query_row(
        "SELECT count(*) FROM review r JOIN chain_link l ON l.review_id = r.id
         WHERE r.action = 'clear'",
        [],
        |r| r.get(0),
    )?;
    assert_eq!(kept, 1, "the decision and its link");
    let audit = catalog.audit()?;
    assert!(audit.chain.is_empty() && audit.rows.is_empty(), "{audit:?}");
    correct(&mut catalog, page, CORRECTED)?;
    let bad_link = catalog.conn.execute(
        "INSERT INTO chain_link (seq, review_id, merkle_root, prev_hash, link_hash)
         VALUES (99, 999, ?1, ?1, ?1)",
        ["0".repeat(64)],
    );
    assert!(bad_link.is_err(), "chain_link still refers to review(id)");
    let audit = catalog.audit()?;
    assert!(audit.chain.is_empty() && audit.rows.is_empty(), "{audit:?}");
    assert!(catalog.audit_derived(true)?.is_empty());
    Ok(())
}
