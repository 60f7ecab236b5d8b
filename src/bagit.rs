//! `sohoa export bagit`: a BagIt 1.0 bag (RFC 8493) of a collection, or of what one batch
//! recorded: `data/<collection>/<dossier>/<original>` with each page's OCR text beside it
//! (`<stem>.txt`, or `<stem>-p<N>.txt` for a multi-page file), `manifest-sha256.txt`,
//! `tagmanifest-sha256.txt`, `bagit.txt` and `bag-info.txt`. Called by the binary.
//!
//! Invariants: the bag is written into a staging folder that becomes OUT only when whole
//! (`export_out.rs`); every original is re-hashed while it is copied and the copy refused if
//! it is not the archived content; names are NFC, and in manifests CR, LF and `%` are
//! percent-encoded as RFC 8493 asks. Page texts are taken from the catalog as they are:
//! `sohoa verify` first tells whether the catalog was changed.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

use crate::catalog::{BagFile, Catalog, CatalogError};
use crate::content::{ContentId, Hasher};
use crate::export_out::fit_name;
use crate::store::ObjectStore;

/// What to bag and how to describe it.
#[derive(Debug, Clone)]
pub struct BagOptions {
    pub collection: String,
    /// A batch number or uuid: only the files it recorded.
    pub batch: Option<String>,
    /// `Source-Organization`, omitted when absent.
    pub organization: Option<String>,
    /// `Bag-Software-Agent`, e.g. `sohoa 0.1.0`.
    pub software: String,
}

/// What was written.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct BagSummary {
    /// Payload files (originals and texts).
    pub files: u64,
    pub bytes: u64,
    /// Text names cut to fit the file system's limit (with a hash of the full name).
    pub shortened: u64,
}

/// Why the bag could not be written.
#[derive(Debug, thiserror::Error)]
pub enum BagError {
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error("no batch {batch:?} in the catalog")]
    UnknownBatch { batch: String },
    #[error("object {object} of {rel_path:?} is not the archived content; run `sohoa verify`")]
    Altered { object: String, rel_path: String },
    #[error("unsafe name {name:?} in the catalog")]
    UnsafeName { name: String },
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

fn at(path: &Path) -> impl FnOnce(io::Error) -> BagError + '_ {
    move |source| BagError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Write the bag into `out`, an empty folder: the caller's staging folder
/// ([`crate::export_out::Staging`]), which becomes the bag only once it is whole.
///
/// # Errors
/// The batch is unknown, an object is missing or altered, or a write fails.
pub fn export_bag(
    catalog: &Catalog,
    store: &ObjectStore,
    options: &BagOptions,
    out: &Path,
) -> Result<BagSummary, BagError> {
    let batch = match &options.batch {
        None => None,
        Some(key) => Some(
            catalog
                .find_batch(key)?
                .ok_or_else(|| BagError::UnknownBatch { batch: key.clone() })?,
        ),
    };
    let files = catalog.bag_files(&options.collection, batch)?;
    write_bag(store, options, &files, out)
}

fn write_bag(
    store: &ObjectStore,
    options: &BagOptions,
    files: &[BagFile],
    out: &Path,
) -> Result<BagSummary, BagError> {
    let mut manifest = Vec::new();
    let mut summary = BagSummary::default();
    for file in files {
        write_file(
            store,
            &options.collection,
            file,
            out,
            &mut manifest,
            &mut summary,
        )?;
    }
    manifest.sort();
    write_tags(out, options, &manifest, &summary)?;
    Ok(summary)
}

/// Payload path of a file's folder: `data/<collection>/<dossier>`, NFC, checked.
fn folder_of(collection: &str, file: &BagFile) -> Result<String, BagError> {
    let rel = format!("data/{collection}/{}", file.dossier);
    let rel: String = rel.nfc().collect();
    let safe = Path::new(&rel)
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    if !safe {
        return Err(BagError::UnsafeName { name: rel });
    }
    Ok(rel)
}

