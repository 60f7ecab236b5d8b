//! Opening the catalog: for writing (`run`, `watch`, `verify`'s record), or read-only for
//! the commands that only read an archive (`report`, `search`, `show`, `verify`, exports).
//!
//! A reader must work on an archive it may not write (an archivist's copy, a second user, a
//! WORM share) and must leave nothing behind there. In WAL mode even a read-only connection
//! wants the `-shm` index beside the catalog: SQLite creates it when it is absent, which fails
//! in a folder the reader cannot write, and where the reader can write it would leave a `-shm`
//! owned by the reader that the owner's next run cannot open. So the owner (or root) reads
//! through an ordinary connection that refuses writes (`query_only`), which removes the
//! `-wal` and `-shm` it made when it closes, as a writer does; another user shares the `-shm`
//! only when one is already there (a writer is live, or left it), and otherwise opens the file
//! `immutable`, which reads the main file alone and creates nothing.

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::schema::{self, Existing};
use super::{Catalog, CatalogError, BUSY_TIMEOUT};

/// How a read-only catalog was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadMode {
    /// The owner's connection with writes refused (`PRAGMA query_only`).
    Owner,
    /// `mode=ro` beside live writers, through the existing `-shm`.
    Shared,
    /// `immutable=1`: the main file alone, nothing created beside it. A batch that is
    /// committed only in an un-checkpointed `-wal` left by a crash is not seen until the
    /// owner's next run or verify checkpoints it.
    Immutable,
}

impl Catalog {
    /// Open the catalog at `path`, creating the file and its schema if it is absent, and
    /// bring an older schema up to date.
    ///
    /// # Errors
    /// The file cannot be opened or created, is not a catalog, is newer than this code
    /// ([`CatalogError::TooNew`]), or cannot be migrated.
    pub fn create_or_open(path: &Path) -> Result<Catalog, CatalogError> {
        if !path.exists() {
            create_whole(path)?;
        }
        let conn = Connection::open(path).map_err(open_err(path))?;
        Catalog::configure(conn, path, Existing::MayBeEmpty)
    }

    /// Open a catalog that must already exist, for writing.
    ///
    /// # Errors
    /// [`CatalogError::NotFound`] when there is no file at `path`; otherwise as
    /// [`Catalog::create_or_open`].
    pub fn open_existing(path: &Path) -> Result<Catalog, CatalogError> {
        must_exist(path)?;
        let flags = OpenFlags::default().difference(OpenFlags::SQLITE_OPEN_CREATE);
        let conn = Connection::open_with_flags(path, flags).map_err(open_err(path))?;
        Catalog::configure(conn, path, Existing::MustBeCatalog)
    }

    /// Open an existing catalog for reading only: nothing is written to it or created beside
    /// it. An older schema is brought up to date first when this user may write the catalog,
    /// since the readers' queries need the current one.
    ///
    /// # Errors
    /// [`CatalogError::NotFound`], [`CatalogError::NotACatalog`], [`CatalogError::TooNew`],
    /// [`CatalogError::OldReadOnly`] when the schema is older and the file is not writable.
    pub fn open_read_only(path: &Path) -> Result<Catalog, CatalogError> {
        must_exist(path)?;
        let first = if Catalog::may_write(path) && owns(path) {
            ReadMode::Owner
        } else if shm_path(path).exists() {
            ReadMode::Shared
        } else {
            ReadMode::Immutable
        };
        let (conn, mode) = match connect(path, first) {
            Ok(conn) => (conn, first),
            Err(e) if first != ReadMode::Immutable && refused(&e) => {
                (connect(path, ReadMode::Immutable)?, ReadMode::Immutable)
            }
            Err(e) => return Err(e),
        };
        let found = schema::version(&conn, path)?;
        if found < schema::known_version() {
            drop(conn);
            if !Catalog::may_write(path) {
                return Err(CatalogError::OldReadOnly {
                    path: path.to_path_buf(),
                    found,
                    known: schema::known_version(),
                });
            }
            Catalog::open_existing(path)?;
            return Catalog::open_read_only(path);
        }
        Ok(Catalog {
            conn,
            path: path.to_path_buf(),
            read_mode: Some(mode),
        })
    }

    /// Whether this process may write the catalog at `path` and create files beside it
    /// (its `-wal` and `-shm`), judged by the effective user as the kernel will judge it.
    pub fn may_write(path: &Path) -> bool {
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        writable(path) && writable(folder)
    }

    /// How this catalog was opened, if read-only.
    pub fn read_mode(&self) -> Option<ReadMode> {
        self.read_mode
    }

