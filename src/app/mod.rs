//! The binary's side: argument parsing, dispatch, error printing and exit codes. `main →
//! run → Exit`; the error chain is printed once, with `{:#}`.

mod cli;
mod color;
mod commands;
mod exit;
mod form_render;
mod help_vi;
mod help_vi_text;
mod i18n;
mod i18n_vi;
mod lookup;
mod lookup_render;
mod manuals;
mod merge_cmd;
mod pdf_cmd;
mod period;
mod progress;
mod records_cmd;
mod render;
mod report;
mod review_cmd;
mod review_render;
mod shard_arg;
mod usage_error;
mod verify_cmd;
mod verify_render;
mod watch_cmd;
mod watch_progress;

use std::process::ExitCode;

use exit::Exit;

/// Tesseract's OpenMP runtime reads `OMP_THREAD_LIMIT` once, when the library is loaded,
/// before `main` runs; setting it later has no effect. So when it is not 1, re-execute this
/// program with it set: with several OpenMP threads per engine, parallel workers
/// oversubscribe the cores and OCR runs several times slower.
pub fn ensure_single_threaded_engines() {
    use std::os::unix::process::CommandExt;
    if std::env::var_os("OMP_THREAD_LIMIT").is_some_and(|v| v == "1") {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let err = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env("OMP_THREAD_LIMIT", "1")
        .exec();
    // Only reached when exec failed: go on, slower but correct.
    eprintln!("sohoa: warning: could not restart with OMP_THREAD_LIMIT=1: {err}");
}

/// Keep freed memory from piling up in many heaps. glibc gives each allocating thread its own
/// arena (up to eight per core) and keeps what is freed there for reuse by that arena: with
/// an engine and a feeder per worker, a page decoded by one thread and freed by another
/// stays cached in several. One arena per core measured about 40 MB less peak memory for
/// two workers on 204 pages, at the same speed.
pub fn limit_heap_arenas() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cores = i32::try_from(cores).unwrap_or(i32::MAX);
    // SAFETY: mallopt only changes glibc's allocator settings; called before any other
    // thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, cores);
    }
}

/// Die quietly of SIGPIPE, as Unix tools do, when stdout is a pipe whose reader has gone
/// (`sohoa search … | head`): Rust ignores the signal, which turns every later `print!`
/// into a panic. Nothing is lost: the archive is consistent at every instant, and results
/// go to stdout only once the work is done.
pub fn die_on_broken_pipe() {
    // SAFETY: restores the default disposition of one signal, before any other thread runs.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

pub fn main() -> ExitCode {
    let cli = manuals::parse();
    color::choose(cli.color);
    let lang = commands::message_lang(&cli);
    match commands::dispatch(cli) {
        Ok(exit) => exit.into(),
        Err(failure) => {
            let line = i18n::error_line(&failure.error, lang);
            eprintln!("{}", i18n::paint_error_line(&line, color::Paint::stderr()));
            failure.exit.into()
        }
    }
}

/// Exit code of a finished command.
pub type Outcome = Result<Exit, exit::Failure>;
