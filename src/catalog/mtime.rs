//! The stat cache: when a file's modification time changed but hashing proved its content
//! unchanged, the catalog remembers the new time in `current_file.seen_mtime_ns` so the next
//! run recognises the file by size and time alone. The recorded `file` row keeps the time it
//! was archived with; a new version clears the cache.

use rusqlite::{params, TransactionBehavior};

use super::collection::collection_rowid;
use super::error::During;
use super::{Catalog, CatalogError};

impl Catalog {
    /// Remember that the latest version of a file was seen with another modification time
    /// but the same content.
    ///
    /// # Errors
    /// [`CatalogError::UnknownFile`] when the path was never recorded.
    pub fn update_mtime(
        &mut self,
        collection: &str,
        rel_path: &str,
        mtime_ns: i64,
    ) -> Result<(), CatalogError> {
        self.update_mtimes(collection, &[(rel_path.to_string(), mtime_ns)])
    }

    /// [`Catalog::update_mtime`] for many files of a collection in one transaction, so that
    /// a run over freshly copied sources does not fsync once per file.
    ///
    /// # Errors
    /// As [`Catalog::update_mtime`]; on error nothing is updated.
    pub fn update_mtimes(
        &mut self,
        collection: &str,
        updates: &[(String, i64)],
    ) -> Result<(), CatalogError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .during("update modification times")?;
        let collection_id = collection_rowid(&tx, collection)?;
        for (rel_path, mtime_ns) in updates {
            let changed = tx
                .prepare_cached(
                    "UPDATE current_file SET seen_mtime_ns = ?3
                     WHERE collection_id = ?1 AND rel_path = ?2",
                )
                .and_then(|mut stmt| stmt.execute(params![collection_id, rel_path, mtime_ns]))
                .during("update modification times")?;
            if changed == 0 {
                return Err(CatalogError::UnknownFile {
                    collection: collection.to_string(),
                    rel_path: rel_path.clone(),
                });
            }
        }
        tx.commit().during("update modification times")
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{failed, scanned, Harness, TestResult, COLLECTION};
    use super::*;

    #[test]
    fn update_mtime_is_remembered_until_the_next_version() -> TestResult {
        let mut h = Harness::new()?;
        h.dossiers(&[("HS-1", 1)])?;
        h.record(&[failed("HS-1", "HS-1/p1.jpg", "unreadable")])?;
        h.catalog.update_mtime(COLLECTION, "HS-1/p1.jpg", 42)?;
        assert_eq!(
            h.catalog.known_files(COLLECTION)?["HS-1/p1.jpg"].mtime_ns,
            42
        );
        // The recorded row itself is never rewritten.
        assert_eq!(h.count("SELECT count(*) FROM file WHERE mtime_ns = 42")?, 0);

        h.record(&[scanned("HS-1", "HS-1/p1.jpg", b"now readable", vec![])])?;
        let known = h.catalog.known_files(COLLECTION)?;
        assert_eq!(known["HS-1/p1.jpg"].mtime_ns, 1_700_000_000_000_000_000);
        assert!(matches!(
            h.catalog.update_mtime(COLLECTION, "HS-1/absent.jpg", 1),
            Err(CatalogError::UnknownFile { .. })
        ));
        Ok(())
    }
}
