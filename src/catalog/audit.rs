//! What `sohoa verify` reads from the catalog, in one read transaction so that it sees one
//! committed state even while a run writes: every object with the files that use it, file
//! rows whose object row is missing, SQLite's own integrity check, and the tamper-evident
//! chain recomputed from the rows it covers (`chain_audit.rs`, over what `chain.rs` wrote).

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::Serialize;

use super::chain_audit::audit_chain;
use super::error::During;
use super::{Catalog, CatalogError};
use crate::content::ContentId;

/// Where an object or a row is used: a file of a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileUse {
    pub collection: String,
    pub dossier: String,
    pub rel_path: String,
    pub version: u32,
    pub pages: u32,
}

/// An object the catalog knows, and the files that are this content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogObject {
    pub id: ContentId,
    pub size: u64,
    pub uses: Vec<FileUse>,
}

/// What is wrong with the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChainIssueKind {
    /// A link was deleted or the chain re-ordered: a gap or a wrong previous hash.
    LinkMissing,
    /// A link, or the batch or fixity row it covers, was changed.
    LinkAltered,
    /// An ended batch has no link.
    BatchUnlinked,
    /// A file or page row was changed after its batch was linked.
    RecordChanged,
    /// A row claims a linked batch but was not there when it was linked.
    RecordAdded,
    /// A row its batch's link covers is gone.
    RecordRemoved,
    /// A review row was changed after its link was appended.
    ReviewAltered,
}

impl ChainIssueKind {
    /// Stable kebab-case name, as in the JSON output.
    pub fn code(self) -> &'static str {
        match self {
            ChainIssueKind::LinkMissing => "link-missing",
            ChainIssueKind::LinkAltered => "link-altered",
            ChainIssueKind::BatchUnlinked => "batch-unlinked",
            ChainIssueKind::RecordChanged => "record-changed",
            ChainIssueKind::RecordAdded => "record-added",
            ChainIssueKind::RecordRemoved => "record-removed",
            ChainIssueKind::ReviewAltered => "review-altered",
        }
    }
}

/// One finding about the chain, naming what it can.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainIssue {
    pub kind: ChainIssueKind,
    /// The link concerned.
    pub seq: Option<i64>,
    /// The batch concerned (uuid).
    pub batch: Option<String>,
    pub file: Option<FileUse>,
    /// Page index, from 0, for a page row.
    pub page: Option<u32>,
}

/// A catalog row that is not what the rows it derives from, or its chained snapshot, say:
/// `table` and a name of the row, and what is wrong (`missing`, `unexpected`, `changed`,
/// `unchained`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowIssue {
    pub table: String,
    pub row: String,
    pub problem: &'static str,
}

impl RowIssue {
    pub(super) fn new(table: &str, row: impl Into<String>, problem: &'static str) -> RowIssue {
        RowIssue {
            table: table.to_string(),
            row: row.into(),
            problem,
        }
    }
}

/// The catalog's side of a verification.
#[derive(Debug, Clone, Default)]
pub struct Audit {
    /// Sorted by id.
    pub objects: Vec<CatalogObject>,
    /// File rows naming a checksum with no object row, and that checksum.
    pub without_object: Vec<(FileUse, String)>,
    pub chain: Vec<ChainIssue>,
    /// Stored leaves that differ from the rows they cover, and collections or dossiers that
    /// differ from their latest snapshot.
    pub rows: Vec<RowIssue>,
    /// Hash of the last link.
    pub head: String,
    pub links: u64,
    /// Every link's hash, in chain order.
    pub hashes: Vec<String>,
}

impl Catalog {
    /// SQLite's `integrity_check`: empty when the file is sound, else its messages.
    ///
    /// # Errors
    /// The catalog cannot be read at all.
    pub fn integrity_check(&self) -> Result<Vec<String>, CatalogError> {
        let mut stmt = self
            .conn
            .prepare("PRAGMA integrity_check")
            .during("check the catalog's integrity")?;
        let rows: Vec<String> = stmt
            .query_map([], |row| row.get(0))
            .and_then(Iterator::collect)
            .during("check the catalog's integrity")?;
        Ok(rows.into_iter().filter(|r| r != "ok").collect())
    }

