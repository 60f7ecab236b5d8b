//! Remnants of erased rulings: the few pixels that ruling removal leaves where two rulings
//! meet or along a ruling's ragged edge (a junction looks to [`super::lines`] like a stroke
//! crossing the ruling). Tiny as they are, they sit between the cells of a table row, so
//! the engine counts them into the row's text line: the line's height, and with it the size
//! the engine scales the row to, grows by the distance to the ruling (small type reads
//! worse: spaces and slashes go), and they come out as `|`, `—` or `'`.
//!
//! A remnant is an ink component that touches a pixel the erasure turned to paper and is
//! far smaller than a letter's full stop. Letters touching a ruling stay: they are bigger.
//! Called by `clean` right after the rulings are erased.

/// Largest remnant, in square millimetres: under a full stop at 10 pt (about 0.12 mm²) and
/// the dot under a Vietnamese vowel, so marks next to a ruling that belong to the text stay.
pub const MAX_REMNANT_MM2: f32 = 0.05;

/// Turn into paper the small ink components of `after` (0 = ink, 255 = paper) that touch a
/// pixel that was ink in `before` and is paper in `after`. Returns how many went.
pub fn sweep(before: &[u8], after: &mut [u8], width: usize, px_per_mm: f32) -> usize {
    let height = after.len() / width;
    let max_area = ((MAX_REMNANT_MM2 * px_per_mm * px_per_mm) as usize).max(2);
    let mut seen = vec![false; after.len()];
    let mut removed = 0;
    for y in 0..height {
        let row = y * width..(y + 1) * width;
        // Most rows were not touched by the erasure; comparing them whole is cheap.
        if before[row.clone()] == after[row.clone()] {
            continue;
        }
        for i in row {
            if before[i] != 0 || after[i] == 0 || !ink_around(after, i, width, height) {
                continue;
            }
            for j in neighbours(i, width, height) {
                if after[j] != 0 || seen[j] {
                    continue;
                }
                if let Some(component) = small_component(after, width, j, max_area, &mut seen) {
                    for k in component {
                        after[k] = 255;
                    }
                    removed += 1;
                }
            }
        }
    }
    removed
}

/// The 8-connected neighbours of pixel `i`.
/// Whether any of the 8 neighbours of `i` is ink: most erased pixels lie inside the
/// erased ruling, with paper all round, and are passed over without walking neighbours.
fn ink_around(b: &[u8], i: usize, width: usize, height: usize) -> bool {
    let (x, y) = (i % width, i / width);
    if x == 0 || y == 0 || x + 1 >= width || y + 1 >= height {
        return neighbours(i, width, height).any(|j| b[j] == 0);
    }
    let rows = [i - width, i, i + width];
    rows.iter()
        .any(|&r| b[r - 1] == 0 || b[r] == 0 || b[r + 1] == 0)
}

fn neighbours(i: usize, width: usize, height: usize) -> impl Iterator<Item = usize> {
    let (x, y) = ((i % width) as i64, (i / width) as i64);
    (-1i64..=1)
        .flat_map(move |dy| (-1i64..=1).map(move |dx| (x + dx, y + dy)))
        .filter(move |&(nx, ny)| {
            (nx, ny) != (x, y) && nx >= 0 && ny >= 0 && nx < width as i64 && ny < height as i64
        })
        .map(move |(nx, ny)| ny as usize * width + nx as usize)
}

/// The ink component of `b` holding `start` when it has at most `max_area` pixels. The walk
/// stops as soon as it grows past that (a letter), so a big component costs little; its
/// pixels walked stay `seen`, and a later walk from another of its pixels stops as soon.
fn small_component(
    b: &[u8],
    width: usize,
    start: usize,
    max_area: usize,
    seen: &mut [bool],
) -> Option<Vec<usize>> {
    let height = b.len() / width;
    let mut component = vec![start];
    seen[start] = true;
    let mut next = 0;
    while next < component.len() {
        let i = component[next];
        next += 1;
        for j in neighbours(i, width, height) {
            if b[j] == 0 && !seen[j] {
                seen[j] = true;
                component.push(j);
                if component.len() > max_area {
                    return None;
                }
            }
        }
    }
    Some(component)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_junction_remnant_goes_and_a_letter_touching_the_ruling_stays() {
        let w = 80;
        let before = {
            let mut b = vec![255u8; w * 40];
            for x in 0..w {
                for y in 20..23 {
                    b[y * w + x] = 0; // a ruling
                }
            }
            b[19 * w + 10] = 0; // its remnant above, at a junction
            for y in 8..20 {
                for x in 50..54 {
                    b[y * w + x] = 0; // a stem standing on the ruling
                }
            }
            b
        };
        let mut after = before.clone();
        for x in 0..w {
            for y in 20..23 {
                after[y * w + x] = 255; // erased
            }
        }
        assert_eq!(sweep(&before, &mut after, w, 12.0), 1);
        assert_eq!(after[19 * w + 10], 255);
        assert!((8..20).all(|y| after[y * w + 51] == 0), "the stem is cut");
    }

    #[test]
    fn a_full_stop_away_from_rulings_stays() {
        let w = 40;
        let mut before = vec![255u8; w * 40];
        before[10 * w + 10] = 0;
        let mut after = before.clone();
        assert_eq!(sweep(&before, &mut after, w, 12.0), 0);
        assert_eq!(after[10 * w + 10], 0);
    }
}
