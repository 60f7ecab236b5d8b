//! What `sohoa watch` shows on stderr while it waits: one line with what was taken so far,
//! the files being processed and those waiting to settle ("đang chờ ổn định: 2 tệp" /
//! "waiting to settle: 2 files"). A spinner on a terminal; in a log, the line each time it
//! changes (at most once a poll, so a quiet watch writes nothing); nothing with `--quiet`.
//! Workers only bump counters, as for `run`.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sohoa::config::Lang;
use sohoa::progress::{PlanTotals, Progress};

use super::render::int;

/// How the status is shown.
enum Output {
    Quiet,
    Spinner(ProgressBar),
    /// The last line printed.
    Log(Mutex<String>),
}

/// The watch's status line and the counters behind it.
pub struct WatchDisplay {
    lang: Lang,
    output: Output,
    files: AtomicU64,
    pages: AtomicU64,
    failed: AtomicU64,
    waiting: AtomicU64,
    executing: AtomicBool,
    cycle_files: AtomicU64,
    cycle_done: AtomicU64,
}

impl WatchDisplay {
    pub fn choose(quiet: bool, lang: Lang) -> WatchDisplay {
        let output = if quiet {
            Output::Quiet
        } else if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(5));
            let style = ProgressStyle::with_template("{spinner} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner());
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(200));
            Output::Spinner(bar)
        } else {
            Output::Log(Mutex::new(String::new()))
        };
        WatchDisplay {
            lang,
            output,
            files: AtomicU64::new(0),
            pages: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            waiting: AtomicU64::new(0),
            executing: AtomicBool::new(false),
            cycle_files: AtomicU64::new(0),
            cycle_done: AtomicU64::new(0),
        }
    }

    /// After a poll: `n` files seen but not settled yet.
    pub fn waiting(&self, n: usize) {
        self.waiting.store(n as u64, Ordering::Relaxed);
        match &self.output {
            Output::Quiet => {}
            Output::Spinner(bar) => bar.set_message(self.line()),
            Output::Log(last) => {
                let line = self.line();
                if let Ok(mut last) = last.lock() {
                    if *last != line {
                        eprintln!("sohoa: {line}");
                        *last = line;
                    }
                }
            }
        }
    }

    /// The watch is over: clear the spinner before the summary.
    pub fn end(&self) {
        if let Output::Spinner(bar) = &self.output {
            bar.finish_and_clear();
        }
    }

    fn line(&self) -> String {
        let l = self.lang;
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let (files, pages, failed) = (get(&self.files), get(&self.pages), get(&self.failed));
        let waiting = get(&self.waiting);
        let mut line = match l {
            Lang::Vi => format!(
                "đang theo dõi · đã lấy {} tệp, {} trang, {} lỗi",
                int(files, l),
                int(pages, l),
                int(failed, l)
            ),
            Lang::En => format!(
                "watching · taken {}, {} pages, {} failed",
                files_en(files),
                int(pages, l),
                int(failed, l)
            ),
        };
        if self.executing.load(Ordering::Relaxed) {
            let (done, total) = (get(&self.cycle_done), get(&self.cycle_files));
            line.push_str(&match l {
                Lang::Vi => format!(" · đang xử lý {done}/{total} tệp"),
                Lang::En => format!(" · processing {done}/{total} files"),
            });
        }
        if waiting > 0 {
            line.push_str(&match l {
                Lang::Vi => format!(" · đang chờ ổn định: {} tệp", int(waiting, l)),
                Lang::En => format!(" · waiting to settle: {}", files_en(waiting)),
            });
        }
        line
    }

    fn refresh(&self) {
        if let Output::Spinner(bar) = &self.output {
            bar.set_message(self.line());
        }
    }
}

/// "1 file", "2 files".
fn files_en(n: u64) -> String {
    let unit = if n == 1 { "file" } else { "files" };
    format!("{} {unit}", int(n, Lang::En))
}

impl Progress for WatchDisplay {
    fn start(&self, totals: &PlanTotals) {
        self.cycle_files.store(totals.files, Ordering::Relaxed);
        self.cycle_done.store(0, Ordering::Relaxed);
        self.executing.store(true, Ordering::Relaxed);
        self.refresh();
    }

    fn file_done(&self, _collection: &str, _bytes: u64, pages: u32, failed: bool) {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.cycle_done.fetch_add(1, Ordering::Relaxed);
        self.pages.fetch_add(u64::from(pages), Ordering::Relaxed);
        self.failed.fetch_add(u64::from(failed), Ordering::Relaxed);
        self.refresh();
    }

    fn finish(&self) {
        self.executing.store(false, Ordering::Relaxed);
        self.refresh();
    }
}
