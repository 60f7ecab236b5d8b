//! The progress interface the pipeline reports through. The library never draws: the binary
//! implements this with progress bars on a terminal, periodic lines otherwise, or nothing.
//! Implementations are called from several worker threads at once and must be cheap: bump
//! counters here, draw on a timer elsewhere.

/// What a run is about to do, for sizing progress bars.
#[derive(Debug, Clone, Default)]
pub struct PlanTotals {
    /// Files to process in this run (new, changed, to re-check).
    pub files: u64,
    pub bytes: u64,
    pub collections: Vec<CollectionTotals>,
}

#[derive(Debug, Clone, Default)]
pub struct CollectionTotals {
    pub id: String,
    pub name: String,
    /// Dossiers found in the source.
    pub dossiers: u64,
    /// Dossiers with nothing left to do before the run starts.
    pub dossiers_ready: u64,
}

/// Receives progress events from a run.
pub trait Progress: Sync {
    /// Planning is done; work starts.
    fn start(&self, _totals: &PlanTotals) {}
    /// A file was processed (`pages` recognised; `failed` when it could not be read).
    fn file_done(&self, _collection: &str, _bytes: u64, _pages: u32, _failed: bool) {}
    /// The last pending file of a dossier was processed.
    fn dossier_done(&self, _collection: &str) {}
    /// The run is over (finished or interrupted).
    fn finish(&self) {}
}

/// Reports nothing (`--quiet`, tests).
pub struct NoProgress;

impl Progress for NoProgress {}
