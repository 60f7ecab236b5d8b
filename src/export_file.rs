//! One exported file that appears whole or not at all: written to a temporary file beside
//! it (`.sohoa-partial-…` in the same folder, so the rename never crosses file systems),
//! flushed to disk, then renamed over the name asked for. A failure, a full disk or a kill
//! leaves the old file, or none, never half a new one; a dropped file removes its
//! temporary. Like an output folder (`export_out.rs`), never inside the archive.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::export_out::{inside, OutError};

/// A file being written; [`OutFile::commit`] puts it in place.
#[derive(Debug)]
pub struct OutFile {
    path: PathBuf,
    tmp: PathBuf,
    writer: BufWriter<File>,
    committed: bool,
}

impl OutFile {
    /// Start writing `path`.
    ///
    /// # Errors
    /// `path` is inside `archive`, is a folder, or its temporary cannot be created.
    pub fn create(path: &Path, archive: &Path) -> Result<OutFile, OutError> {
        if inside(path, archive) {
            return Err(OutError::InsideArchive {
                out: path.to_path_buf(),
                archive: archive.to_path_buf(),
            });
        }
        if path.is_dir() {
            return Err(OutError::IsAFolder {
                out: path.to_path_buf(),
            });
        }
        let name = path
            .file_name()
            .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let tmp = parent.join(format!(".sohoa-partial-{}-{name}", std::process::id()));
        let file = File::create(&tmp).map_err(|e| io_err(path, e))?;
        Ok(OutFile {
            path: path.to_path_buf(),
            tmp,
            writer: BufWriter::new(file),
            committed: false,
        })
    }

    /// The file asked for, to name it in messages.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where to write (the temporary file until commit).
    pub fn writer(&mut self) -> &mut dyn Write {
        &mut self.writer
    }

    /// Flush, sync and rename the temporary over the file asked for.
    ///
    /// # Errors
    /// Writing, syncing or renaming fails; the temporary is then removed.
    pub fn commit(mut self) -> Result<(), OutError> {
        self.writer.flush().map_err(|e| io_err(&self.path, e))?;
        self.writer
            .get_ref()
            .sync_all()
            .map_err(|e| io_err(&self.path, e))?;
        fs::rename(&self.tmp, &self.path).map_err(|e| io_err(&self.path, e))?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for OutFile {
    fn drop(&mut self) {
        if !self.committed {
            // Ours alone: it holds only what this export wrote.
            let _ = fs::remove_file(&self.tmp);
        }
    }
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
    fn the_file_appears_only_on_commit_and_a_dropped_one_leaves_nothing() {
        let root = tempfile::tempdir().unwrap();
        let archive = root.path().join("archive");
        fs::create_dir(&archive).unwrap();
        let path = root.path().join("records.jsonl");
        let mut out = OutFile::create(&path, &archive).unwrap();
        out.writer().write_all(b"{}\n").unwrap();
        assert!(!path.exists());
        drop(out);
        assert_eq!(
            fs::read_dir(root.path()).unwrap().count(),
            1,
            "only the archive"
        );
        let mut out = OutFile::create(&path, &archive).unwrap();
        out.writer().write_all(b"{}\n").unwrap();
        out.commit().unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"{}\n");
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 2);
    }

    #[test]
    fn a_file_in_the_archive_or_a_folder_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let inner = OutFile::create(&root.path().join("x.csv"), root.path()).unwrap_err();
        assert!(matches!(inner, OutError::InsideArchive { .. }), "{inner}");
        let archive = root.path().join("archive");
        fs::create_dir(&archive).unwrap();
        let folder = OutFile::create(root.path(), &archive).unwrap_err();
        assert!(matches!(folder, OutError::IsAFolder { .. }), "{folder}");
    }
}
