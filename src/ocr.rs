//! The OCR adapter: the only module that speaks to Tesseract. Pixels go to the engine as they
//! are (8-bit grey, no re-encoding); what comes back is the page text, the mean confidence and
//! every word with its box and confidence (from Tesseract's TSV output).
//!
//! One [`TesseractEngine`] per worker thread: an engine is not shareable, and creating one
//! loads the language models (a few hundred milliseconds), so workers keep theirs for the
//! whole run. The process must run with `OMP_THREAD_LIMIT=1` (the binary sees to it): with
//! OpenMP threads inside each engine, parallel workers oversubscribe the cores.

use std::path::PathBuf;
use std::time::Instant;

use tesseract::{PageSegMode, Tesseract};

use crate::model::{Dpi, Word};
use crate::ocr_osd::OsdEngine;

mod about;
mod region;

pub use about::{engine_about, EngineAbout};

/// Why a page could not be recognised, or an engine not created.
#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    #[error("cannot start the OCR engine for languages {languages:?}{}: {message}; is tesseract-ocr-{} installed?", .tessdata.as_ref().map(|p| format!(" in {}", p.display())).unwrap_or_default(), .languages.first().map(String::as_str).unwrap_or("vie"))]
    Init {
        languages: Vec<String>,
        tessdata: Option<PathBuf>,
        message: String,
    },
    #[error("OCR engine failed on this page: {0}")]
    Recognise(String),
}

/// One page to recognise: 8-bit grey pixels, `width` bytes per row.
#[derive(Debug, Clone, Copy)]
pub struct OcrInput<'a> {
    pub pixels: &'a [u8],
    pub width: u32,
    pub height: u32,
    pub dpi: Option<Dpi>,
}

/// What the engine read on one page.
#[derive(Debug, Clone, PartialEq)]
pub struct Recognition {
    pub text: String,
    /// Mean word confidence 0–100; 0 when no word was found.
    pub confidence: f32,
    pub words: Vec<Word>,
    pub engine_ms: u64,
}

impl Recognition {
    /// The reading made of the engine's text and TSV, timed from `start`.
    fn from_engine(text: String, tsv: &str, start: Instant) -> Recognition {
        let words = parse_tsv(tsv);
        Recognition {
            text,
            confidence: mean_confidence(&words),
            words,
            engine_ms: start.elapsed().as_millis() as u64,
        }
    }

    /// The result for a page not worth recognising (blank).
    pub fn nothing() -> Recognition {
        Recognition {
            text: String::new(),
            confidence: 0.0,
            words: Vec::new(),
            engine_ms: 0,
        }
    }
}

/// Which way a page's text runs, as orientation detection judged it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Orientation {
    /// Clockwise quarter turn that makes the page upright: 0, 90, 180 or 270.
    pub clockwise: u16,
    /// The detector's confidence (Tesseract OSD: about 0–30; under 2 is a guess).
    pub confidence: f32,
}

/// The result of one orientation check and the engine time it took.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OrientationCheck {
    /// `None` when the engine cannot tell (too little text, or no detector).
    pub found: Option<Orientation>,
    pub engine_ms: u64,
}

/// Something that recognises pages. The real one is [`TesseractEngine`]; tests of the
/// orchestration use a fake.
pub trait Engine {
    /// # Errors
    /// The engine failed on this page.
    fn recognise(&mut self, page: OcrInput<'_>) -> Result<Recognition, OcrError>;

    /// Which way the page's text runs. Engines without a detector cannot tell.
    ///
    /// # Errors
    /// The engine failed on this page.
    fn orientation(&mut self, _page: OcrInput<'_>) -> Result<OrientationCheck, OcrError> {
        Ok(OrientationCheck {
            found: None,
            engine_ms: 0,
        })
    }

    /// Read the page again with more accurate (slower) models; `None` when the engine has
    /// none.
    ///
    /// # Errors
    /// The engine failed on this page.
    fn recognise_again(&mut self, _page: OcrInput<'_>) -> Result<Option<Recognition>, OcrError> {
        Ok(None)
    }
    /// Recognise a small image cut from a page (one line, one character), optionally with
    /// only some characters allowed. Engines without such modes read it as a page.
    ///
    /// # Errors
    /// The engine failed on this region.
    fn recognise_region(
        &mut self,
        region: OcrInput<'_>,
        _how: Region<'_>,
    ) -> Result<Recognition, OcrError> {
        self.recognise(region)
    }
}

/// How to read a region cut from a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region<'a> {
    pub layout: RegionLayout,
    /// The only characters the engine may read, e.g. `0123456789`.
    pub whitelist: Option<&'a str>,
}

