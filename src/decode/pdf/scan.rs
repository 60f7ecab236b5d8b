//! Reads a PDF page's content stream (and the forms it draws, a few levels deep) to find the
//! scanned image: the image drawn with the largest pixel area, with the transformation matrix
//! in force when it was drawn. From that matrix and the page's /Rotate comes the quarter turn
//! (or mirror) that makes the image upright on screen, and its resolution. Also tells whether
//! the page shows any text. Only reads dictionaries and operators, never image data.

use hayro_syntax::content::ops::TypedInstruction;
use hayro_syntax::content::TypedIter;
use hayro_syntax::object::{Dict, Name, Stream};
use hayro_syntax::page::{Page, Resources, Rotation};
use image::metadata::Orientation;

use crate::model::Dpi;

/// Forms inside forms deeper than this are not followed (a loop would never end).
const MAX_FORM_DEPTH: u8 = 4;

/// A 2-D affine matrix `[a b c d e f]` as PDF writes it.
type Matrix = [f64; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// What a page holds, for decoding.
pub(super) enum Plan<'a> {
    Image(Placed<'a>),
    /// Neither image nor text.
    Blank,
    /// Text but no image: a born-digital page.
    VectorText,
}

/// The page's scanned image and how it is drawn.
pub(super) struct Placed<'a> {
    pub stream: Stream<'a>,
    /// Declared size of the stored image, in samples.
    pub width: u32,
    pub height: u32,
    /// How to turn the stored image to see it upright.
    pub turn: Orientation,
    /// Stored image's resolution along its own x and y axes.
    dpi_x: f32,
    dpi_y: f32,
}

impl Placed<'_> {
    /// Resolution of the stored (not yet turned) image.
    pub fn dpi(&self) -> Dpi {
        Dpi {
            x: self.dpi_x,
            y: self.dpi_y,
        }
    }
}

/// What drawing the page involves.
#[derive(Default)]
struct Found<'a> {
    best: Option<(Stream<'a>, Matrix, u32, u32)>,
    text: bool,
}

pub(super) fn plan<'a>(page: &Page<'a>) -> Plan<'a> {
    let mut found = Found::default();
    let content = page_content(page);
    walk(
        TypedIter::new(&content),
        page.resources(),
        IDENTITY,
        0,
        &mut found,
    );
    match found.best {
        Some((stream, ctm, width, height)) => Plan::Image(place(page, stream, ctm, width, height)),
        None if found.text => Plan::VectorText,
        None => Plan::Blank,
    }
}

/// Whether the page shows any text (text-showing operators in it or its forms).
pub(super) fn shows_text(page: &Page<'_>) -> bool {
    let mut found = Found::default();
    let content = page_content(page);
    walk(
        TypedIter::new(&content),
        page.resources(),
        IDENTITY,
        0,
        &mut found,
    );
    found.text
}

fn page_content(page: &Page<'_>) -> Vec<u8> {
    page.page_stream().map(<[u8]>::to_vec).unwrap_or_default()
}

/// Follows the graphics state through the operators, recording images and text.
fn walk<'a>(
    mut ops: TypedIter<'_>,
    resources: &Resources<'a>,
    base: Matrix,
    depth: u8,
    found: &mut Found<'a>,
) {
    let mut stack: Vec<Matrix> = Vec::new();
    let mut ctm = base;
    while let Some(op) = ops.next() {
        match op {
            TypedInstruction::SaveState(_) => stack.push(ctm),
            TypedInstruction::RestoreState(_) => ctm = stack.pop().unwrap_or(base),
            TypedInstruction::Transform(t) => {
                let m = [t.0, t.1, t.2, t.3, t.4, t.5].map(|n| n.as_f64());
                ctm = multiply(m, ctm);
            }
            TypedInstruction::ShowText(_)
            | TypedInstruction::ShowTexts(_)
            | TypedInstruction::NextLineAndShowText(_)
            | TypedInstruction::ShowTextWithParameters(_) => found.text = true,
            TypedInstruction::XObject(x) => {
                if let Some(stream) = resources.get_x_object(x.0) {
                    draw(stream, resources, ctm, depth, found);
                }
            }
            _ => {}
        }
    }
}

