//! Reads TIFF structure straight from the file's bytes: the header, image file directories
//! (IFDs) and tag values, for classic TIFF and BigTIFF. It is our own so that every page's
//! dimensions can be checked before any decoder allocates, so a looping IFD chain is noticed
//! by offset, and so EXIF blocks (which are TIFF structures) can be read with the same code.
//!
//! Invariants: nothing here panics or allocates more than the bytes actually present in the
//! file justify; every failure is a short sentence for a `corrupt`/`truncated` error.
//! Called by `tiff/mod.rs` for pages and by `density.rs` for JPEG EXIF resolution.

use std::collections::HashSet;

/// Tags read by the decoder.
pub(crate) mod tag {
    pub const NEW_SUBFILE_TYPE: u16 = 254;
    pub const SUBFILE_TYPE: u16 = 255;
    pub const IMAGE_WIDTH: u16 = 256;
    pub const IMAGE_LENGTH: u16 = 257;
    pub const BITS_PER_SAMPLE: u16 = 258;
    pub const COMPRESSION: u16 = 259;
    pub const PHOTOMETRIC: u16 = 262;
    pub const FILL_ORDER: u16 = 266;
    pub const STRIP_OFFSETS: u16 = 273;
    pub const ORIENTATION: u16 = 274;
    pub const SAMPLES_PER_PIXEL: u16 = 277;
    pub const ROWS_PER_STRIP: u16 = 278;
    pub const STRIP_BYTE_COUNTS: u16 = 279;
    pub const X_RESOLUTION: u16 = 282;
    pub const Y_RESOLUTION: u16 = 283;
    pub const PLANAR_CONFIGURATION: u16 = 284;
    pub const T4_OPTIONS: u16 = 292;
    pub const T6_OPTIONS: u16 = 293;
    pub const RESOLUTION_UNIT: u16 = 296;
    pub const COLOR_MAP: u16 = 320;
    pub const EXTRA_SAMPLES: u16 = 338;
    pub const TILE_OFFSETS: u16 = 324;
    pub const TILE_BYTE_COUNTS: u16 = 325;
}

/// A TIFF byte stream with its byte order and kind, as declared by the header.
pub(crate) struct Layout<'a> {
    pub bytes: &'a [u8],
    pub little_endian: bool,
    pub big_tiff: bool,
    /// Offset of the first IFD.
    pub first: u64,
}

/// One directory entry: the value lives inline in the entry's value field when it fits,
/// otherwise at the offset stored there.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    pub tag: u16,
    pub kind: u16,
    pub count: u64,
    /// File position of the entry's 4-byte (8 in BigTIFF) value-or-offset field.
    pub field: u64,
}

/// One IFD: its entries and where the link to the next one sits.
#[derive(Debug, Clone)]
pub(crate) struct Directory {
    pub offset: u64,
    pub entries: Vec<Entry>,
    pub next: u64,
    /// File position of the next-IFD link, so a single page can be read in isolation.
    pub next_field: u64,
}

impl Directory {
    pub fn entry(&self, tag: u16) -> Option<&Entry> {
        self.entries.iter().find(|e| e.tag == tag)
    }
}

/// Why walking the IFD chain stopped short.
#[derive(Debug)]
pub(crate) enum ChainError {
    TooManyPages,
    /// Directory `page` (counted from 1) lies beyond the end of the file.
    PastEnd {
        page: u32,
        offset: u64,
    },
    Unreadable {
        page: u32,
        reason: String,
    },
}

impl<'a> Layout<'a> {
    /// Parses the 8-byte (16 for BigTIFF) header.
    pub fn parse(bytes: &'a [u8]) -> Result<Layout<'a>, String> {
        let little_endian = match bytes.get(..2) {
            Some(b"II") => true,
            Some(b"MM") => false,
            _ => return Err("no TIFF byte-order mark".to_string()),
        };
        let mut layout = Layout {
            bytes,
            little_endian,
            big_tiff: false,
            first: 0,
        };
        let header_cut = || "header is cut off".to_string();
        match layout.u16_at(2).ok_or_else(header_cut)? {
            42 => layout.first = layout.u32_at(4).ok_or_else(header_cut)?.into(),
            43 => {
                layout.big_tiff = true;
                layout.first = layout.u64_at(8).ok_or_else(header_cut)?;
            }
            other => return Err(format!("unknown TIFF version {other}")),
        }
        Ok(layout)
    }

    fn slice(&self, pos: u64, len: usize) -> Option<&'a [u8]> {
        let start = usize::try_from(pos).ok()?;
        self.bytes.get(start..start.checked_add(len)?)
    }

    fn uint(&self, raw: &[u8]) -> u64 {
        let fold = |acc: u64, b: &u8| (acc << 8) | u64::from(*b);
        if self.little_endian {
            raw.iter().rev().fold(0, fold)
        } else {
            raw.iter().fold(0, fold)
        }
    }

    pub fn u16_at(&self, pos: u64) -> Option<u16> {
        self.slice(pos, 2).map(|raw| self.uint(raw) as u16)
    }

    pub fn u32_at(&self, pos: u64) -> Option<u32> {
        self.slice(pos, 4).map(|raw| self.uint(raw) as u32)
    }

    pub fn u64_at(&self, pos: u64) -> Option<u64> {
        self.slice(pos, 8).map(|raw| self.uint(raw))
    }

