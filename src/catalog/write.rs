//! Recording files: each `FileRecord` becomes a new version of its path, with its object,
//! its pages (see `page.rs`) and their full-text entries, many files to one transaction so
//! that the writer thread commits (and fsyncs) once per slice rather than once per row.
//! `file` and `object` rows are only inserted; `current_file` is moved to the new version.
//! A file with the bytes of a file already archived under another dossier is recorded as its
//! duplicate (see `duplicate.rs`), its pages flagged.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::Utc;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::collection::collection_rowid;
use super::duplicate::{earlier_copy, record_duplicate};
use super::error::During;
use super::page::insert_page;
use super::{time_text, BatchId, Catalog, CatalogError};
use crate::model::{FileOutcome, FileRecord, PageFlag, PageRecord};

/// What the files of one slice share, resolved once per slice.
struct Ctx<'a> {
    batch: BatchId,
    recorded_at: &'a str,
    collections: HashMap<String, i64>,
    dossiers: HashMap<(i64, String), i64>,
}

/// What recording a slice found that the records themselves did not say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recorded {
    /// Files found to be duplicates of a file archived under another dossier.
    pub duplicates: u64,
    /// Pages that carried no flag until they were flagged `duplicate`.
    pub newly_flagged_pages: u64,
}

/// Where a file's rows go.
struct Target {
    collection: i64,
    dossier: i64,
}

impl Catalog {
    /// Record a slice of processed files in one transaction: all of them or, on any error,
    /// none. A file with a content id must have its original in the object store already;
    /// the file becomes version `max + 1` of its (collection, path), or version 1. A file
    /// with pages whose content an earlier file of another dossier has (earlier in this
    /// slice too) is recorded as that file's duplicate and its pages flagged `duplicate`.
    ///
    /// # Errors
    /// [`CatalogError::UnknownCollection`] or [`CatalogError::UnknownDossier`] for a file
    /// whose dossier was not registered, [`CatalogError::MissingContent`] for pages without
    /// a content id, [`CatalogError::RecordFile`] or [`CatalogError::RecordPage`] when
    /// SQLite refuses a row.
    pub fn record_files(
        &mut self,
        batch: BatchId,
        files: &[FileRecord],
    ) -> Result<Recorded, CatalogError> {
        // IMMEDIATE takes the write lock up front: a deferred transaction that later needs
        // it can fail with SQLITE_BUSY without waiting for the busy timeout.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .during("begin recording files")?;
        let recorded_at = time_text(&Utc::now());
        let mut ctx = Ctx {
            batch,
            recorded_at: &recorded_at,
            collections: HashMap::new(),
            dossiers: HashMap::new(),
        };
        let mut found = Recorded::default();
        for file in files {
            record_file(&tx, &mut ctx, file, &mut found)?;
        }
        tx.commit().during("commit recorded files")?;
        Ok(found)
    }
}

fn record_file(
    conn: &Connection,
    ctx: &mut Ctx<'_>,
    file: &FileRecord,
    found: &mut Recorded,
) -> Result<(), CatalogError> {
    let key = &file.key;
    let target = resolve(conn, ctx, file)?;
    let mut pages: Cow<'_, [PageRecord]> = match &file.outcome {
        FileOutcome::Pages(pages) => Cow::Borrowed(pages),
        FileOutcome::Failed(_) => Cow::Borrowed(&[]),
    };
    let record_err = |source| CatalogError::RecordFile {
        collection: key.collection.clone(),
        rel_path: key.rel_path.clone(),
        source,
    };
    let duplicate_of = match (&file.outcome, &file.content) {
        (FileOutcome::Pages(_), None) => {
            return Err(CatalogError::MissingContent {
                collection: key.collection.clone(),
                rel_path: key.rel_path.clone(),
            })
        }
        (FileOutcome::Pages(_), Some(content)) => {
            earlier_copy(conn, target.dossier, content).map_err(record_err)?
        }
        (FileOutcome::Failed(_), _) => None,
    };
    if duplicate_of.is_some() {
        found.duplicates += 1;
        found.newly_flagged_pages += pages.iter().filter(|p| p.flags.is_empty()).count() as u64;
        pages
            .to_mut()
            .iter_mut()
            .for_each(|p| p.flags.push(PageFlag::Duplicate));
    }
    let file_id = insert_object(conn, ctx, file)
        .and_then(|()| insert_file(conn, ctx, &target, file, &pages))
        .and_then(|file_id| make_current(conn, &target, file, file_id).map(|()| file_id))
        .and_then(|file_id| match duplicate_of {
            Some(of) => record_duplicate(conn, file_id, of).map(|()| file_id),
            None => Ok(file_id),
        })
        .map_err(record_err)?;
    for page in pages.iter() {
        insert_page(conn, ctx.batch, file_id, key, page)?;
    }
    Ok(())
}

