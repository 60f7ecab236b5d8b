//! `sohoa merge`: bring other archives (a shard of a cluster job, a workstation's day) into
//! this one. Composes the lock, the object store and the catalog, as `pipeline` does for a
//! run.
//!
//! For each source, in the order given: every object its new batches name that this store
//! lacks is copied into `tmp/` while it is hashed, and refused, with nothing of that source
//! merged, when its bytes do not give its name (or it is missing); only when all of them
//! check out are they renamed into place, then the catalog rows come over in one
//! transaction (`catalog::merge`). A kill between the two leaves objects no row names yet,
//! and a re-run of the same merge records them. The target's lock is held throughout, so a
//! run or another merge on the target is refused; a source in use by a run is refused too.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::catalog::{Catalog, CatalogError, MergedCounts, SourceCatalog};
use crate::content::{ContentId, Hasher};
use crate::lock::{self, ArchiveLock, LockError};
use crate::pipeline::CATALOG_FILE;
use crate::store::{ObjectStore, StoreError};

/// Why the merge could not go on at all (a source that cannot be merged is not an error:
/// see [`SourceOutcome`]).
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error(transparent)]
    Locked(#[from] LockError),
    #[error("cannot create archive folder {path}: {source}")]
    Archive { path: PathBuf, source: io::Error },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
}

/// Why one source was not merged; nothing of it was recorded.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("object {object} of {archive} does not have the bytes its name says (SHA-256 {found}): refused, nothing of this archive merged")]
    Corrupt {
        archive: PathBuf,
        object: ContentId,
        found: ContentId,
    },
    #[error("object {object} of {archive} is missing or unreadable: {source}: nothing of this archive merged")]
    Unreadable {
        archive: PathBuf,
        object: ContentId,
        source: io::Error,
    },
    #[error("archive {archive} is in use by a sohoa run; merge it when that run has ended")]
    Busy { archive: PathBuf },
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What became of one source.
#[derive(Debug, Serialize)]
pub struct SourceOutcome {
    pub source: PathBuf,
    /// Objects copied into this store, and their bytes.
    pub objects_copied: u64,
    pub bytes_copied: u64,
    /// `None` when the source was refused.
    pub merged: Option<MergedCounts>,
    /// Why it was refused.
    pub error: Option<String>,
}

