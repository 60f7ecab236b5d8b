//! The rows of one merged batch, copied from the attached `src` catalog into `main` inside
//! the merge's transaction (see `merge.rs` for the rules). Source rowids never reach this
//! catalog: every reference is resolved again, by natural key, to this catalog's rows; the
//! map from source file rowids to ours (`temp.merge_file_map`) lives for one merge, so a
//! duplicate can name a file of an earlier batch of the same source.

use rusqlite::{params, Connection, OptionalExtension};

use super::duplicate::{earlier_copy, record_duplicate};
use super::error::During;
use super::merge::{index_merged_page, MergedCounts};
use super::CatalogError;
use crate::content::ContentId;

/// The temporary map of source file rowids, emptied for each source.
pub(super) const FILE_MAP: &str = "
CREATE TEMP TABLE IF NOT EXISTS merge_file_map (
    src INTEGER PRIMARY KEY,
    dst INTEGER NOT NULL,
    new INTEGER NOT NULL
);
DELETE FROM temp.merge_file_map;";

/// Copy source batch `src_batch` and everything it recorded; returns its rowid here.
pub(super) fn merge_batch(
    conn: &Connection,
    src_batch: i64,
    counts: &mut MergedCounts,
) -> Result<i64, CatalogError> {
    // A batch whose process died is `running` in its catalog until that archive's next
    // run closes it; here nothing will, so it arrives as what it is, interrupted.
    conn.execute(
        "INSERT INTO main.batch (uuid, operator, centre, host, version, started_at,
             finished_at, status, files_new, files_changed, files_unchanged, files_failed,
             pages, pages_flagged)
         SELECT uuid, operator, centre, host, version, started_at, finished_at,
             CASE status WHEN 'running' THEN 'interrupted' ELSE status END, files_new,
             files_changed, files_unchanged, files_failed, pages, pages_flagged
         FROM src.batch WHERE id = ?1",
        [src_batch],
    )
    .during("merge a batch")?;
    let batch = conn.last_insert_rowid();
    let ids = params![src_batch, batch];
    for (op, sql) in [
        ("merge a batch's collections", BATCH_COLLECTIONS),
        ("merge dossiers", DOSSIERS),
        ("merge objects", OBJECTS),
    ] {
        conn.execute(sql, ids).during(op)?;
    }
    merge_files(conn, src_batch, batch, counts)?;
    conn.execute(DUPLICATES, [src_batch])
        .during("merge duplicates")?;
    for (op, sql) in [("merge walk skips", WALK_SKIPS), ("merge repairs", REPAIRS)] {
        conn.execute(sql, ids).during(op)?;
    }
    Ok(batch)
}

const BATCH_COLLECTIONS: &str = "
INSERT OR IGNORE INTO main.batch_collection (batch_id, collection_id)
SELECT ?2, mc.id FROM src.batch_collection bc
JOIN src.collection sc ON sc.id = bc.collection_id
JOIN main.collection mc ON mc.code = sc.code
WHERE bc.batch_id = ?1";

/// Dossiers the batch found first or last: the walk of the latest batch gives the expected
/// file count, as when a run registers them.
const DOSSIERS: &str = "
INSERT INTO main.dossier (collection_id, code, expected_files, first_batch_id,
    last_seen_batch_id)
SELECT mc.id, d.code, d.expected_files, coalesce(fb.id, ?2), ?2
FROM src.dossier d
JOIN src.collection sc ON sc.id = d.collection_id
JOIN main.collection mc ON mc.code = sc.code
JOIN src.batch sfb ON sfb.id = d.first_batch_id
LEFT JOIN main.batch fb ON fb.uuid = sfb.uuid
WHERE d.first_batch_id = ?1 OR d.last_seen_batch_id = ?1
ON CONFLICT (collection_id, code) DO UPDATE SET
    expected_files = excluded.expected_files,
    last_seen_batch_id = excluded.last_seen_batch_id";

