//! The domain records that flow from the pipeline's workers to the catalog: one source file's
//! outcome and, for each of its pages, what OCR found. Plain data with no behaviour beyond
//! small helpers, so that the walker, the decoder, the OCR adapter and the catalog can share
//! them without importing each other.

use serde::{Deserialize, Serialize};

use crate::content::ContentId;

/// Horizontal and vertical resolution in dots per inch, as declared by the file.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Dpi {
    pub x: f32,
    pub y: f32,
}

impl Dpi {
    /// The lower of the two axes: a fax page at 204×196 dpi is a 196 dpi page for the
    /// "at least 200 dpi" rule.
    pub fn min(&self) -> f32 {
        self.x.min(self.y)
    }
}

/// How the image the engine read was derived from the decoded page: first turned clockwise by
/// `rotation` degrees (0, 90, 180 or 270; width and height swap for 90 and 270), then rotated
/// by `skew` degrees (positive = clockwise) about its centre on a canvas of the same size.
/// Word boxes are in the coordinates of that derived image; the identity for most pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Geometry {
    pub rotation: u16,
    pub skew: f32,
}

/// One recognised word with its box in the pixels of the image the engine read (see
/// [`Geometry`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word {
    pub text: String,
    /// Tesseract's word confidence, 0–100.
    pub confidence: f32,
    pub left: u32,
    pub top: u32,
    pub width: u32,
    pub height: u32,
    /// Tesseract's block, paragraph and line numbers, so lines can be rebuilt.
    pub block: u32,
    pub paragraph: u32,
    pub line: u32,
}

/// Why a page needs a person to look at it. Stored by its `code()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PageFlag {
    /// Mean word confidence below the configured `min_confidence`.
    LowConfidence,
    /// No ink, or ink but no recognised word.
    Blank,
    /// Declared resolution below 200 dpi.
    LowDpi,
    /// The file declares no resolution, so the 200 dpi rule cannot be checked.
    DpiUnknown,
    /// The page (of a PDF) already carried text, such as an earlier OCR layer. It is still
    /// recognised; an exported PDF carries only sohoa's layer over the original image.
    HasTextLayer,
    /// A row of the page has ink where no word was recognised, and reading it again found
    /// no text either: a line may be missing from the page text.
    MissingLines,
    /// The file's bytes are those of a file already archived under another dossier (the
    /// catalog records which): the same sheet filed twice, or a scan copied to the wrong
    /// folder. Set by the catalog when it records the file, the only place that knows what
    /// is already archived.
    Duplicate,
    /// The page was read as a form and a value of it failed a check (a date that is no
    /// date, an ID number that disagrees with the date of birth) or was read unsurely.
    UnsureFields,
}

impl PageFlag {
    pub const ALL: [PageFlag; 8] = [
        PageFlag::LowConfidence,
        PageFlag::Blank,
        PageFlag::LowDpi,
        PageFlag::DpiUnknown,
        PageFlag::HasTextLayer,
        PageFlag::MissingLines,
        PageFlag::Duplicate,
        PageFlag::UnsureFields,
    ];

    /// Stable text code, as stored in the catalog and printed in JSON.
    pub fn code(self) -> &'static str {
        match self {
            PageFlag::LowConfidence => "low-confidence",
            PageFlag::Blank => "blank",
            PageFlag::LowDpi => "low-dpi",
            PageFlag::DpiUnknown => "dpi-unknown",
            PageFlag::HasTextLayer => "has-text-layer",
            PageFlag::MissingLines => "missing-lines",
            PageFlag::Duplicate => "duplicate",
            PageFlag::UnsureFields => "unsure-fields",
        }
    }

    pub fn from_code(code: &str) -> Option<PageFlag> {
        PageFlag::ALL.into_iter().find(|f| f.code() == code)
    }
}

