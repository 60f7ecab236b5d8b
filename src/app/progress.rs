//! Live progress on stderr: indicatif bars on a terminal (files with page rate and ETA, and
//! dossiers per collection), a plain line every few seconds when stderr is a file or a pipe
//! (operators' logs), nothing with `--quiet`. Workers only bump counters; drawing is
//! throttled by indicatif or by the log thread's timer.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use sohoa::config::Lang;
use sohoa::progress::{PlanTotals, Progress};

use super::render::dec;

/// Print a warning line on stderr, in the operator's language.
pub fn warn(message: &str, lang: Lang) {
    let label = super::i18n::warning_label(lang);
    eprintln!("sohoa: {label}: {}", super::i18n::translate(message, lang));
}

/// Seconds between two log lines when stderr is not a terminal.
const LOG_EVERY: Duration = Duration::from_secs(5);

/// The progress display chosen for this run.
pub enum Display {
    Quiet,
    Bars(Bars),
    Log(Arc<Counters>),
}

impl Display {
    pub fn choose(quiet: bool, lang: Lang) -> Display {
        if quiet {
            Display::Quiet
        } else if std::io::stderr().is_terminal() {
            Display::Bars(Bars::new(lang))
        } else {
            Display::Log(Arc::new(Counters::new(lang)))
        }
    }
}

/// Counters shared by workers and the log thread.
pub struct Counters {
    lang: Lang,
    files: AtomicU64,
    files_total: AtomicU64,
    pages: AtomicU64,
    failed: AtomicU64,
    started: Mutex<Option<Instant>>,
    done: AtomicBool,
}

impl Counters {
    fn new(lang: Lang) -> Counters {
        Counters {
            lang,
            files: AtomicU64::new(0),
            files_total: AtomicU64::new(0),
            pages: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            started: Mutex::new(None),
            done: AtomicBool::new(false),
        }
    }

    fn line(&self) -> String {
        let elapsed = self
            .started
            .lock()
            .ok()
            .and_then(|s| s.map(|s| s.elapsed().as_secs_f64()))
            .unwrap_or(0.0);
        let pages = self.pages.load(Ordering::Relaxed);
        let rate = if elapsed > 0.0 {
            pages as f64 * 60.0 / elapsed
        } else {
            0.0
        };
        let (files, total) = (
            self.files.load(Ordering::Relaxed),
            self.files_total.load(Ordering::Relaxed),
        );
        let failed = self.failed.load(Ordering::Relaxed);
        match self.lang {
            Lang::Vi => format!(
                "sohoa: {files}/{total} tệp, {pages} trang ({} trang/phút), {failed} lỗi",
                dec(rate, 1, self.lang)
            ),
            Lang::En => format!(
                "sohoa: {files}/{total} files, {pages} pages ({} pages/min), {failed} failed",
                dec(rate, 1, self.lang)
            ),
        }
    }
}

impl Counters {
    fn start(self: &Arc<Self>, totals: &PlanTotals) {
        self.files_total.store(totals.files, Ordering::Relaxed);
        if let Ok(mut s) = self.started.lock() {
            *s = Some(Instant::now());
        }
        let counters = Arc::clone(self);
        std::thread::spawn(move || {
            let mut last = Instant::now();
            while !counters.done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(200));
                if last.elapsed() >= LOG_EVERY {
                    eprintln!("{}", counters.line());
                    last = Instant::now();
                }
            }
        });
    }

    fn file_done(&self, _collection: &str, _bytes: u64, pages: u32, failed: bool) {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.pages.fetch_add(u64::from(pages), Ordering::Relaxed);
        self.failed.fetch_add(u64::from(failed), Ordering::Relaxed);
    }

    fn finish(&self) {
        self.done.store(true, Ordering::Relaxed);
        eprintln!("{}", self.line());
    }
}

