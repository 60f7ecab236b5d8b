//! `sohoa export pdf`: one searchable PDF/A-2b file per dossier, `OUT/<dossier code>.pdf`.
//! Each page shows the stored original's picture (a JPEG's own bytes, anything else
//! losslessly as decoded) under an invisible layer of the recognised words, on their boxes (a reviewer's
//! correction of the text carried onto them, `realign.rs`).
//!
//! Invariants: originals are read from the object store and checked against their SHA-256
//! before use, so a tampered object never reaches a PDF; the output depends only on the
//! archive (dates are the batch's, the /ID a digest of the content), so exporting twice gives
//! identical bytes; a file is written to a temporary name and renamed, so OUT never holds a
//! half-written PDF. Reads the catalog and the store; never changes the archive. Called by
//! the binary's `export pdf`.

mod doc;
mod image;
mod meta;
mod realign;
mod text;

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::catalog::{Catalog, CatalogError, PdfDossier, PdfPage};
use crate::content::ContentId;
use crate::decode::DecodeError;
use crate::export_out::fit_name;
use crate::model::{Dpi, Word};
use crate::store::ObjectStore;

use doc::PageOut;
use meta::DocMeta;
use text::Frame;

/// Assumed resolution of a page whose file declares none, to give the page a size.
const DEFAULT_DPI: f32 = 300.0;

/// Why a PDF export stopped.
#[derive(Debug, thiserror::Error)]
pub enum PdfExportError {
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error("no dossier with recognised pages in collection {collection}{}", dossier.as_ref().map(|d| format!(" matches {d}")).unwrap_or_default())]
    Nothing {
        collection: String,
        dossier: Option<String>,
    },
    #[error("cannot read stored original {object} ({file}): {source}")]
    Read {
        object: String,
        file: String,
        source: io::Error,
    },
    #[error(
        "stored original {object} ({file}) does not match its checksum: the archive is damaged"
    )]
    Tampered { object: String, file: String },
    #[error("stored original of {file} no longer decodes: {source}")]
    Decode { file: String, source: DecodeError },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("dossier code {code} would be written outside {out}")]
    Escape { code: String, out: PathBuf },
}

/// What an export wrote.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PdfExport {
    /// The files written, relative to OUT.
    pub files: Vec<PathBuf>,
    pub pages: u64,
    pub bytes: u64,
    /// Names cut to fit the file system's limit (with a hash of the full name).
    pub shortened: u64,
}

/// Writes one PDF/A file per dossier of `collection` (or only `dossier`) under `out`.
///
/// # Errors
/// Nothing to export, the catalog or an original cannot be read, an original fails its
/// checksum, or a file cannot be written.
pub fn export_pdf(
    catalog: &Catalog,
    archive: &Path,
    collection: &str,
    dossier: Option<&str>,
    out: &Path,
) -> Result<PdfExport, PdfExportError> {
    let dossiers = catalog.pdf_dossiers(collection, dossier)?;
    if dossiers.is_empty() {
        return Err(PdfExportError::Nothing {
            collection: collection.to_string(),
            dossier: dossier.map(str::to_string),
        });
    }
    let store = ObjectStore::at(archive);
    let mut done = PdfExport::default();
    for d in &dossiers {
        let bytes = dossier_pdf(&store, d)?;
        let (path, cut) = write_file(out, &d.code, &bytes)?;
        done.shortened += u64::from(cut);
        done.pages += d.pages.len() as u64;
        done.bytes += bytes.len() as u64;
        // Relative to OUT: `out` may be a staging folder renamed afterwards.
        done.files.push(
            path.strip_prefix(out)
                .map_or(path.clone(), Path::to_path_buf),
        );
    }
    Ok(done)
}

