//! The engine half of a worker: recognise the pages its feeder prepared (see `feed.rs`) and
//! put each file's pages together into the record the catalog writer stores. A page the
//! engine fails on makes its whole file a recorded failure, never a stopped run.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::config::MIN_DPI;
use crate::content::ContentId;
use crate::decode::{DecodeLimits, PageImage};
use crate::model::{FileFailure, FileKey, FileOutcome, FileRecord, Geometry, PageFlag, PageRecord};
use crate::ocr::{Engine, OcrError, Recognition};
use crate::prep;
use crate::store::ObjectStore;

use super::feed::{FedPage, FileEnd};
use super::plan::{Action, FileTask};

/// What the worker hands to the catalog writer.
#[derive(Debug)]
pub enum Outcome {
    /// A file to record as a new version; `is_new` when it had no earlier version.
    Record { record: FileRecord, is_new: bool },
    /// Re-hashed and found identical: only its modification time changed.
    Unchanged { key: FileKey, mtime_ns: i64 },
}

/// Settings shared by all workers.
pub struct WorkerContext<'a> {
    pub store: &'a ObjectStore,
    pub limits: DecodeLimits,
    pub min_confidence: f32,
    /// Settings of the preparation steps between decoding and the catalog.
    pub prep: prep::PrepOptions,
    /// Forms to read pages as (`None`: records are off).
    pub records: Option<&'a crate::config::RecordSettings>,
    /// The day dates of birth may not lie after.
    pub today: chrono::NaiveDate,
}

/// The pages of one file read so far.
#[derive(Default)]
pub struct FileReading {
    pages: Vec<PageRecord>,
    ocr_error: Option<(u32, OcrError)>,
}

impl FileReading {
    /// Read the next page of the file (nothing more once the engine failed on one).
    pub fn page(&mut self, page: FedPage, engine: &mut impl Engine, ctx: &WorkerContext<'_>) {
        if self.ocr_error.is_some() {
            return;
        }
        let prepared = match page {
            FedPage::Blank(page) => {
                let record = page_record(&page, Recognition::nothing(), ctx.min_confidence);
                return self.pages.push(record);
            }
            FedPage::Ready(prepared) => prepared,
        };
        let index = prepared.page().index;
        // A defect in a reading step must cost this file, not the batch: the file is
        // recorded as failed with the page named, and the worker goes on.
        let finished = catch_unwind(AssertUnwindSafe(|| {
            prep::finish(*prepared, engine, &ctx.prep)
        }));
        let finished = finished.unwrap_or_else(|_| {
            Err(OcrError::Recognise(
                "internal error while reading the page (a defect of sohoa: please report it)"
                    .to_string(),
            ))
        });
        match finished {
            Ok(read) => {
                let mut record = page_record(&read.page, read.recognition, ctx.min_confidence)
                    .with_geometry(read.geometry);
                record.flags.extend(read.flags);
                record.fields = read.fields;
                record.prep_ms = read.prep_ms;
                read_form(&mut record, ctx);
                self.pages.push(record);
            }
            Err(e) => self.ocr_error = Some((index, e)),
        }
    }

    /// The outcome of the whole file once all its pages are fed.
    pub fn end(self, task: &FileTask, end: FileEnd) -> Outcome {
        let outcome = if let Some(failure) = end.failure {
            FileOutcome::Failed(failure)
        } else if let Some((index, e)) = self.ocr_error {
            fail("ocr", format!("page {}: {e}", index + 1))
        } else {
            let mut pages = self.pages;
            mark_text_layers(&end.text_layers, &mut pages);
            FileOutcome::Pages(pages)
        };
        let mut rec = record(task, Some(end.content), outcome);
        rec.size = end.size;
        recorded(task, rec)
    }
}

/// The page as a form, when it is one; a doubtful value puts the page in review.
fn read_form(record: &mut PageRecord, ctx: &WorkerContext<'_>) {
    let Some(settings) = ctx.records else { return };
    record.form = crate::records::read(&record.words, &record.fields, &settings.forms, ctx.today);
    let unsure = record
        .form
        .as_ref()
        .is_some_and(|f| f.is_unsure(settings.sure));
    if settings.review && unsure {
        record.flags.push(PageFlag::UnsureFields);
    }
}

/// A file that could not be read; unchanged when it failed the same way last time with the
/// same size and time (nothing new to record).
pub fn failed(task: &FileTask, kind: &str, message: String) -> Outcome {
    if let Action::Retry { failed: Some(f) } = &task.action {
        if f.kind == kind && f.message == message {
            return Outcome::Unchanged {
                key: task.key.clone(),
                mtime_ns: task.source.mtime_ns,
            };
        }
    }
    recorded(task, record(task, None, fail(kind, message)))
}

fn recorded(task: &FileTask, record: FileRecord) -> Outcome {
    Outcome::Record {
        record,
        is_new: task.action == Action::New,
    }
}

fn fail(kind: &str, message: String) -> FileOutcome {
    FileOutcome::Failed(FileFailure {
        kind: kind.to_string(),
        message,
    })
}

fn record(task: &FileTask, content: Option<ContentId>, outcome: FileOutcome) -> FileRecord {
    FileRecord {
        key: task.key.clone(),
        size: task.source.size,
        mtime_ns: task.source.mtime_ns,
        content,
        outcome,
        source_name: task.source.disk_name.clone(),
    }
}

/// Flags the pages of a PDF that already carried text, so a reviewer knows an earlier OCR
/// layer existed (only sohoa's layer goes into an exported PDF).
fn mark_text_layers(with_text: &[u32], pages: &mut [PageRecord]) {
    for page in pages.iter_mut().filter(|p| with_text.contains(&p.index)) {
        page.flags.push(PageFlag::HasTextLayer);
    }
}

fn page_record(page: &PageImage, found: Recognition, min_confidence: f32) -> PageRecord {
    let mut flags = Vec::new();
    if found.words.is_empty() {
        flags.push(PageFlag::Blank);
    } else if found.confidence < min_confidence {
        flags.push(PageFlag::LowConfidence);
    }
    match page.dpi {
        None => flags.push(PageFlag::DpiUnknown),
        Some(dpi) if dpi.min() < MIN_DPI => flags.push(PageFlag::LowDpi),
        Some(_) => {}
    }
    PageRecord {
        index: page.index,
        width: page.width,
        height: page.height,
        dpi: page.dpi,
        text: found.text,
        confidence: found.confidence,
        words: found.words,
        engine_ms: found.engine_ms,
        flags,
        geometry: Geometry::default(),
        fields: Vec::new(),
        prep_ms: 0,
        form: None,
    }
}
