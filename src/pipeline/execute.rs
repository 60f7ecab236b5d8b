//! Executing a plan: a rayon pool of workers, each with its own OCR engine and a feeder
//! thread that prepares its next page, pulls files from a shared queue, longest work first;
//! outcomes flow through a bounded channel to the catalog writer on this thread.
//! Cancelling (Ctrl-C) stops workers from taking new files; what they finished is committed.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::Mutex;

use crate::catalog::{BatchCounts, BatchId, Catalog};
use crate::model::FileOutcome;
use crate::ocr::EngineFactory;
use crate::progress::Progress;

use super::feed::{feed, Fed};
use super::handover::{self, handover};
use super::plan::{FileTask, RunPlan};
use super::worker::{FileReading, Outcome, WorkerContext};
use super::writer::write_all;
use super::RunError;

/// Everything the workers share.
pub struct Execution<'a, F: EngineFactory, P: Progress> {
    pub factory: &'a F,
    pub progress: &'a P,
    pub cancel: &'a AtomicBool,
    pub context: WorkerContext<'a>,
    pub workers: usize,
}

/// Shared work queue and per-dossier countdowns.
struct Queue<'p> {
    tasks: Vec<&'p FileTask>,
    next: AtomicUsize,
    remaining: HashMap<(&'p str, &'p str), AtomicUsize>,
    fatal: Mutex<Option<RunError>>,
    stop: AtomicBool,
}

impl<'p> Queue<'p> {
    fn new(plan: &'p RunPlan) -> Queue<'p> {
        let mut tasks: Vec<&FileTask> = plan.collections.iter().flat_map(|c| &c.tasks).collect();
        tasks.sort_by_key(|t| std::cmp::Reverse(work_estimate(t)));
        let mut remaining: HashMap<(&str, &str), AtomicUsize> = HashMap::new();
        for t in &tasks {
            let key = (t.key.collection.as_str(), t.key.dossier.as_str());
            remaining
                .entry(key)
                .or_default()
                .fetch_add(1, Ordering::Relaxed);
        }
        Queue {
            tasks,
            next: AtomicUsize::new(0),
            remaining,
            fatal: Mutex::new(None),
            stop: AtomicBool::new(false),
        }
    }

    fn fail(&self, err: RunError) {
        self.stop.store(true, Ordering::SeqCst);
        if let Ok(mut slot) = self.fatal.lock() {
            slot.get_or_insert(err);
        }
    }
}

/// How long a file will keep a worker busy, judged without reading it: files that may hold
/// many pages (TIFF, PDF) before single images, larger before smaller. A file is one unit of
/// work, so a long file taken last keeps one worker busy while the others idle; taking the
/// longest first leaves short files to even out the end of the run.
fn work_estimate(task: &FileTask) -> (bool, u64) {
    let name = task.source.rel_path.to_ascii_lowercase();
    let container = [".tif", ".tiff", ".pdf"]
        .iter()
        .any(|ext| name.ends_with(ext));
    (container, task.source.size)
}

impl<F: EngineFactory, P: Progress> Execution<'_, F, P> {
    /// Process every task of the plan and record the outcomes in `catalog`.
    ///
    /// # Errors
    /// The object store or the catalog failed, or an engine could not start.
    pub fn run(
        &self,
        plan: &RunPlan,
        catalog: &mut Catalog,
        batch: BatchId,
    ) -> Result<BatchCounts, RunError> {
        let queue = Queue::new(plan);
        if queue.tasks.is_empty() {
            // Nothing to recognise: do not pay for loading language models.
            return Ok(BatchCounts::default());
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(self.workers)
            .thread_name(|i| format!("sohoa-ocr-{i}"))
            .build()
            .map_err(|e| RunError::Threads(e.to_string()))?;
        let (tx, rx) = sync_channel::<Outcome>(self.workers * 4);
        let counts = std::thread::scope(|scope| {
            scope.spawn(|| {
                pool.broadcast(|_| self.work(&queue, tx.clone()));
                drop(tx);
            });
            write_all(catalog, batch, rx)
        });
        if let Some(err) = queue.fatal.into_inner().ok().flatten() {
            return Err(err);
        }
        Ok(counts?)
    }

    /// One worker: a feeder thread prepares files and pages (`feed.rs`) while this thread's
    /// engine reads them (`handover.rs` bounds how far ahead).
    fn work(&self, queue: &Queue<'_>, tx: SyncSender<Outcome>) {
        let (fed_tx, fed_rx) = handover();
        std::thread::scope(|scope| {
            let name = std::thread::current()
                .name()
                .map_or_else(|| "sohoa-feed".to_string(), |n| format!("{n}-feed"));
            let feeder = std::thread::Builder::new()
                .name(name)
                .spawn_scoped(scope, || self.feed_all(queue, fed_tx));
            if let Err(e) = feeder {
                return queue.fail(RunError::Threads(e.to_string()));
            }
            self.read_all(queue, fed_rx, tx);
        });
    }

    /// Take files from the queue and feed them until the queue is empty, the run is
    /// cancelled or stopped, or the engine side stops listening.
    fn feed_all<'p>(&self, queue: &Queue<'p>, feeder: handover::Feeder<'p>) {
        loop {
            if self.cancel.load(Ordering::SeqCst) || queue.stop.load(Ordering::SeqCst) {
                return;
            }
            let Some(&task) = queue.tasks.get(queue.next.fetch_add(1, Ordering::SeqCst)) else {
                return;
            };
            if let Err(e) = feed(task, &self.context, &mut feeder.for_task(task)) {
                return queue.fail(RunError::Store(e));
            }
            if feeder.closed() {
                return;
            }
        }
    }

    /// Read what the feeder sends with this worker's own engine, and hand each finished file
    /// to the catalog writer.
    fn read_all(&self, queue: &Queue<'_>, fed: handover::Engine<'_>, tx: SyncSender<Outcome>) {
        let mut engine = match self.factory.create() {
            Ok(engine) => engine,
            Err(e) => return queue.fail(RunError::Engine(e)),
        };
        let mut reading = FileReading::default();
        for (task, item) in fed {
            let outcome = match item {
                Fed::Page(page) => {
                    reading.page(page, &mut engine, &self.context);
                    continue;
                }
                Fed::End(end) => std::mem::take(&mut reading).end(task, end),
                Fed::Done(outcome) => outcome,
            };
            self.report(queue, task, &outcome);
            if tx.send(outcome).is_err() {
                // The writer stopped on a catalog error, which it returns itself.
                queue.stop.store(true, Ordering::SeqCst);
                return;
            }
        }
    }

    fn report(&self, queue: &Queue<'_>, task: &FileTask, outcome: &Outcome) {
        let (pages, failed) = match outcome {
            Outcome::Record { record, .. } => match &record.outcome {
                FileOutcome::Pages(p) => (p.len() as u32, false),
                FileOutcome::Failed(_) => (0, true),
            },
            Outcome::Unchanged { .. } => (0, false),
        };
        let key = &task.key;
        self.progress
            .file_done(&key.collection, task.source.size, pages, failed);
        let left = queue
            .remaining
            .get(&(key.collection.as_str(), key.dossier.as_str()))
            .map(|n| n.fetch_sub(1, Ordering::SeqCst));
        if left == Some(1) {
            self.progress.dossier_done(&key.collection);
        }
    }
}
