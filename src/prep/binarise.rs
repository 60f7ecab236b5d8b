//! Sauvola binarisation: each pixel is compared with a threshold from the mean and standard
//! deviation of its neighbourhood, `mean · (1 + k · (sd / R − 1))`, so a grey copier
//! background, a dark corner or a shadow along the spine become paper while ink stays ink.
//! Window statistics come from running column sums, so the window size costs nothing.

use super::gray::Gray;

/// Sauvola's parameters.
#[derive(Debug, Clone, Copy)]
pub struct Sauvola {
    /// Window side in pixels (odd, about twice a letter's height).
    pub window: usize,
    /// Sensitivity: higher makes faint grey paper rather than ink.
    pub k: f32,
}

/// 0 for ink, 255 for paper.
pub fn sauvola(g: Gray<'_>, params: Sauvola) -> Vec<u8> {
    const R: f64 = 128.0;
    let half = params.window / 2;
    let (w, h) = (g.width, g.height);
    // Column sums over the rows of the current window, updated row by row; a prefix over
    // them gives any window's sums. Memory is a few rows, not a page of integrals.
    let mut col = vec![0u64; w];
    let mut col_sq = vec![0u64; w];
    let mut prefix = vec![0u64; w + 1];
    let mut prefix_sq = vec![0u64; w + 1];
    let add = |col: &mut [u64], col_sq: &mut [u64], y: usize, sign: bool| {
        for (x, &v) in g.pixels[y * w..(y + 1) * w].iter().enumerate() {
            let (v, v2) = (u64::from(v), u64::from(v) * u64::from(v));
            if sign {
                col[x] += v;
                col_sq[x] += v2;
            } else {
                col[x] -= v;
                col_sq[x] -= v2;
            }
        }
    };
    for y in 0..half.min(h) {
        add(&mut col, &mut col_sq, y, true);
    }
    let mut out = vec![255u8; g.pixels.len()];
    for y in 0..h {
        if y + half < h {
            add(&mut col, &mut col_sq, y + half, true);
        }
        if y > half {
            add(&mut col, &mut col_sq, y - half - 1, false);
        }
        let rows = ((y + half + 1).min(h) - y.saturating_sub(half)) as u64;
        for x in 0..w {
            prefix[x + 1] = prefix[x] + col[x];
            prefix_sq[x + 1] = prefix_sq[x] + col_sq[x];
        }
        for x in 0..w {
            let (x0, x1) = (x.saturating_sub(half), (x + half + 1).min(w));
            let n = ((x1 - x0) as u64 * rows) as f64;
            let mean = (prefix[x1] - prefix[x0]) as f64 / n;
            let var = ((prefix_sq[x1] - prefix_sq[x0]) as f64 / n - mean * mean).max(0.0);
            let t = mean * (1.0 + f64::from(params.k) * (var.sqrt() / R - 1.0));
            if f64::from(g.at(x, y)) < t {
                out[y * w + x] = 0;
            }
        }
    }
    out
}

/// One global threshold halfway between paper and ink, for pages whose paper is even.
pub fn threshold(g: Gray<'_>, level: u8) -> Vec<u8> {
    g.pixels
        .iter()
        .map(|&v| if v < level { 0 } else { 255 })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dark_ink_on_a_shaded_page_is_ink_and_the_shade_is_paper() {
        // Paper shaded from 240 (left) to 140 (right), a dark bar across the middle rows.
        let (w, h) = (120usize, 40usize);
        let mut pixels = vec![0u8; w * h];
        for y in 0..h {
            for x in 0..w {
                let paper = 240 - (x * 100 / w) as u8;
                pixels[y * w + x] = if (18..22).contains(&y) {
                    paper / 4
                } else {
                    paper
                };
            }
        }
        let g = Gray {
            pixels: &pixels,
            width: w,
            height: h,
        };
        let b = sauvola(g, Sauvola { window: 15, k: 0.2 });
        assert!((0..w).all(|x| b[20 * w + x] == 0));
        assert!((0..w).all(|x| b[5 * w + x] == 255 && b[35 * w + x] == 255));
    }
}