/// What a region holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionLayout {
    /// One line of text (Tesseract page segmentation mode 7).
    Line,
    /// One character (mode 10).
    Char,
    /// One uniform block of text (mode 6).
    Block,
    /// One word (mode 8).
    Word,
}

/// Makes one engine per worker thread.
pub trait EngineFactory: Sync {
    type Engine: Engine;

    /// # Errors
    /// The engine cannot start (missing language model, bad tessdata folder).
    fn create(&self) -> Result<Self::Engine, OcrError>;
}

/// Settings for Tesseract engines.
#[derive(Debug, Clone)]
pub struct TesseractFactory {
    pub languages: Vec<String>,
    pub tessdata: Option<PathBuf>,
    /// Folder of more accurate models of the same languages, for second readings of
    /// unsure pages; `None` for none.
    pub retry_tessdata: Option<PathBuf>,
}

impl EngineFactory for TesseractFactory {
    type Engine = TesseractEngine;

    fn create(&self) -> Result<TesseractEngine, OcrError> {
        let mut engine = self.create_one(self.tessdata.clone())?;
        if let Some(folder) = &self.retry_tessdata {
            engine.retry = Some(Box::new(self.create_one(Some(folder.clone()))?));
        }
        Ok(engine)
    }
}

impl TesseractFactory {
    fn create_one(&self, tessdata: Option<PathBuf>) -> Result<TesseractEngine, OcrError> {
        let init = |message: String| OcrError::Init {
            languages: self.languages.clone(),
            tessdata: tessdata.clone(),
            message,
        };
        let datapath = tessdata.as_ref().map(|p| p.to_string_lossy().into_owned());
        let mut api = Tesseract::new(datapath.as_deref(), Some(&self.languages.join("+")))
            .map_err(|e| init(e.to_string()))?
            // The engine's own diagnostics ("Estimating resolution…", "Empty page!!") would
            // tear through the progress bars; what matters is recorded per page instead.
            .set_variable("debug_file", "/dev/null")
            .map_err(|e| init(e.to_string()))?;
        // The library's default is one uniform block of text (mode 6), not the automatic
        // layout analysis the `tesseract` command uses (mode 3); forms and letters with
        // headers, columns and signatures need the latter.
        api.set_page_seg_mode(PageSegMode::PsmAuto);
        Ok(TesseractEngine {
            api: Some(api),
            tessdata,
            osd: Osd::NotLoaded,
            retry: None,
        })
    }
}

/// A Tesseract instance owned by one worker.
pub struct TesseractEngine {
    // The bindings consume the handle on every call and hand it back; `None` only after a
    // failed call, which then makes this engine refuse further pages.
    api: Option<Tesseract>,
    tessdata: Option<PathBuf>,
    osd: Osd,
    /// The engine of the more accurate models, for second readings.
    retry: Option<Box<TesseractEngine>>,
}

/// The orientation detector of one engine, loaded on first need.
enum Osd {
    NotLoaded,
    Loaded(OsdEngine),
    /// No `osd` model: pages are read as they come.
    Unavailable,
}

impl TesseractEngine {
    fn osd(&mut self) -> Option<&mut OsdEngine> {
        if matches!(self.osd, Osd::NotLoaded) {
            // A tessdata folder of custom models may lack `osd`; the system's then serves.
            let loaded = OsdEngine::new(self.tessdata.as_deref()).or_else(|_| OsdEngine::new(None));
            self.osd = loaded.map_or(Osd::Unavailable, Osd::Loaded);
        }
        match &mut self.osd {
            Osd::Loaded(engine) => Some(engine),
            _ => None,
        }
    }
}