    pub(super) fn configure(
        mut conn: Connection,
        path: &Path,
        existing: Existing,
    ) -> Result<Catalog, CatalogError> {
        let open_err = open_err(path);
        conn.busy_timeout(BUSY_TIMEOUT).map_err(&open_err)?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(&open_err)?;
        // WAL lets readers run beside the one writer. In WAL, synchronous=NORMAL may lose the
        // last commits on power loss; those commits name objects that were already fsynced
        // and reported done, so FULL: a commit is on disk before `record_files` returns.
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(&open_err)?;
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))
            .map_err(&open_err)?;
        conn.set_prepared_statement_cache_capacity(32);
        schema::migrate(&mut conn, path, existing)?;
        Ok(Catalog {
            conn,
            path: path.to_path_buf(),
            read_mode: None,
        })
    }
}

/// Make a new catalog with its whole schema beside `path` and rename it into place, so a
/// crash or kill never leaves a `catalog.sqlite` without its schema there (which every
/// reader refuses as not a catalog); a cut leaves at most the hidden `.new` file, replaced by
/// the next creation of this process id.
fn create_whole(path: &Path) -> Result<(), CatalogError> {
    let name = path
        .file_name()
        .map_or_else(|| "catalog".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.new-{}", std::process::id()));
    let io_err = |at: &Path| {
        let at = at.to_path_buf();
        move |source: std::io::Error| CatalogError::Create { path: at, source }
    };
    for leftover in [tmp.clone(), wal_path(&tmp), shm_path(&tmp)] {
        match std::fs::remove_file(&leftover) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io_err(&leftover)(e)),
            _ => {}
        }
    }
    let conn = Connection::open(&tmp).map_err(open_err(&tmp))?;
    // Closing the only connection checkpoints the WAL and removes it: one file to rename.
    drop(Catalog::configure(conn, &tmp, Existing::MayBeEmpty)?);
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(io_err(&tmp))?;
    std::fs::rename(&tmp, path).map_err(io_err(path))?;
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
    std::fs::File::open(folder.unwrap_or(Path::new(".")))
        .and_then(|d| d.sync_all())
        .map_err(io_err(path))
}

/// Run `work`, which writes only to this connection's private `temp` database (a copy of the
/// search index to compare with), with `query_only` lifted for that time: on the owner's
/// read-only connection it refuses temp writes too. The catalog itself stays unwritable
/// through flags on the other read modes; on the owner's, `work` writes only `temp.` tables.
pub(super) fn temp_writes<T>(
    conn: &Connection,
    work: impl FnOnce() -> Result<T, CatalogError>,
) -> Result<T, CatalogError> {
    let set = |on: bool| {
        conn.pragma_update(None, "query_only", on)
            .map_err(|source| CatalogError::Sql {
                op: "allow temporary tables",
                source,
            })
    };
    let was: bool = conn
        .pragma_query_value(None, "query_only", |row| row.get(0))
        .map_err(|source| CatalogError::Sql {
            op: "allow temporary tables",
            source,
        })?;
    if !was {
        return work();
    }
    set(false)?;
    let done = work();
    set(true)?;
    done
}

fn open_err(path: &Path) -> impl Fn(rusqlite::Error) -> CatalogError + '_ {
    move |source| CatalogError::Open {
        path: path.to_path_buf(),
        source,
    }
}

fn must_exist(path: &Path) -> Result<(), CatalogError> {
    if path.is_file() {
        return Ok(());
    }
    Err(CatalogError::NotFound {
        path: path.to_path_buf(),
    })
}

/// A connection that cannot write, in `mode`, checked by reading the schema so that a
/// refusal shows here rather than at the first query.
fn connect(path: &Path, mode: ReadMode) -> Result<Connection, CatalogError> {
    let access = match mode {
        ReadMode::Owner => OpenFlags::SQLITE_OPEN_READ_WRITE,
        ReadMode::Shared | ReadMode::Immutable => OpenFlags::SQLITE_OPEN_READ_ONLY,
    };
    let flags = access | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(uri(path, mode), flags).map_err(open_err(path))?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(open_err(path))?;
    if mode == ReadMode::Owner {
        conn.pragma_update(None, "query_only", true)
            .map_err(open_err(path))?;
    }
    conn.set_prepared_statement_cache_capacity(32);
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))
        .map_err(open_err(path))?;
    Ok(conn)
}

/// Whether an open failed for want of a usable `-shm` or `-wal` (or a writable file), so
/// that reading the main file alone is the way left.
fn refused(e: &CatalogError) -> bool {
    let CatalogError::Open { source, .. } = e else {
        return false;
    };
    matches!(
        source.sqlite_error_code(),
        Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied)
    )
}

