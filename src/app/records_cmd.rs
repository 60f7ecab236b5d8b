//! `sohoa export records OUT`: the pages read as forms, as JSON lines or CSV rows (see
//! `sohoa::export_records`), into a file written whole or not at all, or to stdout (`-`).

use std::io::Write;
use std::path::Path;

use anyhow::anyhow;
use sohoa::catalog::{Catalog, CatalogError, FormFilter};
use sohoa::config::{Lang, Settings};
use sohoa::export_file::OutFile;
use sohoa::export_records::{self, RecordFormat, RecordsExport};
use sohoa::pipeline::CATALOG_FILE;

use super::cli::{ExportRecordsArgs, RecordsFormatArg};
use super::commands::resolve_lang;
use super::exit::{Exit, Failure};
use super::Outcome;

pub fn export_records(settings: &Settings, args: &ExportRecordsArgs) -> Outcome {
    if let Some(id) = &args.collection {
        settings
            .select(std::slice::from_ref(id))
            .map_err(|e| Failure::usage(anyhow!(e)))?;
    }
    let catalog =
        Catalog::open_read_only(&settings.archive.join(CATALOG_FILE)).map_err(Failure::archive)?;
    let filter = FormFilter {
        collection: args.collection.as_deref(),
        dossier: args.dossier.as_deref(),
    };
    if let Some(code) = filter.dossier {
        known_dossier(&catalog, filter.collection, code)?;
    }
    let format = match args.format {
        RecordsFormatArg::Jsonl => RecordFormat::Jsonl,
        RecordsFormatArg::Csv => RecordFormat::Csv,
    };
    let written = if args.out == Path::new("-") {
        let mut stdout = std::io::stdout().lock();
        write(&catalog, filter, format, &mut stdout, &args.out)?
    } else {
        let mut out = OutFile::create(&args.out, &settings.archive).map_err(Failure::output)?;
        let path = out.path().to_path_buf();
        let written = write(&catalog, filter, format, out.writer(), &path)?;
        out.commit().map_err(Failure::output)?;
        written
    };
    let (pages, rows) = (written.pages, written.rows);
    let out = args.out.display();
    match resolve_lang(args.lang, settings) {
        Lang::Vi => eprintln!("sohoa: đã ghi {rows} bản ghi của {pages} trang biểu mẫu vào {out}"),
        Lang::En => eprintln!("sohoa: wrote {rows} records of {pages} form pages to {out}"),
    }
    Ok(Exit::Ok)
}

fn write(
    catalog: &Catalog,
    filter: FormFilter<'_>,
    format: RecordFormat,
    out: &mut dyn Write,
    name: &Path,
) -> Result<RecordsExport, Failure> {
    // A failed write (a full disk, a closed pipe) leaves the records unwritten: exit 3, as a
    // failed write of any export.
    export_records::export_records(catalog, filter, format, out, name).map_err(Failure::archive)
}

/// A `--dossier` that names no dossier is a usage mistake, not an empty export.
fn known_dossier(catalog: &Catalog, collection: Option<&str>, code: &str) -> Result<(), Failure> {
    match catalog.dossier_view(collection, code) {
        Ok(_) | Err(CatalogError::AmbiguousDossier { .. }) => Ok(()),
        Err(e @ CatalogError::NoSuchDossier { .. }) => Err(Failure::usage(e)),
        Err(e) => Err(Failure::archive(e)),
    }
}
