//! Walks a collection's source folder and accounts for every entry under it: each is a file
//! of a dossier (to archive, or refused with a recorded reason), or skipped by a `[walk]
//! ignore` pattern and counted, or an unreadable folder reported as a problem. Nothing is
//! passed over in silence.
//!
//! Invariants: no symbolic link is followed out of the source, nor to a folder (which also
//! rules out link loops): such links are refused as `symlink`, naming where they point;
//! links to files inside the source are followed. Anything that is neither a file nor a folder
//! (a pipe, a device) is refused as `unsupported` without being opened. Files are keyed by
//! NFC names (see `names.rs`, which also tells NFC and NFD twins apart); pages are in natural
//! order (page-2 before page-10). Whether a file holds pages is for its content to say: the
//! walk only notes whether its extension is a page extension. Only the pipeline calls this.

mod ignore;
mod names;

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;
use walkdir::{DirEntry, WalkDir};

use crate::config::Layout;
use crate::model::{FileFailure, SkipCount};

pub use ignore::IgnoreRules;
pub use names::{extension, kind_of_extension, NAME_TWIN};

/// File extensions of page files (compared case-insensitively). Content decides how a file
/// is decoded and whether it is a page at all; the extension only decides which error a
/// file gets when its content is no page format: its decoder's (`not-an-image`, …) for
/// these, `unsupported` for any other name.
pub const PAGE_EXTENSIONS: [&str; 9] = [
    "jpg", "jpeg", "png", "tif", "tiff", "bmp", "gif", "webp", "pdf",
];

/// Failure kind of a symbolic link that is not followed.
pub const SYMLINK: &str = "symlink";
/// Failure kind of an entry that holds no page format sohoa reads.
pub const UNSUPPORTED: &str = "unsupported";

/// Why a source folder could not be walked at all.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    #[error("source folder {path} cannot be read: {source}")]
    Source {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A file found in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path relative to the source, NFC, `/`-separated: the file's key and display name.
    pub rel_path: String,
    /// Where to read it (the name as it is on disk, not normalised).
    pub path: PathBuf,
    /// The relative path as it is on disk, byte for byte, when it is not `rel_path`.
    pub disk_name: Option<Vec<u8>>,
    pub size: u64,
    pub mtime_ns: i64,
    /// The extension is one of [`PAGE_EXTENSIONS`].
    pub page_name: bool,
    /// Set when the entry must not be read: a link not followed, a pipe, no file information.
    pub refused: Option<FileFailure>,
    /// Set for a name twin: its bytes are read and stored, and it is recorded with this
    /// failure instead of being decoded.
    pub twin: Option<FileFailure>,
}

/// A dossier: its code and its files in page order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierSource {
    pub code: String,
    pub files: Vec<SourceFile>,
}

/// A part of the source that cannot be looked at, e.g. an unreadable folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkProblem {
    pub path: PathBuf,
    pub message: String,
}

/// Everything one walk found.
#[derive(Debug, Default)]
pub struct WalkReport {
    pub dossiers: Vec<DossierSource>,
    pub problems: Vec<WalkProblem>,
    /// Entries skipped by `[walk] ignore`, per pattern, in the patterns' order.
    pub skipped: Vec<SkipCount>,
}