    /// Size of an offset field: 4 bytes in classic TIFF, 8 in BigTIFF.
    pub fn offset_size(&self) -> u64 {
        if self.big_tiff {
            8
        } else {
            4
        }
    }

    fn offset_at(&self, pos: u64) -> Option<u64> {
        if self.big_tiff {
            self.u64_at(pos)
        } else {
            self.u32_at(pos).map(u64::from)
        }
    }

    /// Reads the directory at `offset`, refusing one whose entries run past the end of file
    /// before allocating room for them.
    pub fn read_dir(&self, offset: u64) -> Result<Directory, String> {
        let (count, first, entry_size) = if self.big_tiff {
            let count = self.u64_at(offset).ok_or("its entry count is cut off")?;
            (count, offset.saturating_add(8), 20u64)
        } else {
            let count = self.u16_at(offset).ok_or("its entry count is cut off")?;
            (u64::from(count), offset.saturating_add(2), 12u64)
        };
        let available = (self.bytes.len() as u64).saturating_sub(first) / entry_size;
        if count > available {
            return Err(format!(
                "it declares {count} entries but the file ends after {available}"
            ));
        }
        let mut entries = Vec::with_capacity(count as usize);
        for i in 0..count {
            let pos = first + i * entry_size;
            let word = if self.big_tiff { 8 } else { 4 };
            entries.push(Entry {
                tag: self.u16_at(pos).ok_or("entry cut off")?,
                kind: self.u16_at(pos + 2).ok_or("entry cut off")?,
                count: self.offset_at(pos + 4).ok_or("entry cut off")?,
                field: pos + 4 + word,
            });
        }
        let next_field = first + count * entry_size;
        // A missing link after the last entry is common in hand-made files: treat as the end.
        let next = self.offset_at(next_field).unwrap_or(0);
        Ok(Directory {
            offset,
            entries,
            next,
            next_field,
        })
    }

    /// Follows the chain of IFDs from the header. A link back to a directory already seen ends
    /// the chain: every distinct page has been visited by then, which is also how libtiff and
    /// Pillow read such files, and the walk can never go round forever.
    pub fn chain(&self, max_pages: u32) -> Result<Vec<Directory>, ChainError> {
        let mut seen = HashSet::new();
        let mut dirs = Vec::new();
        let mut next = self.first;
        while next != 0 && seen.insert(next) {
            let page = u32::try_from(dirs.len() + 1).unwrap_or(u32::MAX);
            if page > max_pages {
                return Err(ChainError::TooManyPages);
            }
            if next >= self.bytes.len() as u64 {
                return Err(ChainError::PastEnd { page, offset: next });
            }
            let dir = self
                .read_dir(next)
                .map_err(|reason| ChainError::Unreadable { page, reason })?;
            next = dir.next;
            dirs.push(dir);
        }
        Ok(dirs)
    }

    /// The raw bytes of an entry's value, wherever they are stored.
    fn value_bytes(&self, entry: &Entry) -> Result<&'a [u8], String> {
        let unit: u64 = match entry.kind {
            1 | 2 | 6 | 7 => 1,
            3 | 8 => 2,
            4 | 9 | 11 | 13 => 4,
            5 | 10 | 12 | 16..=18 => 8,
            other => return Err(format!("tag {} has unknown type {other}", entry.tag)),
        };
        let len = entry
            .count
            .checked_mul(unit)
            .filter(|&len| len <= self.bytes.len() as u64)
            .ok_or_else(|| {
                format!(
                    "tag {} declares {} values, more than the file holds",
                    entry.tag, entry.count
                )
            })?;
        let pos = if len <= self.offset_size() {
            entry.field
        } else {
            self.offset_at(entry.field).ok_or("entry cut off")?
        };
        self.slice(pos, len as usize)
            .ok_or_else(|| format!("tag {} points past the end of the file", entry.tag))
    }

    /// An entry's values as unsigned integers (BYTE, SHORT, LONG, LONG8 and IFD types).
    pub fn uints(&self, entry: &Entry) -> Result<Vec<u64>, String> {
        let unit = match entry.kind {
            1 | 7 => 1,
            3 => 2,
            4 | 13 => 4,
            16 | 18 => 8,
            other => {
                return Err(format!(
                    "tag {} has type {other}, not an integer",
                    entry.tag
                ))
            }
        };
        let raw = self.value_bytes(entry)?;
        Ok(raw.chunks_exact(unit).map(|v| self.uint(v)).collect())
    }

    /// The first RATIONAL (or integer) value of an entry, as a number.
    pub fn number(&self, entry: &Entry) -> Option<f64> {
        if entry.kind == 5 {
            let raw = self.value_bytes(entry).ok()?;
            let numerator = self.uint(raw.get(..4)?) as f64;
            let denominator = self.uint(raw.get(4..8)?) as f64;
            return (denominator != 0.0).then(|| numerator / denominator);
        }
        self.uints(entry).ok()?.first().map(|&v| v as f64)
    }

    /// The first value of `tag` in `dir` as an integer, `default` when the tag is absent.
    pub fn get(&self, dir: &Directory, tag: u16, default: u64) -> Result<u64, String> {
        match dir.entry(tag) {
            None => Ok(default),
            Some(e) => self
                .uints(e)?
                .first()
                .copied()
                .ok_or_else(|| format!("tag {tag} has no value")),
        }
    }
}