/// The rowids of the file's collection and registered dossier.
fn resolve(
    conn: &Connection,
    ctx: &mut Ctx<'_>,
    file: &FileRecord,
) -> Result<Target, CatalogError> {
    let key = &file.key;
    let collection = match ctx.collections.get(&key.collection) {
        Some(&id) => id,
        None => {
            let id = collection_rowid(conn, &key.collection)?;
            *ctx.collections.entry(key.collection.clone()).or_insert(id)
        }
    };
    let cache_key = (collection, key.dossier.clone());
    if let Some(&dossier) = ctx.dossiers.get(&cache_key) {
        return Ok(Target {
            collection,
            dossier,
        });
    }
    let dossier: i64 = conn
        .prepare_cached("SELECT id FROM dossier WHERE collection_id = ?1 AND code = ?2")
        .and_then(|mut stmt| {
            stmt.query_row(params![collection, key.dossier], |row| row.get(0))
                .optional()
        })
        .during("look up a dossier")?
        .ok_or_else(|| CatalogError::UnknownDossier {
            collection: key.collection.clone(),
            dossier: key.dossier.clone(),
        })?;
    ctx.dossiers.insert(cache_key, dossier);
    Ok(Target {
        collection,
        dossier,
    })
}

/// Insert the file's object unless an earlier file had the same content.
fn insert_object(conn: &Connection, ctx: &Ctx<'_>, file: &FileRecord) -> rusqlite::Result<()> {
    let Some(content) = &file.content else {
        return Ok(());
    };
    conn.prepare_cached(
        "INSERT INTO object (sha256, size, first_batch_id) VALUES (?1, ?2, ?3)
         ON CONFLICT (sha256) DO NOTHING",
    )?
    .execute(params![content.to_hex(), file.size, ctx.batch.0])?;
    Ok(())
}