const OBJECTS: &str = "
INSERT INTO main.object (sha256, size, first_batch_id)
SELECT DISTINCT o.sha256, o.size, ?2 FROM src.file f
JOIN src.object o ON o.sha256 = f.sha256
WHERE f.batch_id = ?1
ON CONFLICT (sha256) DO NOTHING";

/// A duplicate whose earlier file came from a batch merged before this merge is found by
/// path and content.
const DUPLICATES: &str = "
INSERT OR IGNORE INTO main.file_duplicate (file_id, of_file_id)
SELECT m.dst, coalesce(mo.dst, (
    SELECT mf.id FROM main.file mf JOIN main.collection mc ON mc.id = mf.collection_id
    JOIN src.file so ON so.id = dup.of_file_id JOIN src.collection sc ON sc.id = so.collection_id
    WHERE mc.code = sc.code AND mf.rel_path = so.rel_path AND mf.sha256 IS so.sha256
    ORDER BY mf.version DESC LIMIT 1))
FROM src.file_duplicate dup
JOIN src.file f ON f.id = dup.file_id
JOIN temp.merge_file_map m ON m.src = dup.file_id AND m.new = 1
LEFT JOIN temp.merge_file_map mo ON mo.src = dup.of_file_id
WHERE f.batch_id = ?1 AND coalesce(mo.dst, (
    SELECT mf.id FROM main.file mf JOIN main.collection mc ON mc.id = mf.collection_id
    JOIN src.file so ON so.id = dup.of_file_id JOIN src.collection sc ON sc.id = so.collection_id
    WHERE mc.code = sc.code AND mf.rel_path = so.rel_path AND mf.sha256 IS so.sha256
    ORDER BY mf.version DESC LIMIT 1)) IS NOT NULL";

const WALK_SKIPS: &str = "
INSERT OR IGNORE INTO main.walk_skip (batch_id, collection_id, pattern, entries)
SELECT ?2, mc.id, s.pattern, s.entries FROM src.walk_skip s
JOIN src.collection sc ON sc.id = s.collection_id
JOIN main.collection mc ON mc.code = sc.code
WHERE s.batch_id = ?1";

const REPAIRS: &str = "
INSERT INTO main.object_repair (batch_id, sha256, source, at)
SELECT ?2, r.sha256, r.source, r.at FROM src.object_repair r
WHERE r.batch_id = ?1 AND r.sha256 IN (SELECT sha256 FROM main.object)
ORDER BY r.id";

/// A source file row, by natural key.
struct SourceFile {
    id: i64,
    collection: i64,
    dossier: i64,
    rel_path: String,
    size: i64,
    mtime_ns: i64,
    sha256: Option<String>,
    failure: Option<String>,
}

fn merge_files(
    conn: &Connection,
    src_batch: i64,
    batch: i64,
    counts: &mut MergedCounts,
) -> Result<(), CatalogError> {
    let files: Vec<SourceFile> = conn
        .prepare(
            "SELECT f.id, mc.id, md.id, f.rel_path, f.size, f.mtime_ns, f.sha256,
                 f.failure_kind || char(10) || f.failure_message
             FROM src.file f
             JOIN src.collection sc ON sc.id = f.collection_id
             JOIN main.collection mc ON mc.code = sc.code
             JOIN src.dossier sd ON sd.id = f.dossier_id
             JOIN main.dossier md ON md.collection_id = mc.id AND md.code = sd.code
             WHERE f.batch_id = ?1 ORDER BY f.id",
        )
        .and_then(|mut stmt| {
            stmt.query_map([src_batch], |r| {
                Ok(SourceFile {
                    id: r.get(0)?,
                    collection: r.get(1)?,
                    dossier: r.get(2)?,
                    rel_path: r.get(3)?,
                    size: r.get(4)?,
                    mtime_ns: r.get(5)?,
                    sha256: r.get(6)?,
                    failure: r.get(7)?,
                })
            })?
            .collect()
        })
        .during("read a source batch's files")?;
    for file in &files {
        match same_current(conn, file)? {
            Some(existing) => {
                map_file(conn, file.id, existing, false)?;
                counts.files_same += 1;
            }
            None => {
                let id = insert_file(conn, file, batch)?;
                map_file(conn, file.id, id, true)?;
                counts.files += 1;
                let duplicate = new_duplicate(conn, file, id)?;
                counts.pages += merge_pages(conn, file.id, id, batch, duplicate)?;
            }
        }
    }
    Ok(())
}

