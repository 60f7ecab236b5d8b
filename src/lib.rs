//! sohoa: bulk digitisation of scanned dossiers into a checksummed, OCR'd, searchable archive.
//!
//! The library holds the domain; the `sohoa` binary parses arguments, draws progress and
//! renders results. Components (walking, decoding, OCR, the object store, the catalog) do not
//! import each other: only [`pipeline`] composes them.

pub mod bagit;
pub mod blank;
pub mod catalog;
pub mod config;
pub mod content;
pub mod decode;
pub mod error_text;
pub mod export;
pub mod export_file;
pub mod export_out;
pub mod export_records;
pub mod lock;
pub mod merge;
pub mod merkle;
pub mod model;
pub mod ocr;
mod ocr_osd;
pub mod pdfa;
pub mod pipeline;
pub mod prep;
pub mod progress;
pub mod records;
pub mod report;
pub mod review;
pub mod search;
pub mod shard;
pub mod store;
pub mod text_align;
pub mod verify;
pub mod walk;
