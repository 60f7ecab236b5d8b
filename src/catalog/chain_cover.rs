//! What the chain covers besides file and page rows (chain format 2, migration 10).
//!
//! * Row kinds recorded once with a batch: a page's boxed fields (`boxed`), a file's
//!   duplicate record (`duplicate`), the walk's skipped entries (`skip`), the objects
//!   the batch repaired (`repair`, see `store.rs`), where a merged batch came from
//!   (`merge`) and the forms its pages were read as (`form`, `form-field`). Their leaves are
//!   recomputed from the rows at every verification, like file and page leaves, but only for
//!   batches from `chain_format.since_batch` on: older links were made without them.
//! * Snapshot kinds, rows a run updates in place: a collection's name and target
//!   (`collection`) and a dossier's expected file count and first batch (`dossier`). When a
//!   batch is linked, every such row of its collections whose digest differs from its latest
//!   snapshot gets a new snapshot leaf in that batch; the link's root covers the stored
//!   snapshot digests, and verify compares each current row with its latest snapshot
//!   ([`snapshot_issues`]), so an edit made after the fact is named.
//!
//! The layout of every digest here is part of the archive format, like `chain.rs`.

use std::collections::{HashMap, HashSet};

use rusqlite::{params, Connection, OptionalExtension};

use super::audit::RowIssue;
use super::chain::{text_of, Leaves};
use super::error::During;
use super::CatalogError;
use crate::content::ContentId;
use crate::merkle::digest_fields;

/// Migration 10: wider leaf kinds (the table is rebuilt, its CHECK cannot be altered), an
/// index to find a row's latest snapshot, the objects repaired from new identical files,
/// and the first batch linked with format 2.
pub(super) const MIGRATION: &str = r#"
DROP TRIGGER chain_leaf_append_only_update;
DROP TRIGGER chain_leaf_append_only_delete;
ALTER TABLE chain_leaf RENAME TO chain_leaf_v1;
CREATE TABLE chain_leaf (
    batch_id INTEGER NOT NULL REFERENCES batch(id),
    kind TEXT NOT NULL CHECK (kind IN ('file', 'page', 'boxed', 'duplicate', 'skip',
        'repair', 'collection', 'dossier')),
    row_id INTEGER NOT NULL,
    digest BLOB NOT NULL CHECK (length(digest) = 32),
    PRIMARY KEY (batch_id, kind, row_id)
) STRICT, WITHOUT ROWID;
INSERT INTO chain_leaf SELECT * FROM chain_leaf_v1;
DROP TABLE chain_leaf_v1;
CREATE INDEX chain_leaf_row ON chain_leaf(kind, row_id, batch_id);
CREATE TRIGGER chain_leaf_append_only_update BEFORE UPDATE ON chain_leaf
BEGIN SELECT RAISE(ABORT, 'chain_leaf is append-only'); END;
CREATE TRIGGER chain_leaf_append_only_delete BEFORE DELETE ON chain_leaf
BEGIN SELECT RAISE(ABORT, 'chain_leaf is append-only'); END;
CREATE TABLE object_repair (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES batch(id),
    sha256 TEXT NOT NULL REFERENCES object(sha256),
    source TEXT NOT NULL,
    at TEXT NOT NULL
) STRICT;
CREATE TABLE chain_format (since_batch INTEGER NOT NULL) STRICT;
INSERT INTO chain_format SELECT coalesce(max(id), 0) + 1 FROM batch;
CREATE TRIGGER chain_format_fixed_update BEFORE UPDATE ON chain_format
BEGIN SELECT RAISE(ABORT, 'chain_format is fixed'); END;
CREATE TRIGGER chain_format_fixed_delete BEFORE DELETE ON chain_format
BEGIN SELECT RAISE(ABORT, 'chain_format is fixed'); END;
"#;

