//! Recomputing the tamper-evident chain for `sohoa verify`: every link in order (no gap, each
//! naming the hash of the one before), each link's hash from the batch or fixity row it
//! covers, and for a batch the digests of its file and page rows against those stored when it
//! was linked, so a change is named down to the row; a review link's hash from its review
//! row, naming the page reviewed. Ended batches without a link are
//! reported too. Read-only; called by `audit.rs` inside its read transaction.

use std::collections::HashMap;

use rusqlite::Connection;

use super::audit::{file_use, ChainIssue, ChainIssueKind, RowIssue};
use super::chain::{self, batch_leaves, batch_subject, fixity_subject, link_hash, review_subject};
use super::error::During;
use super::CatalogError;
use crate::content::ContentId;
use crate::merkle::{merkle_root, GENESIS};

struct Link {
    seq: i64,
    batch: Option<i64>,
    fixity: Option<i64>,
    review: Option<i64>,
    root: String,
    prev: String,
    hash: String,
}

pub(super) type ChainState = (Vec<ChainIssue>, String, Vec<String>);

pub(super) fn audit_chain(
    conn: &Connection,
    rows: &mut Vec<RowIssue>,
) -> Result<ChainState, CatalogError> {
    let mut stmt = conn
        .prepare(
            "SELECT seq, batch_id, fixity_id, review_id, merkle_root, prev_hash, link_hash
             FROM chain_link ORDER BY seq",
        )
        .during("read the chain")?;
    let links: Vec<Link> = stmt
        .query_map([], |row| {
            Ok(Link {
                seq: row.get(0)?,
                batch: row.get(1)?,
                fixity: row.get(2)?,
                review: row.get(3)?,
                root: row.get(4)?,
                prev: row.get(5)?,
                hash: row.get(6)?,
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
        check_link(conn, link, &mut issues, rows)?;
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
    rows: &mut Vec<RowIssue>,
) -> Result<(), CatalogError> {
    let subject = match (link.batch, link.fixity, link.review) {
        (Some(batch), _, _) => batch_subject(conn, batch)?,
        (None, Some(fixity), _) => fixity_subject(conn, fixity)?,
        (None, None, Some(review)) => review_subject(conn, review)?
            // A review link's root is its row's digest as its only leaf.
            .filter(|s| merkle_root(&[*s]).to_hex() == link.root),
        (None, None, None) => None,
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
        match link.review {
            Some(review) => issues.push(review_issue(conn, link.seq, review)?),
            None => issues.push(altered.clone()),
        }
    }
    if let Some(batch) = link.batch {
        let found = check_rows(conn, batch, link, uuid.as_deref(), issues, rows)?;
        if !found && intact {
            issues.push(altered);
        }
    }
    Ok(())
}

/// Compare a batch's rows with the digests stored when it was linked. Returns whether all
/// is well: `false` when the rows or the stored digests no longer give the link's root.
/// When the rows do give the root, the stored digests must still be theirs: an edited or
/// deleted leaf would make later findings name the wrong row, or none.
fn check_rows(
    conn: &Connection,
    batch: i64,
    link: &Link,
    uuid: Option<&str>,
    issues: &mut Vec<ChainIssue>,
    rows: &mut Vec<RowIssue>,
) -> Result<bool, CatalogError> {
    let leaves = batch_leaves(conn, batch)?;
    let digests: Vec<ContentId> = leaves.iter().map(|l| l.2).collect();
    let mut stored = stored_leaves(conn, batch)?;
    if merkle_root(&digests).to_hex() == link.root {
        let batch_name = uuid.unwrap_or("?");
        for (kind, id, digest) in leaves.iter().filter(|l| !is_snapshot(l.0)) {
            let problem = match stored.remove(&(kind.to_string(), *id)) {
                None => "missing",
                Some(d) if d != *digest => "changed",
                Some(_) => continue,
            };
            rows.push(RowIssue::new(
                "chain_leaf",
                format!("{batch_name} {kind} #{id}"),
                problem,
            ));
        }
        for (kind, id) in stored.into_keys() {
            rows.push(RowIssue::new(
                "chain_leaf",
                format!("{batch_name} {kind} #{id}"),
                "unexpected",
            ));
        }
        return Ok(true);
    }
    let before = issues.len();
    for (kind, id, digest) in leaves.iter().filter(|l| !is_snapshot(l.0)) {
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
        .filter(|((kind, _), _): &((String, i64), ContentId)| !is_snapshot(kind))
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
    } else if row_kind == "form-field" {
        // A form value's leaf is its own row: name the page that holds it.
        "SELECT p.page_index, col.code, d.code, f.rel_path, f.version, f.page_count
         FROM page_form_field v JOIN page p ON p.id = v.page_id JOIN file f ON f.id = p.file_id
         JOIN collection col ON col.id = f.collection_id JOIN dossier d ON d.id = f.dossier_id
         WHERE v.id = ?1"
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

/// An altered review link, naming the page the review is about when it can.
fn review_issue(conn: &Connection, seq: i64, review: i64) -> Result<ChainIssue, CatalogError> {
    let page: Option<i64> = conn
        .query_row("SELECT page_id FROM review WHERE id = ?1", [review], |r| {
            r.get(0)
        })
        .ok();
    let mut issue = match page {
        Some(page) => row_issue(conn, ChainIssueKind::LinkAltered, seq, None, "page", page)?,
        None => ChainIssue {
            kind: ChainIssueKind::LinkAltered,
            seq: Some(seq),
            batch: None,
            file: None,
            page: None,
        },
    };
    issue.kind = ChainIssueKind::ReviewAltered;
    Ok(issue)
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

/// Snapshot leaves are stored, not recomputed: only the root can show they changed.
fn is_snapshot(kind: &str) -> bool {
    super::chain_cover::SNAPSHOT_KINDS.contains(&kind)
}