/// An XObject drawn under `ctm`: an image is a candidate, a form is walked.
fn draw<'a>(
    stream: Stream<'a>,
    resources: &Resources<'a>,
    ctm: Matrix,
    depth: u8,
    found: &mut Found<'a>,
) {
    let dict = stream.dict().clone();
    let subtype = dict.get::<Name<'_>>(b"Subtype".as_slice());
    match subtype.as_deref() {
        Some(b"Image") => {
            let width = dict.get::<u32>(b"Width".as_slice()).unwrap_or(0);
            let height = dict.get::<u32>(b"Height".as_slice()).unwrap_or(0);
            let area = u64::from(width) * u64::from(height);
            let best_area = found
                .best
                .as_ref()
                .map_or(0, |(_, _, w, h)| u64::from(*w) * u64::from(*h));
            if area > best_area {
                found.best = Some((stream, ctm, width, height));
            }
        }
        Some(b"Form") if depth < MAX_FORM_DEPTH => {
            let matrix = form_matrix(&dict);
            let inner = match dict.get::<Dict<'_>>(b"Resources".as_slice()) {
                Some(own) => Resources::from_parent(own, resources.clone()),
                None => resources.clone(),
            };
            let Ok(content) = stream.decoded() else {
                return;
            };
            let ops = TypedIter::new(&content);
            walk(ops, &inner, multiply(matrix, ctm), depth + 1, found);
        }
        _ => {}
    }
}

fn form_matrix(dict: &Dict<'_>) -> Matrix {
    let Some(array) = dict.get::<hayro_syntax::object::Array<'_>>(b"Matrix".as_slice()) else {
        return IDENTITY;
    };
    let values: Vec<f64> = array.iter::<f64>().collect();
    values.try_into().unwrap_or(IDENTITY)
}

/// `first` applied, then `second` (PDF's `cm` pre-multiplies the current matrix).
fn multiply(first: Matrix, second: Matrix) -> Matrix {
    let [a, b, c, d, e, f] = first;
    let [a2, b2, c2, d2, e2, f2] = second;
    [
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    ]
}

fn place<'a>(
    page: &Page<'a>,
    stream: Stream<'a>,
    ctm: Matrix,
    width: u32,
    height: u32,
) -> Placed<'a> {
    let [a, b, c, d, _, _] = ctm;
    // In user space the image's column axis runs along (a, b) and its row axis (downwards in
    // the stored image) along (-c, -d).
    let quarter = match page.rotation() {
        Rotation::None => 0,
        Rotation::Horizontal => 1,
        Rotation::Flipped => 2,
        Rotation::FlippedHorizontal => 3,
    };
    let x_axis = on_screen((a, b), quarter);
    let y_axis = on_screen((-c, -d), quarter);
    let length = |x: f64, y: f64| (x * x + y * y).sqrt().max(1e-6);
    Placed {
        stream,
        width,
        height,
        turn: turn_for(x_axis, y_axis),
        dpi_x: (f64::from(width) * 72.0 / length(a, b)) as f32,
        dpi_y: (f64::from(height) * 72.0 / length(c, d)) as f32,
    }
}

/// Screen directions (y down), as one of right 0, down 1, left 2, up 3.
fn on_screen((x, y): (f64, f64), quarter_turns_cw: u8) -> u8 {
    // User space has y up; the screen has y down, and /Rotate turns the page clockwise.
    let angle = (-y).atan2(x).to_degrees();
    let snapped = ((angle / 90.0).round() as i64).rem_euclid(4) as u8;
    (snapped + quarter_turns_cw) % 4
}

/// The orientation that shows the stored image upright, given where its axes point.
fn turn_for(x_axis: u8, y_axis: u8) -> Orientation {
    match (x_axis, y_axis) {
        (0, 3) => Orientation::FlipVertical,
        (1, 2) => Orientation::Rotate90,
        (1, 0) => Orientation::Rotate90FlipH,
        (2, 3) => Orientation::Rotate180,
        (2, 1) => Orientation::FlipHorizontal,
        (3, 0) => Orientation::Rotate270,
        (3, 2) => Orientation::Rotate270FlipH,
        _ => Orientation::NoTransforms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_give_the_turn_that_shows_the_image_upright() {
        // Drawn straight: x right, rows down.
        assert_eq!(
            turn_for(on_screen((1.0, 0.0), 0), on_screen((0.0, -1.0), 0)),
            Orientation::NoTransforms
        );
        // Page /Rotate 90 on a straight image: the stored image must turn clockwise.
        assert_eq!(
            turn_for(on_screen((1.0, 0.0), 1), on_screen((0.0, -1.0), 1)),
            Orientation::Rotate90
        );
        // Matrix turns the image a quarter counter-clockwise on the page.
        assert_eq!(
            turn_for(on_screen((0.0, 1.0), 0), on_screen((1.0, 0.0), 0)),
            Orientation::Rotate270
        );
        // A small skew snaps to the nearest quarter.
        assert_eq!(
            turn_for(on_screen((1.0, 0.05), 0), on_screen((0.05, -1.0), 0)),
            Orientation::NoTransforms
        );
    }

    #[test]
    fn cm_premultiplies_the_current_matrix() {
        let scale = [2.0, 0.0, 0.0, 2.0, 0.0, 0.0];
        let shift = [1.0, 0.0, 0.0, 1.0, 10.0, 0.0];
        // Scale drawn inside a shifted state: x' = 2x + 10.
        assert_eq!(multiply(scale, shift), [2.0, 0.0, 0.0, 2.0, 10.0, 0.0]);
    }
}
