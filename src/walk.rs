//! Walks a collection's source folder and groups its page files into dossiers.
//!
//! Invariants: no symbolic link is followed out of the source (links to folders are never
//! followed, which also rules out link loops; links to files are followed only when their
//! target lies inside the source); names are NFC-normalised so a file saved in NFD by one
//! scanner and NFC by another is the same record; pages are in natural order (page-2 before
//! page-10). Only the pipeline calls this.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;
use walkdir::WalkDir;

use crate::config::Layout;

/// File extensions taken as scanned pages (compared case-insensitively). Content is sniffed
/// later: the extension only decides what is a page, never how it is decoded.
pub const PAGE_EXTENSIONS: [&str; 9] = [
    "jpg", "jpeg", "png", "tif", "tiff", "bmp", "gif", "webp", "pdf",
];

/// Why a source folder could not be walked at all.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    #[error("source folder {path} cannot be read: {source}")]
    Source {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A page file found in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path relative to the source, NFC, `/`-separated.
    pub rel_path: String,
    /// Where to read it (the name as it is on disk, not normalised).
    pub path: PathBuf,
    pub size: u64,
    pub mtime_ns: i64,
    /// Set when the file must not be read, e.g. a link pointing out of the source.
    pub refused: Option<String>,
}

/// A dossier: its code and its page files in page order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierSource {
    pub code: String,
    pub files: Vec<SourceFile>,
}

/// Something in the source that is neither a page nor ignorable, e.g. an unreadable folder.
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
    /// Files that are not pages (by extension) or are hidden; skipped silently.
    pub ignored: u64,
}

/// Walk `source` and group its pages into dossiers by `layout`.
///
/// # Errors
/// Only when the source folder itself cannot be read; problems below it are reported in
/// [`WalkReport::problems`] and the walk goes on.
pub fn walk_collection(source: &Path, layout: Layout) -> Result<WalkReport, WalkError> {
    let root = std::fs::canonicalize(source).map_err(|e| WalkError::Source {
        path: source.to_path_buf(),
        source: e,
    })?;
    std::fs::read_dir(&root).map_err(|e| WalkError::Source {
        path: source.to_path_buf(),
        source: e,
    })?;
    let mut report = WalkReport::default();
    let mut groups: BTreeMap<String, Vec<SourceFile>> = BTreeMap::new();
    let entries = WalkDir::new(&root)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                report.problems.push(walk_problem(&err, &root));
                continue;
            }
        };
        if entry.file_type().is_dir() {
            continue;
        }
        match page_file(&root, entry.path(), entry.path_is_symlink()) {
            Some(file) => {
                let code = dossier_code(&root, &file.rel_path, layout);
                groups.entry(code).or_default().push(file);
            }
            None => report.ignored += 1,
        }
    }
    report.dossiers = into_dossiers(groups);
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

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

fn is_page_name(name: &str) -> bool {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    ext.is_some_and(|e| PAGE_EXTENSIONS.contains(&e.as_str()))
}

/// Build a [`SourceFile`] for a page file, or `None` when the entry is not a page.
fn page_file(root: &Path, path: &Path, is_link: bool) -> Option<SourceFile> {
    let rel = path.strip_prefix(root).ok()?;
    let rel_path = nfc_rel_path(rel);
    if !is_page_name(&rel_path) {
        return None;
    }
    let mut file = SourceFile {
        rel_path,
        path: path.to_path_buf(),
        size: 0,
        mtime_ns: 0,
        refused: None,
    };
    if is_link {
        if let Err(reason) = check_link(root, path) {
            file.refused = Some(reason);
            return Some(file);
        }
    }
    // `metadata` follows a link already checked to stay inside the source.
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => {
            file.size = meta.len();
            file.mtime_ns = mtime_ns(&meta);
        }
        Ok(_) => return None,
        Err(e) => file.refused = Some(format!("cannot read file information: {e}")),
    }
    Some(file)
}

fn check_link(root: &Path, path: &Path) -> Result<(), String> {
    match std::fs::canonicalize(path) {
        Ok(target) if target.starts_with(root) => Ok(()),
        Ok(target) => Err(format!(
            "symbolic link points outside the source folder (to {})",
            target.display()
        )),
        Err(e) => Err(format!("broken or looping symbolic link: {e}")),
    }
}

fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    use std::os::unix::fs::MetadataExt;
    meta.mtime()
        .saturating_mul(1_000_000_000)
        .saturating_add(meta.mtime_nsec())
}

fn nfc_rel_path(rel: &Path) -> String {
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().nfc().collect())
        .collect();
    parts.join("/")
}

fn dossier_code(root: &Path, rel_path: &str, layout: Layout) -> String {
    match layout {
        Layout::File => match rel_path.rsplit_once('.') {
            Some((stem, _)) => stem.to_string(),
            None => rel_path.to_string(),
        },
        Layout::Folder => match rel_path.rsplit_once('/') {
            Some((folder, _)) => folder.to_string(),
            // Pages lying directly in the source form one dossier named after the source.
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
mod tests {
    use super::*;
    use std::fs;

    fn touch(root: &Path, rel: &str) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, b"x").unwrap();
    }

    fn codes_and_files(report: &WalkReport) -> Vec<(String, Vec<String>)> {
        report
            .dossiers
            .iter()
            .map(|d| {
                let files = d.files.iter().map(|f| f.rel_path.clone()).collect();
                (d.code.clone(), files)
            })
            .collect()
    }

    #[test]
    fn folders_become_dossiers_in_natural_order() {
        let dir = tempfile::tempdir().unwrap();
        for rel in [
            "HS-10/page-10.jpg",
            "HS-10/page-2.jpg",
            "HS-2/a.TIF",
            "HS-2/notes.txt",
        ] {
            touch(dir.path(), rel);
        }
        touch(dir.path(), "HS-2/.thumbs/x.jpg");
        let report = walk_collection(dir.path(), Layout::Folder).unwrap();
        assert_eq!(
            codes_and_files(&report),
            vec![
                ("HS-2".to_string(), vec!["HS-2/a.TIF".to_string()]),
                (
                    "HS-10".to_string(),
                    vec!["HS-10/page-2.jpg".into(), "HS-10/page-10.jpg".into()]
                ),
            ]
        );
        assert_eq!(report.ignored, 1);
    }

    #[test]
    fn file_layout_makes_one_dossier_per_file() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "2023/QD-01.tif");
        touch(dir.path(), "QD-02.tiff");
        let report = walk_collection(dir.path(), Layout::File).unwrap();
        let codes: Vec<_> = report.dossiers.iter().map(|d| d.code.clone()).collect();
        assert_eq!(codes, vec!["2023/QD-01", "QD-02"]);
    }

    #[test]
    fn nfd_names_are_normalised_to_nfc() {
        let dir = tempfile::tempdir().unwrap();
        let nfd: String = "Phường Bến Thành/trang-1.png".nfd().collect();
        touch(dir.path(), &nfd);
        let report = walk_collection(dir.path(), Layout::Folder).unwrap();
        assert_eq!(report.dossiers[0].code, "Phường Bến Thành");
        assert!(report.dossiers[0].files[0].path.exists());
    }

    #[test]
    fn links_out_of_the_source_and_loops_are_refused() {
        let outside = tempfile::tempdir().unwrap();
        touch(outside.path(), "secret.jpg");
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "HS-1/page-1.jpg");
        let link = |target: &Path, rel: &str| {
            std::os::unix::fs::symlink(target, dir.path().join(rel)).unwrap()
        };
        link(&outside.path().join("secret.jpg"), "HS-1/page-2.jpg");
        link(&dir.path().join("HS-1/page-1.jpg"), "HS-1/page-3.jpg");
        link(&dir.path().join("HS-1/loop.jpg"), "HS-1/loop.jpg");
        link(dir.path(), "HS-1/up");
        let report = walk_collection(dir.path(), Layout::Folder).unwrap();
        let files = &report.dossiers[0].files;
        let refused: Vec<_> = files.iter().map(|f| f.refused.is_some()).collect();
        let names: Vec<_> = files.iter().map(|f| f.rel_path.as_str()).collect();
        assert_eq!(
            names,
            [
                "HS-1/loop.jpg",
                "HS-1/page-1.jpg",
                "HS-1/page-2.jpg",
                "HS-1/page-3.jpg"
            ]
        );
        assert_eq!(refused, [true, false, true, false]);
    }

    #[test]
    fn a_missing_source_is_an_error() {
        let err = walk_collection(Path::new("/nonexistent/scans"), Layout::Folder).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/scans"));
    }
}
