//! Speckle removal: connected specks of ink far smaller than a full stop (toner dust on a
//! photocopy, scanner noise) become paper. Dots of i, diacritics and full stops are bigger
//! than [`MAX_SPECK_MM2`] at any resolution the archive accepts.

/// Largest speck removed, in square millimetres (a full stop at 10 pt is about 0.12 mm²).
pub const MAX_SPECK_MM2: f32 = 0.035;

/// Turn every 8-connected ink component of at most the speck area into paper (in place;
/// 0 = ink, 255 = paper). Returns how many specks went.
pub fn remove(b: &mut [u8], width: usize, px_per_mm: f32) -> usize {
    let height = b.len() / width;
    let max_area = ((MAX_SPECK_MM2 * px_per_mm * px_per_mm) as usize).max(2);
    let mut seen = vec![false; b.len()];
    let mut stack = Vec::new();
    let mut component = Vec::new();
    let mut removed = 0;
    for start in 0..b.len() {
        if b[start] != 0 || seen[start] {
            continue;
        }
        component.clear();
        stack.push(start);
        seen[start] = true;
        // Stop collecting once the component is too big to be a speck; its pixels
        // are still marked seen so the walk over it finishes.
        while let Some(i) = stack.pop() {
            if component.len() <= max_area {
                component.push(i);
            }
            let (x, y) = (i % width, i / width);
            for dy in -1i64..=1 {
                for dx in -1i64..=1 {
                    let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                    if nx < 0 || ny < 0 || nx >= width as i64 || ny >= height as i64 {
                        continue;
                    }
                    let j = ny as usize * width + nx as usize;
                    if b[j] == 0 && !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        if component.len() <= max_area {
            for &i in &component {
                b[i] = 255;
            }
            removed += 1;
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specks_go_and_a_full_stop_stays() {
        let w = 60;
        let mut b = vec![255u8; w * 60];
        b[10 * w + 10] = 0; // a one-pixel speck
        for y in 30..36 {
            for x in 30..36 {
                b[y * w + x] = 0; // a 6×6 full stop at 12 px/mm = 0.25 mm²
            }
        }
        assert_eq!(remove(&mut b, w, 12.0), 1);
        assert_eq!(b[10 * w + 10], 255);
        assert_eq!(b[32 * w + 32], 0);
    }
}