/// A current file here: rowid, content, failure, size, modification time.
type CurrentRow = (i64, Option<String>, Option<String>, i64, i64);

/// The current version here of the file's path when it has the file's content (or, for a
/// file never read, the same failure and stat).
fn same_current(conn: &Connection, file: &SourceFile) -> Result<Option<i64>, CatalogError> {
    let current: Option<CurrentRow> = conn
        .prepare_cached(
            "SELECT f.id, f.sha256, f.failure_kind || char(10) || f.failure_message, f.size,
                 f.mtime_ns
             FROM main.current_file c JOIN main.file f ON f.id = c.file_id
             WHERE c.collection_id = ?1 AND c.rel_path = ?2",
        )
        .and_then(|mut stmt| {
            stmt.query_row(params![file.collection, file.rel_path], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .optional()
        })
        .during("look up a current file")?;
    Ok(current.and_then(|(id, sha, failure, size, mtime)| {
        let same = match (&file.sha256, &sha) {
            (Some(a), Some(b)) => a == b && failure == file.failure,
            (None, None) => failure == file.failure && size == file.size && mtime == file.mtime_ns,
            _ => false,
        };
        same.then_some(id)
    }))
}

/// Insert the source file as the next version of its path here, and make it current.
fn insert_file(conn: &Connection, file: &SourceFile, batch: i64) -> Result<i64, CatalogError> {
    conn.prepare_cached(
        "INSERT INTO main.file (collection_id, dossier_id, rel_path, version, size, mtime_ns,
             sha256, page_count, pages_flagged, failure_kind, failure_message, batch_id,
             recorded_at, source_name)
         SELECT ?2, ?3, f.rel_path,
             (SELECT coalesce(max(version), 0) + 1 FROM main.file
              WHERE collection_id = ?2 AND rel_path = f.rel_path),
             f.size, f.mtime_ns, f.sha256, f.page_count, f.pages_flagged, f.failure_kind,
             f.failure_message, ?4, f.recorded_at, f.source_name
         FROM src.file f WHERE f.id = ?1",
    )
    .and_then(|mut stmt| stmt.execute(params![file.id, file.collection, file.dossier, batch]))
    .during("merge a file")?;
    let id = conn.last_insert_rowid();
    conn.prepare_cached(
        "INSERT INTO main.current_file (collection_id, rel_path, file_id, dossier_id)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (collection_id, rel_path) DO UPDATE SET
             file_id = excluded.file_id, dossier_id = excluded.dossier_id, seen_mtime_ns = NULL",
    )
    .and_then(|mut stmt| stmt.execute(params![file.collection, file.rel_path, id, file.dossier]))
    .during("merge a current file")?;
    Ok(id)
}

