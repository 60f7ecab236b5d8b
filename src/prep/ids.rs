//! Typed ID numbers read unsurely: a word that looks like a 12-digit personal ID number but
//! came out with low confidence, with a letter the engine confuses with a digit (O for 0,
//! l for 1, B for 8, S for 5…), or one digit short or long, is read again digits-only from
//! its box, from the decoded and from the binarised page. The readings vote with the first
//! one; 12 digits that win, with at least half the new readings, replace the word's. Boxed
//! IDs (combs) are read by `digits.rs`; this is for IDs typed
//! in a line of text or a table cell, which on a poor photocopy lose or change a digit.
//! Called by `reading.rs` after completion, on the words of a cleaned page.

use crate::model::{Dpi, Word};
use crate::ocr::{Engine, OcrError, OcrInput, Region, RegionLayout};

use super::gray::Gray;

/// Digits of a personal ID number (căn cước công dân).
pub const ID_DIGITS: usize = 12;
const DIGITS: &str = "0123456789";
/// A 12-digit word read at least this surely is left alone.
const SURE: f32 = 90.0;
/// Letters the engine reads in place of digits.
const LOOKALIKES: &str = "OoDQlIiJ|!BSsZzGgq";

/// The word's text without the punctuation the engine hangs on its ends (`.-_048…389.`).
fn core(text: &str) -> &str {
    text.trim_matches(|c: char| !c.is_alphanumeric())
}

/// Whether a word may be an ID number the engine misread.
fn suspect(w: &Word) -> bool {
    let core = core(&w.text);
    let len = core.chars().count();
    let digits = core.chars().filter(char::is_ascii_digit).count();
    let digit_like = core
        .chars()
        .all(|c| c.is_ascii_digit() || LOOKALIKES.contains(c));
    // One character either side of 12 covers a dropped or a doubled digit; at least 9 real
    // digits keeps words and codes with letters out.
    let looks_like_id = digit_like && (ID_DIGITS - 1..=ID_DIGITS + 1).contains(&len) && digits >= 9;
    looks_like_id && (digits != ID_DIGITS || len != ID_DIGITS || w.confidence < SURE)
}

/// The ways a word's box is read again: one line, one word, one block of text. The engine
/// errs differently in each.
const LAYOUTS: [RegionLayout; 3] = [RegionLayout::Line, RegionLayout::Word, RegionLayout::Block];

