//! Batches: one row per run, with who ran it where, which collections it processed, and
//! once it ends, how it ended and what it did. A run upserts its collections
//! (`collection.rs`), begins a batch, registers the dossiers its walk found (`dossier.rs`),
//! records files (`write.rs`) and finishes the batch. A batch whose process died stays
//! `running`.

use rusqlite::{params, OptionalExtension, Row, TransactionBehavior};

use super::chain;
use super::collection::collection_rowid;
use super::error::During;
use super::{
    time_at, time_text, BatchCounts, BatchEnd, BatchId, BatchRow, BatchStatus, Catalog,
    CatalogError, NewBatch,
};

impl Catalog {
    /// Record that a run has started; its status is `running` until [`Catalog::finish_batch`].
    ///
    /// # Errors
    /// [`CatalogError::DuplicateBatch`] for a uuid already stored,
    /// [`CatalogError::UnknownCollection`] for a collection never upserted.
    pub fn begin_batch(&mut self, b: &NewBatch) -> Result<BatchId, CatalogError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .during("begin a batch")?;
        let exists = tx
            .query_row("SELECT 1 FROM batch WHERE uuid = ?1", [&b.uuid], |_| Ok(()))
            .optional()
            .during("begin a batch")?;
        if exists.is_some() {
            return Err(CatalogError::DuplicateBatch {
                uuid: b.uuid.clone(),
            });
        }
        tx.execute(
            "INSERT INTO batch (uuid, operator, centre, host, version, started_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                b.uuid,
                b.operator,
                b.centre,
                b.host,
                b.version,
                time_text(&b.started_at)
            ],
        )
        .during("begin a batch")?;
        let id = tx.last_insert_rowid();
        for code in &b.collections {
            let collection = collection_rowid(&tx, code)?;
            tx.execute(
                "INSERT OR IGNORE INTO batch_collection (batch_id, collection_id) VALUES (?1, ?2)",
                [id, collection],
            )
            .during("begin a batch")?;
        }
        tx.commit().during("begin a batch")?;
        Ok(BatchId(id))
    }

    /// Record how a running batch ended and what it did.
    ///
    /// # Errors
    /// [`CatalogError::BatchNotRunning`] when the batch already ended or is not in this
    /// catalog.
    pub fn finish_batch(&mut self, id: BatchId, end: &BatchEnd) -> Result<(), CatalogError> {
        let c = &end.counts;
        // One transaction: a batch never ends without its chain link.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .during("finish a batch")?;
        let changed = tx
            .prepare_cached(
                "UPDATE batch SET finished_at = ?2, status = ?3, files_new = ?4,
                     files_changed = ?5, files_unchanged = ?6, files_failed = ?7, pages = ?8,
                     pages_flagged = ?9
                 WHERE id = ?1 AND status = 'running'",
            )
            .and_then(|mut stmt| {
                stmt.execute(params![
                    id.0,
                    time_text(&end.finished_at),
                    end.status.code(),
                    c.files_new,
                    c.files_changed,
                    c.files_unchanged,
                    c.files_failed,
                    c.pages,
                    c.pages_flagged
                ])
            })
            .during("finish a batch")?;
        if changed == 0 {
            return Err(CatalogError::BatchNotRunning { batch: id.0 });
        }
        chain::link_batch(&tx, id.0)?;
        tx.commit().during("finish a batch")
    }

    /// Mark batches still `running` as interrupted: their process died (killed, power cut)
    /// without finishing them. Each gets its chain link, covering what it recorded, so
    /// nothing recorded escapes the chain. Call only while holding the archive lock, when no
    /// other run can be live. Returns how many were closed.
    ///
    /// # Errors
    /// The catalog cannot be written.
    pub fn close_abandoned_batches(&mut self) -> Result<usize, CatalogError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .during("close abandoned batches")?;
        let running: Vec<i64> = tx
            .prepare("SELECT id FROM batch WHERE status = 'running' ORDER BY id")
            .and_then(|mut stmt| stmt.query_map([], |row| row.get(0))?.collect())
            .during("close abandoned batches")?;
        for id in &running {
            tx.execute(
                "UPDATE batch SET status = 'interrupted' WHERE id = ?1",
                [id],
            )
            .during("close abandoned batches")?;
            chain::link_batch(&tx, *id)?;
        }
        tx.commit().during("close abandoned batches")?;
        Ok(running.len())
    }

    /// Every batch, oldest first.
    ///
    /// # Errors
    /// The catalog cannot be read, or holds a malformed timestamp.
    pub fn batches(&self) -> Result<Vec<BatchRow>, CatalogError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT uuid, operator, centre, host, version, started_at, finished_at, status,
                     files_new, files_changed, files_unchanged, files_failed, pages,
                     pages_flagged,
                     (SELECT json_group_array(c.code) FROM batch_collection bc
                      JOIN collection c ON c.id = bc.collection_id WHERE bc.batch_id = b.id)
                 FROM batch b ORDER BY started_at, id",
            )
            .during("list batches")?;
        let rows = stmt.query_map([], batch_row);
        rows.and_then(Iterator::collect).during("list batches")
    }
}

