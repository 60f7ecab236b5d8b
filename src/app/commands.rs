//! One function per command: resolve arguments and `pipeline.toml` into settings, call the
//! library, render the result, choose the exit code.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::{anyhow, Context};
use sohoa::catalog::Catalog;
use sohoa::config::{CollectionSettings, Lang, Settings, TEMPLATE};
use sohoa::export_out::{Existing, Staging};
use sohoa::ocr::TesseractFactory;
use sohoa::pipeline::{self, RunError, RunOptions, CATALOG_FILE};

use super::cli::{Cli, Command, ExportCommand, ExportTextArgs, InitArgs, LangArg, RunArgs};
use super::color::Paint;
use super::exit::{Exit, Failure};
use super::progress::{self, Display};
use super::{render, Outcome};

/// The language of the command's messages before its settings are loaded (they may be what
/// fails): `--lang`, else the config's `lang`, else Vietnamese.
pub fn message_lang(cli: &Cli) -> Lang {
    let config = cli.config.as_deref().unwrap_or(Path::new("pipeline.toml"));
    match cli.lang() {
        Some(LangArg::Vi) => Lang::Vi,
        Some(LangArg::En) => Lang::En,
        None => sohoa::config::lang_of(config).unwrap_or(Lang::Vi),
    }
}

pub fn dispatch(cli: Cli) -> Outcome {
    let load = || load_settings(cli.config.as_deref(), cli.archive.as_deref());
    match &cli.command {
        Command::Init(args) => init(args, cli.config.as_deref()),
        Command::Run(args) => run(&load()?, args),
        Command::Watch(args) => super::watch_cmd::watch(&load()?, args),
        Command::Merge(args) => super::merge_cmd::merge(&load()?, args),
        Command::Export(ExportCommand::Text(args)) => export_text(&load()?, args),
        Command::Report(args) => super::report::report(&load()?, args),
        Command::Export(ExportCommand::Pdf(args)) => super::pdf_cmd::export_pdf(&load()?, args),
        Command::Export(ExportCommand::Records(args)) => {
            super::records_cmd::export_records(&load()?, args)
        }
        Command::Export(ExportCommand::Bagit(args)) => {
            super::verify_cmd::export_bagit(&load()?, args)
        }
        Command::Verify(args) => super::verify_cmd::verify(&load()?, args),
        Command::Search(args) => super::lookup::search(&load()?, args),
        Command::Show(args) => super::lookup::show(&load()?, args),
        Command::Review(args) => super::review_cmd::review(&load()?, args),
        Command::Completions(args) => super::manuals::completions(args),
        Command::Manpage(args) => super::manuals::manpage(args),
    }
}

/// The settings of the config file, with `--archive DIR` (relative to the working folder,
/// as every path on the command line) in place of `[archive] path`.
fn load_settings(path: Option<&Path>, archive: Option<&Path>) -> Result<Settings, Failure> {
    let path = path.map_or_else(|| PathBuf::from("pipeline.toml"), Path::to_path_buf);
    if !path.exists() {
        return Err(Failure::usage(anyhow!(
            "no configuration: {} does not exist; write one with `sohoa init` \
             (or name another file with --config FILE)",
            path.display()
        )));
    }
    let mut settings = Settings::load(&path).map_err(Failure::usage)?;
    if let Some(archive) = archive {
        settings.archive = archive.to_path_buf();
    }
    Ok(settings)
}

/// Write the commented template, then say which of its source folders do not exist here,
/// since those are the keys the operator must edit before the first run.
fn init(args: &InitArgs, config: Option<&Path>) -> Outcome {
    let path = args
        .path
        .as_deref()
        .or(config)
        .unwrap_or(Path::new("pipeline.toml"));
    if path.exists() && !args.force {
        return Err(Failure::usage(anyhow!(
            "{} already exists; not overwriting it (--force overwrites)",
            path.display()
        )));
    }
    std::fs::write(path, TEMPLATE)
        .with_context(|| format!("cannot write {}", path.display()))
        .map_err(Failure::usage)?;
    let lang = message_lang_of(args.lang);
    let shown = path.display();
    match lang {
        Lang::Vi => eprintln!("sohoa: đã ghi {shown}"),
        Lang::En => eprintln!("sohoa: wrote {shown}"),
    }
    let settings = Settings::load(path).map_err(Failure::usage)?;
    for c in settings.collections.iter().filter(|c| !c.source.is_dir()) {
        let (id, source) = (&c.id, c.source.display());
        match lang {
            Lang::Vi => eprintln!(
                "sohoa: bộ sưu tập {id}: chưa có thư mục nguồn {source}: \
                 sửa `source` của bộ sưu tập này thành thư mục máy quét ghi vào"
            ),
            Lang::En => eprintln!(
                "sohoa: collection {id}: no source folder {source}: \
                 set its `source` to the folder the scanner writes to"
            ),
        }
    }
    match lang {
        Lang::Vi => eprintln!("sohoa: sau đó chạy `sohoa run`"),
        Lang::En => eprintln!("sohoa: then `sohoa run`"),
    }
    Ok(Exit::Ok)
}