/// Declared resolutions outside this range are not passed on: Tesseract estimates better
/// than it reads a wrong value (a 2400 dpi declaration on a 500 px wide page garbles text).
pub(crate) const TRUSTED_DPI: std::ops::RangeInclusive<f32> = 70.0..=1200.0;

impl Engine for TesseractEngine {
    fn recognise_region(
        &mut self,
        region: OcrInput<'_>,
        how: Region<'_>,
    ) -> Result<Recognition, OcrError> {
        self.read_region(region, how)
    }

    fn recognise(&mut self, page: OcrInput<'_>) -> Result<Recognition, OcrError> {
        let failed = |e: &dyn std::fmt::Display| OcrError::Recognise(e.to_string());
        let api = self
            .api
            .take()
            .ok_or_else(|| failed(&"engine unusable after an earlier failure"))?;
        let start = Instant::now();
        let (api, text, tsv) = region::read(api, page)?;
        self.api = Some(api);
        Ok(Recognition::from_engine(text, &tsv, start))
    }

    fn recognise_again(&mut self, page: OcrInput<'_>) -> Result<Option<Recognition>, OcrError> {
        match &mut self.retry {
            Some(engine) => engine.recognise(page).map(Some),
            None => Ok(None),
        }
    }

    fn orientation(&mut self, page: OcrInput<'_>) -> Result<OrientationCheck, OcrError> {
        match self.osd() {
            Some(osd) => osd.detect(page),
            None => Ok(OrientationCheck {
                found: None,
                engine_ms: 0,
            }),
        }
    }
}

/// Words of Tesseract's TSV output (level 5 rows with text).
fn parse_tsv(tsv: &str) -> Vec<Word> {
    tsv.lines().filter_map(parse_word_row).collect()
}

fn parse_word_row(row: &str) -> Option<Word> {
    let cols: Vec<&str> = row.splitn(12, '\t').collect();
    if cols.len() != 12 || cols[0] != "5" {
        return None;
    }
    let text = cols[11].trim();
    if text.is_empty() {
        return None;
    }
    let num = |i: usize| cols[i].parse::<u32>().ok();
    Some(Word {
        text: text.to_string(),
        confidence: cols[10].parse::<f32>().ok()?.max(0.0),
        block: num(2)?,
        paragraph: num(3)?,
        line: num(4)?,
        left: num(6)?,
        top: num(7)?,
        width: num(8)?,
        height: num(9)?,
    })
}

/// Mean of word confidences, as Tesseract's `MeanTextConf` but over the words kept.
fn mean_confidence(words: &[Word]) -> f32 {
    if words.is_empty() {
        return 0.0;
    }
    words.iter().map(|w| w.confidence).sum::<f32>() / words.len() as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    const TSV: &str = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext
1\t1\t0\t0\t0\t0\t0\t0\t600\t200\t-1\t
5\t1\t1\t1\t1\t1\t10\t20\t50\t12\t96.5\tHọ
5\t1\t1\t1\t1\t2\t70\t20\t40\t12\t91\tvà
5\t1\t1\t1\t2\t1\t10\t40\t90\t12\t88\ttên
5\t1\t2\t1\t1\t1\t10\t90\t90\t12\t80\t001085012345
";

    #[test]
    fn tsv_rows_become_words_with_boxes_and_confidences() {
        let words = parse_tsv(TSV);
        assert_eq!(words.len(), 4);
        assert_eq!(words[0].left, 10);
        assert_eq!(words[3].confidence, 80.0);
        assert_eq!(
            (words[2].block, words[2].paragraph, words[2].line),
            (1, 1, 2)
        );
        assert!((mean_confidence(&words) - 88.875).abs() < 1e-3);
        assert_eq!(mean_confidence(&[]), 0.0);
    }
}
