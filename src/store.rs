//! The content-addressed object store: every original, byte for byte, under the hex of its
//! SHA-256 (`objects/ab/cd/abcd…`). Identical files are stored once.
//!
//! Invariant: a file under `objects/` is always complete and read-only. It is written as a
//! temporary file in `tmp/` (same file system), fsynced, made read-only, renamed into place
//! and its folder fsynced, so a crash or power cut leaves either nothing or the whole object.
//! Leftover temporary files are partial copies of sources that still exist; only a run that
//! holds the archive lock removes them. Nothing else is ever deleted.
//!
//! An object that is already there is re-hashed before new bytes are linked to it: when it
//! no longer has its bytes (bit rot, an edit), the new file's identical bytes replace it the
//! same atomic way, and the repair is remembered for the run to record and report.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use crate::content::ContentId;

/// Why the store could not be used: the archive is unusable, not a single source file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("object store {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

fn at(path: &Path) -> impl FnOnce(io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Handle on `<archive>/objects` and `<archive>/tmp`.
#[derive(Debug)]
pub struct ObjectStore {
    objects: PathBuf,
    tmp: PathBuf,
    counter: AtomicU64,
    repairs: Mutex<Vec<Repair>>,
}

/// An object found corrupt and rewritten from a new file with its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    pub object: ContentId,
    /// The file whose bytes repaired it, as the caller named it.
    pub source: String,
}

/// What [`ObjectStore::put`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// A new object was written.
    New,
    /// An identical object was already there.
    Existing,
    /// The object was there but corrupt, and was rewritten from these bytes.
    Repaired,
}

impl ObjectStore {
    /// The store inside `archive` as it is, creating nothing: for readers, which may not be
    /// able to write the archive and must leave it as they found it.
    pub fn at(archive: &Path) -> ObjectStore {
        ObjectStore {
            objects: archive.join("objects"),
            tmp: archive.join("tmp"),
            counter: AtomicU64::new(0),
            repairs: Mutex::new(Vec::new()),
        }
    }

    /// Open the store inside `archive`, creating its folders.
    ///
    /// # Errors
    /// The folders cannot be created.
    pub fn open(archive: &Path) -> Result<ObjectStore, StoreError> {
        let objects = archive.join("objects");
        let tmp = archive.join("tmp");
        for dir in [&objects, &tmp] {
            fs::create_dir_all(dir).map_err(at(dir))?;
        }
        Ok(ObjectStore::at(archive))
    }

    /// Where the object with this id lives.
    pub fn path_of(&self, id: &ContentId) -> PathBuf {
        let hex = id.to_hex();
        self.objects.join(&hex[0..2]).join(&hex[2..4]).join(hex)
    }

    /// Folder of all objects, for verification.
    pub fn objects_dir(&self) -> &Path {
        &self.objects
    }

    /// Folder of temporary files.
    pub fn tmp_dir(&self) -> &Path {
        &self.tmp
    }

    /// Store `bytes`, whose id the caller computed while reading them; `source` names where
    /// they came from, for the record of a repair.
    ///
    /// # Errors
    /// Any write, sync or rename failure (e.g. disk full).
    pub fn put(&self, id: &ContentId, bytes: &[u8], source: &str) -> Result<Stored, StoreError> {
        let dest = self.path_of(id);
        if dest.exists() {
            if holds(&dest, id)? {
                return Ok(Stored::Existing);
            }
            self.write(id, bytes, &dest)?;
            self.repairs
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(Repair {
                    object: *id,
                    source: source.to_string(),
                });
            return Ok(Stored::Repaired);
        }
        self.write(id, bytes, &dest)?;
        Ok(Stored::New)
    }

