//! The catalog's schema as an append-only list of migrations, tracked by
//! `PRAGMA user_version`: a catalog at version N has had the first N migrations applied.
//!
//! Never edit a migration in place once it has landed: catalogs in the field already ran
//! it, so a change there would never reach them. Append a new migration instead.
//!
//! Invariants the writers keep (see `write.rs`, `page.rs`; `docs/verify.md` lists how verify
//! protects each table): `file`, `page` and `object` rows are only ever inserted;
//! `current_file` is derived (the highest version of each path, plus a stat cache) and could
//! be rebuilt from `file`; `page_fts` is an external-content index of
//! `page.text`, filled in the same transaction as the page (dropped by migration 5 for the
//! contentless `page_fold` and `page_exact` of `search_index.rs`).

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use super::CatalogError;

/// Marks a SQLite file as a sohoa catalog ("soho"), set when the schema is first created.
pub(super) const APPLICATION_ID: i64 = 0x736f_686f;

const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    r#"
CREATE TABLE collection (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    target INTEGER CHECK (target >= 0)
) STRICT;

CREATE TABLE batch (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    operator TEXT,
    centre TEXT,
    host TEXT NOT NULL,
    version TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running'
        CHECK (status IN ('running', 'finished', 'interrupted')),
    files_new INTEGER,
    files_changed INTEGER,
    files_unchanged INTEGER,
    files_failed INTEGER,
    pages INTEGER,
    pages_flagged INTEGER
) STRICT;

