//! Where exports write: an output folder that appears whole or not at all, never inside the
//! archive, and file names that fit the file system.
//!
//! An export writes into a staging folder beside OUT (`.sohoa-partial-…` in OUT's parent)
//! and renames it to OUT when everything is written, so a failure, a full disk or a kill
//! never leaves a half-written OUT that looks finished; a failed export removes its staging
//! folder. OUT may be absent or an empty folder; an OUT that holds files is refused unless
//! the caller forces it, and then each staged file replaces its namesake in OUT.
//! OUT inside the archive is refused: exported files there would pollute the object store
//! and be reported by `verify` as unknown objects.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::content::ContentId;

/// The longest file name (one path component) common file systems take, in bytes.
pub const NAME_MAX: usize = 255;

/// Why an output folder cannot be used or finished.
#[derive(Debug, thiserror::Error)]
pub enum OutError {
    #[error("{out} is inside the archive {archive}: export to a folder outside it")]
    InsideArchive { out: PathBuf, archive: PathBuf },
    #[error("{out} is not empty: name a new or empty folder (--force writes into it)")]
    NotEmpty { out: PathBuf },
    #[error("{out} is not empty: a bag is only written into a new or empty folder")]
    BagNotEmpty { out: PathBuf },
    #[error("{out} exists and is not a folder")]
    NotAFolder { out: PathBuf },
    #[error("{out} is a folder: name the file to write")]
    IsAFolder { out: PathBuf },
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

impl OutError {
    /// Whether the caller named a wrong OUT (a usage mistake) rather than the write failing.
    pub fn is_usage(&self) -> bool {
        !matches!(self, OutError::Io { .. })
    }
}

/// What may be done with an OUT that already holds files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Refuse it.
    Refuse,
    /// Refuse it, saying a bag needs a new folder.
    RefuseBag,
    /// Write into it, each file replacing its namesake.
    Overwrite,
}

/// A staging folder that becomes OUT on [`Staging::commit`]; dropped uncommitted, it is
/// removed with what was written into it.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    merge: bool,
    committed: bool,
}

impl Staging {
    /// Check `out` against `archive` and the `existing` rule, and create the staging folder.
    ///
    /// # Errors
    /// OUT is inside the archive, is a file, holds files the rule refuses, or the staging
    /// folder cannot be created.
    pub fn begin(out: &Path, archive: &Path, existing: Existing) -> Result<Staging, OutError> {
        if inside(out, archive) {
            return Err(OutError::InsideArchive {
                out: out.to_path_buf(),
                archive: archive.to_path_buf(),
            });
        }
        let merge = match fs::read_dir(out).map(|mut entries| entries.next().is_none()) {
            Ok(true) => false,
            Ok(false) => match existing {
                Existing::Overwrite => true,
                Existing::Refuse => return Err(OutError::NotEmpty { out: out.into() }),
                Existing::RefuseBag => return Err(OutError::BagNotEmpty { out: out.into() }),
            },
            Err(e) if e.kind() == io::ErrorKind::NotFound => false,
            Err(_) if out.exists() => return Err(OutError::NotAFolder { out: out.into() }),
            Err(source) => return Err(io_err(out, source)),
        };
        let parent = parent_of(out);
        fs::create_dir_all(&parent).map_err(|e| io_err(&parent, e))?;
        let dir = parent.join(format!(
            ".sohoa-partial-{}-{}",
            std::process::id(),
            unique()
        ));
        fs::create_dir(&dir).map_err(|e| io_err(&dir, e))?;
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            merge,
            committed: false,
        })
    }

    /// Where the export writes.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Put everything written into place as OUT.
    ///
    /// # Errors
    /// A rename fails; the staging folder is then removed and OUT left as it was, except
    /// for files already moved into an OUT that was forced.
    pub fn commit(mut self) -> Result<(), OutError> {
        if self.merge {
            move_into(&self.dir, &self.out)?;
            fs::remove_dir_all(&self.dir).map_err(|e| io_err(&self.dir, e))?;
        } else {
            // An empty OUT is replaced; remove_dir refuses if a file appeared meanwhile.
            match fs::remove_dir(&self.out) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(io_err(&self.out, e)),
            }
            fs::rename(&self.dir, &self.out).map_err(|e| io_err(&self.out, e))?;
        }
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            // Ours alone: it holds only what this export wrote.
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// `name` if it fits in [`NAME_MAX`] bytes, else its start (whole characters) and a hash of
/// all of it before `suffix`, so that two long names sharing a start stay apart. The second
/// value says whether it was shortened.
pub fn fit_name(stem: &str, suffix: &str) -> (String, bool) {
    if stem.len() + suffix.len() <= NAME_MAX {
        return (format!("{stem}{suffix}"), false);
    }
    let hash = ContentId::of_bytes(stem.as_bytes()).to_hex();
    let tag = format!("~{}", &hash[..16]);
    let room = NAME_MAX.saturating_sub(suffix.len() + tag.len());
    let mut cut = room.min(stem.len());
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    (format!("{}{tag}{suffix}", &stem[..cut]), true)
}

