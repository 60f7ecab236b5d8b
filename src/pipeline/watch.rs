//! `sohoa watch`: the run machinery kept open over a scanner's output folder. A watch takes
//! the archive lock and records one batch for its whole life; each poll cycle plans like
//! `run` (walk, compare with the catalog), holds back the files that have not settled
//! (`settle.rs`), and executes the settled ones as `run` would, so resuming after a crash,
//! recording bad files and the summary all work the same. The binary loops, sleeps between
//! cycles and stops on Ctrl-C; `now` comes from the caller so nothing here waits.
//!
//! A source folder that cannot be read (a share that dropped) is reported once and skipped
//! until it can be read again: nothing of it is registered meanwhile, so nothing is taken for
//! gone. Only at the start is a missing source refused, as `run` refuses it: that is a typo
//! in the configuration, not a network.

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::catalog::{BatchCounts, BatchId, Catalog};
use crate::config::{CollectionSettings, Settings};
use crate::lock::ArchiveLock;
use crate::ocr::EngineFactory;
use crate::progress::Progress;
use crate::shard::Shard;
use crate::store::ObjectStore;
use crate::walk::WalkError;

use super::execute::Execution;
use super::plan::{self, CollectionPlan, PlanError, RunPlan};
use super::settle::{Readiness, SettleBook, Stat};
use super::summary::{Problem, RunSummary};
use super::{RunError, RunOptions};

/// A watch in progress: the lock, the open archive, its batch and what it has taken.
pub struct Watch<'a, F: EngineFactory> {
    settings: &'a Settings,
    collections: Vec<&'a CollectionSettings>,
    factory: &'a F,
    _lock: ArchiveLock,
    store: ObjectStore,
    catalog: Catalog,
    batch: BatchId,
    uuid: String,
    started: Instant,
    started_at: String,
    workers: usize,
    book: SettleBook,
    counts: BatchCounts,
    /// Files already archived and unchanged when the watch began.
    unchanged_at_start: Option<u64>,
    /// What the last readable walk of each collection found.
    found: BTreeMap<String, super::Walked>,
    /// Collections whose source cannot be read now.
    unreachable: HashSet<String>,
    /// Parts of sources that could not be looked at, once each.
    problems: BTreeMap<(String, String), String>,
    /// Settled files a Ctrl-C left untaken.
    interrupted: bool,
}

/// What one poll cycle did.
#[derive(Debug, Default)]
pub struct CycleReport {
    /// Files executed in this cycle.
    pub taken: usize,
    /// Files seen but not settled yet.
    pub waiting: usize,
    /// Collections whose source could not be read in this cycle, first time in a row.
    pub lost: Vec<SourceLost>,
    /// Collections whose source can be read again.
    pub back: Vec<String>,
}

/// A source folder that stopped answering.
#[derive(Debug)]
pub struct SourceLost {
    pub collection: String,
    /// The walker's error, naming the folder.
    pub error: WalkError,
}

impl<'a, F: EngineFactory> Watch<'a, F> {
    /// Lock the archive, check the sources and the engine, and record the watch's batch.
    ///
    /// # Errors
    /// As [`super::run`]: the archive is locked or unusable, a source folder cannot be read,
    /// or no engine can start.
    pub fn open(
        settings: &'a Settings,
        collections: &[&'a CollectionSettings],
        options: &RunOptions,
        settle: Duration,
        factory: &'a F,
    ) -> Result<Watch<'a, F>, RunError> {
        let started_at = super::now();
        let host = super::host_name();
        let holder = format!(
            "sohoa watch, pid {} on {host}, started {started_at}",
            std::process::id()
        );
        let (lock, store, mut catalog) = super::open_archive(settings, collections, &holder)?;
        for c in collections {
            // Only whether it can be read: the first cycle walks it.
            std::fs::read_dir(&c.source).map_err(|source| PlanError::Walk {
                collection: c.id.clone(),
                source: WalkError::Source {
                    path: c.source.clone(),
                    source,
                },
            })?;
        }
        // Fail on a missing language model now, not when the first page arrives.
        drop(factory.create()?);
        let (batch, uuid) = super::start_batch(&mut catalog, collections, options, host)?;
        Ok(Watch {
            settings,
            collections: collections.to_vec(),
            factory,
            _lock: lock,
            store,
            catalog,
            batch,
            uuid,
            started: Instant::now(),
            started_at,
            workers: super::resolve_workers(options.workers),
            book: SettleBook::new(settle),
            counts: BatchCounts::default(),
            unchanged_at_start: None,
            found: BTreeMap::new(),
            unreachable: HashSet::new(),
            problems: BTreeMap::new(),
            interrupted: false,
        })
    }

    /// One poll: plan every readable collection, take the settled files.
    ///
    /// # Errors
    /// The catalog or the object store failed, or an engine could not start.
    pub fn cycle<P: Progress>(
        &mut self,
        now: Instant,
        progress: &P,
        cancel: &AtomicBool,
    ) -> Result<CycleReport, RunError> {
        let mut report = CycleReport::default();
        let mut plan = RunPlan::default();
        let first = self.unchanged_at_start.is_none();
        for c in self.collections.clone() {
            let Some(mut cp) = self.plan_collection(c, &mut report)? else {
                continue;
            };
            report.waiting += self.hold_back(&mut cp, now);
            plan.collections.push(cp);
        }
        if first {
            let unchanged = plan.collections.iter().map(|c| c.unchanged).sum();
            self.unchanged_at_start = Some(unchanged);
        }
        self.register(&plan, first)?;
        report.taken = plan.task_count();
        if report.taken > 0 {
            self.execute(&plan, progress, cancel)?;
        }
        Ok(report)
    }