/// Insert the file as the next version of its path, counting its pages as flagged; returns
/// its rowid.
fn insert_file(
    conn: &Connection,
    ctx: &Ctx<'_>,
    target: &Target,
    file: &FileRecord,
    pages: &[PageRecord],
) -> rusqlite::Result<i64> {
    let failure = match &file.outcome {
        FileOutcome::Failed(f) => Some(f),
        FileOutcome::Pages(_) => None,
    };
    let flagged = pages.iter().filter(|p| !p.flags.is_empty()).count();
    conn.prepare_cached(
        "INSERT INTO file (collection_id, dossier_id, rel_path, version, size, mtime_ns,
             sha256, page_count, pages_flagged, failure_kind, failure_message, batch_id,
             recorded_at, source_name)
         VALUES (?1, ?2, ?3,
             (SELECT coalesce(max(version), 0) + 1 FROM file
              WHERE collection_id = ?1 AND rel_path = ?3),
             ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        target.collection,
        target.dossier,
        file.key.rel_path,
        file.size,
        file.mtime_ns,
        file.content.map(|c| c.to_hex()),
        pages.len(),
        flagged,
        failure.map(|f| &f.kind),
        failure.map(|f| &f.message),
        ctx.batch.0,
        ctx.recorded_at,
        file.source_name,
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Point the path's current version at the new row, forgetting the old version's stat cache.
fn make_current(
    conn: &Connection,
    target: &Target,
    file: &FileRecord,
    file_id: i64,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO current_file (collection_id, rel_path, file_id, dossier_id)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (collection_id, rel_path) DO UPDATE SET
             file_id = excluded.file_id, dossier_id = excluded.dossier_id, seen_mtime_ns = NULL",
    )?
    .execute(params![
        target.collection,
        file.key.rel_path,
        file_id,
        target.dossier
    ])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{page, scanned, Harness, TestResult, COLLECTION};
    use super::*;
    use crate::content::ContentId;
    use crate::model::FileKey;

    #[test]
    fn a_changed_file_becomes_a_new_version_and_the_old_one_stays() -> TestResult {
        let mut h = Harness::new()?;
        h.dossiers(&[("HS-1", 1)])?;
        h.record(&[scanned(
            "HS-1",
            "HS-1/p1.jpg",
            b"first",
            vec![page(0, "một", &[])],
        )])?;
        h.record(&[scanned(
            "HS-1",
            "HS-1/p1.jpg",
            b"second!",
            vec![page(0, "hai", &[])],
        )])?;

        let known = h.catalog.known_files(COLLECTION)?;
        let latest = &known["HS-1/p1.jpg"];
        assert_eq!(latest.version, 2);
        assert_eq!(latest.size, 7);
        assert_eq!(latest.content, Some(ContentId::of_bytes(b"second!")));
        assert_eq!(
            h.count("SELECT count(*) FROM file WHERE rel_path = 'HS-1/p1.jpg'")?,
            2
        );
        assert_eq!(
            h.count("SELECT size FROM file WHERE rel_path = 'HS-1/p1.jpg' AND version = 1")?,
            5
        );
        assert_eq!(h.count("SELECT count(*) FROM page")?, 2);
        Ok(())
    }

    #[test]
    fn identical_content_is_one_object() -> TestResult {
        let mut h = Harness::new()?;
        h.dossiers(&[("HS-1", 1), ("HS-2", 1)])?;
        h.record(&[
            scanned("HS-1", "HS-1/p1.jpg", b"same bytes", vec![]),
            scanned("HS-2", "HS-2/p1.jpg", b"same bytes", vec![]),
        ])?;
        h.record(&[scanned("HS-1", "HS-1/p2.jpg", b"same bytes", vec![])])?;
        assert_eq!(h.count("SELECT count(*) FROM object")?, 1);
        assert_eq!(h.count("SELECT count(*) FROM file")?, 3);
        Ok(())
    }

    #[test]
    fn a_bad_file_leaves_nothing_of_its_slice_behind() -> TestResult {
        let mut h = Harness::new()?;
        h.dossiers(&[("HS-1", 2)])?;
        let slice = [
            scanned("HS-1", "HS-1/p1.jpg", b"good", vec![page(0, "Lượng", &[])]),
            scanned("HS-9", "HS-9/p1.jpg", b"orphan", vec![]),
        ];
        match h.record(&slice) {
            Err(CatalogError::UnknownDossier {
                collection,
                dossier,
            }) => {
                assert_eq!(
                    (collection.as_str(), dossier.as_str()),
                    (COLLECTION, "HS-9")
                );
            }
            other => panic!("expected UnknownDossier, got {other:?}"),
        }
        for table in ["file", "current_file", "page", "object"] {
            let rows = h.count(&format!("SELECT count(*) FROM {table}"))?;
            assert_eq!(rows, 0, "{table} kept rows of a failed slice");
        }
        for (index, word) in [("page_fold", "luong"), ("page_exact", "lượng")] {
            let sql = format!("SELECT count(*) FROM {index} WHERE {index} MATCH '{word}'");
            assert_eq!(h.count(&sql)?, 0, "{index} kept a page of a failed slice");
        }
        // The catalog is still usable afterwards.
        h.record(&slice[..1])?;
        assert_eq!(h.count("SELECT count(*) FROM file")?, 1);
        Ok(())
    }

    #[test]
    fn pages_without_content_and_unknown_collections_are_refused() -> TestResult {
        let mut h = Harness::new()?;
        h.dossiers(&[("HS-1", 1)])?;
        let mut no_content = scanned("HS-1", "HS-1/p1.jpg", b"x", vec![page(0, "x", &[])]);
        no_content.content = None;
        assert!(matches!(
            h.record(&[no_content]),
            Err(CatalogError::MissingContent { .. })
        ));
        let mut elsewhere = scanned("HS-1", "HS-1/p1.jpg", b"x", vec![]);
        elsewhere.key = FileKey {
            collection: "ket-qua".to_string(),
            ..elsewhere.key
        };
        assert!(matches!(
            h.record(&[elsewhere]),
            Err(CatalogError::UnknownCollection { .. })
        ));
        Ok(())
    }
}
