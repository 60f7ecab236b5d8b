//! Fixity events: one row per `sohoa verify`, each chained like a batch (its link covers the
//! event row and the Merkle root of the objects it checked). Also the chain head, which an
//! archivist keeps elsewhere to compare later. Called by `crate::verify` and the binary.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::Serialize;

use super::chain::{self, Subject};
use super::error::During;
use super::{time_at, Catalog, CatalogError};
use crate::content::ContentId;

/// One verification of the archive, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FixityEvent {
    /// UTC, stored with microseconds.
    pub at: DateTime<Utc>,
    /// Who verified: program, version, user and host.
    pub agent: String,
    /// `quick`, `full` or `sample`.
    pub level: String,
    /// `clean` or `findings`.
    pub outcome: String,
    pub objects_checked: u64,
    pub bytes_checked: u64,
    pub findings: u64,
    /// Last object a sampled run checked; the next sampled run starts after it.
    pub sample_cursor: Option<String>,
}

impl Catalog {
    /// Record a verification and chain it, `checked` being the Merkle root of the objects it
    /// checked.
    ///
    /// # Errors
    /// The catalog cannot be written.
    pub fn record_fixity(
        &mut self,
        event: &FixityEvent,
        checked: &ContentId,
    ) -> Result<(), CatalogError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .during("record a fixity event")?;
        tx.execute(
            "INSERT INTO fixity_event (at, agent, level, outcome, objects_checked,
                 bytes_checked, findings, sample_cursor)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                event.at.to_rfc3339_opts(SecondsFormat::Micros, true),
                event.agent,
                event.level,
                event.outcome,
                event.objects_checked,
                event.bytes_checked,
                event.findings,
                event.sample_cursor
            ],
        )
        .during("record a fixity event")?;
        let id = tx.last_insert_rowid();
        chain::append_link(&tx, Subject::Fixity(id), checked)?;
        tx.commit().during("record a fixity event")
    }

    /// Every fixity event, oldest first.
    ///
    /// # Errors
    /// The catalog cannot be read.
    pub fn fixity_events(&self) -> Result<Vec<FixityEvent>, CatalogError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT at, agent, level, outcome, objects_checked, bytes_checked, findings,
                     sample_cursor FROM fixity_event ORDER BY id",
            )
            .during("list fixity events")?;
        let rows = stmt.query_map([], |row| {
            Ok(FixityEvent {
                at: time_at(row, 0)?,
                agent: row.get(1)?,
                level: row.get(2)?,
                outcome: row.get(3)?,
                objects_checked: row.get(4)?,
                bytes_checked: row.get(5)?,
                findings: row.get(6)?,
                sample_cursor: row.get(7)?,
            })
        });
        rows.and_then(Iterator::collect)
            .during("list fixity events")
    }

    /// Where the last sampled verification stopped.
    ///
    /// # Errors
    /// The catalog cannot be read.
    pub fn last_sample_cursor(&self) -> Result<Option<String>, CatalogError> {
        self.conn
            .query_row(
                "SELECT sample_cursor FROM fixity_event WHERE level = 'sample'
                 ORDER BY id DESC LIMIT 1",
                [],
                |row| row.get(0),
            )
            .optional()
            .map(Option::flatten)
            .during("read the sample cursor")
    }

    /// The hash of the last chain link (64 zeros for an empty chain).
    ///
    /// # Errors
    /// The catalog cannot be read.
    pub fn chain_head(&self) -> Result<String, CatalogError> {
        Ok(chain::head(&self.conn)?.1)
    }
}
