//! Listing the object store for files the catalog does not know and temporary files left by
//! an interrupted run. Files younger than `cutoff` are skipped (and counted): they may be
//! the work of a run writing right now, whose catalog rows this verification cannot see.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::{Finding, VerifyError};

/// What the listing found.
#[derive(Debug, Default)]
pub(super) struct StoreScan {
    pub findings: Vec<Finding>,
    /// Files not judged because they are younger than the cutoff.
    pub skipped_recent: u64,
}

/// List `objects/` and `tmp/` of `archive`; `known` holds every object path the catalog
/// names.
pub(super) fn scan(
    archive: &Path,
    known: &HashSet<PathBuf>,
    cutoff: SystemTime,
) -> Result<StoreScan, VerifyError> {
    let mut out = StoreScan::default();
    let mut files = Vec::new();
    list_files(&archive.join("objects"), &mut files)?;
    for path in files {
        if !known.contains(&path) {
            judge(archive, &path, cutoff, &mut out, |p| Finding::UnknownFile {
                path: p,
            });
        }
    }
    let mut temporaries = Vec::new();
    list_files(&archive.join("tmp"), &mut temporaries)?;
    for path in temporaries {
        judge(archive, &path, cutoff, &mut out, |p| {
            Finding::LeftoverTemporary { path: p }
        });
    }
    Ok(out)
}

fn judge(
    archive: &Path,
    path: &Path,
    cutoff: SystemTime,
    out: &mut StoreScan,
    finding: impl FnOnce(String) -> Finding,
) {
    let modified = fs::symlink_metadata(path).and_then(|m| m.modified());
    // A file that vanished or whose time is unreadable is judged anyway: better a finding
    // an archivist can dismiss than a silently skipped file.
    if modified.is_ok_and(|t| t >= cutoff) {
        out.skipped_recent += 1;
        return;
    }
    let rel = path.strip_prefix(archive).unwrap_or(path);
    out.findings.push(finding(rel.display().to_string()));
}

/// Every non-directory under `dir`, recursively; nothing when `dir` does not exist.
fn list_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), VerifyError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(VerifyError::Store {
                path: dir.to_path_buf(),
                source,
            })
        }
    };
    for entry in entries {
        let entry = entry.map_err(|source| VerifyError::Store {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            list_files(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}