/// Whether merged file `id` repeats, under another dossier, a file this catalog holds that
/// its own archive did not have (two workstations scanned the same sheet): recorded as a
/// duplicate as a run here would record it, its pages to be flagged. A duplicate its own
/// archive knew comes over with `DUPLICATES`.
fn new_duplicate(conn: &Connection, file: &SourceFile, id: i64) -> Result<bool, CatalogError> {
    let (Some(hex), None) = (&file.sha256, &file.failure) else {
        return Ok(false);
    };
    let known: Option<i64> = conn
        .prepare_cached("SELECT 1 FROM src.file_duplicate WHERE file_id = ?1")
        .and_then(|mut stmt| stmt.query_row([file.id], |r| r.get(0)).optional())
        .during("look up a source duplicate")?;
    let Ok(content) = hex.parse::<ContentId>() else {
        return Ok(false);
    };
    if known.is_some() {
        return Ok(false);
    }
    let Some(of) = earlier_copy(conn, file.dossier, &content).during("look up a copy")? else {
        return Ok(false);
    };
    record_duplicate(conn, id, of).during("record a duplicate")?;
    // Every page gets the flag, so every page is flagged.
    conn.prepare_cached("UPDATE main.file SET pages_flagged = page_count WHERE id = ?1")
        .and_then(|mut stmt| stmt.execute([id]))
        .during("flag a duplicate")?;
    Ok(true)
}

fn map_file(conn: &Connection, src: i64, dst: i64, new: bool) -> Result<(), CatalogError> {
    conn.prepare_cached("INSERT INTO temp.merge_file_map (src, dst, new) VALUES (?1, ?2, ?3)")
        .and_then(|mut stmt| stmt.execute(params![src, dst, new]))
        .during("map a merged file")?;
    Ok(())
}

/// Copy the pages of source file `src_file` to file `file`, with their boxed fields, forms,
/// search fields and index entries; returns how many.
fn merge_pages(
    conn: &Connection,
    src_file: i64,
    file: i64,
    batch: i64,
    duplicate: bool,
) -> Result<u64, CatalogError> {
    let pages: Vec<(i64, String)> = conn
        .prepare_cached("SELECT id, text FROM src.page WHERE file_id = ?1 ORDER BY id")
        .and_then(|mut stmt| {
            stmt.query_map([src_file], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect()
        })
        .during("read a source file's pages")?;
    for (src_page, text) in &pages {
        copy_page(conn, *src_page, (file, batch), duplicate, text).during("merge a page")?;
    }
    Ok(pages.len() as u64)
}

/// Copy one page to `(file, batch)`, with the `duplicate` flag added when `duplicate`.
fn copy_page(
    conn: &Connection,
    src_page: i64,
    (file, batch): (i64, i64),
    duplicate: bool,
    text: &str,
) -> rusqlite::Result<()> {
    // The flag goes last, as the writer of a run appends it.
    conn.prepare_cached(
        "INSERT INTO main.page (file_id, page_index, width, height, dpi_x, dpi_y, text,
             confidence, words, engine_ms, flags, batch_id, rotation, skew, prep_ms)
         SELECT ?2, page_index, width, height, dpi_x, dpi_y, text, confidence, words,
             engine_ms,
             CASE WHEN NOT ?4 THEN flags WHEN flags = '' THEN 'duplicate'
                 ELSE flags || ',duplicate' END,
             ?3, rotation, skew, prep_ms
         FROM src.page WHERE id = ?1",
    )?
    .execute(params![src_page, file, batch, duplicate])?;
    let page = conn.last_insert_rowid();
    conn.prepare_cached(
        "INSERT INTO main.page_boxed_field (page_id, kind, value, confidence, left, top,
             width, height)
         SELECT ?2, kind, value, confidence, left, top, width, height
         FROM src.page_boxed_field WHERE page_id = ?1 ORDER BY rowid",
    )?
    .execute(params![src_page, page])?;
    super::form::copy_form(conn, src_page, page)?;
    // The source's fields first, as its run wrote them (boxed ID numbers and the form's
    // people before the text's, each value keeping its first reading); the index's own
    // fields from the text then add nothing new.
    conn.prepare_cached(
        "INSERT OR IGNORE INTO main.page_field (page_id, kind, value, raw)
         SELECT ?2, kind, value, raw FROM src.page_field WHERE page_id = ?1",
    )?
    .execute(params![src_page, page])?;
    index_merged_page(conn, page, text)
}
