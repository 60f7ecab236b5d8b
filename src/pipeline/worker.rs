//! What one worker does with one file: read it once, checksum it, store the original, decode
//! its pages and recognise each with the worker's own engine. Every problem with the file
//! itself becomes a recorded failure; only a failure of the archive (the object store) is
//! returned as an error, because then no further file can be archived either.

use crate::blank;
use crate::config::MIN_DPI;
use crate::content::ContentId;
use crate::decode::{self, DecodeLimits, PageImage};
use crate::model::{FileFailure, FileKey, FileOutcome, FileRecord, Geometry, PageFlag, PageRecord};
use crate::ocr::{Engine, OcrError, Recognition};
use crate::prep;
use crate::store::{ObjectStore, StoreError};

use super::plan::{Action, FileTask};

/// Files larger than this are refused before reading: no scanned dossier comes near it, and
/// a worker holds the whole file in memory.
const MAX_FILE_BYTES: u64 = 2 << 30;

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
}

/// Process one file.
///
/// # Errors
/// Only when the object store fails; problems of the file are recorded in the outcome.
pub fn process(
    task: &FileTask,
    engine: &mut impl Engine,
    ctx: &WorkerContext<'_>,
) -> Result<Outcome, StoreError> {
    let failed =
        |kind: &str, message: String| Ok(recorded(task, record(task, None, fail(kind, message))));
    if let Some(reason) = &task.source.refused {
        return failed("unreadable", reason.clone());
    }
    if task.source.size > MAX_FILE_BYTES {
        let message = format!(
            "file too large: {} bytes (limit {MAX_FILE_BYTES})",
            task.source.size
        );
        return failed("too-large", message);
    }
    let bytes = match std::fs::read(&task.source.path) {
        Ok(bytes) => bytes,
        Err(e) => return failed("unreadable", format!("cannot read: {e}")),
    };
    let id = ContentId::of_bytes(&bytes);
    if task.action == (Action::Recheck { known: id }) {
        return Ok(Outcome::Unchanged {
            key: task.key.clone(),
            mtime_ns: task.source.mtime_ns,
        });
    }
    ctx.store.put(&id, &bytes)?;
    let outcome = recognise_file(&bytes, engine, ctx);
    let mut rec = record(task, Some(id), outcome);
    rec.size = bytes.len() as u64;
    Ok(recorded(task, rec))
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
    }
}

/// Decode every page and recognise it as soon as it is decoded, so one page at a time is
/// in memory.
fn recognise_file(bytes: &[u8], engine: &mut impl Engine, ctx: &WorkerContext<'_>) -> FileOutcome {
    let mut pages = Vec::new();
    let mut ocr_error: Option<(u32, OcrError)> = None;
    let decoded = decode::for_each_page(bytes, &ctx.limits, |page: PageImage| {
        if ocr_error.is_some() {
            return;
        }
        // A blank back side is not worth the engine's time, and noise read as text would be
        // worse than no text.
        if blank::analyse(&page.pixels, page.width, page.height).is_blank() {
            pages.push(page_record(
                &page,
                Recognition::nothing(),
                ctx.min_confidence,
            ));
            return;
        }
        let index = page.index;
        match prep::read(page, engine, &ctx.prep) {
            Ok(read) => {
                let mut record = page_record(&read.page, read.recognition, ctx.min_confidence)
                    .with_geometry(read.geometry);
                record.flags.extend(read.flags);
                record.fields = read.fields;
                record.prep_ms = read.prep_ms;
                pages.push(record);
            }
            Err(e) => ocr_error = Some((index, e)),
        }
    });
    if let Err(e) = decoded {
        return fail(e.kind(), e.to_string());
    }
    if let Some((index, e)) = ocr_error {
        return fail("ocr", format!("page {}: {e}", index + 1));
    }
    mark_text_layers(bytes, &mut pages);
    FileOutcome::Pages(pages)
}

/// Flags the pages of a PDF that already carried text, so a reviewer knows an earlier OCR
/// layer existed (only sohoa's layer goes into an exported PDF).
fn mark_text_layers(bytes: &[u8], pages: &mut [PageRecord]) {
    if decode::sniff(bytes) != Some(decode::Format::Pdf) {
        return;
    }
    let with_text = decode::text_layer_pages(bytes);
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
    }
}
