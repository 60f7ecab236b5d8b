//! Second readings: a page the engine read unsure of itself is read again with more accurate
//! (slower) models when the configuration names some, and the better reading is kept. Only
//! the unsure pages pay for the slower models.

use crate::ocr::{Engine, OcrError};

use super::orient::weight;
use super::{input, PageRead, PrepOptions};

/// Read `read`'s page again when its confidence is under the threshold.
///
/// # Errors
/// When the engine fails on the page.
pub fn improve(
    mut read: PageRead,
    engine: &mut impl Engine,
    options: &PrepOptions,
) -> Result<PageRead, OcrError> {
    // A page with no words is blank or unreadable; slower models will not find text there.
    if read.recognition.words.is_empty() || read.recognition.confidence >= options.retry_below {
        return Ok(read);
    }
    let Some(mut again) = engine.recognise_again(input(&read.page))? else {
        return Ok(read);
    };
    again.engine_ms += read.recognition.engine_ms;
    if weight(&again) > weight(&read.recognition) {
        read.recognition = again;
    } else {
        read.recognition.engine_ms = again.engine_ms;
    }
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::PageImage;
    use crate::model::{Geometry, Word};
    use crate::ocr::{OcrInput, Recognition};

    fn reading(text: &str, confidence: f32, engine_ms: u64) -> Recognition {
        Recognition {
            text: text.into(),
            confidence,
            words: vec![Word {
                text: text.into(),
                confidence,
                left: 0,
                top: 0,
                width: 10,
                height: 10,
                block: 1,
                paragraph: 1,
                line: 1,
            }],
            engine_ms,
        }
    }

    /// Reads "Hồ sơ" sure of itself the second time, or not at all when it has no models.
    struct Second {
        again: Option<Recognition>,
        asked: u32,
    }

    impl Engine for Second {
        fn recognise(&mut self, _page: OcrInput<'_>) -> Result<Recognition, OcrError> {
            unreachable!("only second readings are asked for")
        }
        fn recognise_again(&mut self, _: OcrInput<'_>) -> Result<Option<Recognition>, OcrError> {
            self.asked += 1;
            Ok(self.again.clone())
        }
    }

    fn first(confidence: f32) -> PageRead {
        PageRead {
            page: PageImage {
                index: 0,
                width: 1,
                height: 1,
                pixels: vec![255],
                dpi: None,
            },
            recognition: reading("H6 so", confidence, 100),
            geometry: Geometry::default(),
            flags: Vec::new(),
            fields: Vec::new(),
            prep_ms: 0,
        }
    }

    #[test]
    fn only_unsure_pages_are_read_again_and_the_better_reading_kept() {
        let options = PrepOptions {
            retry_below: 70.0,
            ..PrepOptions::default()
        };
        let mut engine = Second {
            again: Some(reading("Hồ sơ", 92.0, 300)),
            asked: 0,
        };
        let sure = improve(first(85.0), &mut engine, &options).unwrap();
        assert_eq!((sure.recognition.text.as_str(), engine.asked), ("H6 so", 0));
        let unsure = improve(first(40.0), &mut engine, &options).unwrap();
        assert_eq!(unsure.recognition.text, "Hồ sơ");
        assert_eq!(
            unsure.recognition.engine_ms, 400,
            "both readings' time counts"
        );

        engine.again = Some(reading("?", 20.0, 300));
        let worse = improve(first(40.0), &mut engine, &options).unwrap();
        assert_eq!(worse.recognition.text, "H6 so");
        assert_eq!(worse.recognition.engine_ms, 400);

        engine.again = None;
        let none = improve(first(40.0), &mut engine, &options).unwrap();
        assert_eq!(none.recognition.engine_ms, 100);
    }
}
