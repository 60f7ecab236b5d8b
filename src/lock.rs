//! The archive lock: one `sohoa run` per archive at a time. An advisory lock on
//! `<archive>/lock`, released by the kernel when the process ends however it ends (a kill or
//! power cut leaves no stale lock). The file holds who took it, for the message the second
//! run prints.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("archive {archive} is in use by another sohoa run ({holder}); wait for it to finish")]
    Busy { archive: PathBuf, holder: String },
    #[error("cannot lock archive {archive}: {source}")]
    Io { archive: PathBuf, source: io::Error },
}

/// Held for as long as the value lives.
#[derive(Debug)]
pub struct ArchiveLock {
    _file: File,
}

impl ArchiveLock {
    /// Take the lock of `archive` (which must exist) without waiting.
    ///
    /// # Errors
    /// [`LockError::Busy`] when another process holds it.
    pub fn acquire(archive: &Path, holder: &str) -> Result<ArchiveLock, LockError> {
        let io_err = |source| LockError::Io {
            archive: archive.to_path_buf(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(archive.join("lock"))
            .map_err(io_err)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                return Err(LockError::Busy {
                    archive: archive.to_path_buf(),
                    holder: holder.trim().to_string(),
                });
            }
            Err(TryLockError::Error(e)) => return Err(io_err(e)),
        }
        file.set_len(0).map_err(io_err)?;
        file.rewind().map_err(io_err)?;
        file.write_all(holder.as_bytes()).map_err(io_err)?;
        Ok(ArchiveLock { _file: file })
    }
}

/// When the run holding the lock of `archive` took it, or `None` when no run holds it. Used by
/// `sohoa verify`, which never takes the lock: files younger than a live run are that run's
/// work in progress, not findings. The probe holds a shared lock for an instant; a run
/// starting in that instant is refused as if another run held the archive.
///
/// # Errors
/// The lock file exists but cannot be opened or probed.
pub fn held_since(archive: &Path) -> Result<Option<std::time::SystemTime>, LockError> {
    let io_err = |source| LockError::Io {
        archive: archive.to_path_buf(),
        source,
    };
    let file = match File::open(archive.join("lock")) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_err(e)),
    };
    match file.try_lock_shared() {
        Ok(()) => {
            file.unlock().map_err(io_err)?;
            Ok(None)
        }
        Err(TryLockError::WouldBlock) => Ok(Some(
            file.metadata().and_then(|m| m.modified()).map_err(io_err)?,
        )),
        Err(TryLockError::Error(e)) => Err(io_err(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let first = ArchiveLock::acquire(dir.path(), "pid 1 on host-a").unwrap();
        let err = ArchiveLock::acquire(dir.path(), "pid 2").unwrap_err();
        assert!(err.to_string().contains("pid 1 on host-a"), "{err}");
        drop(first);
        ArchiveLock::acquire(dir.path(), "pid 2").unwrap();
    }

    #[test]
    fn held_since_sees_a_live_holder_only() {
        let dir = tempfile::tempdir().unwrap();
        assert!(held_since(dir.path()).unwrap().is_none(), "no lock file");
        let lock = ArchiveLock::acquire(dir.path(), "pid 1").unwrap();
        assert!(held_since(dir.path()).unwrap().is_some());
        drop(lock);
        assert!(held_since(dir.path()).unwrap().is_none());
        ArchiveLock::acquire(dir.path(), "pid 2").unwrap();
    }
}
