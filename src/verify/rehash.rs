//! Checking objects against the catalog: `quick` compares sizes; `full` re-reads and
//! re-hashes every byte, in parallel (rayon, one large buffer per worker), reporting
//! progress as each object ends.

use std::fs::File;
use std::io::{self, Read};

use rayon::prelude::*;

use super::{Finding, VerifyProgress};
use crate::catalog::CatalogObject;
use crate::content::{ContentId, Hasher};
use crate::store::ObjectStore;

/// Read size: large reads keep the disk streaming and the hash busy.
const BUFFER: usize = 1 << 20;

/// What checking a set of objects found.
#[derive(Debug, Default)]
pub(super) struct Checked {
    pub findings: Vec<Finding>,
    pub bytes: u64,
    /// Ids of the objects found intact, in id order.
    pub intact: Vec<ContentId>,
}

/// Check `objects`; `rehash` reads every byte, otherwise only sizes are compared.
pub(super) fn check<P: VerifyProgress>(
    store: &ObjectStore,
    objects: &[&CatalogObject],
    rehash: bool,
    progress: &P,
) -> Checked {
    let results: Vec<(ContentId, u64, Option<Finding>)> = objects
        .par_iter()
        .map_init(
            || vec![0u8; if rehash { BUFFER } else { 0 }],
            |buf, object| {
                let (bytes, finding) = check_one(store, object, rehash, buf);
                progress.object_done(bytes);
                (object.id, bytes, finding)
            },
        )
        .collect();
    let mut out = Checked::default();
    for (id, bytes, finding) in results {
        out.bytes += bytes;
        match finding {
            Some(f) => out.findings.push(f),
            None => out.intact.push(id),
        }
    }
    out
}

/// Bytes read and the finding, if any, for one object.
fn check_one(
    store: &ObjectStore,
    object: &CatalogObject,
    rehash: bool,
    buf: &mut [u8],
) -> (u64, Option<Finding>) {
    let path = store.path_of(&object.id);
    let missing = || Finding::MissingObject {
        object: object.id.to_hex(),
        files: object.uses.clone(),
    };
    let size = match std::fs::metadata(&path) {
        Ok(m) if m.is_file() => m.len(),
        _ => return (0, Some(missing())),
    };
    let altered = |actual: Option<ContentId>, actual_size| Finding::AlteredObject {
        object: object.id.to_hex(),
        actual: actual.map(|a| a.to_hex()),
        expected_size: object.size,
        actual_size,
        files: object.uses.clone(),
    };
    if !rehash {
        return (0, (size != object.size).then(|| altered(None, size)));
    }
    match hash_file(&path, buf) {
        Ok((id, read)) if id == object.id && read == object.size => (read, None),
        Ok((id, read)) => (read, Some(altered(Some(id), read))),
        // Unreadable counts as missing: its bytes cannot be shown to be the original.
        Err(_) => (0, Some(missing())),
    }
}

fn hash_file(path: &std::path::Path, buf: &mut [u8]) -> io::Result<(ContentId, u64)> {
    let mut file = File::open(path)?;
    let mut hasher = Hasher::new();
    let mut total = 0u64;
    loop {
        let n = match file.read(buf) {
            Ok(0) => return Ok((hasher.finish(), total)),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        total += n as u64;
    }
}