/// indicatif bars: one for files, one per collection for dossiers.
pub struct Bars {
    lang: Lang,
    multi: MultiProgress,
    files: ProgressBar,
    pages: AtomicU64,
    started: Mutex<Option<Instant>>,
    collections: Mutex<Vec<(String, ProgressBar)>>,
}

impl Bars {
    fn new(lang: Lang) -> Bars {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr_with_hz(5));
        let unit = match lang {
            Lang::Vi => "tệp",
            Lang::En => "files",
        };
        let style = ProgressStyle::with_template(&format!(
            "{{spinner}} {{bar:30}} {{pos}}/{{len}} {unit} · {{msg}} · ETA {{eta}}"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        let files = multi.add(ProgressBar::new(0).with_style(style));
        Bars {
            lang,
            multi,
            files,
            pages: AtomicU64::new(0),
            started: Mutex::new(None),
            collections: Mutex::new(Vec::new()),
        }
    }

    fn pages_message(&self) -> String {
        let pages = self.pages.load(Ordering::Relaxed);
        let secs = self
            .started
            .lock()
            .ok()
            .and_then(|s| s.map(|s| s.elapsed().as_secs_f64()))
            .unwrap_or(0.0);
        let rate = if secs > 0.0 {
            pages as f64 * 60.0 / secs
        } else {
            0.0
        };
        match self.lang {
            Lang::Vi => format!("{pages} trang ({} trang/phút)", dec(rate, 1, self.lang)),
            Lang::En => format!("{pages} pages ({} pages/min)", dec(rate, 1, self.lang)),
        }
    }
}

impl Progress for Display {
    fn start(&self, totals: &PlanTotals) {
        match self {
            Display::Quiet => {}
            Display::Log(c) => c.start(totals),
            Display::Bars(b) => b.start(totals),
        }
    }

    fn file_done(&self, collection: &str, bytes: u64, pages: u32, failed: bool) {
        match self {
            Display::Quiet => {}
            Display::Log(c) => c.file_done(collection, bytes, pages, failed),
            Display::Bars(b) => b.file_done(collection, bytes, pages, failed),
        }
    }

    fn dossier_done(&self, collection: &str) {
        if let Display::Bars(b) = self {
            b.dossier_done(collection);
        }
    }

    fn finish(&self) {
        match self {
            Display::Quiet => {}
            Display::Log(c) => c.finish(),
            Display::Bars(b) => b.finish(),
        }
    }
}

impl Progress for Bars {
    fn start(&self, totals: &PlanTotals) {
        self.files.set_length(totals.files);
        if let Ok(mut s) = self.started.lock() {
            *s = Some(Instant::now());
        }
        self.files.set_message(self.pages_message());
        self.files.enable_steady_tick(Duration::from_millis(200));
        let style = ProgressStyle::with_template("  {bar:30} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        let unit = match self.lang {
            Lang::Vi => "hồ sơ",
            Lang::En => "dossiers",
        };
        let Ok(mut bars) = self.collections.lock() else {
            return;
        };
        for c in &totals.collections {
            let bar = self
                .multi
                .add(ProgressBar::new(c.dossiers).with_style(style.clone()));
            bar.set_position(c.dossiers_ready);
            bar.set_message(format!("{unit} · {}", c.name));
            bars.push((c.id.clone(), bar));
        }
    }

    fn file_done(&self, _collection: &str, _bytes: u64, pages: u32, _failed: bool) {
        self.pages.fetch_add(u64::from(pages), Ordering::Relaxed);
        self.files.set_message(self.pages_message());
        self.files.inc(1);
    }

    fn dossier_done(&self, collection: &str) {
        let Ok(bars) = self.collections.lock() else {
            return;
        };
        if let Some((_, bar)) = bars.iter().find(|(id, _)| id == collection) {
            bar.inc(1);
        }
    }

    fn finish(&self) {
        self.files.finish_and_clear();
        if let Ok(bars) = self.collections.lock() {
            bars.iter().for_each(|(_, b)| b.finish_and_clear());
        }
    }
}