/// A collection whose source folder does not exist is a configuration mistake (exit 2),
/// said in one line naming the key to edit, before any work starts.
fn check_sources(settings: &Settings, collections: &[&CollectionSettings]) -> Result<(), Failure> {
    match collections.iter().find(|c| !c.source.exists()) {
        Some(c) => Err(Failure::usage(anyhow!(
            "collection {} has no source folder {}: set its `source` in {} to the folder the scanner writes to",
            c.id,
            c.source.display(),
            settings.config_path.display()
        ))),
        None => Ok(()),
    }
}

/// `--lang` when given, else Vietnamese: for a command that reads no config.
fn message_lang_of(arg: Option<LangArg>) -> Lang {
    match arg {
        Some(LangArg::En) => Lang::En,
        _ => Lang::Vi,
    }
}

/// `--lang` when given, else `lang` in the config.
pub fn resolve_lang(arg: Option<LangArg>, settings: &Settings) -> Lang {
    match arg {
        Some(LangArg::Vi) => Lang::Vi,
        Some(LangArg::En) => Lang::En,
        None => settings.lang,
    }
}

fn run(settings: &Settings, args: &RunArgs) -> Outcome {
    let collections = settings
        .select(&args.collections)
        .map_err(|e| Failure::usage(anyhow!(e)))?;
    let lang = resolve_lang(args.lang, settings);
    check_sources(settings, &collections)?;
    let shard = super::shard_arg::resolve(args.shard, args.shards.as_deref(), |name| {
        std::env::var(name).ok()
    })?;
    if args.dry_run {
        let plan = pipeline::plan_only(settings, &collections, shard).map_err(classify)?;
        if args.json {
            let json = serde_json::to_string_pretty(&render::plan_json(&plan));
            println!("{}", json.map_err(Failure::archive)?);
        } else {
            print!("{}", render::plan(&plan, lang));
        }
        return Ok(Exit::Ok);
    }
    let options = RunOptions {
        collections: args.collections.clone(),
        operator: args.operator.clone().or_else(|| settings.operator.clone()),
        centre: args.centre.clone().or_else(|| settings.centre.clone()),
        workers: args.workers.unwrap_or(settings.ocr.workers),
        shard,
    };
    let factory = tesseract_factory(settings);
    let cancel = cancel_on_ctrl_c(lang);
    let display = Display::choose(args.quiet, lang);
    let summary = pipeline::run(
        settings,
        &collections,
        &options,
        &factory,
        &display,
        &cancel,
    )
    .map_err(classify)?;
    if args.json {
        let json = serde_json::to_string_pretty(&summary).map_err(Failure::archive)?;
        println!("{json}");
    } else {
        print!("{}", render::summary(&summary, lang, Paint::stdout()));
    }
    Ok(if summary.has_problems() {
        Exit::Problems
    } else {
        Exit::Ok
    })
}

/// The OCR engines `[ocr]` asks for.
pub fn tesseract_factory(settings: &Settings) -> TesseractFactory {
    TesseractFactory {
        languages: settings.ocr.languages.clone(),
        tessdata: settings.ocr.tessdata.clone(),
        retry_tessdata: settings.ocr.retry_tessdata.clone(),
    }
}

/// First Ctrl-C: finish the files in hand, commit, stop. Second: leave at once (the archive
/// is consistent at every instant, so this loses only uncommitted work).
pub fn cancel_on_ctrl_c(lang: Lang) -> Arc<AtomicBool> {
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&cancel);
    let installed = ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        match lang {
            Lang::Vi => eprintln!(
                "\nsohoa: đang dừng: hoàn tất các trang đang xử lý; nhấn Ctrl-C lần nữa để thoát ngay"
            ),
            Lang::En => {
                eprintln!("\nsohoa: stopping after the pages in hand; Ctrl-C again to quit now")
            }
        }
    });
    if let Err(e) = installed {
        progress::warn(&format!("Ctrl-C will not stop cleanly: {e}"), lang);
    }
    cancel
}

/// Map a run error to its exit code: configuration problems are 2, archive problems 3.
pub fn classify(err: RunError) -> Failure {
    match err {
        RunError::Plan(_) | RunError::Engine(_) => Failure::usage(err),
        _ => Failure::archive(err),
    }
}

fn export_text(settings: &Settings, args: &ExportTextArgs) -> Outcome {
    if let Some(id) = &args.collection {
        settings
            .select(std::slice::from_ref(id))
            .map_err(|e| Failure::usage(anyhow!(e)))?;
    }
    let catalog =
        Catalog::open_read_only(&settings.archive.join(CATALOG_FILE)).map_err(Failure::archive)?;
    let existing = if args.force {
        Existing::Overwrite
    } else {
        Existing::Refuse
    };
    let staging =
        Staging::begin(&args.out, &settings.archive, existing).map_err(Failure::output)?;
    let written = sohoa::export::export_text(&catalog, args.collection.as_deref(), staging.dir())
        .map_err(Failure::archive)?;
    staging.commit().map_err(Failure::output)?;
    if args.json {
        render::print_json(&serde_json::json!({
            "out": args.out,
            "files": written.files,
            "shortened": written.shortened,
        }))?;
    }
    let lang = resolve_lang(args.lang, settings);
    let (files, out) = (written.files, args.out.display());
    match lang {
        Lang::Vi => eprintln!("sohoa: đã ghi {files} tệp văn bản vào {out}"),
        Lang::En => eprintln!("sohoa: wrote {files} text files under {out}"),
    }
    if let Some(line) = render::shortened_line(written.shortened, lang) {
        eprintln!("{line}");
    }
    Ok(Exit::Ok)
}
