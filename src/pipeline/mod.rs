//! `sohoa run`: the one place that composes the walker, the object store, the decoder, the OCR
//! engines and the catalog. A run locks the archive, plans (what is new, changed or already
//! archived), records the batch, executes the plan in parallel and summarises where every
//! collection stands. Safe to interrupt at any point: see [`crate::store`] and the writer.

mod execute;
mod feed;
mod handover;
pub mod plan;
pub mod settle;
pub mod summary;
mod watch;
mod worker;
mod writer;

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use chrono::{SecondsFormat, Utc};

use crate::catalog::{
    BatchCounts, BatchEnd, BatchId, BatchStatus, Catalog, CatalogError, CollectionInfo,
    DossierPlan, NewBatch,
};
use crate::config::{CollectionSettings, Settings};
use crate::decode::DecodeLimits;
use crate::lock::{ArchiveLock, LockError};
use crate::ocr::{EngineFactory, OcrError};
use crate::progress::Progress;
use crate::shard::Shard;
use crate::store::{ObjectStore, StoreError};

pub use plan::{Action, RunPlan};
pub use summary::RunSummary;
pub use watch::{CycleReport, SourceLost, Watch};

use execute::Execution;
use worker::WorkerContext;

/// Name of the catalog file inside the archive folder.
pub const CATALOG_FILE: &str = "catalog.sqlite";

