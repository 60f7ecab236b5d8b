//! Collections: the latest configuration snapshot of each kind of record (code, name,
//! target), upserted by every run from `pipeline.toml`. Everything else refers to a
//! collection by its rowid, looked up here from its code.

use rusqlite::{params, Connection, OptionalExtension};

use super::error::During;
use super::{Catalog, CatalogError, CollectionInfo};

impl Catalog {
    /// Store the latest configuration of a collection, creating it if new.
    ///
    /// # Errors
    /// The catalog cannot be written.
    pub fn upsert_collection(&mut self, c: &CollectionInfo) -> Result<(), CatalogError> {
        self.conn
            .prepare_cached(
                "INSERT INTO collection (code, name, target) VALUES (?1, ?2, ?3)
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name, target = excluded.target",
            )
            .and_then(|mut stmt| stmt.execute(params![c.id, c.name, c.target]))
            .during("upsert a collection")?;
        Ok(())
    }

    /// Every collection's latest configuration, ordered by code.
    ///
    /// # Errors
    /// The catalog cannot be read.
    pub fn collections(&self) -> Result<Vec<CollectionInfo>, CatalogError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT code, name, target FROM collection ORDER BY code")
            .during("list collections")?;
        let rows = stmt.query_map([], |row| {
            Ok(CollectionInfo {
                id: row.get(0)?,
                name: row.get(1)?,
                target: row.get(2)?,
            })
        });
        rows.and_then(Iterator::collect).during("list collections")
    }
}

/// The rowid of a collection by its code.
pub(super) fn collection_rowid(conn: &Connection, code: &str) -> Result<i64, CatalogError> {
    conn.prepare_cached("SELECT id FROM collection WHERE code = ?1")
        .and_then(|mut stmt| stmt.query_row([code], |row| row.get(0)).optional())
        .during("look up a collection")?
        .ok_or_else(|| CatalogError::UnknownCollection {
            collection: code.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{Harness, TestResult, COLLECTION};
    use super::*;

    #[test]
    fn collections_keep_the_latest_configuration() -> TestResult {
        let mut h = Harness::new()?;
        let renamed = CollectionInfo {
            id: COLLECTION.to_string(),
            name: "Hồ sơ cư trú".to_string(),
            target: Some(46_949),
        };
        h.catalog.upsert_collection(&renamed)?;
        assert_eq!(h.catalog.collections()?, [renamed]);
        Ok(())
    }
}
