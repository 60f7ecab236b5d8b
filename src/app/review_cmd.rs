//! `sohoa review`: start the review station (`sohoa::review`), print its address with the
//! token on stdout (the one line a script or a launcher reads), serve until Ctrl-C. No
//! archive lock is taken: a batch may run into the same archive meanwhile.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::anyhow;
use sohoa::config::{Lang, Settings};
use sohoa::review::{Station, StationOptions};

use super::cli::ReviewArgs;
use super::commands::resolve_lang;
use super::exit::{Exit, Failure};
use super::Outcome;

pub fn review(settings: &Settings, args: &ReviewArgs) -> Outcome {
    let lang = resolve_lang(args.lang, settings);
    let reviewer = args
        .operator
        .clone()
        .or_else(|| settings.operator.clone())
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .filter(|name| !name.trim().is_empty())
        .ok_or_else(|| {
            Failure::usage(anyhow!(
                "who is reviewing? give --operator NAME (or `operator` in pipeline.toml)"
            ))
        })?;
    let station = Station::open(StationOptions {
        archive: settings.archive.clone(),
        bind: args.bind,
        port: args.port,
        reviewer: reviewer.trim().to_string(),
        sure: settings.records.sure,
    })
    .map_err(Failure::archive)?;
    println!("{}", station.url());
    let _ = std::io::stdout().flush();
    match lang {
        Lang::Vi => eprintln!("sohoa: trạm duyệt đang chạy; mở địa chỉ trên; Ctrl-C để dừng"),
        Lang::En => {
            eprintln!("sohoa: review station running; open the address above; Ctrl-C stops it")
        }
    }
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    // Every decision is committed when made, so stopping loses nothing.
    if let Err(e) = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst)) {
        super::progress::warn(&format!("Ctrl-C will not stop cleanly: {e}"), lang);
    }
    station.serve(&stop).map_err(Failure::archive)?;
    Ok(Exit::Ok)
}