/// What OCR made of one page of a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageRecord {
    /// 0-based index of the page inside its file (always 0 for single-page formats).
    pub index: u32,
    pub width: u32,
    pub height: u32,
    pub dpi: Option<Dpi>,
    pub text: String,
    /// Mean word confidence, 0–100 (0 when no word was found).
    pub confidence: f32,
    pub words: Vec<Word>,
    /// Wall time spent inside the OCR engine for this page.
    pub engine_ms: u64,
    pub flags: Vec<PageFlag>,
    /// Turn and deskew applied before recognition.
    pub geometry: Geometry,
    /// Values read from fields of boxes (ID numbers in combs).
    #[serde(default)]
    pub fields: Vec<BoxedField>,
    /// Wall time spent cleaning the page and completing its reading, outside the engine.
    #[serde(default)]
    pub prep_ms: u64,
    /// The page read as a form, when it is one (see `records`).
    #[serde(default)]
    pub form: Option<FormRecord>,
}

/// A page read as one of the known forms: which form, its labelled fields and the rows of its
/// table of people (household members), each a list of fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormRecord {
    /// The form's id in the form definitions (`ct01`, `ct07`, `household`, `quyet-dinh`, …).
    pub form: String,
    pub fields: Vec<FieldValue>,
    pub members: Vec<Vec<FieldValue>>,
}

impl FormRecord {
    /// Whether any value needs a person's eye: a failed check or confidence below `sure`.
    pub fn is_unsure(&self, sure: f32) -> bool {
        self.fields
            .iter()
            .chain(self.members.iter().flatten())
            .any(|f| f.doubt.is_some() || f.confidence < sure)
    }
}

/// One value of a form: its field name (`name`, `dob`, `id_number`, …), the value as it is
/// meant (dates `DD/MM/YYYY`, IDs as 12 digits, names with their marks), how sure the reading
/// is (0–100: the least sure word, lowered by a failed check) and where it stands on the
/// recognised image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldValue {
    pub name: String,
    pub value: String,
    pub confidence: f32,
    /// Why the value is doubtful, as a stable code (`bad-date`, `id-province`,
    /// `id-birth-year`, `id-sex`, `id-length`, …), when a check failed.
    pub doubt: Option<String>,
    pub left: u32,
    pub top: u32,
    pub width: u32,
    pub height: u32,
}

/// A value read from a field of boxes on a page (a comb of one digit per box), with the
/// confidence of its least sure character and its place on the recognised image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoxedField {
    /// `id` (12 digits), `old-id` (9 digits) or `digits` (another length).
    pub kind: String,
    pub value: String,
    pub confidence: f32,
    pub left: u32,
    pub top: u32,
    pub width: u32,
    pub height: u32,
}

impl BoxedField {
    /// The kind of a field of `digits` digits.
    pub fn kind_for(digits: usize) -> &'static str {
        match digits {
            12 => "id",
            9 => "old-id",
            _ => "digits",
        }
    }
}

impl PageRecord {
    /// The same page, recorded as recognised on an image derived by `geometry`.
    pub fn with_geometry(mut self, geometry: Geometry) -> PageRecord {
        self.geometry = geometry;
        self
    }
}

/// Why a file could not be archived or read. `kind` is a stable code for scripts
/// (e.g. `not-an-image`, `too-large`, `truncated`, `corrupt`, `unreadable`, and from the
/// walk `unsupported`, `symlink`, `name-twin`); `message` is the sentence a person reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileFailure {
    pub kind: String,
    pub message: String,
}

/// The result of processing one source file.
#[derive(Debug, Clone, PartialEq)]
pub enum FileOutcome {
    Pages(Vec<PageRecord>),
    Failed(FileFailure),
}

/// Where a source file sits: its collection, its dossier and its path relative to the
/// collection's source folder (NFC, `/`-separated). Together with the version these are the
/// natural key that lets archives from several machines be merged.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FileKey {
    pub collection: String,
    pub dossier: String,
    pub rel_path: String,
}

/// A source file as archived: identity, the stat data used to recognise it next time,
/// its checksum (absent when the file could not even be read) and its outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct FileRecord {
    pub key: FileKey,
    pub size: u64,
    /// Modification time in nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
    pub content: Option<ContentId>,
    pub outcome: FileOutcome,
    /// The path relative to the source as it is on disk, byte for byte, when that is not
    /// `key.rel_path` itself (a name in NFD, or not UTF-8).
    pub source_name: Option<Vec<u8>>,
}

/// Entries of a source skipped by one `[walk] ignore` pattern in one walk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkipCount {
    pub pattern: String,
    pub entries: u64,
}
