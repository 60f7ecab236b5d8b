//! The feeding half of a worker: everything done to a file before its engine reads it.
//! Reading the file once, checksumming it, storing the original, decoding its pages, the
//! blank-page check and page preparation (straightening, cleaning) need no engine, so a
//! feeder thread does them for the next page while the worker's engine reads the current
//! one; the engine never waits for the disk or the decoder.
//!
//! A file is fed as its pages followed by its end, or as one finished outcome when it needs
//! no engine (refused, unreadable, unchanged). Only a failure of the object store is an
//! error; problems of the file itself are recorded.
//!
//! Content decides what is a page: a file whose bytes are a format sohoa decodes is read
//! whatever its name (a JPEG saved as `.jfif`, a TIFF without extension). A file with another
//! extension, or none, whose content is no such format is stored and recorded `unsupported`,
//! naming what it is; one with a page extension gets its decoder's error (`not-an-image`, …).

use crate::blank;
use crate::content::ContentId;
use crate::decode::{self, PageImage};
use crate::model::FileFailure;
use crate::prep;
use crate::store::StoreError;
use crate::walk::{self, SourceFile};

use super::plan::{Action, FileTask};
use super::worker::{failed, Outcome, WorkerContext};

/// Files larger than this are refused before reading: no scanned dossier comes near it, and
/// a feeder holds the whole file in memory.
const MAX_FILE_BYTES: u64 = 2 << 30;

/// What a feeder hands to its engine.
pub enum Fed {
    /// A file finished without the engine.
    Done(Outcome),
    /// The next page of the file being fed.
    Page(FedPage),
    /// The file's pages are all fed.
    End(FileEnd),
}

/// One page, ready for the engine or known to need none.
pub enum FedPage {
    /// A blank page: only its size and resolution are kept (no pixels).
    Blank(PageImage),
    Ready(Box<prep::Prepared>),
}

/// What is known of a file once its pages are fed.
pub struct FileEnd {
    pub content: ContentId,
    pub size: u64,
    /// Why decoding stopped, if it did: the whole file is then recorded as failed.
    pub failure: Option<FileFailure>,
    /// Pages (0-based) of a PDF that already carried text.
    pub text_layers: Vec<u32>,
}

/// Where a feeder sends what it fed. Both calls return false once the engine side has
/// stopped listening (feeding then stops).
pub trait FeedSink {
    /// Wait until another page may be prepared (this bounds the pages a worker holds).
    fn await_room(&mut self) -> bool;
    /// Hand over an item.
    fn send(&mut self, fed: Fed) -> bool;
}

/// Feed one file to `sink`.
///
/// # Errors
/// Only when the object store fails.
pub fn feed(
    task: &FileTask,
    ctx: &WorkerContext<'_>,
    sink: &mut impl FeedSink,
) -> Result<(), StoreError> {
    if let Some(refusal) = &task.source.refused {
        let outcome = failed(task, &refusal.kind, refusal.message.clone());
        sink.send(Fed::Done(outcome));
        return Ok(());
    }
    if task.source.size > MAX_FILE_BYTES {
        let message = format!(
            "file too large: {} bytes (limit {MAX_FILE_BYTES})",
            task.source.size
        );
        sink.send(Fed::Done(failed(task, "too-large", message)));
        return Ok(());
    }
    let bytes = match std::fs::read(&task.source.path) {
        Ok(bytes) => bytes,
        Err(e) => {
            sink.send(Fed::Done(failed(
                task,
                "unreadable",
                format!("cannot read: {e}"),
            )));
            return Ok(());
        }
    };
    let content = ContentId::of_bytes(&bytes);
    if task.action == (Action::Recheck { known: content }) {
        sink.send(Fed::Done(Outcome::Unchanged {
            key: task.key.clone(),
            mtime_ns: task.source.mtime_ns,
        }));
        return Ok(());
    }
    let source = format!("{}/{}", task.key.collection, task.key.rel_path);
    ctx.store.put(&content, &bytes, &source)?;
    if let Some(failure) = not_a_page(&task.source, &bytes) {
        sink.send(Fed::End(FileEnd {
            content,
            size: bytes.len() as u64,
            failure: Some(failure),
            text_layers: Vec::new(),
        }));
        return Ok(());
    }
    let end = feed_pages(&bytes, ctx, sink, content);
    sink.send(Fed::End(end));
    Ok(())
}

/// Why a stored file is recorded without being decoded: a name twin, or a file whose name
/// and content both say it holds no page.
fn not_a_page(source: &SourceFile, bytes: &[u8]) -> Option<FileFailure> {
    if let Some(twin) = &source.twin {
        return Some(twin.clone());
    }
    if source.page_name || decode::sniff(bytes).is_some() {
        return None;
    }
    let what = match walk::extension(&source.rel_path) {
        Some(ext) => match walk::kind_of_extension(&ext) {
            Some(kind) => kind.to_string(),
            None => format!(".{ext} file: {}", decode::describe_content(bytes)),
        },
        None => format!("no file extension: {}", decode::describe_content(bytes)),
    };
    Some(FileFailure {
        kind: walk::UNSUPPORTED.to_string(),
        message: format!("not a page format sohoa reads ({what})"),
    })
}

/// Feed one decoded page: blank, or prepared once the engine has room for it.
fn feed_page(
    page: PageImage,
    ctx: &WorkerContext<'_>,
    sink: &mut impl FeedSink,
    listening: &mut bool,
) {
    if !*listening {
        return;
    }
    // A blank back side is not worth the engine's time, and noise read as text would be
    // worse than no text.
    let fed = if blank::is_blank(&page.pixels, page.width, page.height) {
        FedPage::Blank(PageImage {
            pixels: Vec::new(),
            ..page
        })
    } else if sink.await_room() {
        FedPage::Ready(Box::new(prep::prepare(page, &ctx.prep)))
    } else {
        *listening = false;
        return;
    };
    *listening = sink.send(Fed::Page(fed));
}

/// Decode the pages of a stored file and feed each as soon as it is prepared; the next page
/// is decoded only once the engine has taken the last (see `handover.rs`).
fn feed_pages(
    bytes: &[u8],
    ctx: &WorkerContext<'_>,
    sink: &mut impl FeedSink,
    content: ContentId,
) -> FileEnd {
    // The token is taken before decoding: a decoded page is as large as a prepared one.
    let mut listening = sink.await_room();
    let decoded = if listening {
        decode::for_each_page(bytes, &ctx.limits, |page: PageImage| {
            feed_page(page, ctx, sink, &mut listening);
        })
    } else {
        Ok(0)
    };
    let failure = decoded.err().map(|e| FileFailure {
        kind: e.kind().to_string(),
        message: e.to_string(),
    });
    let text_layers = if decode::sniff(bytes) == Some(decode::Format::Pdf) {
        decode::text_layer_pages(bytes)
    } else {
        Vec::new()
    };
    FileEnd {
        content,
        size: bytes.len() as u64,
        failure,
        text_layers,
    }
}
