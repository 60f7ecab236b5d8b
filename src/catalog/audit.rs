//! What `sohoa verify` reads from the catalog, in one read transaction so that it sees one
//! committed state even while a run writes: every object with the files that use it, file
//! rows whose object row is missing, SQLite's own integrity check, and the tamper-evident
//! chain recomputed from the rows it covers (see `chain.rs`).

use std::collections::{BTreeMap, HashMap};

use rusqlite::Connection;
use serde::Serialize;

use super::chain::{self, batch_leaves, batch_subject, fixity_subject, link_hash};
use super::error::During;
use super::{Catalog, CatalogError};
use crate::content::ContentId;
use crate::merkle::{merkle_root, GENESIS};

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

/// The catalog's side of a verification.
#[derive(Debug, Clone, Default)]
pub struct Audit {
    /// Sorted by id.
    pub objects: Vec<CatalogObject>,
    /// File rows naming a checksum with no object row, and that checksum.
    pub without_object: Vec<(FileUse, String)>,
    pub chain: Vec<ChainIssue>,
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
        let (chain, head, hashes) = audit_chain(&tx)?;
        tx.finish().during("end an audit")?;
        Ok(Audit {
            objects,
            without_object,
            chain,
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
fn file_use(row: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<FileUse> {
    Ok(FileUse {
        collection: row.get(at)?,
        dossier: row.get(at + 1)?,
        rel_path: row.get(at + 2)?,
        version: row.get(at + 3)?,
        pages: row.get(at + 4)?,
    })
}

struct Link {
    seq: i64,
    batch: Option<i64>,
    fixity: Option<i64>,
    root: String,
    prev: String,
    hash: String,
}

type ChainState = (Vec<ChainIssue>, String, Vec<String>);

fn audit_chain(conn: &Connection) -> Result<ChainState, CatalogError> {
    let mut stmt = conn
        .prepare(
            "SELECT seq, batch_id, fixity_id, merkle_root, prev_hash, link_hash
             FROM chain_link ORDER BY seq",
        )
        .during("read the chain")?;
    let links: Vec<Link> = stmt
        .query_map([], |row| {
            Ok(Link {
                seq: row.get(0)?,
                batch: row.get(1)?,
                fixity: row.get(2)?,
                root: row.get(3)?,
                prev: row.get(4)?,
                hash: row.get(5)?,
            })
        })
        .and_then(Iterator::collect)
        .during("read the chain")?;
    let mut issues = Vec::new();
    let (mut expected, mut prev) = (1, GENESIS.to_hex());
    for link in &links {
        let issue = |kind| ChainIssue {
            kind,
            seq: Some(link.seq),
            batch: None,
            file: None,
            page: None,
        };
        if link.seq != expected || link.prev != prev {
            issues.push(issue(ChainIssueKind::LinkMissing));
        }
        check_link(conn, link, &mut issues)?;
        expected = link.seq + 1;
        prev = link.hash.clone();
    }
    issues.extend(unlinked_batches(conn)?);
    let head = chain::head(conn)?.1;
    Ok((issues, head, links.into_iter().map(|l| l.hash).collect()))
}

/// Recompute one link: its hash from what it covers, and for a batch, the rows it covers.
fn check_link(
    conn: &Connection,
    link: &Link,
    issues: &mut Vec<ChainIssue>,
) -> Result<(), CatalogError> {
    let subject = match (link.batch, link.fixity) {
        (Some(batch), _) => batch_subject(conn, batch)?,
        (None, Some(fixity)) => fixity_subject(conn, fixity)?,
        (None, None) => None,
    };
    let uuid = match link.batch {
        Some(batch) => batch_uuid(conn, batch)?,
        None => None,
    };
    let altered = ChainIssue {
        kind: ChainIssueKind::LinkAltered,
        seq: Some(link.seq),
        batch: uuid.clone(),
        file: None,
        page: None,
    };
    let intact = subject
        .is_some_and(|s| link_hash(link.seq, &link.prev, &s, &link.root).to_hex() == link.hash);
    if !intact {
        issues.push(altered.clone());
    }
    if let Some(batch) = link.batch {
        let found = check_rows(conn, batch, link, uuid.as_deref(), issues)?;
        if !found && intact {
            issues.push(altered);
        }
    }
    Ok(())
}

/// Compare a batch's rows with the digests stored when it was linked. Returns whether all
/// is well: `false` when the rows or the stored digests no longer give the link's root.
fn check_rows(
    conn: &Connection,
    batch: i64,
    link: &Link,
    uuid: Option<&str>,
    issues: &mut Vec<ChainIssue>,
) -> Result<bool, CatalogError> {
    let leaves = batch_leaves(conn, batch)?;
    let digests: Vec<ContentId> = leaves.iter().map(|l| l.2).collect();
    if merkle_root(&digests).to_hex() == link.root {
        return Ok(true);
    }
    let mut stored = stored_leaves(conn, batch)?;
    let before = issues.len();
    for (kind, id, digest) in &leaves {
        let kind_found = match stored.remove(&(kind.to_string(), *id)) {
            None => ChainIssueKind::RecordAdded,
            Some(d) if d != *digest => ChainIssueKind::RecordChanged,
            Some(_) => continue,
        };
        issues.push(row_issue(conn, kind_found, link.seq, uuid, kind, *id)?);
    }
    for ((kind, id), _) in stored {
        issues.push(row_issue(
            conn,
            ChainIssueKind::RecordRemoved,
            link.seq,
            uuid,
            &kind,
            id,
        )?);
    }
    // Rows and stored digests agree yet miss the root: the digests were rewritten.
    Ok(issues.len() > before)
}

fn stored_leaves(
    conn: &Connection,
    batch: i64,
) -> Result<HashMap<(String, i64), ContentId>, CatalogError> {
    let mut stmt = conn
        .prepare_cached("SELECT kind, row_id, digest FROM chain_leaf WHERE batch_id = ?1")
        .during("read chain leaves")?;
    let rows = stmt
        .query_map([batch], |row| {
            let bytes: Vec<u8> = row.get(2)?;
            let mut digest = [0u8; 32];
            if bytes.len() == 32 {
                digest.copy_from_slice(&bytes);
            }
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            Ok(((row.get(0)?, row.get(1)?), hex))
        })
        .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
        .during("read chain leaves")?;
    Ok(rows
        .into_iter()
        .map(|(key, hex)| (key, hex.parse().unwrap_or(ContentId::ZERO)))
        .collect())
}

/// A row finding, naming the file (and page) the row is, when it still exists.
fn row_issue(
    conn: &Connection,
    kind: ChainIssueKind,
    seq: i64,
    batch: Option<&str>,
    row_kind: &str,
    id: i64,
) -> Result<ChainIssue, CatalogError> {
    let sql = if row_kind == "file" {
        "SELECT NULL, col.code, d.code, f.rel_path, f.version, f.page_count FROM file f
         JOIN collection col ON col.id = f.collection_id JOIN dossier d ON d.id = f.dossier_id
         WHERE f.id = ?1"
    } else {
        "SELECT p.page_index, col.code, d.code, f.rel_path, f.version, f.page_count
         FROM page p JOIN file f ON f.id = p.file_id
         JOIN collection col ON col.id = f.collection_id JOIN dossier d ON d.id = f.dossier_id
         WHERE p.id = ?1"
    };
    let found = conn
        .query_row(sql, [id], |row| {
            Ok((row.get::<_, Option<u32>>(0)?, file_use(row, 1)?))
        })
        .ok();
    Ok(ChainIssue {
        kind,
        seq: Some(seq),
        batch: batch.map(str::to_string),
        page: found.as_ref().and_then(|f| f.0),
        file: found.map(|f| f.1),
    })
}

fn batch_uuid(conn: &Connection, batch: i64) -> Result<Option<String>, CatalogError> {
    use rusqlite::OptionalExtension;
    conn.query_row("SELECT uuid FROM batch WHERE id = ?1", [batch], |row| {
        row.get(0)
    })
    .optional()
    .during("read a batch uuid")
}

/// Ended batches with no link (running ones may be live; legacy ones predate the chain).
fn unlinked_batches(conn: &Connection) -> Result<Vec<ChainIssue>, CatalogError> {
    let mut stmt = conn
        .prepare(
            "SELECT uuid FROM batch b WHERE status != 'running'
             AND NOT EXISTS (SELECT 1 FROM chain_link l WHERE l.batch_id = b.id)
             AND NOT EXISTS (SELECT 1 FROM chain_legacy g WHERE g.batch_id = b.id)
             ORDER BY id",
        )
        .during("find unlinked batches")?;
    let uuids: Vec<String> = stmt
        .query_map([], |row| row.get(0))
        .and_then(Iterator::collect)
        .during("find unlinked batches")?;
    Ok(uuids
        .into_iter()
        .map(|uuid| ChainIssue {
            kind: ChainIssueKind::BatchUnlinked,
            seq: None,
            batch: Some(uuid),
            file: None,
            page: None,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{page, scanned, Harness, TestResult};
    use super::*;

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
