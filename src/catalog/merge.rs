//! Merging another archive's catalog into this one (`sohoa merge`), by natural keys: a batch
//! by its uuid, a collection by its code, a dossier by collection and code, a file by
//! collection, path and content, a page by file and index, an object by its SHA-256.
//!
//! The source is attached read-only (`mode=ro`) and copied in one transaction: all of it or
//! nothing. Every source batch this catalog lacks becomes a batch here with its operator,
//! centre, host, times and counts, and gets a chain link of its own over the rows it brought
//! (its rowids are this catalog's, so its source link cannot be reused), which also covers a
//! `merge_source` row naming the source, the batch's link hash there and the source's chain
//! head. A batch already here is skipped, so merging the same source again changes nothing.
//! A file whose path's current version here has the same content (or the same failure) is
//! not recorded twice; one with other bytes becomes the next version of its path, never an
//! overwrite. The objects must already be in this archive's store (the caller copies and
//! re-hashes them first). Review decisions come last, by their own natural key
//! (`merge_reviews.rs`).

use std::path::Path;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use serde::Serialize;

use super::error::During;
use super::{chain, schema, search_index, Catalog, CatalogError, ReadMode};
use crate::content::ContentId;

/// Migration 11: the record of where a merged batch came from, and the chain leaf kind that
/// covers it (the table is rebuilt, as in migration 10: a CHECK cannot be altered). Number 9
/// stays empty: catalogs already at version 10 passed it and would never run it.
pub(super) const MIGRATION: &str = r#"
CREATE TABLE merge_source (
    batch_id INTEGER PRIMARY KEY REFERENCES batch(id),
    source TEXT NOT NULL,
    source_link TEXT NOT NULL,
    source_head TEXT NOT NULL,
    merged_at TEXT NOT NULL
) STRICT;
DROP TRIGGER chain_leaf_append_only_update;
DROP TRIGGER chain_leaf_append_only_delete;
DROP INDEX chain_leaf_row;
ALTER TABLE chain_leaf RENAME TO chain_leaf_v2;
CREATE TABLE chain_leaf (
    batch_id INTEGER NOT NULL REFERENCES batch(id),
    kind TEXT NOT NULL CHECK (kind IN ('file', 'page', 'boxed', 'duplicate', 'skip',
        'repair', 'collection', 'dossier', 'merge')),
    row_id INTEGER NOT NULL,
    digest BLOB NOT NULL CHECK (length(digest) = 32),
    PRIMARY KEY (batch_id, kind, row_id)
) STRICT, WITHOUT ROWID;
INSERT INTO chain_leaf SELECT * FROM chain_leaf_v2;
DROP TABLE chain_leaf_v2;
CREATE INDEX chain_leaf_row ON chain_leaf(kind, row_id, batch_id);
CREATE TRIGGER chain_leaf_append_only_update BEFORE UPDATE ON chain_leaf
BEGIN SELECT RAISE(ABORT, 'chain_leaf is append-only'); END;
CREATE TRIGGER chain_leaf_append_only_delete BEFORE DELETE ON chain_leaf
BEGIN SELECT RAISE(ABORT, 'chain_leaf is append-only'); END;
"#;

/// What a merge brought from one source.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MergedCounts {
    /// Batches new to this catalog.
    pub batches: u64,
    /// Batches already here (merged before), skipped.
    pub batches_known: u64,
    /// File versions recorded.
    pub files: u64,
    /// Files of new batches whose path already had that content here.
    pub files_same: u64,
    pub pages: u64,
    /// Review decisions new to this catalog (`merge_reviews.rs`).
    pub reviews: u64,
    /// Review decisions already here, skipped.
    pub reviews_known: u64,
    /// Review decisions whose page or form value is not here, left out.
    pub reviews_unplaced: u64,
}

/// A source catalog opened read-only, to list what its archive must provide.
pub struct SourceCatalog {
    conn: Connection,
}