/// Merge each archive of `sources` into `target`, creating it when needed; `holder` says
/// who holds the lock, for the message a concurrent run prints.
///
/// # Errors
/// The target is locked or unusable. A source that cannot be merged is reported in its
/// outcome and the others are merged.
pub fn merge(
    target: &Path,
    sources: &[PathBuf],
    holder: &str,
) -> Result<Vec<SourceOutcome>, MergeError> {
    fs::create_dir_all(target).map_err(|source| MergeError::Archive {
        path: target.to_path_buf(),
        source,
    })?;
    let _lock = ArchiveLock::acquire(target, holder)?;
    let store = ObjectStore::open(target)?;
    store.clean_temporary()?;
    let mut catalog = Catalog::create_or_open(&target.join(CATALOG_FILE))?;
    let mut outcomes = Vec::new();
    for source in sources {
        let mut outcome = SourceOutcome {
            source: source.clone(),
            objects_copied: 0,
            bytes_copied: 0,
            merged: None,
            error: None,
        };
        match merge_one(&mut catalog, &store, source, &mut outcome) {
            Ok(counts) => outcome.merged = Some(counts),
            Err(e) => outcome.error = Some(crate::error_text::one_line(&e)),
        }
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

fn merge_one(
    catalog: &mut Catalog,
    store: &ObjectStore,
    source: &Path,
    outcome: &mut SourceOutcome,
) -> Result<MergedCounts, SourceError> {
    if lock::held_since(source)?.is_some() {
        return Err(SourceError::Busy {
            archive: source.to_path_buf(),
        });
    }
    let path = source.join(CATALOG_FILE);
    let objects = SourceCatalog::open(&path)?.objects_missing_from(catalog)?;
    // Its folders exist in any archive, so opening creates nothing there.
    let source_store = ObjectStore::open(source)?;
    let mut staged = Vec::new();
    let result = stage_all(store, &source_store, source, &objects, &mut staged, outcome);
    if let Err(e) = result {
        for (tmp, _) in &staged {
            let _ = fs::remove_file(tmp);
        }
        return Err(e);
    }
    // One flush of the whole file system rather than two fsyncs an object: a district's
    // merge brings a hundred thousand objects, and each fsync waits for the disk.
    sync_filesystem(store.tmp_dir())?;
    for (tmp, id) in &staged {
        link(store, tmp, id)?;
    }
    sync_filesystem(store.objects_dir())?;
    let label = fs::canonicalize(source).unwrap_or_else(|_| source.to_path_buf());
    Ok(catalog.merge_catalog(&path, &label.display().to_string())?)
}

/// Copy and check every object the target store lacks; the checked copies wait in `tmp/`.
fn stage_all(
    store: &ObjectStore,
    from: &ObjectStore,
    archive: &Path,
    objects: &[(ContentId, u64)],
    staged: &mut Vec<(PathBuf, ContentId)>,
    outcome: &mut SourceOutcome,
) -> Result<(), SourceError> {
    for (id, _) in objects {
        if store.path_of(id).exists() {
            continue;
        }
        let tmp = store
            .tmp_dir()
            .join(format!("{id}-{}-merge.tmp", std::process::id()));
        let unreadable = |source| SourceError::Unreadable {
            archive: archive.to_path_buf(),
            object: *id,
            source,
        };
        let (found, bytes) = copy_hashing(&from.path_of(id), &tmp).map_err(unreadable)?;
        staged.push((tmp, *id));
        if found != *id {
            return Err(SourceError::Corrupt {
                archive: archive.to_path_buf(),
                object: *id,
                found,
            });
        }
        outcome.objects_copied += 1;
        outcome.bytes_copied += bytes;
    }
    Ok(())
}

/// Copy `from` to `tmp` (new, read-only; made durable by the caller's [`sync_filesystem`]),
/// returning the SHA-256 of what was read.
fn copy_hashing(from: &Path, tmp: &Path) -> io::Result<(ContentId, u64)> {
    let mut input = File::open(from)?;
    let mut output = OpenOptions::new().write(true).create_new(true).open(tmp)?;
    let mut hasher = Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        output.write_all(&buf[..n])?;
        total += n as u64;
    }
    let mut perms = output.metadata()?.permissions();
    perms.set_readonly(true);
    fs::set_permissions(tmp, perms)?;
    Ok((hasher.finish(), total))
}

/// Rename a checked copy into place (made durable by the caller's [`sync_filesystem`]).
fn link(store: &ObjectStore, tmp: &Path, id: &ContentId) -> Result<(), StoreError> {
    let dest = store.path_of(id);
    let folder = dest.parent().unwrap_or(store.objects_dir()).to_path_buf();
    fs::create_dir_all(&folder).map_err(io_at(&folder))?;
    fs::rename(tmp, &dest).map_err(io_at(&dest))
}

/// Write out everything written so far on the file system holding `path` (`syncfs`): the
/// copies' bytes before they are renamed into place, the renames before the catalog names
/// the objects.
fn sync_filesystem(path: &Path) -> Result<(), StoreError> {
    use std::os::fd::AsRawFd;
    let folder = File::open(path).map_err(io_at(path))?;
    // SAFETY: `folder` is an open descriptor for the duration of the call.
    if unsafe { libc::syncfs(folder.as_raw_fd()) } != 0 {
        return Err(io_at(path)(io::Error::last_os_error()));
    }
    Ok(())
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> StoreError {
    let path = path.to_path_buf();
    move |source| StoreError::Io { path, source }
}