/// Row kinds of format 2: the SQL gives, for one batch, the leaf's row id then its fields.
/// Boxed fields and skips have no stable rowid of their own (a rowid table without an
/// INTEGER PRIMARY KEY may be renumbered), so their leaf id is their rank in the batch.
const ROW_KINDS: &[(&str, &str, usize)] = &[
    (
        "boxed",
        "SELECT row_number() OVER w, b.page_id, b.kind, b.value, b.confidence, b.left, b.top,
             b.width, b.height
         FROM page_boxed_field b JOIN page p ON p.id = b.page_id WHERE p.batch_id = ?1
         WINDOW w AS (ORDER BY b.page_id, b.kind, b.value, b.left, b.top, b.width, b.height,
             b.confidence)
         ORDER BY 1",
        8,
    ),
    (
        "duplicate",
        "SELECT d.file_id, d.of_file_id FROM file_duplicate d JOIN file f ON f.id = d.file_id
         WHERE f.batch_id = ?1 ORDER BY d.file_id",
        1,
    ),
    (
        "skip",
        "SELECT row_number() OVER w, c.code, s.pattern, s.entries
         FROM walk_skip s JOIN collection c ON c.id = s.collection_id WHERE s.batch_id = ?1
         WINDOW w AS (ORDER BY c.code, s.pattern) ORDER BY 1",
        3,
    ),
    (
        "repair",
        "SELECT id, sha256, source, at FROM object_repair WHERE batch_id = ?1 ORDER BY id",
        3,
    ),
    // Migration 11: where a merged batch came from (`merge.rs`); one row per batch.
    (
        "merge",
        "SELECT batch_id, source, source_link, source_head, merged_at FROM merge_source
         WHERE batch_id = ?1",
        4,
    ),
    // Migration 12: the form a page was read as, and each of its values (`form.rs`). A
    // doubt enters as a marker and its text, so a doubt emptied differs from none.
    (
        "form",
        "SELECT f.page_id, f.page_id, f.form FROM page_form f JOIN page p ON p.id = f.page_id
         WHERE p.batch_id = ?1 ORDER BY f.page_id",
        2,
    ),
    (
        "form-field",
        "SELECT v.id, v.page_id, v.member, v.ordinal, v.name, v.value, v.confidence,
             v.doubt IS NULL, coalesce(v.doubt, ''), v.left, v.top, v.width, v.height
         FROM page_form_field v JOIN page p ON p.id = v.page_id WHERE p.batch_id = ?1
         ORDER BY v.id",
        12,
    ),
];

/// The kinds whose leaves are stored snapshots, in root order.
pub(super) const SNAPSHOT_KINDS: [&str; 2] = ["collection", "dossier"];

/// The first batch linked with format 2; `None` on a catalog whose marker is gone (then no
/// batch is, and every batch linked with it stops matching its root).
fn since_batch(conn: &Connection) -> Result<Option<i64>, CatalogError> {
    conn.query_row("SELECT min(since_batch) FROM chain_format", [], |r| {
        r.get(0)
    })
    .optional()
    .map(Option::flatten)
    .during("read the chain format")
}

/// The leaves of format 2's row kinds for `batch`, after its file and page leaves.
pub(super) fn row_leaves(
    conn: &Connection,
    batch: i64,
    leaves: &mut Leaves,
) -> Result<(), CatalogError> {
    if since_batch(conn)?.is_none_or(|since| batch < since) {
        return Ok(());
    }
    for &(kind, sql, fields) in ROW_KINDS {
        let mut stmt = conn.prepare_cached(sql).during("read a batch's rows")?;
        let rows = stmt
            .query_map([batch], |row| {
                Ok((row.get::<_, i64>(0)?, row_digest(row, kind, fields)?))
            })
            .during("read a batch's rows")?;
        for row in rows {
            let (id, digest) = row.during("read a batch's rows")?;
            leaves.push((kind, id, digest));
        }
    }
    Ok(())
}

/// The snapshot leaves stored with `batch`, in root order.
pub(super) fn stored_snapshots(
    conn: &Connection,
    batch: i64,
    leaves: &mut Leaves,
) -> Result<(), CatalogError> {
    for kind in SNAPSHOT_KINDS {
        let mut stmt = conn
            .prepare_cached(
                "SELECT row_id, digest FROM chain_leaf WHERE batch_id = ?1 AND kind = ?2
                 ORDER BY row_id",
            )
            .during("read snapshot leaves")?;
        let rows = stmt
            .query_map(params![batch, kind], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?))
            })
            .during("read snapshot leaves")?;
        for row in rows {
            let (id, bytes) = row.during("read snapshot leaves")?;
            leaves.push((kind, id, digest_of_blob(&bytes)));
        }
    }
    Ok(())
}

pub(super) fn digest_of_blob(bytes: &[u8]) -> ContentId {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    hex.parse().unwrap_or(ContentId::ZERO)
}

