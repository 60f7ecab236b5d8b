//! Combs of boxes: a row of adjacent boxes of about equal width, one character each, as
//! forms print the 12-digit personal ID number (and the 9-digit identity-card number). Found
//! from the vertical rulings of the page: box sides of about the same top, bottom and
//! thickness, evenly spaced by about a box's height or less.

use super::lines::Segment;

/// Fewest and most boxes taken for a comb (9-digit and 12-digit numbers, and a margin).
pub const CELLS: std::ops::RangeInclusive<usize> = 8..=14;

/// One comb: the inside of each box, left to right, as (x0, x1) columns, and the rows
/// y0..y1 inside the boxes; `outer` is the whole comb with its borders (x, y, w, h).
#[derive(Debug, Clone, PartialEq)]
pub struct Comb {
    pub cells: Vec<(usize, usize)>,
    pub y0: usize,
    pub y1: usize,
    pub outer: (usize, usize, usize, usize),
}

fn height(s: &Segment) -> usize {
    s.y1 - s.y0 + 1
}

/// Whether `next` continues a chain whose last side is `last`, with box width `pitch`
/// (`None` while the chain has one side).
fn continues(last: &Segment, next: &Segment, pitch: Option<usize>) -> bool {
    let h = height(last);
    let tol = (h / 6).max(2);
    if next.y0.abs_diff(last.y0) > tol || height(next).abs_diff(h) > tol {
        return false;
    }
    let gap = next.x0.saturating_sub(last.x0);
    match pitch {
        None => gap * 10 >= h * 4 && gap * 10 <= h * 15,
        Some(p) => gap.abs_diff(p) * 6 <= p,
    }
}

/// Every comb among the vertical rulings (left to right, as `lines::find` gives them).
pub fn find(vertical: &[Segment]) -> Vec<Comb> {
    let mut used = vec![false; vertical.len()];
    let mut combs = Vec::new();
    for i in 0..vertical.len() {
        if used[i] {
            continue;
        }
        let mut chain = vec![i];
        let mut pitch = None;
        for j in i + 1..vertical.len() {
            let last = &vertical[*chain.last().unwrap_or(&i)];
            if used[j] || !continues(last, &vertical[j], pitch) {
                continue;
            }
            pitch.get_or_insert(vertical[j].x0 - last.x0);
            chain.push(j);
        }
        if CELLS.contains(&(chain.len() - 1)) {
            chain.iter().for_each(|&k| used[k] = true);
            combs.push(comb(
                &chain.iter().map(|&k| vertical[k]).collect::<Vec<_>>(),
            ));
        }
    }
    combs
}

fn comb(sides: &[Segment]) -> Comb {
    let thick = sides.iter().map(|s| s.x1 - s.x0 + 1).max().unwrap_or(1);
    let y0 = sides.iter().map(|s| s.y0).max().unwrap_or(0);
    let y1 = sides.iter().map(|s| s.y1).min().unwrap_or(0);
    let first = sides[0];
    let last = sides[sides.len() - 1];
    Comb {
        cells: sides.windows(2).map(|w| (w[0].x1 + 1, w[1].x0)).collect(),
        // The top and bottom borders are about as thick as the sides.
        y0: y0 + thick,
        y1: y1.saturating_sub(thick),
        outer: (
            first.x0,
            first.y0.min(last.y0),
            last.x1 - first.x0 + 1,
            height(&first).max(height(&last)),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(x: usize, y0: usize) -> Segment {
        Segment {
            x0: x,
            x1: x + 2,
            y0,
            y1: y0 + 80,
        }
    }

    #[test]
    fn twelve_even_boxes_make_a_comb_and_table_columns_do_not() {
        let mut sides: Vec<Segment> = (0..13).map(|i| side(400 + i * 61, 100 + i / 4)).collect();
        // Table columns: tall and unevenly spaced.
        sides.extend([0, 120, 700].map(|x| Segment {
            x0: x,
            x1: x + 2,
            y0: 500,
            y1: 1200,
        }));
        sides.sort_by_key(|s| s.x0);
        let combs = find(&sides);
        assert_eq!(combs.len(), 1);
        assert_eq!(combs[0].cells.len(), 12);
        assert_eq!(combs[0].cells[0], (403, 461));
    }

    #[test]
    fn five_boxes_are_no_id_comb() {
        let sides: Vec<Segment> = (0..6).map(|i| side(400 + i * 61, 100)).collect();
        assert!(find(&sides).is_empty());
    }
}
