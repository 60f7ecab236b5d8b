//! One reading of a page with cleaning and completion (see the module header of `prep`):
//! clean a copy of the page for the engine, recognise it, read the digit combs and put
//! their values in the text, read again the rows that layout analysis dropped, and read
//! again digits-only the words that may be misread ID numbers.

use std::time::Instant;

use crate::decode::PageImage;
use crate::model::{BoxedField, Word};
use crate::ocr::{Engine, OcrError, OcrInput, Recognition};

use super::clean::clean;
use super::complete::{self, Rect};
use super::gray::{px_per_mm, Gray};
use super::{comb, digits, ids, letters, order, row_starts, seal, surname, text, PageRead};

/// Most rows read again on one page: past this the page is flagged rather than read row
/// by row (a page the engine could not lay out at all).
const MAX_REREADS: usize = 80;

/// What completion found and did.
struct Completed {
    fields: Vec<BoxedField>,
    added: Vec<Vec<Word>>,
    missing: bool,
    engine_ms: u64,
}

/// A page cleaned for the engine, with the time cleaning took.
pub struct ForEngine {
    cleaned: super::Cleaned,
    prep_ms: u64,
}

/// Clean `page` for the engine (see `clean.rs`): the part of a reading that needs no engine.
/// Its time is this thread's CPU time: cleaning runs on a worker's feeder thread beside the
/// engines, and its wall time there would count the cores it shares with them.
pub fn clean_for_engine(page: &PageImage) -> ForEngine {
    let start = thread_cpu_ms();
    let g = Gray {
        pixels: &page.pixels,
        width: page.width as usize,
        height: page.height as usize,
    };
    let cleaned = clean(g, px_per_mm(page.dpi.map(|d| d.min())));
    ForEngine {
        cleaned,
        prep_ms: thread_cpu_ms().saturating_sub(start),
    }
}

/// Read `page`, cleaned for the engine as `prepared`, and complete the reading.
///
/// # Errors
/// When the engine fails on the page or on a region of it.
pub fn read_cleaned(
    page: PageImage,
    prepared: ForEngine,
    engine: &mut impl Engine,
) -> Result<PageRead, OcrError> {
    let ForEngine {
        cleaned,
        mut prep_ms,
    } = prepared;
    let g = Gray {
        pixels: &page.pixels,
        width: page.width as usize,
        height: page.height as usize,
    };
    let ppm = px_per_mm(page.dpi.map(|d| d.min()));
    let pixels = cleaned.for_engine(&page.pixels);
    let image = Gray { pixels, ..g };
    let mut recognition = engine.recognise(OcrInput {
        pixels,
        width: page.width,
        height: page.height,
        dpi: page.dpi,
    })?;
    // Never worse than the page as decoded: when the cleaned page reads unsurely, the
    // decoded page is read too and the better reading kept (an illustration or thin type
    // that binarisation spoilt).
    if cleaned.engine_reads_binary && recognition.confidence < GUARD_CONFIDENCE {
        let plain = engine.recognise(super::input(&page))?;
        let engine_ms = recognition.engine_ms + plain.engine_ms;
        if weight(&plain.words) > weight(&recognition.words) {
            recognition = plain;
        }
        recognition.engine_ms = engine_ms;
    }
    let binary = Gray {
        pixels: &cleaned.binary,
        ..g
    };
    let started = Instant::now();
    let done = complete_page(
        engine,
        &mut recognition.words,
        [binary, g, image],
        &cleaned,
        ppm,
        page.dpi,
    )?;
    prep_ms += (started.elapsed().as_millis() as u64).saturating_sub(done.engine_ms);
    recognition.engine_ms += done.engine_ms;
    let t = Instant::now();
    let restored = row_starts::restore(engine, &mut recognition.words, image, ppm, page.dpi)?;
    recognition.engine_ms += t.elapsed().as_millis() as u64;
    let joined = complete::join_split_ids(&mut recognition.words);
    let fixed = reread_ids(engine, &mut recognition, [g, binary], page.dpi)?;
    let t = Instant::now();
    let signed = seal::reread_under_seal(engine, &mut recognition.words, g, ppm, page.dpi)?;
    recognition.engine_ms += t.elapsed().as_millis() as u64;
    if signed || restored || joined || fixed || !done.fields.is_empty() || !done.added.is_empty() {
        recognition.words = text::merge(&recognition.words, done.added);
        recognition.confidence = mean(&recognition.words);
    }
    prep_ms += in_reading_order(
        engine,
        &mut recognition,
        &cleaned.rulings,
        [binary, image],
        page.dpi,
        ppm,
    )?;
    Ok(PageRead {
        page,
        recognition,
        geometry: Default::default(),
        flags: if done.missing {
            vec![complete::MISSING]
        } else {
            Vec::new()
        },
        fields: done.fields,
        prep_ms,
    })
}

