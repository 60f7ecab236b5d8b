//! The archive lock: one `sohoa run` per archive at a time. An advisory lock on
//! `<archive>/lock`, released by the kernel when the process ends however it ends (a kill or
//! power cut leaves no stale lock). The file holds who took it, for the message the second
//! run prints; when the kernel names another holder (a process that is not a sohoa run, or
//! one that never wrote the file), the message names that process instead of a previous run.

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
                let mut recorded = String::new();
                let _ = file.read_to_string(&mut recorded);
                return Err(LockError::Busy {
                    archive: archive.to_path_buf(),
                    holder: holder_of(&file, recorded.trim()),
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

/// Who holds the lock on `file`: what the holder wrote in it when the kernel's lock table
/// agrees (or cannot be read), else the process the kernel names.
fn holder_of(file: &File, recorded: &str) -> String {
    let Some(pid) = file.metadata().ok().and_then(|m| flock_holder(&m)) else {
        return recorded.to_string();
    };
    if names_pid(recorded, pid) {
        return recorded.to_string();
    }
    let command = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
    match command.trim() {
        "" => format!("pid {pid}"),
        name => format!("pid {pid}, {name}"),
    }
}

/// Whether the holder's text names `pid` ("pid 4242 on …", "sohoa watch, pid 4242 …").
fn names_pid(recorded: &str, pid: u32) -> bool {
    let wanted = format!("pid {pid}");
    recorded
        .match_indices(&wanted)
        .any(|(at, _)| !recorded[at + wanted.len()..].starts_with(|c: char| c.is_ascii_digit()))
}

/// The pid holding an exclusive `flock` on the file with this metadata, from Linux's
/// `/proc/locks` (`1: FLOCK  ADVISORY  WRITE 4242 08:01:1234 0 EOF`; the device in hex).
fn flock_holder(meta: &std::fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    let dev = meta.dev();
    let wanted = format!(
        "{:02x}:{:02x}:{}",
        libc::major(dev),
        libc::minor(dev),
        meta.ino()
    );
    let table = std::fs::read_to_string("/proc/locks").ok()?;
    table.lines().find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        // A blocked waiter's line starts with "->" and shifts the fields: skip it.
        match fields.as_slice() {
            // A holder in a pid namespace this process cannot see shows as 0.
            [_, "FLOCK", _, "WRITE", pid, id, ..] if *id == wanted => {
                pid.parse().ok().filter(|&pid| pid != 0)
            }
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let holder = format!("pid {} on host-a", std::process::id());
        let first = ArchiveLock::acquire(dir.path(), &holder).unwrap();
        let err = ArchiveLock::acquire(dir.path(), "pid 2").unwrap_err();
        assert!(err.to_string().contains(&holder), "{err}");
        drop(first);
        ArchiveLock::acquire(dir.path(), "pid 2").unwrap();
    }

    #[test]
    fn an_outside_holder_is_named_by_its_pid_not_by_the_previous_run() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("lock"),
            "pid 1 on host-a, started yesterday",
        )
        .unwrap();
        let mut flock = std::process::Command::new("flock")
            .arg(dir.path().join("lock"))
            .args(["sleep", "30"])
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while held_since(dir.path()).unwrap().is_none() {
            assert!(
                std::time::Instant::now() < deadline,
                "flock never took the lock"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let err = ArchiveLock::acquire(dir.path(), "pid 2").unwrap_err();
        let _ = flock.kill();
        let _ = flock.wait();
        let text = err.to_string();
        assert!(!text.contains("pid 1 on host-a"), "{text}");
        assert!(
            text.contains(&format!("pid {}, flock", flock.id())),
            "{text}"
        );
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
