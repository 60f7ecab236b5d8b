//! The review decisions of a merged source (`review.rs`), brought over inside the merge's
//! transaction after its batches (`merge.rs`), so the pages they name are here already.
//!
//! A decision has no uuid: it is known by its natural key, the page's (collection code, file
//! path, file content, page index), the form value's (member, ordinal, name) when it is
//! about a value, then action, value (a corrected text for a correction of the page's
//! text, which re-indexes the page here as at the station), reviewer and time. A source decision whose key is on
//! any version of that path here is skipped, so merging the same source again adds nothing
//! and a decision merged through two routes (a shard, then the archive it went into) comes
//! once. Every source decision is read on each merge, not only those of new batches: a
//! reviewer may have gone on working in the source after an earlier merge.
//!
//! A new decision lands on the latest version here of that path with that content (the one
//! the merge just recorded, or the one that made the source's file "already here"), keeps
//! its reviewer and time, and gets a chain link of its own, as the station gives one. One
//! whose page or form value is not here (the target read that page as another form) is
//! left out and counted as unplaced: a decision is never attached to a value it was not
//! made on. Decisions keep the source's order, so a value's latest correction there is its
//! latest here.

use rusqlite::{params, Connection, Row, Transaction};

use super::chain::{self, Subject};
use super::error::During;
use super::merge::MergedCounts;
use super::CatalogError;
use crate::merkle::merkle_root;

/// Every source decision with where it lands here: the page, its file and the form value
/// (NULL when not here), whether it is about a value, and whether it is here already.
const PLACED_SQL: &str = "
SELECT sr.action, sr.value, sr.reviewer, sr.at, sr.field_id IS NOT NULL,
    mp.id, mp.file_id, mv.id,
    EXISTS (
        SELECT 1 FROM main.file kf
        JOIN main.page kp ON kp.file_id = kf.id AND kp.page_index = sp.page_index
        JOIN main.review kr ON kr.page_id = kp.id
        LEFT JOIN main.page_form_field kv ON kv.id = kr.field_id
        WHERE kf.collection_id = mc.id AND kf.rel_path = sf.rel_path AND kf.sha256 IS sf.sha256
          AND kr.action = sr.action AND kr.value IS sr.value AND kr.reviewer = sr.reviewer
          AND kr.at = sr.at
          AND ((kv.id IS NULL AND sv.id IS NULL)
               OR (kv.member = sv.member AND kv.ordinal = sv.ordinal AND kv.name = sv.name)))
FROM src.review sr
JOIN src.page sp ON sp.id = sr.page_id
JOIN src.file sf ON sf.id = sp.file_id
JOIN src.collection sc ON sc.id = sf.collection_id
LEFT JOIN src.page_form_field sv ON sv.id = sr.field_id
LEFT JOIN main.collection mc ON mc.code = sc.code
LEFT JOIN main.file mf ON mf.id = (
    SELECT lf.id FROM main.file lf
    WHERE lf.collection_id = mc.id AND lf.rel_path = sf.rel_path AND lf.sha256 IS sf.sha256
    ORDER BY lf.version DESC LIMIT 1)
LEFT JOIN main.page mp ON mp.file_id = mf.id AND mp.page_index = sp.page_index
LEFT JOIN main.page_form_field mv ON mv.page_id = mp.id AND mv.member = sv.member
    AND mv.ordinal = sv.ordinal AND mv.name = sv.name
ORDER BY sr.id";

/// One source decision and its place here.
struct Placed {
    action: String,
    value: Option<String>,
    reviewer: String,
    at: String,
    on_field: bool,
    page: Option<i64>,
    file: Option<i64>,
    field: Option<i64>,
    known: bool,
}

fn placed_row(r: &Row<'_>) -> rusqlite::Result<Placed> {
    Ok(Placed {
        action: r.get(0)?,
        value: r.get(1)?,
        reviewer: r.get(2)?,
        at: r.get(3)?,
        on_field: r.get(4)?,
        page: r.get(5)?,
        file: r.get(6)?,
        field: r.get(7)?,
        known: r.get(8)?,
    })
}

/// Bring every decision of the attached source this catalog lacks, each with its chain
/// link, then bring the search fields of the pages whose values changed up to date.
///
/// # Errors
/// The source cannot be read or a row cannot be written; the caller's transaction then
/// records nothing of this source.
pub(super) fn merge_reviews(
    tx: &Transaction<'_>,
    counts: &mut MergedCounts,
) -> Result<(), CatalogError> {
    let decisions: Vec<Placed> = tx
        .prepare(PLACED_SQL)
        .and_then(|mut stmt| stmt.query_map([], placed_row)?.collect())
        .during("read a source's reviews")?;
    let mut rewritten = Vec::new();
    for d in &decisions {
        if d.known {
            counts.reviews_known += 1;
            continue;
        }
        let (Some(page), Some(file)) = (d.page, d.file) else {
            counts.reviews_unplaced += 1;
            continue;
        };
        if d.on_field && d.field.is_none() {
            counts.reviews_unplaced += 1;
            continue;
        }
        // A text correction re-indexes the page from the text it had before it.
        let before = match d.action.as_str() {
            "text" => super::review_text::current_text(tx, page)?,
            _ => None,
        };
        let id = insert(tx, d, page, file)?;
        if let (Some(before), Some(after)) = (before, d.value.as_deref()) {
            super::review_text::reindex(tx, page, &before, after)?;
        }
        let subject = chain::review_subject(tx, id)?.ok_or(CatalogError::Sql {
            op: "link a merged review",
            source: rusqlite::Error::QueryReturnedNoRows,
        })?;
        chain::append_link(tx, Subject::Review(id), &merkle_root(&[subject]))?;
        if d.on_field && rewritten.last() != Some(&page) {
            rewritten.push(page);
        }
        counts.reviews += 1;
    }
    rewritten.sort_unstable();
    rewritten.dedup();
    for page in rewritten {
        super::page_fields::rewrite(tx, page)?;
    }
    Ok(())
}