/// Whether `out` is `archive` or lies under it, judged on the real paths of the parts that
/// exist (symlinks and `..` resolved), so no spelling of a path gets around it.
pub(crate) fn inside(out: &Path, archive: &Path) -> bool {
    let Ok(archive) = archive.canonicalize() else {
        return false;
    };
    real_path(out).is_some_and(|out| out.starts_with(&archive))
}

/// `path` made absolute with every existing part resolved as the kernel resolves it
/// (symlinks followed, then `..` taken from the resolved folder).
fn real_path(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    let mut real = PathBuf::from("/");
    for part in absolute.components() {
        match part {
            Component::ParentDir => {
                real.pop();
            }
            Component::Normal(name) => {
                real.push(name);
                if let Ok(resolved) = real.canonicalize() {
                    real = resolved;
                }
            }
            Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
        }
    }
    Some(real)
}

fn parent_of(out: &Path) -> PathBuf {
    match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Move every entry of `from` into `to`, folders merged, files replacing their namesakes.
fn move_into(from: &Path, to: &Path) -> Result<(), OutError> {
    for entry in fs::read_dir(from).map_err(|e| io_err(from, e))? {
        let entry = entry.map_err(|e| io_err(from, e))?;
        let target = to.join(entry.file_name());
        let is_dir = entry
            .file_type()
            .map_err(|e| io_err(&entry.path(), e))?
            .is_dir();
        if is_dir && target.is_dir() {
            move_into(&entry.path(), &target)?;
        } else {
            fs::rename(entry.path(), &target).map_err(|e| io_err(&target, e))?;
        }
    }
    Ok(())
}

fn unique() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

fn io_err(path: &Path, source: io::Error) -> OutError {
    OutError::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_cut_on_a_character_with_a_hash_and_stay_apart() {
        assert_eq!(fit_name("trang-1", ".txt"), ("trang-1.txt".into(), false));
        let a = "ế".repeat(84); // 252 bytes
        let b = format!("{}x", "ế".repeat(83));
        let (fa, cut_a) = fit_name(&a, "-p12.txt");
        let (fb, _) = fit_name(&b, "-p12.txt");
        assert!(
            cut_a && fa.len() <= NAME_MAX && fb.len() <= NAME_MAX,
            "{fa}"
        );
        assert!(fa.ends_with("-p12.txt") && fa != fb);
        assert_eq!(
            fit_name(&a, "-p12.txt").0,
            fa,
            "the same name shortens the same way"
        );
    }

    #[test]
    fn out_appears_only_on_commit_and_a_dropped_staging_leaves_nothing() {
        let root = tempfile::tempdir().unwrap();
        let archive = root.path().join("archive");
        fs::create_dir(&archive).unwrap();
        let out = root.path().join("out");
        let staging = Staging::begin(&out, &archive, Existing::Refuse).unwrap();
        fs::write(staging.dir().join("a.txt"), "a").unwrap();
        assert!(!out.exists());
        drop(staging);
        assert_eq!(
            fs::read_dir(root.path()).unwrap().count(),
            1,
            "only the archive"
        );
        let staging = Staging::begin(&out, &archive, Existing::Refuse).unwrap();
        fs::write(staging.dir().join("a.txt"), "a").unwrap();
        staging.commit().unwrap();
        assert_eq!(fs::read_to_string(out.join("a.txt")).unwrap(), "a");
    }

    #[test]
    fn a_full_out_is_refused_unless_forced_and_then_merged() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        fs::create_dir_all(out.join("d")).unwrap();
        fs::write(out.join("d/keep.txt"), "keep").unwrap();
        fs::write(out.join("d/a.txt"), "old").unwrap();
        for rule in [Existing::Refuse, Existing::RefuseBag] {
            let err = Staging::begin(&out, &root.path().join("arc"), rule).unwrap_err();
            assert!(err.is_usage(), "{err}");
        }
        let staging = Staging::begin(&out, &root.path().join("arc"), Existing::Overwrite).unwrap();
        fs::create_dir(staging.dir().join("d")).unwrap();
        fs::write(staging.dir().join("d/a.txt"), "new").unwrap();
        staging.commit().unwrap();
        assert_eq!(fs::read_to_string(out.join("d/a.txt")).unwrap(), "new");
        assert_eq!(fs::read_to_string(out.join("d/keep.txt")).unwrap(), "keep");
        assert_eq!(
            fs::read_dir(root.path()).unwrap().count(),
            1,
            "no staging left"
        );
    }

    #[test]
    fn out_inside_the_archive_is_refused_however_it_is_spelled() {
        let root = tempfile::tempdir().unwrap();
        let archive = root.path().join("archive");
        fs::create_dir_all(archive.join("objects")).unwrap();
        std::os::unix::fs::symlink(&archive, root.path().join("link")).unwrap();
        for out in [
            archive.clone(),
            archive.join("objects"),
            archive.join("objects/new/deeper"),
            root.path().join("link/x"),
            root.path().join("other/../archive/x"),
        ] {
            let err = Staging::begin(&out, &archive, Existing::Overwrite).unwrap_err();
            assert!(
                matches!(err, OutError::InsideArchive { .. }),
                "{}: {err}",
                out.display()
            );
        }
        assert!(Staging::begin(&root.path().join("archive-2"), &archive, Existing::Refuse).is_ok());
    }
}