CREATE TABLE batch_collection (
    batch_id INTEGER NOT NULL REFERENCES batch(id),
    collection_id INTEGER NOT NULL REFERENCES collection(id),
    PRIMARY KEY (batch_id, collection_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE dossier (
    id INTEGER PRIMARY KEY,
    collection_id INTEGER NOT NULL REFERENCES collection(id),
    code TEXT NOT NULL,
    expected_files INTEGER NOT NULL CHECK (expected_files >= 0),
    first_batch_id INTEGER NOT NULL REFERENCES batch(id),
    last_seen_batch_id INTEGER NOT NULL REFERENCES batch(id),
    UNIQUE (collection_id, code)
) STRICT;

CREATE TABLE object (
    sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    size INTEGER NOT NULL CHECK (size >= 0),
    first_batch_id INTEGER NOT NULL REFERENCES batch(id)
) STRICT, WITHOUT ROWID;

CREATE TABLE file (
    id INTEGER PRIMARY KEY,
    collection_id INTEGER NOT NULL REFERENCES collection(id),
    dossier_id INTEGER NOT NULL REFERENCES dossier(id),
    rel_path TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    size INTEGER NOT NULL CHECK (size >= 0),
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT REFERENCES object(sha256),
    page_count INTEGER NOT NULL CHECK (page_count >= 0),
    -- Pages of this file with a flag, so that status never reads the page table.
    pages_flagged INTEGER NOT NULL CHECK (pages_flagged BETWEEN 0 AND page_count),
    failure_kind TEXT,
    failure_message TEXT,
    batch_id INTEGER NOT NULL REFERENCES batch(id),
    recorded_at TEXT NOT NULL,
    UNIQUE (collection_id, rel_path, version),
    CHECK ((failure_kind IS NULL) = (failure_message IS NULL))
) STRICT;
CREATE INDEX file_batch ON file(batch_id);

CREATE TABLE page (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES file(id),
    page_index INTEGER NOT NULL CHECK (page_index >= 0),
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    dpi_x REAL,
    dpi_y REAL,
    text TEXT NOT NULL,
    confidence REAL,
    words TEXT NOT NULL,
    engine_ms INTEGER NOT NULL,
    flags TEXT NOT NULL,
    batch_id INTEGER NOT NULL REFERENCES batch(id)
) STRICT;
-- Named, because the text export names it: see `read.rs`.
CREATE UNIQUE INDEX page_by_file ON page(file_id, page_index);

CREATE VIRTUAL TABLE page_fts USING fts5(
    text, content='page', content_rowid='id', tokenize="unicode61 remove_diacritics 2"
);

CREATE TABLE current_file (
    collection_id INTEGER NOT NULL REFERENCES collection(id),
    rel_path TEXT NOT NULL,
    file_id INTEGER NOT NULL UNIQUE REFERENCES file(id),
    dossier_id INTEGER NOT NULL REFERENCES dossier(id),
    seen_mtime_ns INTEGER,
    PRIMARY KEY (collection_id, rel_path)
) STRICT, WITHOUT ROWID;
-- Serves the per-dossier status GROUP BY and the ordered text export without a sort.
-- UNIQUE holds trivially (file_id is unique) and tells the planner the order is total.
CREATE UNIQUE INDEX current_file_dossier ON current_file(dossier_id, rel_path, file_id);
"#,
    // 2: the tamper-evident chain and the fixity events of `sohoa verify`. A link is
    // appended when a batch ends (or is closed as interrupted) and for every verification;
    // `chain_leaf` keeps the digest of every file and page row a batch link covers, so that
    // verify can name the row that changed. Triggers refuse ordinary updates and deletes.
    r#"
CREATE TABLE fixity_event (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    agent TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('quick', 'full', 'sample')),
    outcome TEXT NOT NULL CHECK (outcome IN ('clean', 'findings')),
    objects_checked INTEGER NOT NULL CHECK (objects_checked >= 0),
    bytes_checked INTEGER NOT NULL CHECK (bytes_checked >= 0),
    findings INTEGER NOT NULL CHECK (findings >= 0),
    sample_cursor TEXT
) STRICT;

CREATE TABLE chain_link (
    seq INTEGER PRIMARY KEY CHECK (seq >= 1),
    batch_id INTEGER UNIQUE REFERENCES batch(id),
    fixity_id INTEGER UNIQUE REFERENCES fixity_event(id),
    merkle_root TEXT NOT NULL CHECK (length(merkle_root) = 64),
    prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
    link_hash TEXT NOT NULL CHECK (length(link_hash) = 64),
    CHECK ((batch_id IS NULL) != (fixity_id IS NULL))
) STRICT;

CREATE TABLE chain_leaf (
    batch_id INTEGER NOT NULL REFERENCES batch(id),
    kind TEXT NOT NULL CHECK (kind IN ('file', 'page')),
    row_id INTEGER NOT NULL,
    digest BLOB NOT NULL CHECK (length(digest) = 32),
    PRIMARY KEY (batch_id, kind, row_id)
) STRICT, WITHOUT ROWID;

-- Batches recorded before the chain existed: no link covers them, and verify says so once
-- instead of reporting each as unlinked.
CREATE TABLE chain_legacy (batch_id INTEGER PRIMARY KEY REFERENCES batch(id)) STRICT;
INSERT INTO chain_legacy (batch_id) SELECT id FROM batch;

-- Links are computed from the pages of one batch.
CREATE INDEX page_batch ON page(batch_id);

CREATE TRIGGER chain_link_append_only_update BEFORE UPDATE ON chain_link
BEGIN SELECT RAISE(ABORT, 'chain_link is append-only'); END;
CREATE TRIGGER chain_link_append_only_delete BEFORE DELETE ON chain_link
BEGIN SELECT RAISE(ABORT, 'chain_link is append-only'); END;
CREATE TRIGGER chain_leaf_append_only_update BEFORE UPDATE ON chain_leaf
BEGIN SELECT RAISE(ABORT, 'chain_leaf is append-only'); END;
CREATE TRIGGER chain_leaf_append_only_delete BEFORE DELETE ON chain_leaf
BEGIN SELECT RAISE(ABORT, 'chain_leaf is append-only'); END;
CREATE TRIGGER fixity_event_append_only_update BEFORE UPDATE ON fixity_event
BEGIN SELECT RAISE(ABORT, 'fixity_event is append-only'); END;
CREATE TRIGGER fixity_event_append_only_delete BEFORE DELETE ON fixity_event
BEGIN SELECT RAISE(ABORT, 'fixity_event is append-only'); END;
"#,
    // 3: the folded search index and extracted fields (see `search_index.rs`).
    super::search_index::MIGRATION,
    // 4: how the recognised image was derived from the page (see `model::Geometry`).
    r#"
ALTER TABLE page ADD COLUMN rotation INTEGER NOT NULL DEFAULT 0
    CHECK (rotation IN (0, 90, 180, 270));
ALTER TABLE page ADD COLUMN skew REAL NOT NULL DEFAULT 0 CHECK (skew BETWEEN -45 AND 45);
"#,
    // 5: search indexes without document sizes, and an exact one (see `search_index.rs`).
    super::search_index::MIGRATION_EXACT,
    // 6: values read from fields of boxes (digit combs) with their confidence, and the time
    // spent cleaning each page (see `model::BoxedField`).
    r#"
CREATE TABLE page_boxed_field (
    page_id INTEGER NOT NULL REFERENCES page(id),
    kind TEXT NOT NULL CHECK (kind IN ('id', 'old-id', 'digits')),
    value TEXT NOT NULL,
    confidence REAL NOT NULL,
    left INTEGER NOT NULL,
    top INTEGER NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL
) STRICT;
CREATE INDEX page_boxed_field_value ON page_boxed_field(kind, value);
ALTER TABLE page ADD COLUMN prep_ms INTEGER NOT NULL DEFAULT 0 CHECK (prep_ms >= 0);
"#,
    // 7: a file's path as it is on disk, byte for byte, when it is not `rel_path` (NFD or
    // non-UTF-8 names); and the entries each batch's walk skipped by `[walk] ignore`, per
    // collection and pattern, so reports can say what was left out (see `walk_skip.rs`).
    r#"
ALTER TABLE file ADD COLUMN source_name BLOB;
CREATE TABLE walk_skip (
    batch_id INTEGER NOT NULL REFERENCES batch(id),
    collection_id INTEGER NOT NULL REFERENCES collection(id),
    pattern TEXT NOT NULL,
    entries INTEGER NOT NULL CHECK (entries > 0),
    PRIMARY KEY (batch_id, collection_id, pattern)
) STRICT;
"#,
    // 8: duplicates. A file whose bytes equal a file already archived under another dossier
    // points at that file (see `duplicate.rs`); its pages carry the `duplicate` flag. The
    // index finds earlier files by content at insert time.
    r#"
CREATE TABLE file_duplicate (
    file_id INTEGER PRIMARY KEY REFERENCES file(id),
    of_file_id INTEGER NOT NULL REFERENCES file(id) CHECK (of_file_id != file_id)
) STRICT;
CREATE INDEX file_sha256 ON file(sha256);
"#,
    // 9: reserved (a number already given to another change of the schema).
    "",
    // 10: the chain covers boxed fields, duplicates, walk skips and snapshots of collections
    // and dossiers (see `chain_cover.rs`).
    super::chain_cover::MIGRATION,
    // 11: where merged batches came from, covered by the chain (see `merge.rs`).
    super::merge::MIGRATION,
    // 12: pages read as forms, their values, and the chain leaves that cover them (see
    // `form.rs`).
    super::form::MIGRATION,
    // 13: review decisions, append-only and each linked into the chain, and the current
    // reading of every form value (see `review.rs`).
    super::review::MIGRATION,
    // 14: `review` takes corrections of a page's text (see `review_text.rs`).
    super::review_text::MIGRATION,
];

