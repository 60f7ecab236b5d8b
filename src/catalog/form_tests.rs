use chrono::Utc;

use super::super::testkit::{page, scanned, Harness, TestResult};
use super::super::{BatchCounts, BatchEnd, BatchStatus, Catalog, ChainIssueKind, FormFilter};
use crate::model::{FieldValue, FormRecord, PageRecord};

/// Migration 13 undone, shared with the integration tests that build older catalogs.
const UNDO_REVIEW: &str = include_str!("../../tests/common/undo_review.sql");

fn value(name: &str, value: &str, confidence: f32, doubt: Option<&str>) -> FieldValue {
    FieldValue {
        name: name.into(),
        value: value.into(),
        confidence,
        doubt: doubt.map(str::to_string),
        left: 10,
        top: 20,
        width: 300,
        height: 40,
    }
}

pub(super) fn household() -> FormRecord {
    FormRecord {
        form: "ct01".into(),
        fields: vec![
            value("name", "Nguyễn Văn An", 96.5, None),
            value("dob", "05/03/1987", 61.0, Some("bad-date")),
            value("id_number", "001087012345", 98.0, None),
            value("head_of_household", "Trần Thị Bích", 90.0, None),
        ],
        members: vec![
            vec![
                value("name", "Nguyễn Thị Cúc", 93.0, None),
                value("dob", "01/12/2010", 92.0, None),
                value("relation", "Con", 95.0, None),
            ],
            vec![value("name", "Nguyễn Văn Dũng", 88.0, None)],
        ],
    }
}

fn form_page(index: u32, form: Option<FormRecord>) -> PageRecord {
    let mut p = page(index, "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", &[]);
    p.form = form;
    p
}

/// A catalog of dossier HS-1 (a form page and a plain one) and HS-2 (a form page).
fn recorded() -> Result<Harness, Box<dyn std::error::Error>> {
    let mut h = Harness::new()?;
    h.dossiers(&[("HS-1", 1), ("HS-2", 1)])?;
    let pages = vec![form_page(0, Some(household())), form_page(1, None)];
    h.record(&[scanned("HS-1", "HS-1/to-khai.tif", b"one", pages)])?;
    let mut other = household();
    other.form = "ct07".into();
    other.members.clear();
    let pages = vec![form_page(0, Some(other))];
    h.record(&[scanned("HS-2", "HS-2/ct07.jpg", b"two", pages)])?;
    Ok(h)
}

fn finish(h: &mut Harness) -> TestResult {
    let end = BatchEnd {
        finished_at: Utc::now(),
        status: BatchStatus::Finished,
        counts: BatchCounts::default(),
    };
    h.catalog.finish_batch(h.batch, &end)?;
    Ok(())
}

fn forms(
    catalog: &Catalog,
    filter: FormFilter<'_>,
) -> Result<Vec<String>, super::super::CatalogError> {
    let mut out = Vec::new();
    catalog.for_each_form_page(filter, |p| {
        out.push(format!(
            "{} {}#{} {}",
            p.dossier, p.rel_path, p.page_index, p.form.form
        ));
    })?;
    Ok(out)
}

#[test]
fn a_form_round_trips_and_its_people_become_search_fields() -> TestResult {
    let h = recorded()?;
    let view = h.catalog.dossier_view(None, "HS-1")?;
    assert_eq!(view.pages[0].form, Some(household()));
    assert_eq!(view.pages[1].form, None);
    assert_eq!(
        forms(&h.catalog, FormFilter::default())?,
        ["HS-1 HS-1/to-khai.tif#0 ct01", "HS-2 HS-2/ct07.jpg#0 ct07"]
    );
    let only = FormFilter {
        collection: Some("cu-tru"),
        dossier: Some("HS-2"),
    };
    assert_eq!(forms(&h.catalog, only)?, ["HS-2 HS-2/ct07.jpg#0 ct07"]);
    let absent = FormFilter {
        collection: Some("ket-qua"),
        dossier: None,
    };
    assert!(forms(&h.catalog, absent)?.is_empty());
    let names = h.count(
        "SELECT count(*) FROM page_field WHERE kind = 'name' AND value IN
             ('nguyen van an', 'tran thi bich', 'nguyen thi cuc', 'nguyen van dung')",
    )?;
    assert_eq!(names, 4 + 2, "both pages' people");
    let born = h.count("SELECT count(*) FROM page_field WHERE value = '2010-12-01'")?;
    assert_eq!(born, 1);
    assert!(h.catalog.audit_derived(true)?.is_empty());
    Ok(())
}

