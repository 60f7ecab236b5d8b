use chrono::Utc;

use super::super::testkit::{page, scanned, Harness, TestResult};
use super::super::{BatchCounts, BatchEnd, BatchStatus, CatalogError, ChainIssueKind, QueueFilter};
use super::{NewReview, ReviewAction};
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

/// HS-1: one flagged form page and one clean page, the batch ended and linked.
fn recorded() -> Result<Harness, Box<dyn std::error::Error>> {
    let mut h = Harness::new()?;
    h.dossiers(&[("HS-1", 1)])?;
    let mut flagged = page(0, "TỜ KHAI", &[PageFlag::LowConfidence]);
    flagged.form = Some(FormRecord {
        form: "ct01".into(),
        fields: vec![
            value("name", "Nguyen Van Am"),
            value("id_number", "001087012346"),
        ],
        members: Vec::new(),
    });
    let pages = vec![flagged, page(1, "trang hai", &[])];
    h.record(&[scanned("HS-1", "HS-1/to-khai.tif", b"one", pages)])?;
    let end = BatchEnd {
        finished_at: Utc::now(),
        status: BatchStatus::Finished,
        counts: BatchCounts::default(),
    };
    h.catalog.finish_batch(h.batch, &end)?;
    Ok(h)
}

fn decide(h: &mut Harness, page: i64, action: ReviewAction) -> Result<i64, CatalogError> {
    h.catalog.record_review(&NewReview {
        page,
        action,
        reviewer: "Hoa",
        at: Utc::now(),
    })
}

fn ids(h: &Harness) -> rusqlite::Result<(i64, i64, i64)> {
    h.catalog.conn.query_row(
        "SELECT p.id, (SELECT id FROM page_form_field WHERE name = 'name'),
             (SELECT id FROM page_form_field WHERE name = 'id_number')
         FROM page p WHERE p.page_index = 0",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
}

#[test]
fn a_correction_is_appended_chained_searched_and_clears_the_dossier() -> TestResult {
    let mut h = recorded()?;
    let (page, name, id) = ids(&h)?;
    let queue = h.catalog.review_queue(&QueueFilter::default())?;
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].pages.len(), 1, "only the flagged page waits");
    assert_eq!(h.catalog.collection_status("cu-tru")?.needs_review, 1);

    let value = "Nguyễn Văn An".to_string();
    decide(&mut h, page, ReviewAction::Correct { field: name, value })?;
    decide(&mut h, page, ReviewAction::Accept { field: id })?;
    decide(&mut h, page, ReviewAction::Clear)?;

    let shown = h.catalog.review_page(page)?.expect("page");
    assert_eq!(shown.fields[0].value, "Nguyễn Văn An");
    assert_eq!(shown.fields[0].read, "Nguyen Van Am");
    assert_eq!(shown.fields[1].decision.as_deref(), Some("accept"));
    assert!(shown.cleared);
    let read: String = h.catalog.conn.query_row(
        "SELECT value FROM page_form_field WHERE id = ?1",
        [name],
        |r| r.get(0),
    )?;
    assert_eq!(
        read, "Nguyen Van Am",
        "the reading itself is never rewritten"
    );
    assert_eq!(
        h.count("SELECT count(*) FROM page_field WHERE kind = 'name' AND value = 'nguyen van an'")?,
        1
    );
    assert!(h.catalog.review_queue(&QueueFilter::default())?.is_empty());
    let status = h.catalog.collection_status("cu-tru")?;
    assert_eq!((status.done, status.needs_review), (1, 0));
    let history = h.catalog.review_history("cu-tru", "HS-1")?;
    assert_eq!(history.len(), 3);
    assert_eq!(history[0].before.as_deref(), Some("Nguyen Van Am"));
    let audit = h.catalog.audit()?;
    assert!(audit.chain.is_empty() && audit.rows.is_empty(), "{audit:?}");
    assert!(h.catalog.audit_derived(true)?.is_empty());
    assert_eq!(audit.links, 4, "the batch and three decisions");
    Ok(())
}

#[test]
fn a_correction_edited_behind_the_catalog_is_named() -> TestResult {
    let mut h = recorded()?;
    let (page, name, _) = ids(&h)?;
    let value = "Nguyễn Văn An".to_string();
    decide(&mut h, page, ReviewAction::Correct { field: name, value })?;
    let update = "UPDATE review SET value = 'Someone Else'";
    assert!(h.catalog.conn.execute(update, []).is_err(), "append-only");
    h.catalog
        .conn
        .execute_batch("DROP TRIGGER review_append_only_update;")?;
    h.catalog.conn.execute(update, [])?;
    let issues = h.catalog.audit()?.chain;
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].kind, ChainIssueKind::ReviewAltered);
    assert_eq!(issues[0].page, Some(0));
    Ok(())
}

#[test]
fn decisions_that_do_not_fit_the_page_are_refused() -> TestResult {
    let mut h = recorded()?;
    let (page, name, _) = ids(&h)?;
    let clean: i64 =
        h.catalog
            .conn
            .query_row("SELECT id FROM page WHERE page_index = 1", [], |r| r.get(0))?;
    for (page, action) in [
        (clean, ReviewAction::Clear),
        (clean, ReviewAction::Accept { field: name }),
        (page + 100, ReviewAction::Clear),
    ] {
        let refused = decide(&mut h, page, action);
        assert!(
            matches!(refused, Err(CatalogError::NotReviewable { .. })),
            "{refused:?}"
        );
    }
    assert_eq!(h.count("SELECT count(*) FROM review")?, 0);
    Ok(())
}