/// The first schema, for tests that build an old catalog.
#[cfg(test)]
pub(super) fn first_migration() -> &'static str {
    MIGRATIONS[0]
}

/// The schema version this code writes and understands.
pub(super) fn known_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// The schema version of a catalog opened by a reader that must not migrate it (the
/// source of a merge), after refusing files that are not catalogs or are newer.
pub(super) fn version_of(conn: &Connection, path: &Path) -> Result<i64, CatalogError> {
    check(conn, path, Existing::MustBeCatalog)
}

/// Whether the file may be created empty or must already be a catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Existing {
    MayBeEmpty,
    MustBeCatalog,
}

/// Check that `conn` is a catalog this code can use and apply the migrations it lacks.
///
/// The common case, an up-to-date catalog, only reads two pragmas, so a `report` beside a
/// running batch never waits for the writer's lock.
pub(super) fn migrate(
    conn: &mut Connection,
    path: &Path,
    existing: Existing,
) -> Result<(), CatalogError> {
    let found = check(conn, path, existing)?;
    if found == known_version() {
        return Ok(());
    }
    let open_err = |source| CatalogError::Open {
        path: path.to_path_buf(),
        source,
    };
    // Exclusive, so two processes opening an old catalog cannot both migrate it.
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Exclusive)
        .map_err(open_err)?;
    // Another process may have migrated between the check and the lock.
    let found = check(&tx, path, existing)?;
    if found == 0 {
        tx.pragma_update(None, "application_id", APPLICATION_ID)
            .map_err(open_err)?;
    }
    for (done, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = done as i64 + 1;
        let migrate_err = |source| CatalogError::Migrate {
            path: path.to_path_buf(),
            version,
            source,
        };
        tx.execute_batch(sql).map_err(migrate_err)?;
        tx.pragma_update(None, "user_version", version)
            .map_err(migrate_err)?;
    }
    // Pages recorded before the search index existed get their rows now, in this
    // transaction; a no-op once done.
    super::search_index::backfill(&tx).map_err(|source| CatalogError::Migrate {
        path: path.to_path_buf(),
        version: known_version(),
        source,
    })?;
    tx.commit().map_err(open_err)
}

/// The schema version of an existing catalog, for a reader that may not migrate it.
pub(super) fn version(conn: &Connection, path: &Path) -> Result<i64, CatalogError> {
    check(conn, path, Existing::MustBeCatalog)
}

/// The catalog's schema version, after refusing files that are not catalogs or are newer.
fn check(conn: &Connection, path: &Path, existing: Existing) -> Result<i64, CatalogError> {
    let pragma = |name| -> Result<i64, CatalogError> {
        conn.pragma_query_value(None, name, |row| row.get(0))
            .map_err(|source| CatalogError::Open {
                path: path.to_path_buf(),
                source,
            })
    };
    let not_a_catalog = || CatalogError::NotACatalog {
        path: path.to_path_buf(),
    };
    let version = pragma("user_version")?;
    if version == 0 {
        // An empty file may become a catalog; a database of something else may not.
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))
            .map_err(|source| CatalogError::Open {
                path: path.to_path_buf(),
                source,
            })?;
        if tables > 0 || existing == Existing::MustBeCatalog {
            return Err(not_a_catalog());
        }
        return Ok(0);
    }
    if pragma("application_id")? != APPLICATION_ID {
        return Err(not_a_catalog());
    }
    if version > known_version() {
        return Err(CatalogError::TooNew {
            path: path.to_path_buf(),
            found: version,
            known: known_version(),
        });
    }
    Ok(version)
}