    /// The repairs made since the last call, in the order they were made.
    pub fn take_repairs(&self) -> Vec<Repair> {
        std::mem::take(
            &mut *self
                .repairs
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    fn write(&self, id: &ContentId, bytes: &[u8], dest: &Path) -> Result<(), StoreError> {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let tmp = self
            .tmp
            .join(format!("{}-{}-{n}.tmp", id, std::process::id()));
        write_synced(&tmp, bytes)?;
        let folder = dest.parent().unwrap_or(&self.objects);
        fs::create_dir_all(folder).map_err(at(folder))?;
        // Two workers storing the same content race harmlessly: both temporaries are
        // complete and identical, and rename replaces atomically.
        fs::rename(&tmp, dest).map_err(at(dest))?;
        sync_dir(folder)
    }

    /// Remove temporary files left by an interrupted run. Call only while holding the
    /// archive lock, so no other run is writing them.
    ///
    /// # Errors
    /// The tmp folder cannot be listed or a file in it removed.
    pub fn clean_temporary(&self) -> Result<u64, StoreError> {
        let mut removed = 0;
        for entry in fs::read_dir(&self.tmp).map_err(at(&self.tmp))? {
            let path = entry.map_err(at(&self.tmp))?.path();
            if path.extension().is_some_and(|e| e == "tmp") {
                fs::remove_file(&path).map_err(at(&path))?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

/// Whether the object file at `path` still has the bytes of `id`. An unreadable object
/// does not: the new bytes replace it.
fn holds(path: &Path, id: &ContentId) -> Result<bool, StoreError> {
    let Ok(mut file) = File::open(path) else {
        return Ok(false);
    };
    let mut hasher = crate::content::Hasher::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match file.read(&mut buf) {
            Ok(0) => return Ok(hasher.finish() == *id),
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return Ok(false),
        }
    }
}

fn write_synced(tmp: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(tmp)
        .map_err(at(tmp))?;
    file.write_all(bytes).map_err(at(tmp))?;
    file.sync_all().map_err(at(tmp))?;
    let mut perms = file.metadata().map_err(at(tmp))?.permissions();
    perms.set_readonly(true);
    fs::set_permissions(tmp, perms).map_err(at(tmp))
}

fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(at(dir))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn put_stores_once_read_only_and_byte_identical() {
        let dir = tempfile::tempdir().unwrap();
        let store = ObjectStore::open(dir.path()).unwrap();
        let bytes = b"scanned page".to_vec();
        let id = ContentId::of_bytes(&bytes);
        assert_eq!(store.put(&id, &bytes, "a").unwrap(), Stored::New);
        assert_eq!(store.put(&id, &bytes, "b").unwrap(), Stored::Existing);
        assert!(store.take_repairs().is_empty());
        let path = store.path_of(&id);
        assert_eq!(fs::read(&path).unwrap(), bytes);
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o222, 0, "objects must be read-only");
        assert!(path.ends_with(format!(
            "{}/{}/{}",
            &id.to_hex()[..2],
            &id.to_hex()[2..4],
            id
        )));
        assert_eq!(fs::read_dir(store.tmp_dir()).unwrap().count(), 0);
    }

    #[test]
    fn a_corrupt_object_is_repaired_from_new_identical_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let store = ObjectStore::open(dir.path()).unwrap();
        let bytes = b"scanned page".to_vec();
        let id = ContentId::of_bytes(&bytes);
        store.put(&id, &bytes, "a").unwrap();
        let path = store.path_of(&id);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        fs::write(&path, b"scanned pagf").unwrap();
        assert_eq!(
            store.put(&id, &bytes, "HS-1/b.jpg").unwrap(),
            Stored::Repaired
        );
        assert_eq!(fs::read(&path).unwrap(), bytes);
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o222, 0, "a repaired object is read-only again");
        let repairs = store.take_repairs();
        assert_eq!(repairs.len(), 1);
        assert_eq!(
            (repairs[0].object, repairs[0].source.as_str()),
            (id, "HS-1/b.jpg")
        );
        assert_eq!(fs::read_dir(store.tmp_dir()).unwrap().count(), 0);
    }

    #[test]
    fn leftover_temporaries_are_cleaned() {
        let dir = tempfile::tempdir().unwrap();
        let store = ObjectStore::open(dir.path()).unwrap();
        fs::write(store.tmp_dir().join("abc-1-0.tmp"), b"partial").unwrap();
        assert_eq!(store.clean_temporary().unwrap(), 1);
        assert_eq!(fs::read_dir(store.tmp_dir()).unwrap().count(), 0);
    }
}