/// Why a run could not go on. Problems with single files are not errors: they are recorded.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Locked(#[from] LockError),
    #[error("cannot create archive folder {path}: {source}")]
    Archive {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Plan(#[from] plan::PlanError),
    #[error(transparent)]
    Engine(#[from] OcrError),
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}

/// Who runs the batch and how.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Collection ids to process; empty means all.
    pub collections: Vec<String>,
    pub operator: Option<String>,
    pub centre: Option<String>,
    /// Worker threads (each with one engine); 0 means one per core.
    pub workers: usize,
    /// The part of the dossiers this run takes (`--shard K/N`); `Shard::WHOLE` by default.
    pub shard: Shard,
}

/// Run the pipeline over the selected collections.
///
/// # Errors
/// The archive is locked or unusable, a source folder is missing, or no engine can start.
pub fn run<F: EngineFactory, P: Progress>(
    settings: &Settings,
    collections: &[&CollectionSettings],
    options: &RunOptions,
    factory: &F,
    progress: &P,
    cancel: &AtomicBool,
) -> Result<RunSummary, RunError> {
    let started = Instant::now();
    let started_at = now();
    let host = host_name();
    let holder = format!("pid {} on {host}, started {started_at}", std::process::id());
    let (_lock, store, mut catalog) = open_archive(settings, collections, &holder)?;
    let plan = plan::plan(&catalog, collections, &settings.ignore, options.shard)?;
    if plan.task_count() > 0 {
        // Fail on a missing language model once, before any batch is recorded.
        drop(factory.create()?);
    }
    let workers = resolve_workers(options.workers);
    let (batch, uuid) = start_batch(&mut catalog, collections, options, host)?;
    catalog.register_dossiers(batch, &dossier_plans(&plan))?;
    for cp in &plan.collections {
        catalog.record_walk_skips(batch, &cp.id, &cp.skipped)?;
    }
    progress.start(&plan.totals());
    let execution = Execution {
        factory,
        progress,
        cancel,
        context: worker_context(settings, &store),
        workers,
    };
    let result = execution.run(&plan, &mut catalog, batch);
    progress.finish();
    let mut counts = result?;
    counts.files_unchanged += plan.collections.iter().map(|c| c.unchanged).sum::<u64>();
    let interrupted = cancel.load(std::sync::atomic::Ordering::SeqCst);
    let repairs = store.take_repairs();
    catalog.record_repairs(batch, &repairs)?;
    finish_batch(&mut catalog, batch, counts, interrupted)?;
    let meta = BatchMeta {
        number: batch.number(),
        uuid,
        started_at,
        wall_seconds: started.elapsed().as_secs_f64(),
        interrupted,
        workers,
    };
    let walks: Vec<Walked> = plan.collections.iter().map(Walked::of).collect();
    let mut problems = problems(&plan);
    problems.extend(repair_problems(&repairs));
    summarise(&catalog, collections, &walks, problems, &counts, meta)
}

/// What the workers share, from the settings: the store, decoding limits, review thresholds.
fn worker_context<'a>(settings: &'a Settings, store: &'a ObjectStore) -> WorkerContext<'a> {
    WorkerContext {
        store,
        limits: DecodeLimits::default(),
        min_confidence: settings.ocr.min_confidence,
        prep: crate::prep::PrepOptions {
            retry_below: settings.ocr.min_confidence,
            cleaning: if settings.ocr.clean {
                crate::prep::Cleaning::On
            } else {
                crate::prep::Cleaning::Off
            },
        },
        records: settings.records.enabled.then_some(&settings.records),
        today: chrono::Local::now().date_naive(),
    }
}

/// Objects found corrupt and repaired: worth an archivist's look (how did they rot?).
fn repair_problems(repairs: &[crate::store::Repair]) -> Vec<summary::Problem> {
    repairs
        .iter()
        .map(|r| {
            let (collection, path) = r.source.split_once('/').unwrap_or(("", &r.source));
            summary::Problem {
                collection: collection.to_string(),
                path: path.to_string(),
                message: format!(
                    "object {} was corrupt in the store; repaired from this file's identical bytes",
                    r.object
                ),
                repaired: true,
            }
        })
        .collect()
}

/// The parts of the sources a plan could not look at.
fn problems(plan: &RunPlan) -> Vec<summary::Problem> {
    plan.collections
        .iter()
        .flat_map(|cp| {
            cp.problems.iter().map(|p| summary::Problem {
                collection: cp.id.clone(),
                path: p.path.display().to_string(),
                message: p.message.clone(),
                repaired: false,
            })
        })
        .collect()
}

/// Create the archive folder, take its lock, open the store (dropping temporaries a dead
/// run left) and the catalog, and record the collections' current configuration.
fn open_archive(
    settings: &Settings,
    collections: &[&CollectionSettings],
    holder: &str,
) -> Result<(ArchiveLock, ObjectStore, Catalog), RunError> {
    let archive = &settings.archive;
    std::fs::create_dir_all(archive).map_err(|source| RunError::Archive {
        path: archive.clone(),
        source,
    })?;
    let lock = ArchiveLock::acquire(archive, holder)?;
    let store = ObjectStore::open(archive)?;
    store.clean_temporary()?;
    let mut catalog = Catalog::create_or_open(&archive.join(CATALOG_FILE))?;
    for c in collections {
        catalog.upsert_collection(&CollectionInfo {
            id: c.id.clone(),
            name: c.name.clone(),
            target: c.target,
        })?;
    }
    Ok((lock, store, catalog))
}

/// Close batches of runs that died, then record this one; returns its id and UUID.
fn start_batch(
    catalog: &mut Catalog,
    collections: &[&CollectionSettings],
    options: &RunOptions,
    host: String,
) -> Result<(BatchId, String), RunError> {
    catalog.close_abandoned_batches()?;
    let uuid = uuid::Uuid::now_v7().to_string();
    let batch = catalog.begin_batch(&NewBatch {
        uuid: uuid.clone(),
        operator: options.operator.clone(),
        centre: options.centre.clone(),
        host,
        started_at: Utc::now(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        collections: collections.iter().map(|c| c.id.clone()).collect(),
    })?;
    Ok((batch, uuid))
}

fn finish_batch(
    catalog: &mut Catalog,
    batch: BatchId,
    counts: BatchCounts,
    interrupted: bool,
) -> Result<(), RunError> {
    let status = if interrupted {
        BatchStatus::Interrupted
    } else {
        BatchStatus::Finished
    };
    let end = BatchEnd {
        finished_at: Utc::now(),
        status,
        counts,
    };
    Ok(catalog.finish_batch(batch, &end)?)
}

struct BatchMeta {
    number: i64,
    uuid: String,
    started_at: String,
    wall_seconds: f64,
    interrupted: bool,
    workers: usize,
}

/// What the last walk of a collection found, for its summary.
#[derive(Debug, Clone, Default)]
struct Walked {
    dossiers: u64,
    /// Entries skipped by `[walk] ignore`, per pattern.
    skipped: Vec<crate::model::SkipCount>,
}

impl Walked {
    fn of(cp: &plan::CollectionPlan) -> Walked {
        Walked {
            dossiers: cp.dossiers.len() as u64,
            skipped: cp.skipped.clone(),
        }
    }
}

/// The summary of a batch: its counts, and where each collection now stands; `walks` is
/// what the last walk found in each collection, in `collections` order.
fn summarise(
    catalog: &Catalog,
    collections: &[&CollectionSettings],
    walks: &[Walked],
    problems: Vec<summary::Problem>,
    counts: &BatchCounts,
    meta: BatchMeta,
) -> Result<RunSummary, RunError> {
    let mut summaries = Vec::new();
    for (c, walked) in collections.iter().zip(walks) {
        let status = catalog.collection_status(&c.id)?;
        summaries.push(summary::CollectionSummary::new(
            c,
            walked.dossiers,
            status,
            walked.skipped.clone(),
        ));
    }
    let minutes = meta.wall_seconds / 60.0;
    Ok(RunSummary {
        batch: meta.uuid,
        batch_number: meta.number,
        started_at: meta.started_at,
        finished_at: now(),
        wall_seconds: meta.wall_seconds,
        interrupted: meta.interrupted,
        workers: meta.workers,
        files: summary::FileCounts::from_batch(
            counts,
            walks
                .iter()
                .flat_map(|w| &w.skipped)
                .map(|s| s.entries)
                .sum(),
        ),
        pages: counts.pages,
        pages_flagged: counts.pages_flagged,
        pages_per_minute: if minutes > 0.0 {
            counts.pages as f64 / minutes
        } else {
            0.0
        },
        collections: summaries,
        problems,
    })
}

fn dossier_plans(plan: &RunPlan) -> Vec<DossierPlan> {
    plan.collections
        .iter()
        .flat_map(|c| c.dossiers.iter().map(|d| dossier_plan(&c.id, d)))
        .collect()
}

fn dossier_plan(collection: &str, d: &crate::walk::DossierSource) -> DossierPlan {
    DossierPlan {
        collection: collection.to_string(),
        code: d.code.clone(),
        expected_files: d.files.len() as u32,
    }
}

/// Plan without executing (`--dry-run`): nothing is written, not even the catalog.
///
/// # Errors
/// A source folder is missing or the catalog cannot be read.
pub fn plan_only(
    settings: &Settings,
    collections: &[&CollectionSettings],
    shard: Shard,
) -> Result<RunPlan, RunError> {
    let path = settings.archive.join(CATALOG_FILE);
    if !path.exists() {
        let catalog = Catalog::create_or_open(std::path::Path::new(":memory:"))?;
        return Ok(plan::plan(&catalog, collections, &settings.ignore, shard)?);
    }
    let catalog = Catalog::open_existing(&path)?;
    Ok(plan::plan(&catalog, collections, &settings.ignore, shard)?)
}

fn resolve_workers(requested: usize) -> usize {
    if requested > 0 {
        return requested;
    }
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// This machine's name, as batches and locks record it.
pub fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown-host".into())
}
