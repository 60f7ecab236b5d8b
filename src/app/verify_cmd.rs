//! `sohoa verify` and `sohoa export bagit`: resolve arguments, call the library, render,
//! choose the exit code (0 clean, 1 findings, 3 archive unusable).

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::anyhow;
use sohoa::bagit::{self, BagOptions};
use sohoa::catalog::Catalog;
use sohoa::config::{Lang, Settings};
use sohoa::export_out::{Existing, Staging};
use sohoa::pipeline::CATALOG_FILE;
use sohoa::store::ObjectStore;
use sohoa::verify::{self, Level, VerifyOptions, VerifyProgress};

use super::cli::{ExportBagitArgs, VerifyArgs};
use super::commands::resolve_lang;
use super::exit::{Exit, Failure};
use super::render::{self, int};
use super::{verify_render, Outcome};

pub fn verify(settings: &Settings, args: &VerifyArgs) -> Outcome {
    let lang = resolve_lang(args.lang, settings);
    let archive = &settings.archive;
    if args.print_root || args.history {
        let catalog =
            Catalog::open_read_only(&archive.join(CATALOG_FILE)).map_err(Failure::archive)?;
        if args.print_root {
            println!("{}", catalog.chain_head().map_err(Failure::archive)?);
        } else {
            let events = catalog.fixity_events().map_err(Failure::archive)?;
            if args.json {
                println!("{}", to_json(&events)?);
            } else {
                print!("{}", verify_render::history(&events, lang));
            }
        }
        return Ok(Exit::Ok);
    }
    let level = match (args.quick, args.sample) {
        (true, _) => Level::Quick,
        (false, Some(p)) => Level::Sample(p),
        (false, None) => Level::Full,
    };
    let options = VerifyOptions {
        level,
        expect_root: args.expect_root.clone(),
        agent: agent(),
    };
    let progress = LineProgress::new(!args.quiet, lang);
    let report = verify::verify(archive, &options, &progress).map_err(Failure::archive)?;
    if args.json {
        println!("{}", to_json(&report)?);
    } else {
        print!("{}", verify_render::report(&report, lang));
    }
    Ok(if report.findings.is_empty() {
        Exit::Ok
    } else {
        Exit::Problems
    })
}

fn to_json(value: &impl serde::Serialize) -> Result<String, Failure> {
    serde_json::to_string_pretty(value).map_err(Failure::archive)
}

/// Who verified, for the fixity event: program, version, user and host.
fn agent() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "?".to_string());
    let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    format!(
        "sohoa {} ({user}@{})",
        env!("CARGO_PKG_VERSION"),
        host.trim()
    )
}

/// Progress of the re-hash: a line on stderr every few seconds (every second on a
/// terminal), from a timer thread; workers only bump counters.
struct LineProgress {
    enabled: bool,
    lang: Lang,
    state: Arc<(AtomicU64, AtomicU64, AtomicU64, AtomicBool)>,
}

impl LineProgress {
    fn new(enabled: bool, lang: Lang) -> LineProgress {
        let state = Arc::new((
            AtomicU64::new(0),
            AtomicU64::new(0),
            AtomicU64::new(0),
            AtomicBool::new(false),
        ));
        LineProgress {
            enabled,
            lang,
            state,
        }
    }
}

impl VerifyProgress for LineProgress {
    fn start(&self, _objects: u64, bytes: u64) {
        self.state.1.store(bytes, Ordering::Relaxed);
        if !self.enabled {
            return;
        }
        let state = Arc::clone(&self.state);
        let lang = self.lang;
        let every = if std::io::stderr().is_terminal() {
            Duration::from_secs(1)
        } else {
            Duration::from_secs(5)
        };
        std::thread::spawn(move || loop {
            std::thread::sleep(every);
            if state.3.load(Ordering::Relaxed) {
                return;
            }
            let (done, total) = (
                state.0.load(Ordering::Relaxed),
                state.1.load(Ordering::Relaxed),
            );
            let mib = |b: u64| render::dec(b as f64 / 1_048_576.0, 1, lang);
            let (label, objects) = match lang {
                Lang::Vi => ("sohoa: đã kiểm tra", "đối tượng"),
                Lang::En => ("sohoa: verified", "objects"),
            };
            let count = render::int(state.2.load(Ordering::Relaxed), lang);
            eprintln!(
                "{label} {} / {} MiB, {count} {objects}",
                mib(done),
                mib(total)
            );
        });
    }

    fn object_done(&self, bytes: u64) {
        self.state.0.fetch_add(bytes, Ordering::Relaxed);
        self.state.2.fetch_add(1, Ordering::Relaxed);
    }

    fn finish(&self) {
        self.state.3.store(true, Ordering::Relaxed);
    }
}

pub fn export_bagit(settings: &Settings, args: &ExportBagitArgs) -> Outcome {
    settings
        .select(std::slice::from_ref(&args.collection))
        .map_err(|e| Failure::usage(anyhow!(e)))?;
    let archive = &settings.archive;
    let catalog = Catalog::open_read_only(&archive.join(CATALOG_FILE)).map_err(Failure::archive)?;
    let store = ObjectStore::at(archive);
    let options = BagOptions {
        collection: args.collection.clone(),
        batch: args.batch.clone(),
        organization: settings.organization.clone(),
        software: format!("sohoa {}", env!("CARGO_PKG_VERSION")),
    };
    let staging =
        Staging::begin(&args.out, archive, Existing::RefuseBag).map_err(Failure::output)?;
    let bag =
        bagit::export_bag(&catalog, &store, &options, staging.dir()).map_err(|e| match e {
            bagit::BagError::UnknownBatch { .. } => Failure::usage(e),
            other => Failure::archive(other),
        })?;
    staging.commit().map_err(Failure::output)?;
    if args.json {
        render::print_json(&serde_json::json!({
            "out": args.out,
            "collection": args.collection,
            "batch": args.batch,
            "files": bag.files,
            "bytes": bag.bytes,
            "shortened": bag.shortened,
        }))?;
    }
    let lang = resolve_lang(args.lang, settings);
    let (files, bytes, out) = (
        int(bag.files, lang),
        int(bag.bytes, lang),
        args.out.display(),
    );
    match lang {
        Lang::Vi => eprintln!("sohoa: đã ghi gói BagIt {files} tệp ({bytes} byte) vào {out}"),
        Lang::En => eprintln!("sohoa: wrote a bag of {files} files ({bytes} bytes) to {out}"),
    }
    if let Some(line) = render::shortened_line(bag.shortened, lang) {
        eprintln!("{line}");
    }
    Ok(Exit::Ok)
}
