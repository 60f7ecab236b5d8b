//! Objects repaired by a run: an object found corrupt in the store when a new file with its
//! bytes arrived was rewritten from them (`store.rs`); the batch records each repair, with
//! the file that repaired it, so the history of an object shows it. The rows are chained with
//! the batch (`chain_cover.rs`).

use chrono::Utc;
use rusqlite::params;

use super::error::During;
use super::{time_text, BatchId, Catalog, CatalogError};
use crate::store::Repair;

impl Catalog {
    /// Record the repairs `batch` made.
    ///
    /// # Errors
    /// The catalog cannot be written.
    pub fn record_repairs(
        &mut self,
        batch: BatchId,
        repairs: &[Repair],
    ) -> Result<(), CatalogError> {
        if repairs.is_empty() {
            return Ok(());
        }
        let at = time_text(&Utc::now());
        let tx = self.conn.transaction().during("record repaired objects")?;
        for r in repairs {
            tx.prepare_cached(
                "INSERT INTO object_repair (batch_id, sha256, source, at) VALUES (?1, ?2, ?3, ?4)",
            )
            .and_then(|mut stmt| stmt.execute(params![batch.0, r.object.to_hex(), r.source, at]))
            .during("record repaired objects")?;
        }
        tx.commit().during("record repaired objects")
    }
}