/// The last steps of a reading: the page's tables found, their empty cells read, the words
/// put in reading order, letters foreign to Vietnamese mended, surnames' marks restored and
/// the text rebuilt. Returns the time
/// spent outside the engine; the engine's is added to the recognition's.
fn in_reading_order(
    engine: &mut impl Engine,
    recognition: &mut Recognition,
    rulings: &super::lines::Rulings,
    sources: [Gray<'_>; 2],
    dpi: Option<crate::model::Dpi>,
    ppm: f32,
) -> Result<u64, OcrError> {
    let started = Instant::now();
    let tables = order::tables(rulings, ppm);
    let t = Instant::now();
    if read_empty_cells(engine, &mut recognition.words, &tables, sources, dpi, ppm)? {
        recognition.confidence = mean(&recognition.words);
    }
    let engine_ms = t.elapsed().as_millis() as u64;
    recognition.engine_ms += engine_ms;
    recognition.words = order::reorder(std::mem::take(&mut recognition.words), &tables);
    letters::mend(&mut recognition.words);
    surname::restore(&mut recognition.words);
    recognition.text = text::render(&recognition.words);
    Ok((started.elapsed().as_millis() as u64).saturating_sub(engine_ms))
}

/// Fewest ink pixels, in mm² of the page, for an empty table cell to be read again.
const MIN_CELL_INK_MM2: f32 = 1.0;

/// Read the cells of the page's tables that hold no word but some ink, one line each: the
/// engine drops short words standing alone in a column ("Nữ", "Nam"). Returns whether a
/// word was found.
fn read_empty_cells(
    engine: &mut impl Engine,
    words: &mut Vec<Word>,
    tables: &[order::Table],
    [binary, image]: [Gray<'_>; 2],
    dpi: Option<crate::model::Dpi>,
    ppm: f32,
) -> Result<bool, OcrError> {
    let inset = (0.6 * ppm) as usize;
    let min_ink = (MIN_CELL_INK_MM2 * ppm * ppm) as usize;
    let mut found = false;
    let cells: Vec<Rect> = tables
        .iter()
        .flat_map(|t| t.empty_cells(words, inset))
        .collect();
    for (i, cell) in cells.into_iter().enumerate().take(MAX_REREADS) {
        let (x0, y0, w, h) = cell;
        let ink = (y0..y0 + h)
            .map(|y| {
                let row = &binary.pixels[y * binary.width + x0..y * binary.width + x0 + w];
                row.iter().filter(|&&p| p == 0).count()
            })
            .sum::<usize>();
        if ink < min_ink {
            continue;
        }
        let block = 50_000 + i as u32;
        if let Some(read) = complete::reread(engine, image, cell, ppm, dpi, block)? {
            words.extend(read);
            found = true;
        }
    }
    Ok(found)
}

/// Read again the words that may be misread ID numbers (see `ids.rs`), on the engine's
/// time. Returns whether a word changed.
fn reread_ids(
    engine: &mut impl Engine,
    recognition: &mut Recognition,
    sources: [Gray<'_>; 2],
    dpi: Option<crate::model::Dpi>,
) -> Result<bool, OcrError> {
    let t = Instant::now();
    let changed = ids::reread_suspects(engine, &mut recognition.words, &sources, dpi)?;
    recognition.engine_ms += t.elapsed().as_millis() as u64;
    Ok(changed)
}

/// CPU time this thread has used, in milliseconds (0 if the clock cannot be read).
fn thread_cpu_ms() -> u64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes only the timespec it is given.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) } == 0;
    if !ok {
        return 0;
    }
    u64::try_from(t.tv_sec).unwrap_or(0) * 1000 + u64::try_from(t.tv_nsec).unwrap_or(0) / 1_000_000
}

