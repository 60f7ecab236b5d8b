//! `sohoa watch`: the loop around the library's [`Watch`]. It resolves the settle and poll
//! times (flag, else `[watch]`, else the defaults of `config.rs`), polls until Ctrl-C or
//! SIGTERM, says on stderr when a source folder drops out and comes back, and ends with the
//! summary and exit code of `run`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::anyhow;
use sohoa::config::{Lang, Settings, WatchSettings};
use sohoa::pipeline::{CycleReport, RunOptions, Watch};

use super::cli::WatchArgs;
use super::color::Paint;
use super::commands::{cancel_on_ctrl_c, classify, resolve_lang, tesseract_factory};
use super::exit::{Exit, Failure};
use super::watch_progress::WatchDisplay;
use super::{progress, render, Outcome};

pub fn watch(settings: &Settings, args: &WatchArgs) -> Outcome {
    let collections = settings
        .select(&args.collections)
        .map_err(|e| Failure::usage(anyhow!(e)))?;
    let lang = resolve_lang(args.lang, settings);
    let timing = timing(settings, args)?;
    let options = RunOptions {
        collections: args.collections.clone(),
        operator: args.operator.clone().or_else(|| settings.operator.clone()),
        centre: args.centre.clone().or_else(|| settings.centre.clone()),
        workers: args.workers.unwrap_or(settings.ocr.workers),
        ..RunOptions::default()
    };
    let factory = tesseract_factory(settings);
    let cancel = cancel_on_ctrl_c(lang);
    let mut watch =
        Watch::open(settings, &collections, &options, timing.settle, &factory).map_err(classify)?;
    let display = WatchDisplay::choose(args.quiet, lang);
    while !cancel.load(Ordering::SeqCst) {
        let report = watch
            .cycle(Instant::now(), &display, &cancel)
            .map_err(classify)?;
        tell(&report, lang);
        display.waiting(report.waiting);
        pause(timing.poll, &cancel);
    }
    display.end();
    let summary = watch.finish().map_err(classify)?;
    if args.json {
        let json = serde_json::to_string_pretty(&summary).map_err(Failure::archive)?;
        println!("{json}");
    } else {
        print!("{}", render::summary(&summary, lang, Paint::stdout()));
    }
    // A file that failed during the watch counts even when a later, whole version of it
    // was taken: the operator should know the scanner wrote something unreadable.
    Ok(if summary.has_problems() || summary.files.failed > 0 {
        Exit::Problems
    } else {
        Exit::Ok
    })
}

/// The settle and poll times: a flag overrides `[watch]`.
fn timing(settings: &Settings, args: &WatchArgs) -> Result<WatchSettings, Failure> {
    let mut timing = settings.watch;
    if let Some(s) = args.settle_seconds {
        timing.settle = WatchSettings::seconds("--settle-seconds", s, true)
            .map_err(|e| Failure::usage(anyhow!(e)))?;
    }
    if let Some(s) = args.poll_seconds {
        timing.poll = WatchSettings::seconds("--poll-seconds", s, false)
            .map_err(|e| Failure::usage(anyhow!(e)))?;
    }
    Ok(timing)
}

/// Source folders that dropped out or came back, once each.
fn tell(report: &CycleReport, lang: Lang) {
    for lost in &report.lost {
        let error = super::i18n::translate(&lost.error.to_string(), lang);
        let message = match lang {
            Lang::Vi => format!(
                "bộ hồ sơ {}: {error}; đang chờ thư mục trở lại (không coi là đã xóa)",
                lost.collection
            ),
            Lang::En => format!(
                "collection {}: {error}; waiting for it to come back (nothing is taken as deleted)",
                lost.collection
            ),
        };
        progress::warn(&message, lang);
    }
    for id in &report.back {
        match lang {
            Lang::Vi => eprintln!("sohoa: bộ hồ sơ {id}: thư mục nguồn đã đọc được trở lại"),
            Lang::En => eprintln!("sohoa: collection {id}: the source folder can be read again"),
        }
    }
}

/// Sleep for `poll`, waking early on Ctrl-C.
fn pause(poll: Duration, cancel: &AtomicBool) {
    let until = Instant::now() + poll;
    while !cancel.load(Ordering::SeqCst) {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return;
        }
        std::thread::sleep(left.min(Duration::from_millis(100)));
    }
}