impl SourceCatalog {
    /// Open `path` read-only; it must be a catalog of this sohoa's schema version.
    ///
    /// # Errors
    /// Missing, not a catalog, or of another schema version.
    pub fn open(path: &Path) -> Result<SourceCatalog, CatalogError> {
        if !path.is_file() {
            return Err(CatalogError::NotFound {
                path: path.to_path_buf(),
            });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn =
            Connection::open_with_flags(path, flags).map_err(|source| CatalogError::Open {
                path: path.to_path_buf(),
                source,
            })?;
        let found = schema::version_of(&conn, path)?;
        if found != schema::known_version() {
            return Err(CatalogError::MergeVersion {
                path: path.to_path_buf(),
                found,
                known: schema::known_version(),
            });
        }
        Ok(SourceCatalog { conn })
    }

    /// Every object the source's files name, with its size, of the batches `target` lacks.
    ///
    /// # Errors
    /// A query fails.
    pub fn objects_missing_from(
        &self,
        target: &Catalog,
    ) -> Result<Vec<(ContentId, u64)>, CatalogError> {
        let known = target.batch_uuids()?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT DISTINCT o.sha256, o.size, b.uuid FROM file f
                 JOIN object o ON o.sha256 = f.sha256 JOIN batch b ON b.id = f.batch_id
                 ORDER BY o.sha256",
            )
            .during("list a source's objects")?;
        let rows: Vec<(String, i64, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .and_then(Iterator::collect)
            .during("list a source's objects")?;
        let mut objects: Vec<(ContentId, u64)> = rows
            .into_iter()
            .filter(|(_, _, uuid)| !known.contains(uuid))
            .filter_map(|(hex, size, _)| Some((hex.parse().ok()?, size.max(0) as u64)))
            .collect();
        objects.dedup();
        Ok(objects)
    }
}

impl Catalog {
    /// The uuids of every batch here.
    fn batch_uuids(&self) -> Result<std::collections::HashSet<String>, CatalogError> {
        let mut stmt = self
            .conn
            .prepare("SELECT uuid FROM batch")
            .during("list batches")?;
        let uuids = stmt
            .query_map([], |r| r.get(0))
            .and_then(Iterator::collect)
            .during("list batches")?;
        Ok(uuids)
    }

    /// Bring every batch of the catalog at `source` that this one lacks, in one transaction;
    /// `label` names the source in the record of the merge. The objects of those batches
    /// must be in this archive's store already.
    ///
    /// # Errors
    /// The source cannot be attached or read, or a row cannot be written; then nothing of
    /// this source is recorded.
    pub fn merge_catalog(
        &mut self,
        source: &Path,
        label: &str,
    ) -> Result<MergedCounts, CatalogError> {
        SourceCatalog::open(source)?;
        self.conn
            .execute(
                "ATTACH DATABASE ?1 AS src",
                [super::open::uri(source, ReadMode::Shared)],
            )
            .map_err(|e| CatalogError::Open {
                path: source.to_path_buf(),
                source: e,
            })?;
        let merged = self.merge_attached(label);
        let detached = self.conn.execute("DETACH DATABASE src", []);
        let merged = merged?;
        detached.during("detach a merged catalog")?;
        Ok(merged)
    }

    fn merge_attached(&mut self, label: &str) -> Result<MergedCounts, CatalogError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .during("begin a merge")?;
        tx.execute(
            "INSERT INTO main.collection (code, name, target)
             SELECT code, name, target FROM src.collection
             WHERE code NOT IN (SELECT code FROM main.collection) ORDER BY id",
            [],
        )
        .during("merge collections")?;
        tx.execute_batch(super::merge_rows::FILE_MAP)
            .during("map merged files")?;
        tx.execute_batch(search_index::DEFERRED)
            .during("hold a merge's index rows")?;
        let head: String = src_head(&tx)?;
        let batches: Vec<(i64, String)> = tx
            .prepare("SELECT id, uuid FROM src.batch ORDER BY id")
            .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
            .during("list a source's batches")?;
        let mut counts = MergedCounts::default();
        let merged_at = super::time_text(&chrono::Utc::now());
        for (src_batch, uuid) in batches {
            let known = tx
                .query_row("SELECT 1 FROM main.batch WHERE uuid = ?1", [&uuid], |_| {
                    Ok(())
                })
                .optional()
                .during("look up a batch")?;
            if known.is_some() {
                counts.batches_known += 1;
                continue;
            }
            let batch = super::merge_rows::merge_batch(&tx, src_batch, &mut counts)?;
            let link: String = tx
                .query_row(
                    "SELECT link_hash FROM src.chain_link WHERE batch_id = ?1",
                    [src_batch],
                    |r| r.get(0),
                )
                .optional()
                .during("read a source link")?
                .unwrap_or_default();
            tx.execute(
                "INSERT INTO merge_source (batch_id, source, source_link, source_head, merged_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![batch, label, link, head, merged_at],
            )
            .during("record a merge")?;
            chain::link_batch(&tx, batch)?;
            counts.batches += 1;
        }
        super::merge_reviews::merge_reviews(&tx, &mut counts)?;
        search_index::flush_deferred(&tx).during("index merged pages")?;
        tx.commit().during("commit a merge")?;
        Ok(counts)
    }
}

/// The source's chain head, as `chain::head` reads it.
fn src_head(conn: &Connection) -> Result<String, CatalogError> {
    let last: Option<String> = conn
        .query_row(
            "SELECT link_hash FROM src.chain_link ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()
        .during("read a source's chain head")?;
    Ok(last.unwrap_or_else(|| crate::merkle::GENESIS.to_hex()))
}

/// Index a merged page as `page.rs` indexes a new one, its full text written for the whole
/// source at once before the commit (see `search_index::DEFERRED`).
pub(super) fn index_merged_page(
    conn: &Connection,
    page_id: i64,
    text: &str,
) -> rusqlite::Result<()> {
    search_index::index_page_deferred(conn, page_id, text)
}