#[test]
fn a_form_value_edited_after_the_batch_is_named() -> TestResult {
    let mut h = recorded()?;
    finish(&mut h)?;
    let audit = h.catalog.audit()?;
    assert!(audit.chain.is_empty() && audit.rows.is_empty(), "{audit:?}");
    h.catalog.conn.execute(
        "UPDATE page_form_field SET value = '079123456789' WHERE name = 'id_number'
             AND page_id = (SELECT min(page_id) FROM page_form)",
        [],
    )?;
    let issues = h.catalog.audit()?.chain;
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].kind, ChainIssueKind::RecordChanged);
    let file = issues[0].file.as_ref().map(|f| f.rel_path.as_str());
    assert_eq!((file, issues[0].page), (Some("HS-1/to-khai.tif"), Some(0)));
    h.catalog
        .conn
        .execute("UPDATE page_form SET form = 'household'", [])?;
    assert_eq!(h.catalog.audit()?.chain.len(), 1 + 2, "both forms too");
    Ok(())
}

#[test]
fn a_merge_brings_forms_over_as_they_were() -> TestResult {
    let mut h = recorded()?;
    finish(&mut h)?;
    let dir = tempfile::TempDir::new()?;
    let mut target = Catalog::create_or_open(&dir.path().join("catalog.sqlite"))?;
    target.merge_catalog(&h.path(), "workstation 2")?;
    for code in ["HS-1", "HS-2"] {
        let merged = target.dossier_view(None, code)?;
        let there = h.catalog.dossier_view(None, code)?;
        let forms = |v: &super::super::DossierView| -> Vec<Option<FormRecord>> {
            v.pages.iter().map(|p| p.form.clone()).collect()
        };
        assert_eq!(forms(&merged), forms(&there), "{code}");
    }
    let fields = |c: &rusqlite::Connection| -> rusqlite::Result<Vec<(String, String, String)>> {
        c.prepare("SELECT kind, value, raw FROM page_field ORDER BY 1, 2, 3")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect()
    };
    assert_eq!(fields(&target.conn)?, fields(&h.catalog.conn)?);
    let audit = target.audit()?;
    assert!(audit.chain.is_empty() && audit.rows.is_empty(), "{audit:?}");
    assert!(target.audit_derived(true)?.is_empty());
    Ok(())
}

#[test]
fn a_catalog_from_before_forms_is_migrated_with_its_chain_intact() -> TestResult {
    let mut h = Harness::new()?;
    h.dossiers(&[("HS-1", 1)])?;
    h.record(&[scanned(
        "HS-1",
        "HS-1/a.jpg",
        b"a",
        vec![page(0, "Họ và tên: Lê Văn Tám", &[])],
    )])?;
    finish(&mut h)?;
    let path = h.path();
    // Schema 11: no review (migration 13) nor form tables, the links without reviews, and
    // leaf kinds without the form's.
    h.catalog.conn.execute_batch(UNDO_REVIEW)?;
    h.catalog.conn.execute_batch(
        "DROP TABLE page_form_field; DROP TABLE page_form;
         DROP TRIGGER chain_leaf_append_only_update;
         DROP TRIGGER chain_leaf_append_only_delete;
         DROP INDEX chain_leaf_row;
         ALTER TABLE chain_leaf RENAME TO chain_leaf_v12;
         CREATE TABLE chain_leaf (
             batch_id INTEGER NOT NULL REFERENCES batch(id),
             kind TEXT NOT NULL CHECK (kind IN ('file', 'page', 'boxed', 'duplicate', 'skip',
                 'repair', 'collection', 'dossier', 'merge')),
             row_id INTEGER NOT NULL,
             digest BLOB NOT NULL CHECK (length(digest) = 32),
             PRIMARY KEY (batch_id, kind, row_id)
         ) STRICT, WITHOUT ROWID;
         INSERT INTO chain_leaf SELECT * FROM chain_leaf_v12;
         DROP TABLE chain_leaf_v12;
         CREATE INDEX chain_leaf_row ON chain_leaf(kind, row_id, batch_id);
         CREATE TRIGGER chain_leaf_append_only_update BEFORE UPDATE ON chain_leaf
         BEGIN SELECT RAISE(ABORT, 'chain_leaf is append-only'); END;
         CREATE TRIGGER chain_leaf_append_only_delete BEFORE DELETE ON chain_leaf
         BEGIN SELECT RAISE(ABORT, 'chain_leaf is append-only'); END;
         PRAGMA user_version = 11;",
    )?;
    drop(h.catalog);
    let catalog = Catalog::open_existing(&path)?;
    let version: i64 = catalog
        .conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))?;
    assert_eq!(version, super::super::schema::known_version());
    let audit = catalog.audit()?;
    assert!(audit.chain.is_empty() && audit.rows.is_empty(), "{audit:?}");
    assert!(forms(&catalog, FormFilter::default())?.is_empty());
    Ok(())
}
