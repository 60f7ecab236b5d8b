//! `PageView`: one page of a TIFF file as the `tiff` crate should see it. It is the file's
//! bytes, read-only, with a few bytes overlaid: the header points at this page's directory
//! and that directory's next-link reads 0, so the crate never walks the IFD chain (our own
//! walker already did, loop-safe) and cannot disagree with it about which page is which.
//! A palette page's PhotometricInterpretation reads BlackIsZero, so the crate, which does
//! not expand palettes, hands over the raw indices. Called by `strips.rs`.

use std::io::{self, Read, Seek, SeekFrom};

use super::ifd::{tag, Layout};
use super::page::Page;

const PALETTE: u64 = 3;
const BLACK_IS_ZERO: u64 = 1;

/// The file as the `tiff` crate should see it for one page: the original bytes with small
/// overlays (little- or big-endian integers written over header and directory fields).
pub(super) struct PageView<'a> {
    bytes: &'a [u8],
    /// Overlays as (file position, replacement bytes).
    patches: Vec<(u64, Vec<u8>)>,
    len: u64,
    pos: u64,
}

impl<'a> PageView<'a> {
    pub fn new(layout: &Layout<'a>, page: &Page) -> PageView<'a> {
        let word = layout.offset_size() as usize;
        let encode = |value: u64, size: usize| -> Vec<u8> {
            let bytes = if layout.little_endian {
                value.to_le_bytes()
            } else {
                value.to_be_bytes()
            };
            if layout.little_endian {
                bytes[..size].to_vec()
            } else {
                bytes[8 - size..].to_vec()
            }
        };
        let first_ifd_field = if layout.big_tiff { 8 } else { 4 };
        let mut patches = vec![
            (first_ifd_field, encode(page.dir.offset, word)),
            (page.dir.next_field, encode(0, word)),
        ];
        if page.photometric == Some(PALETTE) {
            // The value sits inline, in the first 2 (SHORT) or 4 (LONG) bytes of the field.
            let entry = page.dir.entry(tag::PHOTOMETRIC);
            match entry.map(|e| (e.kind, e.field)) {
                Some((3, field)) => patches.push((field, encode(BLACK_IS_ZERO, 2))),
                Some((4, field)) => patches.push((field, encode(BLACK_IS_ZERO, 4))),
                _ => {}
            }
        }
        // A next-link missing at the very end of the file is supplied by the overlay.
        let len = patches
            .iter()
            .map(|(at, data)| at.saturating_add(data.len() as u64))
            .fold(layout.bytes.len() as u64, u64::max);
        PageView {
            bytes: layout.bytes,
            patches,
            len,
            pos: 0,
        }
    }
}

impl Read for PageView<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = (self.len.saturating_sub(self.pos)).min(buf.len() as u64) as usize;
        let out = &mut buf[..n];
        let present = usize::try_from(self.pos)
            .ok()
            .and_then(|start| self.bytes.get(start..))
            .unwrap_or_default();
        let copied = present.len().min(n);
        out[..copied].copy_from_slice(&present[..copied]);
        out[copied..].fill(0);
        for (at, data) in &self.patches {
            for (i, &b) in data.iter().enumerate() {
                let Some(rel) = (at + i as u64).checked_sub(self.pos) else {
                    continue;
                };
                if let Some(slot) = out.get_mut(rel as usize) {
                    *slot = b;
                }
            }
        }
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for PageView<'_> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = target
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before start"))?;
        Ok(self.pos)
    }
}