fn insert(conn: &Connection, d: &Placed, page: i64, file: i64) -> Result<i64, CatalogError> {
    conn.prepare_cached(
        "INSERT INTO main.review (page_id, file_id, field_id, action, value, reviewer, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![
            page, file, d.field, d.action, d.value, d.reviewer, d.at
        ])
    })
    .during("merge a review")?;
    Ok(conn.last_insert_rowid())
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::super::testkit::{page, scanned, Harness, TestResult};
    use super::super::{BatchCounts, BatchEnd, BatchStatus, NewReview, ReviewAction};
    use crate::model::{FieldValue, FormRecord, PageFlag};

    fn value(name: &str, value: &str) -> FieldValue {
        FieldValue {
            name: name.into(),
            value: value.into(),
            confidence: 55.0,
            doubt: None,
            left: 0,
            top: 0,
            width: 10,
            height: 10,
        }
    }

    /// HS-1 with one flagged page, read as a CT01 form when `form`, its batch ended.
    fn archive(form: bool) -> Result<Harness, Box<dyn std::error::Error>> {
        let mut h = Harness::new()?;
        h.dossiers(&[("HS-1", 1)])?;
        let mut flagged = page(0, "TỜ KHAI", &[PageFlag::LowConfidence]);
        flagged.form = form.then(|| FormRecord {
            form: "ct01".into(),
            fields: vec![
                value("name", "Nguyen Van Am"),
                value("id_number", "001087012346"),
            ],
            members: Vec::new(),
        });
        h.record(&[scanned("HS-1", "HS-1/to-khai.tif", b"one", vec![flagged])])?;
        let end = BatchEnd {
            finished_at: Utc::now(),
            status: BatchStatus::Finished,
            counts: BatchCounts::default(),
        };
        h.catalog.finish_batch(h.batch, &end)?;
        Ok(h)
    }

    /// The source: the name corrected, the ID number accepted, the page cleared.
    fn reviewed() -> Result<Harness, Box<dyn std::error::Error>> {
        let mut h = archive(true)?;
        let (page, name, id): (i64, i64, i64) = h.catalog.conn.query_row(
            "SELECT page_id, id, (SELECT id FROM page_form_field WHERE name = 'id_number')
             FROM page_form_field WHERE name = 'name'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let value = "Nguyễn Văn An".to_string();
        for action in [
            ReviewAction::Correct { field: name, value },
            ReviewAction::Accept { field: id },
            ReviewAction::Clear,
        ] {
            h.catalog.record_review(&NewReview {
                page,
                action,
                reviewer: "Hoa",
                at: Utc::now(),
            })?;
        }
        Ok(h)
    }

    #[test]
    fn decisions_land_on_the_same_content_here_once() -> TestResult {
        let source = reviewed()?;
        // The same file archived here by a batch of its own: found by path and content.
        let mut target = archive(true)?;
        let merged = target.catalog.merge_catalog(&source.path(), "ws-1")?;
        assert_eq!((merged.reviews, merged.reviews_unplaced), (3, 0));
        let status = target.catalog.collection_status("cu-tru")?;
        assert_eq!((status.done, status.needs_review), (1, 0));
        let name =
            "SELECT count(*) FROM page_field WHERE kind = 'name' AND value = 'nguyen van an'";
        assert_eq!(target.count(name)?, 1, "search finds the correction");
        let audit = target.catalog.audit()?;
        assert!(audit.chain.is_empty() && audit.rows.is_empty(), "{audit:?}");
        assert!(target.catalog.audit_derived(true)?.is_empty());

        let again = target.catalog.merge_catalog(&source.path(), "ws-1")?;
        assert_eq!((again.reviews, again.reviews_known), (0, 3));
        assert_eq!(target.count("SELECT count(*) FROM review")?, 3);
        Ok(())
    }

    #[test]
    fn a_decision_on_a_value_not_read_here_is_left_out() -> TestResult {
        let source = reviewed()?;
        // Here the page was read as no form: only the clear has a place.
        let mut target = archive(false)?;
        let merged = target.catalog.merge_catalog(&source.path(), "ws-1")?;
        assert_eq!((merged.reviews, merged.reviews_unplaced), (1, 2));
        assert_eq!(target.catalog.collection_status("cu-tru")?.done, 1);
        assert!(target.catalog.audit()?.chain.is_empty());
        Ok(())
    }

    #[test]
    fn a_corrected_text_comes_over_and_is_what_search_indexes() -> TestResult {
        let mut source = archive(true)?;
        let page: i64 = source.count("SELECT id FROM page")?;
        let text = "TỜ KHAI THAY ĐỔI".to_string();
        source.catalog.record_review(&NewReview {
            page,
            action: ReviewAction::Text { text: text.clone() },
            reviewer: "Hoa",
            at: Utc::now(),
        })?;
        let mut target = archive(true)?;
        let merged = target.catalog.merge_catalog(&source.path(), "ws-1")?;
        assert_eq!((merged.reviews, merged.reviews_unplaced), (1, 0));
        let here: i64 = target.count("SELECT max(id) FROM page")?;
        let now = super::super::review_text::current_text(&target.catalog.conn, here)?;
        assert_eq!(now.as_deref(), Some(text.as_str()));
        // The index is checked against each page's current text.
        assert!(target.catalog.audit_derived(true)?.is_empty());
        assert!(target.catalog.audit()?.chain.is_empty());
        Ok(())
    }
}
