//! Dossiers: the unit that targets count. A run registers every dossier its walk found
//! before processing files, so that a dossier with fewer archived files than its walk found
//! shows as in progress after an interruption. A dossier keeps the batch that first saw it;
//! its expected file count and last-seen batch follow the latest walk.

use std::collections::HashMap;

use rusqlite::{params, Connection, TransactionBehavior};

use super::collection::collection_rowid;
use super::error::During;
use super::{BatchId, Catalog, CatalogError, DossierPlan};

impl Catalog {
    /// Record the dossiers a run's walk found, in one transaction: a new dossier remembers
    /// this batch as its first; every one gets its current file count and this batch as the
    /// last that saw it.
    ///
    /// # Errors
    /// [`CatalogError::UnknownCollection`] for a collection never upserted.
    pub fn register_dossiers(
        &mut self,
        batch: BatchId,
        dossiers: &[DossierPlan],
    ) -> Result<(), CatalogError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .during("register dossiers")?;
        let mut collections: HashMap<&str, i64> = HashMap::new();
        for d in dossiers {
            let collection = match collections.get(d.collection.as_str()) {
                Some(&id) => id,
                None => {
                    let id = collection_rowid(&tx, &d.collection)?;
                    *collections.entry(&d.collection).or_insert(id)
                }
            };
            upsert_dossier(&tx, batch, collection, d).during("register dossiers")?;
        }
        tx.commit().during("register dossiers")
    }
}

fn upsert_dossier(
    conn: &Connection,
    batch: BatchId,
    collection: i64,
    d: &DossierPlan,
) -> rusqlite::Result<usize> {
    conn.prepare_cached(
        "INSERT INTO dossier (collection_id, code, expected_files, first_batch_id,
             last_seen_batch_id)
         VALUES (?1, ?2, ?3, ?4, ?4)
         ON CONFLICT (collection_id, code) DO UPDATE SET
             expected_files = excluded.expected_files,
             last_seen_batch_id = excluded.last_seen_batch_id",
    )?
    .execute(params![collection, d.code, d.expected_files, batch.0])
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{new_batch, Harness, TestResult, COLLECTION};

    #[test]
    fn dossiers_keep_their_first_batch_and_follow_the_latest_walk() -> TestResult {
        let mut h = Harness::new()?;
        h.dossiers(&[("HS-1", 3)])?;
        let first = h.batch;
        h.batch = h
            .catalog
            .begin_batch(&new_batch("batch-2", &[COLLECTION]))?;
        h.dossiers(&[("HS-1", 4), ("HS-2", 1)])?;
        let row = h.catalog.conn.query_row(
            "SELECT expected_files, first_batch_id, last_seen_batch_id FROM dossier
             WHERE code = 'HS-1'",
            [],
            |row| Ok((row.get::<_, u32>(0)?, row.get(1)?, row.get(2)?)),
        )?;
        assert_eq!(row, (4, first.0, h.batch.0));
        assert_eq!(h.catalog.collection_status(COLLECTION)?.dossiers, 2);
        Ok(())
    }
}