/// Read again, digits-only, the suspect words of `words` from each page of `sources` (the
/// decoded page, whose smooth edges read better, and the binarised one, which a copier's
/// grey does not blur: each is right where the other errs). See [`vote`] for what a word
/// takes. Returns whether a word changed.
///
/// # Errors
/// When the engine fails on a word's box.
pub fn reread_suspects(
    engine: &mut impl Engine,
    words: &mut [Word],
    sources: &[Gray<'_>],
    dpi: Option<Dpi>,
) -> Result<bool, OcrError> {
    let mut changed = false;
    for w in words.iter_mut().filter(|w| suspect(w)) {
        let mut readings = Vec::with_capacity(sources.len() * LAYOUTS.len());
        for &g in sources {
            let Some(box_) = cut(w, g) else {
                continue;
            };
            for layout in LAYOUTS {
                readings.push(read_digits(engine, &box_, dpi, layout)?);
            }
        }
        let Some((digits, confidence)) = vote(core(&w.text), &readings) else {
            continue;
        };
        let c = core(&w.text);
        let confidence = w.confidence.max(confidence);
        changed |= c != digits || confidence != w.confidence;
        w.text = w.text.replacen(c, &digits, 1);
        w.confidence = confidence;
    }
    Ok(changed)
}

/// The 12 digits a word takes from its first reading (`first`) and the `readings` of its
/// box, each one vote: the 12 digits most votes give, when at least half the readings give
/// them and more votes than any other 12 digits (on a tie the first reading stays), with
/// their share of the votes as confidence. `None` when no 12 digits win so.
fn vote(first: &str, readings: &[String]) -> Option<(String, f32)> {
    let ballots: Vec<&str> = readings
        .iter()
        .map(String::as_str)
        .chain(std::iter::once(first))
        .filter(|r| r.len() == ID_DIGITS && r.chars().all(|c| c.is_ascii_digit()))
        .collect();
    let count = |r: &str| ballots.iter().filter(|&&b| b == r).count();
    let best = ballots
        .iter()
        .copied()
        .max_by_key(|&b| (count(b), b == first))?;
    let (votes, runner_up) = (
        count(best),
        ballots
            .iter()
            .filter(|&&b| b != best)
            .map(|&b| count(b))
            .max(),
    );
    let wins = votes * 2 >= readings.len() && runner_up.is_none_or(|n| n < votes || best == first);
    let total = readings.len() + 1;
    wins.then(|| (best.to_string(), 100.0 * votes as f32 / total as f32))
}

/// A word's box cut from `g` with a margin of half its height, as (pixels, width, height).
fn cut(w: &Word, g: Gray<'_>) -> Option<(Vec<u8>, usize, usize)> {
    let (left, top) = (w.left as usize, w.top as usize);
    let right = (left + w.width as usize).min(g.width);
    let bottom = (top + w.height as usize).min(g.height);
    if right <= left || bottom <= top {
        return None;
    }
    let pad = (w.height as usize / 2).max(4);
    let (x0, y0) = (left.saturating_sub(pad), top.saturating_sub(pad));
    let (x1, y1) = ((right + pad).min(g.width), (bottom + pad).min(g.height));
    let mut pixels = Vec::with_capacity((x1 - x0) * (y1 - y0));
    for y in y0..y1 {
        pixels.extend_from_slice(&g.pixels[y * g.width + x0..y * g.width + x1]);
    }
    Some((pixels, x1 - x0, y1 - y0))
}

/// The digits the engine reads in a box, digits-only, in one layout.
fn read_digits(
    engine: &mut impl Engine,
    (pixels, width, height): &(Vec<u8>, usize, usize),
    dpi: Option<Dpi>,
    layout: RegionLayout,
) -> Result<String, OcrError> {
    let found = engine.recognise_region(
        OcrInput {
            pixels,
            width: *width as u32,
            height: *height as u32,
            dpi,
        },
        Region {
            layout,
            whitelist: Some(DIGITS),
        },
    )?;
    Ok(found
        .words
        .iter()
        .flat_map(|w| w.text.chars().filter(char::is_ascii_digit))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ocr::Recognition;

    fn word(text: &str, confidence: f32) -> Word {
        Word {
            text: text.into(),
            confidence,
            left: 10,
            top: 10,
            width: 120,
            height: 20,
            block: 1,
            paragraph: 1,
            line: 1,
        }
    }

    #[test]
    fn unsure_short_and_lettered_ids_are_suspect_and_sure_ids_and_words_are_not() {
        assert!(suspect(&word("048035209389.", 78.0)));
        assert!(suspect(&word("08075787278", 95.0)), "a digit short");
        assert!(suspect(&word("0480352O9389", 95.0)), "O for 0");
        assert!(!suspect(&word("048035209389", 96.0)));
        assert!(!suspect(&word("0912345678", 40.0)), "a phone number");
        assert!(!suspect(&word("Nguyễn", 40.0)));
        assert!(!suspect(&word("11/02/1964", 40.0)));
    }

    /// Answers each layout with a fixed reading, per source page (told apart by its pixels).
    struct Fake(Vec<(u8, RegionLayout, &'static str)>);

    impl Engine for Fake {
        fn recognise(&mut self, _page: OcrInput<'_>) -> Result<Recognition, OcrError> {
            Ok(Recognition::nothing())
        }

        fn recognise_region(
            &mut self,
            region: OcrInput<'_>,
            how: Region<'_>,
        ) -> Result<Recognition, OcrError> {
            assert_eq!(how.whitelist, Some(DIGITS));
            let (_, _, text) = self
                .0
                .iter()
                .find(|(p, l, _)| *p == region.pixels[0] && *l == how.layout)
                .unwrap();
            Ok(Recognition {
                words: vec![word(text, 0.0)],
                ..Recognition::nothing()
            })
        }
    }

    /// Two source pages: the decoded one (pixels 200) and the binarised one (255).
    fn reread(readings: [&'static str; 6], words: &mut [Word]) -> bool {
        let mut answers = Vec::new();
        for (i, text) in readings.into_iter().enumerate() {
            answers.push(([200, 255][i / 3], LAYOUTS[i % 3], text));
        }
        let (decoded, binary) = (vec![200u8; 200 * 60], vec![255u8; 200 * 60]);
        let gray = |px| Gray {
            pixels: px,
            width: 200,
            height: 60,
        };
        let sources = [gray(&decoded), gray(&binary)];
        reread_suspects(&mut Fake(answers), words, &sources, None).unwrap()
    }

    #[test]
    fn readings_that_outvote_the_first_replace_a_misread_id_and_keep_its_punctuation() {
        let mut words = vec![word("048035209389.", 40.0), word("Con", 60.0)];
        let readings = [
            "048095209389",
            "048095209389",
            "048095209389",
            "048035209389",
            "048095209389",
            "0480952093",
        ];
        assert!(reread(readings, &mut words));
        assert_eq!(words[0].text, "048095209389.");
        assert!((words[0].confidence - 400.0 / 7.0).abs() < 0.1);
        assert_eq!(words[1].text, "Con");
    }

    #[test]
    fn an_id_a_digit_short_takes_the_digits_the_readings_agree_on() {
        let mut words = vec![word("08075787278", 62.0)];
        let readings = ["048075787278"; 6];
        assert!(reread(readings, &mut words));
        assert_eq!(words[0].text, "048075787278");
    }

    #[test]
    fn on_a_tie_with_the_first_reading_the_word_stays_as_read() {
        let mut words = vec![word("038189753279", 69.9)];
        let readings = [
            "038189783279",
            "038189783279",
            "038189783279",
            "038189753279",
            "1038189753279",
            "038189753279",
        ];
        assert!(!reread(readings, &mut words));
        assert_eq!(words[0].text, "038189753279");
        assert_eq!(words[0].confidence, 69.9);
    }

    #[test]
    fn readings_that_scatter_leave_the_word_as_read() {
        let mut words = vec![word("08075787278", 62.0)];
        let readings = [
            "048095209389",
            "048035209389",
            "0480952093",
            "048075787278",
            "",
            "048075787271",
        ];
        assert!(!reread(readings, &mut words));
        assert_eq!(words[0].text, "08075787278");
    }
}
