//! One page's content stream: the picture filling the page, then every recognised word as
//! invisible text (rendering mode 3) laid on its box, so selecting, copying and searching
//! find the words where they are seen. Word boxes are in the recognised image's pixels
//! (`model::Geometry`: the decoded page turned clockwise by `rotation`, then rotated by
//! `skew` about its centre); each box's baseline is mapped back onto the decoded page, which
//! is what the page shows, so a word on a deskewed line runs along the skewed line.
//!
//! Text is written as 2-byte codes equal to the UTF-16 units of the word (the glyphless
//! font's ToUnicode maps each code to itself), every glyph 0.5 em wide, stretched by
//! horizontal scaling to the box's width. Called by `pdfa::doc`.

use pdf_writer::types::TextRenderingMode;
use pdf_writer::{Content, Name, Str};

use crate::model::{Geometry, Word};

/// Glyph advance of the glyphless font, in text space units (its /DW is 500/1000).
const GLYPH_EM: f32 = 0.5;

/// Where a page's pixels sit on the PDF page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    /// Decoded (upright, not yet turned by the preparation) page size in pixels.
    pub width: f32,
    pub height: f32,
    /// Points per pixel along x and y.
    pub sx: f32,
    pub sy: f32,
    pub geometry: Geometry,
}

impl Frame {
    /// Page size in points.
    pub fn page_size(&self) -> (f32, f32) {
        (self.width * self.sx, self.height * self.sy)
    }

    /// A point of the recognised image, in PDF user space (points, y up).
    fn on_page(&self, (x, y): (f32, f32)) -> (f32, f32) {
        let turned = self.geometry.rotation % 180 == 90;
        let (w1, h1) = if turned {
            (self.height, self.width)
        } else {
            (self.width, self.height)
        };
        // Undo the skew: rotate back about the centre of the recognised canvas.
        let (cx, cy) = (w1 / 2.0, h1 / 2.0);
        let (sin, cos) = (-self.geometry.skew).to_radians().sin_cos();
        let (dx, dy) = (x - cx, y - cy);
        let (x1, y1) = (cx + dx * cos - dy * sin, cy + dx * sin + dy * cos);
        // Undo the clockwise quarter turns.
        let (xd, yd) = match self.geometry.rotation {
            90 => (y1, self.height - x1),
            180 => (self.width - x1, self.height - y1),
            270 => (self.width - y1, x1),
            _ => (x1, y1),
        };
        (xd * self.sx, (self.height - yd) * self.sy)
    }
}

/// The page's content: `image` drawn over the whole page, then the words.
pub fn page_content(frame: &Frame, image: Name<'_>, font: Name<'_>, words: &[Word]) -> Vec<u8> {
    let (w, h) = frame.page_size();
    let mut content = Content::new();
    content.save_state();
    content.transform([w, 0.0, 0.0, h, 0.0, 0.0]);
    content.x_object(image);
    content.restore_state();
    content.begin_text();
    content.set_text_rendering_mode(TextRenderingMode::Invisible);
    for word in words.iter().filter(|w| !w.text.trim().is_empty()) {
        place_word(&mut content, frame, font, word);
    }
    content.end_text();
    content.finish().into_vec()
}

fn place_word(content: &mut Content, frame: &Frame, font: Name<'_>, word: &Word) {
    let base = (word.top + word.height) as f32;
    let left = frame.on_page((word.left as f32, base));
    let right = frame.on_page(((word.left + word.width) as f32, base));
    let (dx, dy) = (right.0 - left.0, right.1 - left.1);
    let length = (dx * dx + dy * dy).sqrt().max(0.01);
    let size = (word.height as f32 * frame.sy).max(1.0);
    let units: Vec<u16> = word.text.encode_utf16().collect();
    let natural = units.len() as f32 * GLYPH_EM * size;
    let (cos, sin) = (dx / length, dy / length);
    content.set_font(font, size);
    content.set_text_matrix([cos, sin, -sin, cos, left.0, left.1]);
    content.set_horizontal_scaling(100.0 * length / natural.max(0.01));
    let bytes: Vec<u8> = units.iter().flat_map(|u| u.to_be_bytes()).collect();
    content.show(Str(&bytes));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(rotation: u16, skew: f32) -> Frame {
        Frame {
            width: 100.0,
            height: 200.0,
            sx: 0.5,
            sy: 0.5,
            geometry: Geometry { rotation, skew },
        }
    }

    fn near(a: (f32, f32), b: (f32, f32)) -> bool {
        (a.0 - b.0).abs() < 0.01 && (a.1 - b.1).abs() < 0.01
    }

    #[test]
    fn an_untouched_page_maps_pixels_to_points_with_y_up() {
        assert!(near(frame(0, 0.0).on_page((10.0, 20.0)), (5.0, 90.0)));
    }

    #[test]
    fn a_quarter_turn_is_undone() {
        // The recognised image is 200 wide, 100 high; its top-left came from the decoded
        // page's bottom-left corner.
        assert!(near(frame(90, 0.0).on_page((0.0, 0.0)), (0.0, 0.0)));
        assert!(near(frame(270, 0.0).on_page((0.0, 0.0)), (50.0, 100.0)));
        assert!(near(frame(180, 0.0).on_page((0.0, 0.0)), (50.0, 0.0)));
    }

    #[test]
    fn the_centre_stays_put_under_skew() {
        assert!(near(frame(0, 3.0).on_page((50.0, 100.0)), (25.0, 50.0)));
    }
}
