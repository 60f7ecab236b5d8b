//! Test harness: a catalog in a temporary folder with one collection and one running batch,
//! and builders for the records the pipeline hands in, so that each test reads as a
//! specification.

use std::error::Error;
use std::path::PathBuf;

use chrono::{TimeZone, Utc};
use tempfile::TempDir;

use super::{BatchId, Catalog, CatalogError, CollectionInfo, DossierPlan, NewBatch};
use crate::content::ContentId;
use crate::model::{FileFailure, FileKey, FileOutcome, FileRecord, Geometry, PageFlag, PageRecord};

pub(super) type TestResult = Result<(), Box<dyn Error>>;

pub(super) const COLLECTION: &str = "cu-tru";

pub(super) struct Harness {
    pub dir: TempDir,
    pub catalog: Catalog,
    pub batch: BatchId,
}

impl Harness {
    /// A fresh catalog with collection `cu-tru` and a running batch `batch-1`.
    pub fn new() -> Result<Harness, Box<dyn Error>> {
        let dir = TempDir::new()?;
        let mut catalog = Catalog::create_or_open(&dir.path().join("catalog.sqlite"))?;
        catalog.upsert_collection(&collection(COLLECTION))?;
        let batch = catalog.begin_batch(&new_batch("batch-1", &[COLLECTION]))?;
        Ok(Harness {
            dir,
            catalog,
            batch,
        })
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join("catalog.sqlite")
    }

    /// Register dossiers of `cu-tru` with their expected file counts.
    pub fn dossiers(&mut self, plans: &[(&str, u32)]) -> Result<(), CatalogError> {
        let plans: Vec<DossierPlan> = plans
            .iter()
            .map(|&(code, expected_files)| DossierPlan {
                collection: COLLECTION.to_string(),
                code: code.to_string(),
                expected_files,
            })
            .collect();
        self.catalog.register_dossiers(self.batch, &plans)
    }

    pub fn record(&mut self, files: &[FileRecord]) -> Result<(), CatalogError> {
        self.catalog.record_files(self.batch, files).map(|_| ())
    }

    /// Dossiers of one file with one page each, `(code, text)`, registered and recorded.
    pub fn one_page_dossiers(&mut self, pages: &[(&str, &str)]) -> TestResult {
        let plans: Vec<(&str, u32)> = pages.iter().map(|(code, _)| (*code, 1)).collect();
        self.dossiers(&plans)?;
        for (code, text) in pages {
            let path = format!("{code}/1.jpg");
            let file = scanned(code, &path, path.as_bytes(), vec![page(0, text, &[])]);
            self.record(&[file])?;
        }
        Ok(())
    }

    /// A single number from a SQL query on the raw connection.
    pub fn count(&self, sql: &str) -> rusqlite::Result<i64> {
        self.catalog.conn.query_row(sql, [], |row| row.get(0))
    }
}

pub(super) fn collection(id: &str) -> CollectionInfo {
    CollectionInfo {
        id: id.to_string(),
        name: format!("Hồ sơ {id}"),
        target: Some(100),
    }
}

pub(super) fn new_batch(uuid: &str, collections: &[&str]) -> NewBatch {
    NewBatch {
        uuid: uuid.to_string(),
        operator: Some("Nguyễn Văn A".to_string()),
        centre: Some("Trung tâm 1".to_string()),
        host: "ws-01".to_string(),
        started_at: Utc
            .with_ymd_and_hms(2026, 3, 1, 8, 0, 0)
            .single()
            .unwrap_or_default(),
        version: "0.1.0".to_string(),
        collections: collections.iter().map(|c| c.to_string()).collect(),
    }
}

pub(super) fn page(index: u32, text: &str, flags: &[PageFlag]) -> PageRecord {
    PageRecord {
        index,
        width: 2480,
        height: 3508,
        dpi: Some(crate::model::Dpi { x: 300.0, y: 300.0 }),
        text: text.to_string(),
        confidence: 91.5,
        words: Vec::new(),
        engine_ms: 120,
        flags: flags.to_vec(),
        geometry: Geometry::default(),
        fields: Vec::new(),
        prep_ms: 0,
        form: None,
    }
}

fn key(dossier: &str, rel_path: &str) -> FileKey {
    FileKey {
        collection: COLLECTION.to_string(),
        dossier: dossier.to_string(),
        rel_path: rel_path.to_string(),
    }
}

/// A file of `cu-tru` that was read and OCR'd.
pub(super) fn scanned(
    dossier: &str,
    rel_path: &str,
    bytes: &[u8],
    pages: Vec<PageRecord>,
) -> FileRecord {
    FileRecord {
        key: key(dossier, rel_path),
        size: bytes.len() as u64,
        mtime_ns: 1_700_000_000_000_000_000,
        content: Some(ContentId::of_bytes(bytes)),
        outcome: FileOutcome::Pages(pages),
        source_name: None,
    }
}

/// A file of `cu-tru` that could not be read.
pub(super) fn failed(dossier: &str, rel_path: &str, kind: &str) -> FileRecord {
    FileRecord {
        key: key(dossier, rel_path),
        size: 0,
        mtime_ns: 1_700_000_000_000_000_000,
        content: None,
        outcome: FileOutcome::Failed(FileFailure {
            kind: kind.to_string(),
            message: format!("{rel_path}: {kind}"),
        }),
        source_name: None,
    }
}