/// The PDF bytes of one dossier.
fn dossier_pdf(store: &ObjectStore, d: &PdfDossier) -> Result<Vec<u8>, PdfExportError> {
    let mut pages = Vec::with_capacity(d.pages.len());
    for file in d.pages.chunk_by(|a, b| a.rel_path == b.rel_path) {
        let bytes = read_verified(store, &file[0].object, &file[0].rel_path)?;
        let upright: Vec<(u32, u32)> = file.iter().map(decoded_size).collect();
        let pictures =
            image::pictures(&bytes, &upright).map_err(|source| PdfExportError::Decode {
                file: file[0].rel_path.clone(),
                source,
            })?;
        for page in file {
            let Some(picture) = pictures.get(page.page_index as usize) else {
                continue;
            };
            pages.push(PageOut {
                picture: picture.clone(),
                frame: frame(page),
                words: page_words(page),
            });
        }
    }
    let meta = DocMeta {
        title: format!("{} — {}", d.code, d.collection_name),
        creator: format!("sohoa {}", env!("CARGO_PKG_VERSION")),
        created: DateTime::parse_from_rfc3339(&d.recorded_at)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default(),
    };
    Ok(doc::write(&meta, &pages))
}

/// The words of the page's text layer: as recognised, carried onto a reviewer's corrected
/// text when there is one.
fn page_words(page: &PdfPage) -> Vec<Word> {
    let words = serde_json::from_str::<Vec<Word>>(&page.words).unwrap_or_default();
    match &page.corrected_text {
        Some(text) => realign::realign(&words, text),
        None => words,
    }
}

/// The original's bytes, refused unless they hash to the id they are stored under.
fn read_verified(
    store: &ObjectStore,
    id: &ContentId,
    file: &str,
) -> Result<Vec<u8>, PdfExportError> {
    let bytes = fs::read(store.path_of(id)).map_err(|source| PdfExportError::Read {
        object: id.to_hex(),
        file: file.to_string(),
        source,
    })?;
    if ContentId::of_bytes(&bytes) != *id {
        return Err(PdfExportError::Tampered {
            object: id.to_hex(),
            file: file.to_string(),
        });
    }
    Ok(bytes)
}

/// Size of the decoded page before the preparation's quarter turns.
fn decoded_size(page: &PdfPage) -> (u32, u32) {
    if page.geometry.rotation % 180 == 90 {
        (page.height, page.width)
    } else {
        (page.width, page.height)
    }
}

fn frame(page: &PdfPage) -> Frame {
    let (width, height) = decoded_size(page);
    let dpi = page.dpi.map(|(x, y)| Dpi { x, y }).unwrap_or(Dpi {
        x: DEFAULT_DPI,
        y: DEFAULT_DPI,
    });
    // The recorded dpi is the recognised image's; a quarter turn swapped its axes.
    let (dx, dy) = if page.geometry.rotation % 180 == 90 {
        (dpi.y, dpi.x)
    } else {
        (dpi.x, dpi.y)
    };
    Frame {
        width: width as f32,
        height: height as f32,
        sx: 72.0 / dx.max(1.0),
        sy: 72.0 / dy.max(1.0),
        geometry: page.geometry,
    }
}

/// Writes `OUT/<code>.pdf` through a temporary file; a code with folders makes folders, and
/// a last part too long for the file system is shortened. Whether it was.
fn write_file(out: &Path, code: &str, bytes: &[u8]) -> Result<(PathBuf, bool), PdfExportError> {
    let (folder, last) = code.rsplit_once('/').unwrap_or(("", code));
    let (name, cut) = fit_name(last, ".pdf");
    let rel = Path::new(folder).join(name);
    if code.is_empty() || rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(PdfExportError::Escape {
            code: code.to_string(),
            out: out.to_path_buf(),
        });
    }
    let path = out.join(rel);
    let fail = |source| PdfExportError::Write {
        path: path.clone(),
        source,
    };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(fail)?;
    }
    fs::write(&path, bytes).map_err(fail)?;
    Ok((path, cut))
}