/// Mean word confidence under which a cleaned page is read as decoded too.
const GUARD_CONFIDENCE: f32 = 80.0;

/// How much legible text a reading holds: words with a letter or digit, each counted by
/// the square of its confidence (sure words weigh, garbage hardly).
fn weight(words: &[Word]) -> f32 {
    words
        .iter()
        .filter(|w| w.text.chars().any(char::is_alphanumeric))
        .map(|w| (w.confidence / 100.0).powi(2))
        .sum()
}

fn mean(words: &[Word]) -> f32 {
    if words.is_empty() {
        return 0.0;
    }
    words.iter().map(|w| w.confidence).sum::<f32>() / words.len() as f32
}

fn complete_page(
    engine: &mut impl Engine,
    words: &mut Vec<Word>,
    [binary, decoded, image]: [Gray<'_>; 3],
    cleaned: &super::Cleaned,
    ppm: f32,
    dpi: Option<crate::model::Dpi>,
) -> Result<Completed, OcrError> {
    let mut done = Completed {
        fields: Vec::new(),
        added: Vec::new(),
        missing: false,
        engine_ms: 0,
    };
    let mut skip: Vec<Rect> = Vec::new();
    for c in comb::find(&cleaned.rulings.vertical) {
        skip.push(c.outer);
        let t = Instant::now();
        let value = digits::read_comb(binary, decoded, &c, engine, ppm)?;
        done.engine_ms += t.elapsed().as_millis() as u64;
        let Some(value) = value else {
            continue;
        };
        let (kept, own_line) = complete::place_comb(
            std::mem::take(words),
            c.outer,
            &value.digits,
            value.confidence,
        );
        *words = kept;
        done.added.extend(own_line.map(|w| vec![w]));
        let (x, y, w, h) = c.outer;
        done.fields.push(BoxedField {
            kind: BoxedField::kind_for(value.digits.len()).to_string(),
            value: value.digits,
            confidence: value.confidence,
            left: x as u32,
            top: y as u32,
            width: w as u32,
            height: h as u32,
        });
    }
    let bands: Vec<_> = complete::uncovered(binary, words, &skip, ppm)
        .into_iter()
        .filter(|&band| complete::looks_like_text(binary, band, ppm))
        .collect();
    if bands.len() > MAX_REREADS {
        done.missing = true;
        return Ok(done);
    }
    // A page the engine read as decoded (a clean scan without rulings) was binarised only
    // for these steps. A row the engine dropped for its background (a screened or tinted
    // field, whose dots its own thresholding keeps) reads clean there: such a row is read
    // both ways and the more legible reading kept.
    let sources = if !cleaned.engine_reads_binary {
        vec![image, binary]
    } else {
        vec![image]
    };
    for (i, band) in bands.into_iter().enumerate() {
        let t = Instant::now();
        let found = reread_band(engine, &sources, band, ppm, dpi, 1000 * (i as u32 + 1))?;
        done.engine_ms += t.elapsed().as_millis() as u64;
        match found {
            Some(line) => done.added.push(line),
            None => done.missing = true,
        }
    }
    Ok(done)
}

/// Read `band` again from each of `sources`; the most legible reading (see [`weight`]), or
/// `None` when none gave legible text.
fn reread_band(
    engine: &mut impl Engine,
    sources: &[Gray<'_>],
    band: Rect,
    ppm: f32,
    dpi: Option<crate::model::Dpi>,
    block: u32,
) -> Result<Option<Vec<Word>>, OcrError> {
    let mut best: Option<Vec<Word>> = None;
    for &g in sources {
        let Some(words) = complete::reread(engine, g, band, ppm, dpi, block)? else {
            continue;
        };
        if best.as_ref().is_none_or(|b| weight(&words) > weight(b)) {
            best = Some(words);
        }
    }
    Ok(best)
}

/// The recognition of a page read without cleaning (for `[ocr] clean = false`).
pub fn read_raw(page: &PageImage, engine: &mut impl Engine) -> Result<Recognition, OcrError> {
    engine.recognise(super::input(page))
}
