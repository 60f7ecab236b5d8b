//! Writing the tamper-evident chain: an append-only list of links, each holding the Merkle
//! root of what it covers and the hash of the link before it. A batch's link covers a digest
//! of every file and page row recorded with that batch (kept in `chain_leaf`, so verify can
//! name the row that changed) and the batch row itself; a fixity event's link covers the
//! event row and the root of the objects it checked; a review's link covers its review row
//! (`review.rs`), subject and single leaf alike. Since chain format 2 a batch's link also
//! covers the rows and snapshots of `chain_cover.rs`. Called by `batch.rs` when a batch ends
//! or is closed as interrupted, and by `fixity.rs`; read back by `audit.rs`.
//!
//! The layout of every digest here is part of the archive format: changing it breaks every
//! existing chain.

use rusqlite::{params, OptionalExtension, Row, Transaction};

use super::chain_cover;
use super::error::During;
use super::CatalogError;
use crate::content::ContentId;
use crate::merkle::{digest_fields, merkle_root, GENESIS};

/// The rows a batch recorded, with their digests: `(kind, rowid, digest)`.
pub(super) type Leaves = Vec<(&'static str, i64, ContentId)>;

pub(super) const FILE_LEAVES_SQL: &str = "
SELECT f.id, col.code, d.code, f.rel_path, f.version, f.size, f.mtime_ns,
    coalesce(f.sha256, ''), f.page_count, f.pages_flagged,
    coalesce(f.failure_kind, ''), coalesce(f.failure_message, ''), f.source_name
FROM file f
JOIN collection col ON col.id = f.collection_id
JOIN dossier d ON d.id = f.dossier_id
WHERE f.batch_id = ?1 ORDER BY f.id";

pub(super) const PAGE_LEAVES_SQL: &str = "
SELECT p.id, p.file_id, p.page_index, p.width, p.height, coalesce(p.dpi_x, -1),
    coalesce(p.dpi_y, -1), p.text, coalesce(p.confidence, -1), p.words, p.flags
FROM page p WHERE p.batch_id = ?1 ORDER BY p.id";

/// Digest of a `file` row as [`FILE_LEAVES_SQL`] selects it. The name on disk enters only
/// when there is one, as hex of its bytes, so that rows without it (every row recorded
/// before it existed) keep the digest they were linked with.
fn file_leaf(row: &Row<'_>) -> rusqlite::Result<(i64, ContentId)> {
    let mut fields = Vec::with_capacity(12);
    for i in 1..12 {
        fields.push(text_of(row, i)?);
    }
    if let Some(name) = row.get::<_, Option<Vec<u8>>>(12)? {
        fields.push(name.iter().map(|b| format!("{b:02x}")).collect());
    }
    let refs: Vec<&[u8]> = fields.iter().map(|f| f.as_bytes()).collect();
    Ok((row.get(0)?, digest_fields("file", &refs)))
}

/// Digest of a `page` row as [`PAGE_LEAVES_SQL`] selects it; the text enters as its own
/// SHA-256, the page's text digest.
fn page_leaf(row: &Row<'_>) -> rusqlite::Result<(i64, ContentId)> {
    let mut fields = Vec::with_capacity(10);
    for i in 1..11 {
        let value = text_of(row, i)?;
        fields.push(if i == 7 {
            ContentId::of_bytes(value.as_bytes()).to_hex()
        } else {
            value
        });
    }
    let refs: Vec<&[u8]> = fields.iter().map(|f| f.as_bytes()).collect();
    Ok((row.get(0)?, digest_fields("page", &refs)))
}

/// Any column as text, the same way whatever its type.
pub(super) fn text_of(row: &Row<'_>, idx: usize) -> rusqlite::Result<String> {
    use rusqlite::types::ValueRef;
    Ok(match row.get_ref(idx)? {
        ValueRef::Null => String::new(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(r) => format!("{r:?}"),
        ValueRef::Text(t) | ValueRef::Blob(t) => String::from_utf8_lossy(t).into_owned(),
    })
}

/// The digests of every file and page row recorded with `batch`, files first, each by rowid;
/// then those of format 2's rows and the batch's stored snapshots (`chain_cover.rs`).
pub(super) fn batch_leaves(tx: &rusqlite::Connection, batch: i64) -> Result<Leaves, CatalogError> {
    let mut leaves = Vec::new();
    for (kind, sql) in [("file", FILE_LEAVES_SQL), ("page", PAGE_LEAVES_SQL)] {
        let mut stmt = tx.prepare_cached(sql).during("read a batch's rows")?;
        let rows = stmt
            .query_map([batch], if kind == "file" { file_leaf } else { page_leaf })
            .during("read a batch's rows")?;
        for row in rows {
            let (id, digest) = row.during("read a batch's rows")?;
            leaves.push((kind, id, digest));
        }
    }
    chain_cover::row_leaves(tx, batch, &mut leaves)?;
    chain_cover::stored_snapshots(tx, batch, &mut leaves)?;
    Ok(leaves)
}

/// Digest of a batch row: who, where, when, how it ended, its counts and collections.
pub(super) fn batch_subject(
    conn: &rusqlite::Connection,
    batch: i64,
) -> Result<Option<ContentId>, CatalogError> {
    let sql = "SELECT uuid, operator, centre, host, version, started_at, finished_at, status,
            files_new, files_changed, files_unchanged, files_failed, pages, pages_flagged,
            (SELECT group_concat(code, char(10)) FROM (SELECT c.code FROM batch_collection bc
             JOIN collection c ON c.id = bc.collection_id WHERE bc.batch_id = b.id
             ORDER BY c.code))
        FROM batch b WHERE id = ?1";
    row_subject(conn, sql, batch, "batch", 15)
}

/// Digest of a fixity event row.
pub(super) fn fixity_subject(
    conn: &rusqlite::Connection,
    fixity: i64,
) -> Result<Option<ContentId>, CatalogError> {
    let sql = "SELECT at, agent, level, outcome, objects_checked, bytes_checked, findings,
            sample_cursor FROM fixity_event WHERE id = ?1";
    row_subject(conn, sql, fixity, "fixity", 8)
}

fn row_subject(
    conn: &rusqlite::Connection,
    sql: &str,
    id: i64,
    tag: &str,
    columns: usize,
) -> Result<Option<ContentId>, CatalogError> {
    let fields = conn
        .prepare_cached(sql)
        .and_then(|mut stmt| {
            stmt.query_row([id], |row| (0..columns).map(|i| text_of(row, i)).collect())
                .optional()
        })
        .during("read a chained row")?;
    Ok(fields.map(|fields: Vec<String>| {
        let refs: Vec<&[u8]> = fields.iter().map(|f| f.as_bytes()).collect();
        digest_fields(tag, &refs)
    }))
}

/// The hash of a link: its position, its predecessor, what it covers and its Merkle root.
pub(super) fn link_hash(seq: i64, prev: &str, subject: &ContentId, root: &str) -> ContentId {
    digest_fields(
        "link",
        &[
            seq.to_string().as_bytes(),
            prev.as_bytes(),
            subject.to_hex().as_bytes(),
            root.as_bytes(),
        ],
    )
}

/// Digest of a review row (`review.rs`): the whole row, so a changed value, reviewer or
/// time no longer gives its link's hash.
pub(super) fn review_subject(
    conn: &rusqlite::Connection,
    review: i64,
) -> Result<Option<ContentId>, CatalogError> {
    row_subject(conn, super::review::REVIEW_SUBJECT_SQL, review, "review", 7)
}

/// What a new link is for.
pub(super) enum Subject {
    Batch(i64),
    Fixity(i64),
    Review(i64),
}

/// Append the link of an ended batch, storing its leaves. Part of the caller's transaction.
pub(super) fn link_batch(tx: &Transaction<'_>, batch: i64) -> Result<(), CatalogError> {
    chain_cover::snapshot(tx, batch)?;
    let leaves = batch_leaves(tx, batch)?;
    let mut insert = tx
        .prepare_cached(
            "INSERT INTO chain_leaf (batch_id, kind, row_id, digest) VALUES (?1, ?2, ?3, ?4)",
        )
        .during("link a batch")?;
    for (kind, id, digest) in &leaves {
        if chain_cover::SNAPSHOT_KINDS.contains(kind) {
            continue;
        }
        insert
            .execute(params![batch, kind, id, &digest.as_bytes()[..]])
            .during("link a batch")?;
    }
    let digests: Vec<ContentId> = leaves.iter().map(|l| l.2).collect();
    append_link(tx, Subject::Batch(batch), &merkle_root(&digests))
}

/// Append a link after the current head. Part of the caller's (immediate) transaction, so
/// two writers cannot both take the same place.
pub(super) fn append_link(
    tx: &Transaction<'_>,
    subject: Subject,
    root: &ContentId,
) -> Result<(), CatalogError> {
    let (prev_seq, prev_hash) = head(tx)?;
    let seq = prev_seq + 1;
    let (batch, fixity, review, digest) = match subject {
        Subject::Batch(id) => (Some(id), None, None, batch_subject(tx, id)?),
        Subject::Fixity(id) => (None, Some(id), None, fixity_subject(tx, id)?),
        Subject::Review(id) => (None, None, Some(id), review_subject(tx, id)?),
    };
    let digest = digest.ok_or(CatalogError::Sql {
        op: "link a row that does not exist",
        source: rusqlite::Error::QueryReturnedNoRows,
    })?;
    let root = root.to_hex();
    let hash = link_hash(seq, &prev_hash, &digest, &root);
    tx.prepare_cached(
        "INSERT INTO chain_link (seq, batch_id, fixity_id, review_id, merkle_root, prev_hash,
             link_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![
            seq,
            batch,
            fixity,
            review,
            root,
            prev_hash,
            hash.to_hex()
        ])
    })
    .during("append a chain link")?;
    Ok(())
}

/// The last link's position and hash; `(0, zeros)` for an empty chain.
pub(super) fn head(conn: &rusqlite::Connection) -> Result<(i64, String), CatalogError> {
    let last = conn
        .query_row(
            "SELECT seq, link_hash FROM chain_link ORDER BY seq DESC LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()
        .during("read the chain head")?;
    Ok(last.unwrap_or_else(|| (0, GENESIS.to_hex())))
}
