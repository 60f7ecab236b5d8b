//! Why a scanned file could not be turned into page images. Every variant renders as one
//! short sentence an operator can act on ("page 1 too large: 35000×35000 px (limit 120 Mpx)");
//! the caller prefixes the file's path. `kind()` gives the stable code the catalog stores, so
//! scripts and reports can group failures without parsing sentences.
//!
//! Page numbers inside messages count from 1, as people count pages; `PageImage::index`
//! counts from 0, as the catalog does.

use std::fmt;

use super::sniff::Format;

/// Which limit a page broke. Kept apart from the numbers so the message can name the limit
/// the operator would have to raise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Width × height above `DecodeLimits::max_pixels`.
    Pixels(u64),
    /// One side above `DecodeLimits::max_side`.
    Side(u32),
    /// A codec refused to allocate what the page needs.
    Memory,
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Limit::Pixels(n) if n % 1_000_000 == 0 => write!(f, "limit {} Mpx", n / 1_000_000),
            Limit::Pixels(n) => write!(f, "limit {n} px"),
            Limit::Side(n) => write!(f, "limit {n} px per side"),
            Limit::Memory => write!(f, "over the decoder's memory limit"),
        }
    }
}

/// A file that yields no usable pages, or a page that cannot be decoded.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("empty file (0 bytes)")]
    Empty,
    /// The content is not a raster image format at all (text, HTML, zeros, an archive…).
    #[error("not an image: {0}")]
    NotAnImage(String),
    /// Declared dimensions above the limits; raised from headers, before pixels are allocated.
    #[error("page {page} too large: {width}×{height} px ({limit})")]
    TooLarge {
        page: u32,
        width: u32,
        height: u32,
        limit: Limit,
    },
    #[error("too many pages: more than {limit} in one file")]
    TooManyPages { limit: u32 },
    /// The data stops before the image it declares is complete.
    #[error("truncated {format}: {detail}")]
    Truncated { format: Format, detail: String },
    /// The data is inconsistent: bad directories, bad compressed data, impossible values.
    #[error("corrupt {format}: {detail}")]
    Corrupt { format: Format, detail: String },
    /// A well-formed file using something this decoder does not handle (PDF, 2-D Group 3 fax…).
    #[error("unsupported format: {0}")]
    Unsupported(String),
    /// A PDF that opens only with a user password (one with an empty user password opens).
    #[error("encrypted PDF: {0}")]
    Encrypted(String),
}

impl DecodeError {
    /// Stable code for the catalog and for scripts: one of `empty`, `truncated`,
    /// `not-an-image`, `too-large`, `corrupt`, `unsupported`, `encrypted`.
    pub fn kind(&self) -> &'static str {
        match self {
            DecodeError::Empty => "empty",
            DecodeError::NotAnImage(_) => "not-an-image",
            DecodeError::TooLarge { .. } | DecodeError::TooManyPages { .. } => "too-large",
            DecodeError::Truncated { .. } => "truncated",
            DecodeError::Corrupt { .. } => "corrupt",
            DecodeError::Unsupported(_) => "unsupported",
            DecodeError::Encrypted(_) => "encrypted",
        }
    }

    pub(super) fn corrupt(format: Format, detail: impl Into<String>) -> DecodeError {
        DecodeError::Corrupt {
            format,
            detail: detail.into(),
        }
    }

    pub(super) fn truncated(format: Format, detail: impl Into<String>) -> DecodeError {
        DecodeError::Truncated {
            format,
            detail: detail.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_as_operator_sentences() {
        let big = DecodeError::TooLarge {
            page: 1,
            width: 35000,
            height: 35000,
            limit: Limit::Pixels(120_000_000),
        };
        assert_eq!(
            big.to_string(),
            "page 1 too large: 35000×35000 px (limit 120 Mpx)"
        );
        assert_eq!(big.kind(), "too-large");
        let cut = DecodeError::truncated(Format::Jpeg, "data ends before the image is complete");
        assert_eq!(
            cut.to_string(),
            "truncated JPEG: data ends before the image is complete"
        );
        assert_eq!(DecodeError::Empty.to_string(), "empty file (0 bytes)");
        assert_eq!(Limit::Side(30_000).to_string(), "limit 30000 px per side");
    }
}
