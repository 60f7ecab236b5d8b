//! `sohoa export pdf`: resolves the collection, runs the library's PDF/A export and says what
//! it wrote, in the chosen language. Nothing to export (unknown dossier, no recognised page)
//! is a usage error (exit 2); an unreadable or damaged archive is exit 3.

use std::path::PathBuf;

use anyhow::anyhow;
use sohoa::catalog::Catalog;
use sohoa::config::{Lang, Settings};
use sohoa::export_out::{Existing, Staging};
use sohoa::pdfa::{self, PdfExportError};
use sohoa::pipeline::CATALOG_FILE;

use super::cli::ExportPdfArgs;
use super::commands::resolve_lang;
use super::exit::{Exit, Failure};
use super::render::{self, int};
use super::Outcome;

pub fn export_pdf(settings: &Settings, args: &ExportPdfArgs) -> Outcome {
    settings
        .select(std::slice::from_ref(&args.collection))
        .map_err(|e| Failure::usage(anyhow!(e)))?;
    let lang = resolve_lang(args.lang, settings);
    let archive = &settings.archive;
    let catalog = Catalog::open_read_only(&archive.join(CATALOG_FILE)).map_err(Failure::archive)?;
    let existing = if args.force {
        Existing::Overwrite
    } else {
        Existing::Refuse
    };
    let staging = Staging::begin(&args.out, archive, existing).map_err(Failure::output)?;
    let done = pdfa::export_pdf(
        &catalog,
        archive,
        &args.collection,
        args.dossier.as_deref(),
        staging.dir(),
    )
    .map_err(|e| match e {
        PdfExportError::Nothing { .. } | PdfExportError::Escape { .. } => Failure::usage(e),
        other => Failure::archive(other),
    })?;
    // The files are named relative to OUT (the staging folder becomes OUT).
    let names: Vec<PathBuf> = done.files.iter().map(|f| args.out.join(f)).collect();
    staging.commit().map_err(Failure::output)?;
    if args.json {
        render::print_json(&serde_json::json!({
            "out": args.out,
            "collection": args.collection,
            "files": names,
            "pages": done.pages,
            "bytes": done.bytes,
            "shortened": done.shortened,
        }))?;
    }
    let (files, pages, bytes) = (
        int(done.files.len() as u64, lang),
        int(done.pages, lang),
        int(done.bytes, lang),
    );
    let out = args.out.display();
    match lang {
        Lang::Vi => {
            eprintln!("sohoa: đã ghi {files} tệp PDF/A ({pages} trang, {bytes} byte) vào {out}")
        }
        Lang::En => {
            eprintln!("sohoa: wrote {files} PDF/A files ({pages} pages, {bytes} bytes) to {out}")
        }
    }
    if let Some(line) = render::shortened_line(done.shortened, lang) {
        eprintln!("{line}");
    }
    Ok(Exit::Ok)
}