    /// The plan of one collection, or `None` when its source cannot be read now.
    fn plan_collection(
        &mut self,
        c: &CollectionSettings,
        report: &mut CycleReport,
    ) -> Result<Option<CollectionPlan>, RunError> {
        match plan::plan_collection(&self.catalog, c, &self.settings.ignore, Shard::WHOLE) {
            Ok(cp) => {
                if self.unreachable.remove(&c.id) {
                    report.back.push(c.id.clone());
                }
                self.found.insert(c.id.clone(), super::Walked::of(&cp));
                for p in &cp.problems {
                    let key = (c.id.clone(), p.path.display().to_string());
                    self.problems
                        .entry(key)
                        .or_insert_with(|| p.message.clone());
                }
                Ok(Some(cp))
            }
            Err(PlanError::Walk { collection, source }) => {
                if self.unreachable.insert(collection.clone()) {
                    report.lost.push(SourceLost {
                        collection,
                        error: source,
                    });
                }
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Keep in the plan only the tasks whose file has settled; returns how many wait.
    fn hold_back(&mut self, cp: &mut CollectionPlan, now: Instant) -> usize {
        let mut waiting = 0;
        let book = &mut self.book;
        cp.tasks.retain(|t| {
            let stat = Stat {
                size: t.source.size,
                mtime_ns: t.source.mtime_ns,
            };
            match book.observe(&cp.id, &t.key.rel_path, stat, now) {
                Readiness::Settled => true,
                Readiness::Waiting => {
                    waiting += 1;
                    false
                }
                Readiness::Taken => false,
            }
        });
        let present: HashSet<&str> = cp
            .dossiers
            .iter()
            .flat_map(|d| d.files.iter().map(|f| f.rel_path.as_str()))
            .collect();
        book.keep_only(&cp.id, &|path| present.contains(path));
        for t in &cp.tasks {
            let stat = Stat {
                size: t.source.size,
                mtime_ns: t.source.mtime_ns,
            };
            book.taken(&cp.id, &t.key.rel_path, stat);
        }
        waiting
    }

    /// Register the dossiers the cycle touches: all of them the first time (as `run` does),
    /// then those with a file to take, so that a quiet poll writes nothing.
    fn register(&mut self, plan: &RunPlan, all: bool) -> Result<(), RunError> {
        let dossiers: Vec<_> = plan
            .collections
            .iter()
            .flat_map(|c| {
                let busy: HashSet<&str> = c.tasks.iter().map(|t| t.key.dossier.as_str()).collect();
                c.dossiers
                    .iter()
                    .filter(move |d| all || busy.contains(d.code.as_str()))
                    .map(move |d| super::dossier_plan(&c.id, d))
            })
            .collect();
        if !dossiers.is_empty() {
            self.catalog.register_dossiers(self.batch, &dossiers)?;
        }
        Ok(())
    }

    fn execute<P: Progress>(
        &mut self,
        plan: &RunPlan,
        progress: &P,
        cancel: &AtomicBool,
    ) -> Result<(), RunError> {
        progress.start(&plan.totals());
        let execution = Execution {
            factory: self.factory,
            progress,
            cancel,
            context: super::worker_context(self.settings, &self.store),
            workers: self.workers,
        };
        let result = execution.run(plan, &mut self.catalog, self.batch);
        progress.finish();
        let counts = result?;
        let done = counts.files_new + counts.files_changed + counts.files_unchanged;
        if cancel.load(Ordering::SeqCst) && done < plan.task_count() as u64 {
            self.interrupted = true;
        }
        add(&mut self.counts, &counts);
        Ok(())
    }

    /// End the watch: close its batch and summarise what it took.
    ///
    /// # Errors
    /// The catalog cannot be written or read.
    pub fn finish(mut self) -> Result<RunSummary, RunError> {
        let mut counts = self.counts;
        counts.files_unchanged += self.unchanged_at_start.unwrap_or(0);
        let repairs = self.store.take_repairs();
        self.catalog.record_repairs(self.batch, &repairs)?;
        super::finish_batch(&mut self.catalog, self.batch, counts, self.interrupted)?;
        let found: Vec<super::Walked> = self
            .collections
            .iter()
            .map(|c| self.found.get(&c.id).cloned().unwrap_or_default())
            .collect();
        let mut problems: Vec<Problem> = std::mem::take(&mut self.problems)
            .into_iter()
            .map(|((collection, path), message)| Problem {
                collection,
                path,
                message,
                repaired: false,
            })
            .collect();
        problems.extend(super::repair_problems(&repairs));
        let meta = super::BatchMeta {
            number: self.batch.number(),
            uuid: self.uuid.clone(),
            started_at: self.started_at.clone(),
            wall_seconds: self.started.elapsed().as_secs_f64(),
            interrupted: self.interrupted,
            workers: self.workers,
        };
        super::summarise(
            &self.catalog,
            &self.collections,
            &found,
            problems,
            &counts,
            meta,
        )
    }
}

fn add(total: &mut BatchCounts, more: &BatchCounts) {
    total.files_new += more.files_new;
    total.files_changed += more.files_changed;
    total.files_unchanged += more.files_unchanged;
    total.files_failed += more.files_failed;
    total.pages += more.pages;
    total.pages_flagged += more.pages_flagged;
}
