//! Names of source entries: the text a file is keyed and shown by, the bytes it has on
//! disk, and what its extension says it is.
//!
//! A file's key (`rel_path`) is its path relative to the source with every component in NFC,
//! so a scanner that writes NFD and one that writes NFC record the same file. Bytes that are
//! not UTF-8 are written `\xNN`, so two such names never collapse into one key. The name on
//! disk is kept beside the key, byte for byte, whenever it differs.
//!
//! Two entries whose keys coincide (NFC and NFD twins in one folder) are told apart here: the
//! one whose name on disk is the key keeps it (else the smallest name on disk), and every
//! other twin is keyed by its name as it is on disk and refused as `name-twin`, so both are
//! accounted for and a re-run finds the same keys.

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use unicode_normalization::UnicodeNormalization;

use super::SourceFile;
use crate::model::FileFailure;

/// Failure kind of a twin whose name differs from another entry's only by normalisation.
pub const NAME_TWIN: &str = "name-twin";

/// The key text of a relative path: NFC components joined by `/`.
pub fn key_text(rel: &Path) -> String {
    let parts: Vec<String> = rel.components().map(|c| component(c.as_os_str())).collect();
    parts.join("/")
}

/// The relative path as it is on disk, when its bytes are not those of `key`.
pub fn disk_name(rel: &Path, key: &str) -> Option<Vec<u8>> {
    let bytes = rel.as_os_str().as_bytes();
    (bytes != key.as_bytes()).then(|| bytes.to_vec())
}

fn component(name: &OsStr) -> String {
    let mut out = String::new();
    for chunk in name.as_bytes().utf8_chunks() {
        out.extend(chunk.valid().nfc());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// The name on disk as text for a twin's key: exact when it is UTF-8.
fn exact_text(file: &SourceFile) -> String {
    match &file.disk_name {
        Some(bytes) => match std::str::from_utf8(bytes) {
            Ok(text) => text.to_string(),
            Err(_) => key_text(Path::new(OsStr::from_bytes(bytes))),
        },
        None => file.rel_path.clone(),
    }
}

/// Give every twin but one a key of its own and refuse it as `name-twin`.
pub fn separate_twins(files: &mut [SourceFile]) {
    let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, f) in files.iter().enumerate() {
        by_key.entry(f.rel_path.clone()).or_default().push(i);
    }
    let mut taken: HashSet<String> = files.iter().map(|f| f.rel_path.clone()).collect();
    let mut groups: Vec<Vec<usize>> = by_key.into_values().filter(|g| g.len() > 1).collect();
    groups.sort();
    for mut group in groups {
        // The name already in the key's form first, then by the bytes on disk.
        group.sort_by_key(|&i| (files[i].disk_name.is_some(), files[i].disk_name.clone()));
        let keeper = files[group[0]].rel_path.clone();
        for &i in &group[1..] {
            let mut key = exact_text(&files[i]);
            let mut n = 2;
            while taken.contains(&key) {
                key = format!("{} (twin {n})", exact_text(&files[i]));
                n += 1;
            }
            taken.insert(key.clone());
            let file = &mut files[i];
            let form = if file.disk_name.as_deref().is_some_and(is_nfd) {
                "NFD"
            } else {
                "another Unicode form"
            };
            if file.disk_name.as_deref() == Some(key.as_bytes()) {
                // Keyed by its very name on disk: nothing more to keep.
                file.disk_name = None;
            }
            file.rel_path = key;
            file.twin = Some(FileFailure {
                kind: NAME_TWIN.to_string(),
                message: format!(
                    "same name as {keeper} once Unicode is normalised (this one is written \
                     in {form}): rename or remove one of the two"
                ),
            });
        }
    }
}

fn is_nfd(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok_and(|s| s.nfd().eq(s.chars()))
}

/// What a file with extension `ext` (lower case, no dot) is, for the message that refuses a
/// file whose content is no page format; `None` for an extension not listed here.
pub fn kind_of_extension(ext: &str) -> Option<&'static str> {
    Some(match ext {
        "doc" | "docx" | "odt" | "rtf" => "Word document",
        "xls" | "xlsx" | "ods" | "csv" => "spreadsheet",
        "ppt" | "pptx" => "presentation",
        "txt" | "md" | "log" => "text file",
        "htm" | "html" | "xml" | "json" => "markup or data file",
        "jp2" | "j2k" | "jpx" | "jpf" => "JPEG 2000 image",
        "heic" | "heif" => "HEIF image",
        "avif" => "AVIF image",
        "jxl" => "JPEG XL image",
        "djvu" | "djv" => "DjVu document",
        "raw" | "cr2" | "nef" | "dng" | "arw" => "camera raw image",
        "psd" | "xcf" | "svg" => "image editor or vector file",
        "zip" | "rar" | "7z" | "gz" | "tar" => "archive",
        "bak" | "old" | "orig" => "backup copy",
        "tmp" | "part" | "crdownload" => "temporary or partial file",
        "db" | "ini" | "lnk" | "url" => "system file",
        "exe" | "dll" | "msi" | "bat" | "sh" => "program",
        _ => return None,
    })
}

/// The extension of the last component of `rel_path`, lower case; `None` without one (a
/// leading dot alone does not make an extension).
pub fn extension(rel_path: &str) -> Option<String> {
    let name = rel_path.rsplit('/').next().unwrap_or(rel_path);
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.is_empty() => Some(ext.to_lowercase()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_nfc_and_never_lossy() {
        let nfd: String = "Bến/trang-1.jpg".nfd().collect();
        assert_eq!(key_text(Path::new(&nfd)), "Bến/trang-1.jpg");
        assert_eq!(
            disk_name(Path::new(&nfd), "Bến/trang-1.jpg"),
            Some(nfd.as_bytes().to_vec())
        );
        assert_eq!(disk_name(Path::new("a/b.jpg"), "a/b.jpg"), None);
        let latin1 = Path::new(OsStr::from_bytes(b"caf\xE9.jpg"));
        assert_eq!(key_text(latin1), "caf\\xE9.jpg");
    }

    #[test]
    fn extensions_are_those_of_the_file_name() {
        assert_eq!(extension("HS-1/scan.JPG.bak").as_deref(), Some("bak"));
        assert_eq!(extension("v1.2/trang"), None);
        assert_eq!(extension("HS-1/.hidden"), None);
        assert_eq!(kind_of_extension("docx"), Some("Word document"));
        assert_eq!(kind_of_extension("jpg"), None);
    }
}