    /// Read everything verify compares, as of one committed state.
    ///
    /// # Errors
    /// The catalog cannot be read or holds a malformed checksum.
    pub fn audit(&self) -> Result<Audit, CatalogError> {
        let tx = self.conn.unchecked_transaction().during("begin an audit")?;
        let (objects, without_object) = objects(&tx)?;
        let mut rows = Vec::new();
        let (chain, head, hashes) = audit_chain(&tx, &mut rows)?;
        rows.extend(super::chain_cover::snapshot_issues(&tx)?);
        tx.finish().during("end an audit")?;
        Ok(Audit {
            objects,
            without_object,
            chain,
            rows,
            head,
            links: hashes.len() as u64,
            hashes,
        })
    }
}

const USES_SQL: &str = "
SELECT f.sha256, col.code, d.code, f.rel_path, f.version, f.page_count
FROM file f JOIN collection col ON col.id = f.collection_id
JOIN dossier d ON d.id = f.dossier_id WHERE f.sha256 IS NOT NULL";

type Objects = (Vec<CatalogObject>, Vec<(FileUse, String)>);

fn objects(conn: &Connection) -> Result<Objects, CatalogError> {
    let mut by_hex: BTreeMap<String, CatalogObject> = BTreeMap::new();
    let mut stmt = conn
        .prepare("SELECT sha256, size FROM object")
        .during("read objects")?;
    let rows = stmt
        .query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, u64>(1)?))
        })
        .during("read objects")?;
    for row in rows {
        let (hex, size) = row.during("read objects")?;
        let id = hex.parse::<ContentId>().map_err(|_| CatalogError::Sql {
            op: "read objects: malformed checksum",
            source: rusqlite::Error::InvalidQuery,
        })?;
        let uses = Vec::new();
        by_hex.insert(hex, CatalogObject { id, size, uses });
    }
    let mut without = Vec::new();
    let mut stmt = conn.prepare(USES_SQL).during("read object uses")?;
    let rows = stmt
        .query_map([], |row| Ok((row.get::<_, String>(0)?, file_use(row, 1)?)))
        .during("read object uses")?;
    for row in rows {
        let (hex, used) = row.during("read object uses")?;
        match by_hex.get_mut(&hex) {
            Some(object) => object.uses.push(used),
            None => without.push((used, hex)),
        }
    }
    Ok((by_hex.into_values().collect(), without))
}

/// A [`FileUse`] from five columns starting at `at`.
pub(super) fn file_use(row: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<FileUse> {
    Ok(FileUse {
        collection: row.get(at)?,
        dossier: row.get(at + 1)?,
        rel_path: row.get(at + 2)?,
        version: row.get(at + 3)?,
        pages: row.get(at + 4)?,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{page, scanned, Harness, TestResult};
    use super::*;
    use crate::merkle::GENESIS;

    fn kinds(h: &Harness) -> Result<Vec<ChainIssueKind>, CatalogError> {
        Ok(h.catalog.audit()?.chain.iter().map(|i| i.kind).collect())
    }

    #[test]
    fn an_abandoned_batch_is_linked_when_closed_and_later_edits_are_named() -> TestResult {
        let mut h = Harness::new()?;
        h.dossiers(&[("HS-1", 1)])?;
        h.record(&[scanned(
            "HS-1",
            "HS-1/p1.jpg",
            b"one",
            vec![page(0, "Nguyễn Văn A", &[])],
        )])?;
        assert!(kinds(&h)?.is_empty(), "a running batch needs no link yet");
        assert_eq!(h.catalog.close_abandoned_batches()?, 1);
        let audit = h.catalog.audit()?;
        assert_eq!((audit.links, audit.chain.len()), (1, 0));
        assert_ne!(audit.head, GENESIS.to_hex());
        h.catalog
            .conn
            .execute("UPDATE page SET text = 'Nguyễn Văn B'", [])?;
        let issues = h.catalog.audit()?.chain;
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert_eq!(issues[0].kind, ChainIssueKind::RecordChanged);
        assert_eq!(issues[0].page, Some(0));
        assert_eq!(
            issues[0].file.as_ref().map(|f| f.dossier.as_str()),
            Some("HS-1")
        );
        Ok(())
    }

    #[test]
    fn links_refuse_ordinary_updates_and_deletes() -> TestResult {
        let mut h = Harness::new()?;
        h.catalog.close_abandoned_batches()?;
        assert!(h
            .catalog
            .conn
            .execute("DELETE FROM chain_link", [])
            .is_err());
        assert!(h
            .catalog
            .conn
            .execute("UPDATE chain_link SET prev_hash = link_hash", [])
            .is_err());
        assert_eq!(h.catalog.audit()?.links, 1);
        Ok(())
    }
}