/// The current digest and a name of every collection (or dossier) row, of the collections
/// of `batch` when given.
fn current(
    conn: &Connection,
    kind: &str,
    batch: Option<i64>,
) -> Result<Vec<(i64, ContentId, String, i64)>, CatalogError> {
    let sql = if kind == "collection" {
        "SELECT c.id, c.code, c.name, coalesce(c.target, -1), c.code, c.id FROM collection c
         WHERE ?1 IS NULL OR c.id IN (SELECT collection_id FROM batch_collection
                                      WHERE batch_id = ?1)
         ORDER BY c.id"
    } else {
        "SELECT d.id, c.code, d.code, d.expected_files, d.first_batch_id,
             c.code || '/' || d.code, c.id
         FROM dossier d JOIN collection c ON c.id = d.collection_id
         WHERE ?1 IS NULL OR c.id IN (SELECT collection_id FROM batch_collection
                                      WHERE batch_id = ?1)
         ORDER BY d.id"
    };
    let fields = if kind == "collection" { 3 } else { 4 };
    let mut stmt = conn.prepare_cached(sql).during("read snapshot rows")?;
    let rows = stmt
        .query_map([batch], |row| {
            Ok((
                row.get(0)?,
                row_digest(row, kind, fields)?,
                row.get(fields + 1)?,
                row.get(fields + 2)?,
            ))
        })
        .and_then(Iterator::collect)
        .during("read snapshot rows")?;
    Ok(rows)
}

/// Each row's latest snapshot digest, by row id.
fn latest(conn: &Connection, kind: &str) -> Result<HashMap<i64, ContentId>, CatalogError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT row_id, digest FROM chain_leaf WHERE kind = ?1 ORDER BY row_id, batch_id",
        )
        .during("read snapshot leaves")?;
    let rows: Vec<(i64, Vec<u8>)> = stmt
        .query_map([kind], |r| Ok((r.get(0)?, r.get(1)?)))
        .and_then(Iterator::collect)
        .during("read snapshot leaves")?;
    Ok(rows
        .into_iter()
        .map(|(id, bytes)| (id, digest_of_blob(&bytes)))
        .collect())
}

/// Store a snapshot leaf in `batch` for every row of its collections that changed since
/// its latest snapshot. Part of the linking transaction.
pub(super) fn snapshot(conn: &Connection, batch: i64) -> Result<(), CatalogError> {
    let mut insert = conn
        .prepare_cached(
            "INSERT INTO chain_leaf (batch_id, kind, row_id, digest) VALUES (?1, ?2, ?3, ?4)",
        )
        .during("link a batch")?;
    for kind in SNAPSHOT_KINDS {
        let known = latest(conn, kind)?;
        for (id, digest, _, _) in current(conn, kind, Some(batch))? {
            if known.get(&id) != Some(&digest) {
                insert
                    .execute(params![batch, kind, id, &digest.as_bytes()[..]])
                    .during("link a batch")?;
            }
        }
    }
    Ok(())
}

/// Collections and dossiers that differ from their latest snapshot. Rows of a collection a
/// running batch covers are not judged (the run updates them before it is linked); rows
/// never snapshotted are judged only when an ended batch of format 2 covers their collection
/// (an archive upgraded from before format 2 has none until its next run).
pub(super) fn snapshot_issues(conn: &Connection) -> Result<Vec<RowIssue>, CatalogError> {
    let since = since_batch(conn)?.unwrap_or(i64::MAX);
    let running = collections_of(conn, "b.status = 'running'", since)?;
    let linked = collections_of(conn, "b.status != 'running' AND b.id >= ?1", since)?;
    let mut issues = Vec::new();
    for kind in SNAPSHOT_KINDS {
        let mut known = latest(conn, kind)?;
        for (id, digest, name, collection) in current(conn, kind, None)? {
            let problem = match known.remove(&id) {
                Some(d) if d == digest => continue,
                Some(_) => "changed",
                None if linked.contains(&collection) => "unchained",
                None => continue,
            };
            if !running.contains(&collection) {
                issues.push(RowIssue::new(kind, name, problem));
            }
        }
        for id in known.into_keys() {
            issues.push(RowIssue::new(kind, format!("#{id}"), "missing"));
        }
    }
    Ok(issues)
}

fn collections_of(
    conn: &Connection,
    filter: &str,
    since: i64,
) -> Result<HashSet<i64>, CatalogError> {
    let sql = format!(
        "SELECT DISTINCT bc.collection_id FROM batch_collection bc
         JOIN batch b ON b.id = bc.batch_id WHERE {filter} AND ?1 = ?1"
    );
    let mut stmt = conn.prepare(&sql).during("read batch collections")?;
    let ids = stmt
        .query_map([since], |r| r.get(0))
        .and_then(Iterator::collect)
        .during("read batch collections")?;
    Ok(ids)
}

/// The digest of columns 1..=`fields` of `row`, read as text, for a leaf of `kind`.
fn row_digest(row: &rusqlite::Row<'_>, kind: &str, fields: usize) -> rusqlite::Result<ContentId> {
    let values: Vec<String> = (1..=fields)
        .map(|i| text_of(row, i))
        .collect::<rusqlite::Result<_>>()?;
    let refs: Vec<&[u8]> = values.iter().map(|v| v.as_bytes()).collect();
    Ok(digest_fields(kind, &refs))
}
