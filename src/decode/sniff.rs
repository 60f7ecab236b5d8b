//! Recognises a file's format from its first bytes, never from its name: scanners and people
//! rename files, and a text file called `.tif` must be refused before any decoder sees it.
//! `refuse` turns content that is no supported image into the sentence an operator reads
//! ("content looks like HTML", "file is all zero bytes"). Called by `decode::for_each_page`
//! and `decode::probe` before anything else.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::DecodeError;

/// A container format recognised by its magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Jpeg,
    Png,
    Tiff,
    Bmp,
    Gif,
    WebP,
    Pdf,
}

impl Format {
    /// The name operators know the format by.
    pub fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::Tiff => "TIFF",
            Format::Bmp => "BMP",
            Format::Gif => "GIF",
            Format::WebP => "WebP",
            Format::Pdf => "PDF",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The format of `bytes`, judged by content alone; `None` when it is none of the formats above.
pub fn sniff(bytes: &[u8]) -> Option<Format> {
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
    let tiff = [b"II*\0", b"MM\0*", b"II+\0", b"MM\0+"];
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Format::Jpeg)
    } else if bytes.starts_with(PNG) {
        Some(Format::Png)
    } else if tiff.iter().any(|magic| bytes.starts_with(*magic)) {
        Some(Format::Tiff)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(Format::Gif)
    } else if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Some(Format::WebP)
    } else if is_bmp(bytes) {
        Some(Format::Bmp)
    } else if is_pdf(bytes) {
        Some(Format::Pdf)
    } else {
        None
    }
}

/// "BM" alone also starts ordinary text ("BMW…"), so the DIB header size must be one that
/// Windows and OS/2 bitmaps actually use.
fn is_bmp(bytes: &[u8]) -> bool {
    let Some(size) = bytes.get(14..18) else {
        return false;
    };
    let size = u32::from_le_bytes([size[0], size[1], size[2], size[3]]);
    bytes.starts_with(b"BM") && matches!(size, 12 | 16 | 40 | 52 | 56 | 64 | 108 | 124)
}

/// The PDF specification lets readers accept junk before the header, so look a little way in.
fn is_pdf(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    head.windows(5).any(|w| w == b"%PDF-")
}

/// The error for content `sniff` did not recognise: a raster format we do not decode is
/// `unsupported`, anything else `not-an-image` with a hint of what it looks like.
pub(super) fn refuse(bytes: &[u8]) -> DecodeError {
    if let Some(name) = other_image_format(bytes) {
        return DecodeError::Unsupported(format!("{name} images are not supported"));
    }
    DecodeError::NotAnImage(describe(bytes))
}

fn other_image_format(bytes: &[u8]) -> Option<&'static str> {
    let at =
        |offset: usize, magic: &[u8]| bytes.get(offset..).is_some_and(|b| b.starts_with(magic));
    if at(0, b"\0\0\0\x0cjP  \r\n\x87\n") || at(0, &[0xFF, 0x4F, 0xFF, 0x51]) {
        Some("JPEG 2000")
    } else if at(0, b"\x97JB2\r\n\x1a\n") {
        Some("JBIG2")
    } else if at(0, b"AT&TFORM") {
        Some("DjVu")
    } else if at(0, &[0xFF, 0x0A]) || at(0, b"\0\0\0\x0cJXL \r\n\x87\n") {
        Some("JPEG XL")
    } else if at(4, b"ftypheic") || at(4, b"ftypheix") || at(4, b"ftypmif1") {
        Some("HEIF")
    } else if at(4, b"ftypavif") {
        Some("AVIF")
    } else {
        None
    }
}

/// A short description of content that is not an image, quoting the start of text files so
/// the operator recognises the file.
fn describe(bytes: &[u8]) -> String {
    if bytes.iter().all(|&b| b == 0) {
        return format!("file is all zero bytes ({} bytes)", bytes.len());
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return "content looks like a ZIP archive (or an Office document)".to_string();
    }
    let head = &bytes[..bytes.len().min(1024)];
    if !looks_like_text(head) {
        let start: Vec<String> = head.iter().take(4).map(|b| format!("{b:02X}")).collect();
        return format!("unrecognised content (starts with {})", start.join(" "));
    }
    let text = String::from_utf8_lossy(head);
    let lower = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .to_lowercase();
    if lower.starts_with("<!doctype html") || lower.starts_with("<html") || lower.contains("<body")
    {
        "content looks like HTML".to_string()
    } else if lower.starts_with("<?xml") || lower.starts_with("<svg") {
        "content looks like XML".to_string()
    } else {
        format!("content looks like text (\"{}\")", first_line(&text))
    }
}

/// Text has no NUL bytes and almost no control characters besides whitespace; binary data
/// of any format is full of both.
fn looks_like_text(head: &[u8]) -> bool {
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
        .count();
    !head.contains(&0) && controls * 100 <= head.len()
}

fn first_line(text: &str) -> String {
    const SHOWN: usize = 24;
    let line = text
        .trim_start_matches('\u{feff}')
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let mut shown: String = line.chars().take(SHOWN).collect();
    if line.chars().count() > SHOWN {
        shown.push('…');
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff_goes_by_magic_bytes() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Some(Format::Jpeg));
        assert_eq!(sniff(b"MM\0*\0\0\0\x08"), Some(Format::Tiff));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(Format::WebP));
        assert_eq!(sniff(b"%PDF-1.3\n"), Some(Format::Pdf));
        assert_eq!(sniff(b"BMW cars and other text files"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn refusals_say_what_the_content_looks_like() {
        let text = "Ghi chú: hồ sơ này cần được quét lại vào ngày mai\n".as_bytes();
        assert_eq!(
            refuse(text).to_string(),
            "not an image: content looks like text (\"Ghi chú: hồ sơ này cần đ…\")"
        );
        let html = b"<!DOCTYPE html>\n<html><body>404</body></html>";
        assert_eq!(
            refuse(html).to_string(),
            "not an image: content looks like HTML"
        );
        assert_eq!(
            refuse(&[0; 4096]).to_string(),
            "not an image: file is all zero bytes (4096 bytes)"
        );
        assert_eq!(refuse(b"\0\0\0\x0cjP  \r\n\x87\n").kind(), "unsupported");
        assert_eq!(refuse(&[1, 2, 0, 4, 5]).kind(), "not-an-image");
    }
}