/// A `file:` URI for `path`: every byte but the unreserved ones percent-encoded, so that
/// `?`, `#`, `%` or spaces in an archive's path cannot change its meaning.
pub(super) fn uri(path: &Path, mode: ReadMode) -> String {
    let mut out = String::from("file:");
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out.push_str(match mode {
        ReadMode::Owner => "",
        ReadMode::Shared => "?mode=ro",
        ReadMode::Immutable => "?mode=ro&immutable=1",
    });
    out
}

fn wal_path(path: &Path) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-wal");
    name.into()
}

fn shm_path(path: &Path) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-shm");
    name.into()
}

/// Whether the effective user may write `path`, as `access(2)` with `AT_EACCESS` judges it
/// (so read-only mounts and root count as the kernel counts them).
fn writable(path: &Path) -> bool {
    let Ok(c) = CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a valid NUL-terminated path that outlives the call.
    unsafe { libc::faccessat(libc::AT_FDCWD, c.as_ptr(), libc::W_OK, libc::AT_EACCESS) == 0 }
}

/// Whether the effective user is root or owns `path`: a `-shm` such a user creates is one
/// the owner can open again (SQLite gives root's files to the catalog's owner).
fn owns(path: &Path) -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let euid = unsafe { libc::geteuid() };
    euid == 0 || std::fs::metadata(path).is_ok_and(|m| m.uid() == euid)
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{scanned, Harness, TestResult};
    use super::*;

    #[test]
    fn the_uri_keeps_odd_paths_literal() {
        assert_eq!(
            uri(Path::new("/a b/x?y#z%/catalog.sqlite"), ReadMode::Immutable),
            "file:/a%20b/x%3Fy%23z%25/catalog.sqlite?mode=ro&immutable=1"
        );
        assert_eq!(
            uri(Path::new("/kho/hồ sơ"), ReadMode::Shared),
            "file:/kho/h%E1%BB%93%20s%C6%A1?mode=ro"
        );
    }

    #[test]
    fn a_reader_changes_no_byte_and_the_owner_writes_after_it() -> TestResult {
        let mut h = Harness::new()?;
        h.dossiers(&[("HS-1", 1)])?;
        h.record(&[scanned("HS-1", "HS-1/p1.jpg", b"one", vec![])])?;
        let path = h.path();
        drop(h.catalog);
        let before = std::fs::read(&path)?;
        let folder = path.parent().ok_or("no folder")?;
        let names = || -> std::io::Result<Vec<std::ffi::OsString>> {
            let mut names: Vec<_> = std::fs::read_dir(folder)?
                .map(|e| e.map(|e| e.file_name()))
                .collect::<Result<_, _>>()?;
            names.sort();
            Ok(names)
        };
        let files_before = names()?;
        let catalog = Catalog::open_read_only(&path)?;
        assert!(catalog.read_mode().is_some());
        let refused = catalog.conn.execute_batch("DELETE FROM file");
        assert!(refused.is_err(), "a reader could write");
        let files: i64 = catalog
            .conn
            .query_row("SELECT count(*) FROM file", [], |row| row.get(0))?;
        assert_eq!(files, 1);
        drop(catalog);
        assert_eq!(
            std::fs::read(&path)?,
            before,
            "a reader changed the catalog"
        );
        assert_eq!(
            names()?,
            files_before,
            "a reader left files beside the catalog"
        );
        let writer = Catalog::open_existing(&path)?;
        writer.conn.execute_batch("BEGIN IMMEDIATE; COMMIT;")?;
        drop(writer);
        Ok(())
    }

    #[test]
    fn an_old_schema_is_upgraded_by_its_owner_and_named_to_others() -> TestResult {
        let dir = tempfile::tempdir()?;
        let old = |name: &str| -> Result<std::path::PathBuf, rusqlite::Error> {
            let path = dir.path().join(name);
            let conn = Connection::open(&path)?;
            conn.pragma_update(None, "application_id", schema::APPLICATION_ID)?;
            conn.execute_batch(schema::first_migration())?;
            conn.pragma_update(None, "user_version", 1)?;
            Ok(path)
        };
        let owned = old("owned.sqlite")?;
        let catalog = Catalog::open_read_only(&owned)?;
        let version: i64 = catalog
            .conn
            .pragma_query_value(None, "user_version", |row| row.get(0))?;
        assert_eq!(version, schema::known_version());
        // Read-only by its mode; root ignores modes, so only another user sees the refusal.
        let locked = old("locked.sqlite")?;
        let mut perms = std::fs::metadata(&locked)?.permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o444);
        std::fs::set_permissions(&locked, perms)?;
        if !Catalog::may_write(&locked) {
            let err = Catalog::open_read_only(&locked).err().ok_or("opened")?;
            assert!(
                matches!(err, CatalogError::OldReadOnly { found: 1, .. }),
                "{err}"
            );
        }
        Ok(())
    }
}
