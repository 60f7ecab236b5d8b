//! What each batch's walk skipped by `[walk] ignore`: entries per collection and pattern,
//! written once when the batch starts (after its walk) and read by reports, which show the
//! counts of the latest batch that walked the collection. Skipped entries are no files of
//! any dossier, so this is the only place they are remembered.

use rusqlite::params;

use super::collection::collection_rowid;
use super::error::During;
use super::{BatchId, Catalog, CatalogError};
use crate::model::SkipCount;

impl Catalog {
    /// Record what `batch`'s walk of `collection` skipped.
    ///
    /// # Errors
    /// [`CatalogError::UnknownCollection`], or the catalog cannot be written.
    pub fn record_walk_skips(
        &mut self,
        batch: BatchId,
        collection: &str,
        skipped: &[SkipCount],
    ) -> Result<(), CatalogError> {
        if skipped.is_empty() {
            return Ok(());
        }
        let tx = self.conn.transaction().during("record skipped entries")?;
        let id = collection_rowid(&tx, collection)?;
        for s in skipped {
            tx.prepare_cached(
                "INSERT INTO walk_skip (batch_id, collection_id, pattern, entries)
                 VALUES (?1, ?2, ?3, ?4)",
            )
            .and_then(|mut stmt| stmt.execute(params![batch.0, id, s.pattern, s.entries]))
            .during("record skipped entries")?;
        }
        tx.commit().during("record skipped entries")
    }

    /// What the latest batch that walked `collection` skipped, by pattern (empty when it
    /// skipped nothing or no batch walked it).
    ///
    /// # Errors
    /// The catalog cannot be read.
    pub fn walk_skips(&self, collection: &str) -> Result<Vec<SkipCount>, CatalogError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT s.pattern, s.entries FROM walk_skip s
                 JOIN collection c ON c.id = s.collection_id
                 WHERE c.code = ?1 AND s.batch_id = (
                     SELECT max(bc.batch_id) FROM batch_collection bc
                     WHERE bc.collection_id = c.id)
                 ORDER BY s.rowid",
            )
            .during("read skipped entries")?;
        let rows = stmt.query_map([collection], |row| {
            Ok(SkipCount {
                pattern: row.get(0)?,
                entries: row.get(1)?,
            })
        });
        rows.and_then(Iterator::collect)
            .during("read skipped entries")
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{new_batch, Harness, TestResult, COLLECTION};
    use super::*;

    fn skip(pattern: &str, entries: u64) -> SkipCount {
        SkipCount {
            pattern: pattern.to_string(),
            entries,
        }
    }

    #[test]
    fn reports_see_the_latest_walk_only() -> TestResult {
        let mut h = Harness::new()?;
        assert!(h.catalog.walk_skips(COLLECTION)?.is_empty());
        let first = [skip("Thumbs.db", 3), skip(".*", 1)];
        h.catalog.record_walk_skips(h.batch, COLLECTION, &first)?;
        assert_eq!(h.catalog.walk_skips(COLLECTION)?, first);
        // A later walk that skipped nothing leaves nothing to show.
        h.catalog
            .begin_batch(&new_batch("batch-2", &[COLLECTION]))?;
        assert!(h.catalog.walk_skips(COLLECTION)?.is_empty());
        Ok(())
    }
}
