//! Reading a region cut from a page in a given segmentation mode and with a character
//! whitelist (digit combs, a line layout analysis dropped). The engine's settings are put
//! back afterwards, so the next page is read as usual.

use tesseract::{PageSegMode, Tesseract};

use super::{OcrError, OcrInput, Recognition, Region, RegionLayout, TesseractEngine, TRUSTED_DPI};

const WHITELIST: &str = "tessedit_char_whitelist";

impl TesseractEngine {
    pub(super) fn read_region(
        &mut self,
        region: OcrInput<'_>,
        how: Region<'_>,
    ) -> Result<Recognition, OcrError> {
        let failed = |e: &dyn std::fmt::Display| OcrError::Recognise(e.to_string());
        let api = self
            .api
            .take()
            .ok_or_else(|| failed(&"engine unusable after an earlier failure"))?;
        let start = std::time::Instant::now();
        let mut api = api
            .set_variable(WHITELIST, how.whitelist.unwrap_or(""))
            .map_err(|e| failed(&e))?;
        api.set_page_seg_mode(match how.layout {
            RegionLayout::Line => PageSegMode::PsmSingleLine,
            RegionLayout::Char => PageSegMode::PsmSingleChar,
            RegionLayout::Block => PageSegMode::PsmSingleBlock,
            RegionLayout::Word => PageSegMode::PsmSingleWord,
        });
        let read = read(api, region);
        let (api, result) = match read {
            Ok((api, text, tsv)) => (Some(api), Ok((text, tsv))),
            Err(e) => (None, Err(e)),
        };
        if let Some(mut api) = api {
            api.set_page_seg_mode(PageSegMode::PsmAuto);
            self.api = Some(api.set_variable(WHITELIST, "").map_err(|e| failed(&e))?);
        }
        let (text, tsv) = result?;
        Ok(Recognition::from_engine(text, &tsv, start))
    }
}

/// Recognise `region` on `api`: the engine's own text rendering (as the `tesseract` command
/// prints it) and the TSV with the words' boxes and confidences.
pub(super) fn read(
    api: Tesseract,
    region: OcrInput<'_>,
) -> Result<(Tesseract, String, String), OcrError> {
    let failed = |e: &dyn std::fmt::Display| OcrError::Recognise(e.to_string());
    let width = i32::try_from(region.width).map_err(|e| failed(&e))?;
    let height = i32::try_from(region.height).map_err(|e| failed(&e))?;
    let mut api = api
        .set_frame(region.pixels, width, height, 1, width)
        .map_err(|e| failed(&e))?;
    if let Some(dpi) = region.dpi.filter(|d| TRUSTED_DPI.contains(&d.min())) {
        api = api.set_source_resolution(dpi.min().round() as i32);
    }
    let mut api = api.recognize().map_err(|e| failed(&e))?;
    let text = api.get_text().map_err(|e| failed(&e))?;
    let tsv = api.get_tsv_text(0).map_err(|e| failed(&e))?;
    Ok((api, text, tsv))
}