fn write_file(
    store: &ObjectStore,
    collection: &str,
    file: &BagFile,
    out: &Path,
    manifest: &mut Vec<(String, String)>,
    summary: &mut BagSummary,
) -> Result<(), BagError> {
    let folder = folder_of(collection, file)?;
    let name: String = Path::new(&file.rel_path)
        .file_name()
        .map(|n| n.to_string_lossy().nfc().collect())
        .ok_or_else(|| BagError::UnsafeName {
            name: file.rel_path.clone(),
        })?;
    fs::create_dir_all(out.join(&folder)).map_err(at(&out.join(&folder)))?;
    let rel = format!("{folder}/{name}");
    let digest = copy_checked(&store.path_of(&file.object), &out.join(&rel))?;
    if digest != file.object {
        return Err(BagError::Altered {
            object: file.object.to_hex(),
            rel_path: file.rel_path.clone(),
        });
    }
    manifest.push((rel, digest.to_hex()));
    summary.files += 1;
    summary.bytes += file.size;
    let stem = Path::new(&name)
        .file_stem()
        .map_or(name.clone(), |s| s.to_string_lossy().into_owned());
    for (i, text) in file.texts.iter().enumerate() {
        let suffix = if file.texts.len() == 1 {
            ".txt".to_string()
        } else {
            format!("-p{}.txt", i + 1)
        };
        let (text_name, cut) = fit_name(&stem, &suffix);
        summary.shortened += u64::from(cut);
        let rel = format!("{folder}/{text_name}");
        fs::write(out.join(&rel), text).map_err(at(&out.join(&rel)))?;
        manifest.push((rel, ContentId::of_bytes(text.as_bytes()).to_hex()));
        summary.files += 1;
        summary.bytes += text.len() as u64;
    }
    Ok(())
}

/// Copy `from` to `to` (a new file), returning the SHA-256 of what was copied.
fn copy_checked(from: &Path, to: &Path) -> Result<ContentId, BagError> {
    let mut src = File::open(from).map_err(at(from))?;
    let mut dst = File::options()
        .write(true)
        .create_new(true)
        .open(to)
        .map_err(at(to))?;
    let mut hasher = Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = src.read(&mut buf).map_err(at(from))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        dst.write_all(&buf[..n]).map_err(at(to))?;
    }
    dst.sync_all().map_err(at(to))?;
    Ok(hasher.finish())
}

/// A path as a manifest line must show it (RFC 8493 §2.1.3).
pub fn encode_path(path: &str) -> String {
    path.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn write_tags(
    out: &Path,
    options: &BagOptions,
    manifest: &[(String, String)],
    summary: &BagSummary,
) -> Result<(), BagError> {
    let lines: String = manifest
        .iter()
        .map(|(path, hex)| format!("{hex}  {}\n", encode_path(path)))
        .collect();
    let mut info = String::new();
    if let Some(org) = &options.organization {
        info.push_str(&format!("Source-Organization: {org}\n"));
    }
    info.push_str(&format!(
        "Bagging-Date: {}\n",
        chrono::Utc::now().format("%Y-%m-%d")
    ));
    info.push_str(&format!(
        "Payload-Oxum: {}.{}\n",
        summary.bytes, summary.files
    ));
    let id = match &options.batch {
        Some(batch) => format!("{}/batch/{batch}", options.collection),
        None => options.collection.clone(),
    };
    info.push_str(&format!("External-Identifier: {id}\n"));
    info.push_str(&format!("Bag-Software-Agent: {}\n", options.software));
    let tags = [
        (
            "bagit.txt",
            "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".to_string(),
        ),
        ("bag-info.txt", info),
        ("manifest-sha256.txt", lines),
    ];
    let mut tag_lines = String::new();
    for (name, content) in &tags {
        let path = out.join(name);
        fs::write(&path, content).map_err(at(&path))?;
        let hex = ContentId::of_bytes(content.as_bytes()).to_hex();
        tag_lines.push_str(&format!("{hex}  {name}\n"));
    }
    let path = out.join("tagmanifest-sha256.txt");
    fs::write(&path, tag_lines).map_err(at(&path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_paths_encode_percent_cr_and_lf_only() {
        assert_eq!(
            encode_path("data/a%b\r\nc ờ.tif"),
            "data/a%25b%0D%0Ac ờ.tif"
        );
        assert_eq!(encode_path("data/%0A"), "data/%250A");
    }
}