fn batch_row(row: &Row<'_>) -> rusqlite::Result<BatchRow> {
    let status: String = row.get(7)?;
    let finished_at = match row.get_ref(6)? {
        rusqlite::types::ValueRef::Null => None,
        _ => Some(time_at(row, 6)?),
    };
    let collections: String = row.get(14)?;
    let mut collections: Vec<String> = serde_json::from_str(&collections).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(14, rusqlite::types::Type::Text, Box::new(e))
    })?;
    collections.sort();
    Ok(BatchRow {
        uuid: row.get(0)?,
        operator: row.get(1)?,
        centre: row.get(2)?,
        host: row.get(3)?,
        version: row.get(4)?,
        started_at: time_at(row, 5)?,
        finished_at,
        status: BatchStatus::from_code(&status),
        collections,
        counts: batch_counts(row)?,
    })
}

/// The counts of an ended batch (columns 8–13), `None` while it runs.
fn batch_counts(row: &Row<'_>) -> rusqlite::Result<Option<BatchCounts>> {
    let Some(files_new) = row.get::<_, Option<u64>>(8)? else {
        return Ok(None);
    };
    Ok(Some(BatchCounts {
        files_new,
        files_changed: row.get(9)?,
        files_unchanged: row.get(10)?,
        files_failed: row.get(11)?,
        pages: row.get(12)?,
        pages_flagged: row.get(13)?,
    }))
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::super::testkit::{collection, new_batch, Harness, TestResult, COLLECTION};
    use super::*;

    #[test]
    fn a_batch_and_its_counts_round_trip() -> TestResult {
        let mut h = Harness::new()?;
        h.catalog.upsert_collection(&collection("ket-qua"))?;
        let second = new_batch("batch-2", &["ket-qua", COLLECTION, "ket-qua"]);
        let id = h.catalog.begin_batch(&second)?;
        let end = BatchEnd {
            finished_at: second.started_at + Duration::milliseconds(90_061_123),
            status: BatchStatus::Interrupted,
            counts: BatchCounts {
                files_new: 1,
                files_changed: 2,
                files_unchanged: 3,
                files_failed: 4,
                pages: 5,
                pages_flagged: 6,
            },
        };
        h.catalog.finish_batch(id, &end)?;
        let rows = h.catalog.batches()?;
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].status, rows[0].counts), (None, None));
        assert_eq!(
            rows[1],
            BatchRow {
                uuid: "batch-2".to_string(),
                operator: second.operator.clone(),
                centre: second.centre.clone(),
                host: second.host.clone(),
                version: second.version.clone(),
                started_at: second.started_at,
                finished_at: Some(end.finished_at),
                status: Some(BatchStatus::Interrupted),
                collections: vec![COLLECTION.to_string(), "ket-qua".to_string()],
                counts: Some(end.counts),
            }
        );
        assert!(matches!(
            h.catalog.finish_batch(id, &end),
            Err(CatalogError::BatchNotRunning { .. })
        ));
        Ok(())
    }

    #[test]
    fn batches_need_a_new_uuid_and_known_collections() -> TestResult {
        let mut h = Harness::new()?;
        assert!(matches!(
            h.catalog.begin_batch(&new_batch("batch-1", &[COLLECTION])),
            Err(CatalogError::DuplicateBatch { .. })
        ));
        assert!(matches!(
            h.catalog.begin_batch(&new_batch("batch-3", &["absent"])),
            Err(CatalogError::UnknownCollection { .. })
        ));
        assert_eq!(h.catalog.batches()?.len(), 1, "a refused batch left a row");
        Ok(())
    }
}
