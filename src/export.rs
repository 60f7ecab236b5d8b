//! `sohoa export text OUT`: the OCR text of every page of the current version of every file,
//! as `OUT/<collection>/<dossier>/<file-stem>.txt` (`<file-stem>-p<N>.txt`, N from 1, for a
//! file of several pages), so anyone can score OCR quality with their own tools. Reads the
//! catalog only; never touches the archive.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::catalog::{Catalog, CatalogError, PageText};
use crate::export_out::fit_name;

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("page of {file} would be written outside {out}")]
    Escape { file: String, out: PathBuf },
}

/// What an export wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TextExport {
    pub files: u64,
    /// Names cut to fit the file system's limit (with a hash of the full name).
    pub shortened: u64,
}

/// Write the text of every page (of one collection, or all) under `out`.
///
/// # Errors
/// The catalog cannot be read or a file cannot be written.
pub fn export_text(
    catalog: &Catalog,
    collection: Option<&str>,
    out: &Path,
) -> Result<TextExport, ExportError> {
    let mut written = TextExport::default();
    let mut failure: Option<ExportError> = None;
    catalog.for_each_page_text(collection, |page| {
        if failure.is_some() {
            return;
        }
        match write_page(out, &page) {
            Ok(cut) => {
                written.files += 1;
                written.shortened += u64::from(cut);
            }
            Err(e) => failure = Some(e),
        }
    })?;
    match failure {
        Some(e) => Err(e),
        None => Ok(written),
    }
}

/// Write one page's text; whether its name had to be shortened.
fn write_page(out: &Path, page: &PageText) -> Result<bool, ExportError> {
    let (rel, cut) = text_path(page);
    // Collection ids, dossier codes and names come from the catalog; refuse anything that
    // could climb out of OUT.
    if rel
        .components()
        .any(|c| !matches!(c, std::path::Component::Normal(_)))
    {
        return Err(ExportError::Escape {
            file: page.rel_path.clone(),
            out: out.to_path_buf(),
        });
    }
    let path = out.join(rel);
    let write_err = |source| ExportError::Write {
        path: path.clone(),
        source,
    };
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(write_err)?;
    }
    fs::write(&path, page.text.as_bytes()).map_err(write_err)?;
    Ok(cut)
}

/// `<collection>/<dossier>/<file-stem>[-p<N>].txt`, the name shortened where it would pass
/// the file system's limit; whether it was.
fn text_path(page: &PageText) -> (PathBuf, bool) {
    let name = page.rel_path.rsplit('/').next().unwrap_or(&page.rel_path);
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    let suffix = if page.page_count > 1 {
        format!("-p{}.txt", page.page_index + 1)
    } else {
        ".txt".to_string()
    };
    let (file, cut) = fit_name(stem, &suffix);
    (
        Path::new(&page.collection).join(&page.dossier).join(file),
        cut,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export_out::NAME_MAX;

    fn page(rel_path: &str, dossier: &str, index: u32, count: u32) -> PageText {
        PageText {
            collection: "ket-qua".into(),
            dossier: dossier.into(),
            rel_path: rel_path.into(),
            page_index: index,
            page_count: count,
            text: String::new(),
        }
    }

    #[test]
    fn paths_follow_the_documented_layout() {
        assert_eq!(
            text_path(&page("HS-1/trang-2.jpg", "HS-1", 0, 1)),
            (PathBuf::from("ket-qua/HS-1/trang-2.txt"), false)
        );
        assert_eq!(
            text_path(&page("QD-7.tif", "QD-7", 2, 3)),
            (PathBuf::from("ket-qua/QD-7/QD-7-p3.txt"), false)
        );
    }

    #[test]
    fn a_name_ingest_accepted_is_shortened_to_fit() {
        let long = format!("HS-1/{}.tif", "a".repeat(250)); // 254 bytes on disk
        let (path, cut) = text_path(&page(&long, "HS-1", 11, 12));
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            cut && name.len() <= NAME_MAX && name.ends_with("-p12.txt"),
            "{name}"
        );
    }

    #[test]
    fn a_code_climbing_out_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_page(dir.path(), &page("x.tif", "../../etc", 0, 1)).unwrap_err();
        assert!(matches!(err, ExportError::Escape { .. }));
    }
}