/// Walk `source` and group its files into dossiers by `layout`, skipping what `ignore`
/// matches.
///
/// # Errors
/// Only when the source folder itself cannot be read; problems below it are reported in
/// [`WalkReport::problems`] and the walk goes on.
pub fn walk_collection(
    source: &Path,
    layout: Layout,
    ignore: &IgnoreRules,
) -> Result<WalkReport, WalkError> {
    let source_err = |e| WalkError::Source {
        path: source.to_path_buf(),
        source: e,
    };
    let root = std::fs::canonicalize(source).map_err(source_err)?;
    std::fs::read_dir(&root).map_err(source_err)?;
    let mut report = WalkReport::default();
    let mut tally = ignore::SkipTally::default();
    let mut files = Vec::new();
    // Sorted, so that the same tree is always walked in the same order.
    let mut entries = WalkDir::new(&root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = entries.next() {
        let entry = match entry {
            Ok(entry) if entry.depth() == 0 => continue,
            Ok(entry) => entry,
            Err(err) => {
                report.problems.push(walk_problem(&err, &root));
                continue;
            }
        };
        let Ok(rel) = entry.path().strip_prefix(&root) else {
            continue;
        };
        let rel_path = names::key_text(rel);
        let name = rel_path.rsplit('/').next().unwrap_or(&rel_path);
        if let Some(pattern) = ignore.matching(name, &rel_path) {
            tally.add(pattern);
            if entry.file_type().is_dir() {
                entries.skip_current_dir();
            }
            continue;
        }
        if !entry.file_type().is_dir() {
            files.push(source_file(&root, &entry, rel, rel_path));
        }
    }
    // Codes come from the NFC keys, before a twin is keyed by its name on disk.
    let codes: Vec<String> = files
        .iter()
        .map(|f| dossier_code(&root, &f.rel_path, layout))
        .collect();
    names::separate_twins(&mut files);
    let mut groups: BTreeMap<String, Vec<SourceFile>> = BTreeMap::new();
    for (code, file) in codes.into_iter().zip(files) {
        groups.entry(code).or_default().push(file);
    }
    report.dossiers = into_dossiers(groups);
    report.skipped = tally.counts(ignore);
    Ok(report)
}

fn walk_problem(err: &walkdir::Error, root: &Path) -> WalkProblem {
    let path = err.path().unwrap_or(root).to_path_buf();
    let message = match err.io_error() {
        Some(io) => format!("cannot read: {io}"),
        None => err.to_string(),
    };
    WalkProblem { path, message }
}

fn is_page_name(rel_path: &str) -> bool {
    extension(rel_path).is_some_and(|e| PAGE_EXTENSIONS.contains(&e.as_str()))
}

fn refusal(kind: &str, message: String) -> Option<FileFailure> {
    Some(FileFailure {
        kind: kind.to_string(),
        message,
    })
}

/// A [`SourceFile`] for any entry that is not a folder.
fn source_file(root: &Path, entry: &DirEntry, rel: &Path, rel_path: String) -> SourceFile {
    let path = entry.path().to_path_buf();
    let mut file = SourceFile {
        disk_name: names::disk_name(rel, &rel_path),
        page_name: is_page_name(&rel_path),
        rel_path,
        path,
        size: 0,
        mtime_ns: 0,
        refused: None,
        twin: None,
    };
    // A link's own times: changing where it points is a change of the entry.
    if let Ok(meta) = std::fs::symlink_metadata(&file.path) {
        file.size = meta.len();
        file.mtime_ns = mtime_ns(&meta);
    }
    if entry.path_is_symlink() {
        file.refused = check_link(root, &file.path);
        if file.refused.is_some() {
            return file;
        }
    }
    // `metadata` follows a link already checked to stay inside the source.
    match std::fs::metadata(&file.path) {
        Ok(meta) if meta.is_file() => {
            file.size = meta.len();
            file.mtime_ns = mtime_ns(&meta);
        }
        Ok(meta) => {
            let what = special_kind(&meta.file_type());
            let message = format!("not a regular file ({what}): not opened");
            file.refused = refusal(UNSUPPORTED, message);
        }
        Err(e) => {
            let message = format!("cannot read file information: {e}");
            file.refused = refusal("unreadable", message);
        }
    }
    file
}

fn special_kind(t: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_fifo() {
        "named pipe"
    } else if t.is_socket() {
        "socket"
    } else if t.is_block_device() || t.is_char_device() {
        "device"
    } else {
        "special file"
    }
}

/// `None` for a link to a file inside the source; otherwise why it is not followed.
fn check_link(root: &Path, path: &Path) -> Option<FileFailure> {
    match std::fs::canonicalize(path) {
        Ok(target) if !target.starts_with(root) => refusal(
            SYMLINK,
            format!(
                "symbolic link points outside the source folder (to {})",
                target.display()
            ),
        ),
        Ok(target) if target.is_dir() => refusal(
            SYMLINK,
            format!(
                "links to folders are not followed (this one points to {})",
                target.display()
            ),
        ),
        Ok(_) => None,
        Err(e) => refusal(SYMLINK, format!("broken or looping symbolic link: {e}")),
    }
}

fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    use std::os::unix::fs::MetadataExt;
    meta.mtime()
        .saturating_mul(1_000_000_000)
        .saturating_add(meta.mtime_nsec())
}

fn dossier_code(root: &Path, rel_path: &str, layout: Layout) -> String {
    let (folder, name) = match rel_path.rsplit_once('/') {
        Some((folder, name)) => (Some(folder), name),
        None => (None, rel_path),
    };
    match layout {
        Layout::File => {
            let stem = match name.rsplit_once('.') {
                Some((stem, _)) if !stem.is_empty() => stem,
                _ => name,
            };
            folder.map_or_else(|| stem.to_string(), |f| format!("{f}/{stem}"))
        }
        Layout::Folder => match folder {
            Some(folder) => folder.to_string(),
            // Files lying directly in the source form one dossier named after the source.
            None => root
                .file_name()
                .map(|n| n.to_string_lossy().nfc().collect())
                .unwrap_or_default(),
        },
    }
}

fn into_dossiers(groups: BTreeMap<String, Vec<SourceFile>>) -> Vec<DossierSource> {
    let mut dossiers: Vec<DossierSource> = groups
        .into_iter()
        .map(|(code, mut files)| {
            files.sort_by(|a, b| natural(&a.rel_path, &b.rel_path));
            DossierSource { code, files }
        })
        .collect();
    dossiers.sort_by(|a, b| natural(&a.code, &b.code));
    dossiers
}

/// Natural order: digit runs compare by value, so page-2 sorts before page-10.
pub fn natural(a: &str, b: &str) -> Ordering {
    natord::compare(a, b).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests;
