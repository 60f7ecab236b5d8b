//! A borrowed 8-bit grey raster and the few whole-image helpers the cleaning steps share.

/// Row-major 8-bit pixels, `width` bytes per row.
#[derive(Debug, Clone, Copy)]
pub struct Gray<'a> {
    pub pixels: &'a [u8],
    pub width: usize,
    pub height: usize,
}

impl Gray<'_> {
    pub fn at(&self, x: usize, y: usize) -> u8 {
        self.pixels[y * self.width + x]
    }
}

/// Pixels per millimetre at `dpi` (300 dpi when the file does not say: most scans are).
pub fn px_per_mm(dpi: Option<f32>) -> f32 {
    dpi.filter(|d| (70.0..=1200.0).contains(d)).unwrap_or(300.0) / 25.4
}

/// The page reduced by averaging `f`×`f` cells (the remainder rows and columns dropped):
/// `(pixels, width, height)`. Sums whole rows into column totals first, so the inner loops
/// run over contiguous memory; a full page at 300 dpi takes about a millisecond.
pub fn reduce(g: Gray<'_>, f: usize) -> (Vec<u8>, usize, usize) {
    let f = f.max(1);
    let (w, h) = (g.width / f, g.height / f);
    let area = (f * f) as u32;
    let mut out = Vec::with_capacity(w * h);
    let mut columns = vec![0u32; w * f];
    for by in 0..h {
        columns.iter_mut().for_each(|c| *c = 0);
        for y in by * f..by * f + f {
            let row = &g.pixels[y * g.width..y * g.width + w * f];
            for (c, &v) in columns.iter_mut().zip(row) {
                *c += u32::from(v);
            }
        }
        out.extend(
            columns
                .chunks_exact(f)
                .map(|cell| (cell.iter().sum::<u32>() / area) as u8),
        );
    }
    (out, w, h)
}

/// How many pixels have each level. Four partial counts break the chain of increments of
/// the same bin (a page is mostly one paper level), which otherwise serialises the loop.
pub fn histogram(values: &[u8]) -> [usize; 256] {
    let mut parts = [[0usize; 256]; 4];
    let mut quads = values.chunks_exact(4);
    for q in &mut quads {
        parts[0][usize::from(q[0])] += 1;
        parts[1][usize::from(q[1])] += 1;
        parts[2][usize::from(q[2])] += 1;
        parts[3][usize::from(q[3])] += 1;
    }
    for &v in quads.remainder() {
        parts[0][usize::from(v)] += 1;
    }
    let mut total = [0usize; 256];
    for (level, t) in total.iter_mut().enumerate() {
        *t = parts.iter().map(|p| p[level]).sum();
    }
    total
}

/// The value at fraction `p` (0..=1) of the sorted `values`, as
/// `sorted[round((len - 1) × p)]`, counted in a histogram (no sorting, no copy); 255 when
/// empty.
pub fn percentile(values: &[u8], p: f32) -> u8 {
    if values.is_empty() {
        return 255;
    }
    let histogram = histogram(values);
    let rank = ((values.len() - 1) as f32 * p).round() as usize;
    let mut seen = 0;
    for (level, &count) in histogram.iter().enumerate() {
        seen += count;
        if seen > rank {
            return level as u8;
        }
    }
    255
}

/// Otsu's split of the levels under `limit` of a histogram in two classes.
#[derive(Debug, Clone, Copy)]
pub struct Split {
    /// The first level of the lighter class.
    pub level: u8,
    pub dark_mean: f64,
    pub light_mean: f64,
    pub dark_count: usize,
    pub light_count: usize,
}

/// Otsu's threshold of the levels under `limit` of `hist`: the level that best splits them
/// in two (ink from paper over the whole histogram; under the paper's level, two inks).
/// `None` when those levels hold fewer than two distinct values.
pub fn otsu(hist: &[usize; 256], limit: usize) -> Option<Split> {
    let hist = &hist[..limit.min(256)];
    let total: usize = hist.iter().sum();
    let sum_all: f64 = hist
        .iter()
        .enumerate()
        .map(|(i, &c)| i as f64 * c as f64)
        .sum();
    let (mut count_b, mut sum_b) = (0usize, 0.0);
    let mut best: Option<(f64, Split)> = None;
    for (t, &c) in hist.iter().enumerate() {
        count_b += c;
        sum_b += t as f64 * c as f64;
        if count_b == 0 || count_b == total {
            continue;
        }
        let count_f = total - count_b;
        let (mean_b, mean_f) = (sum_b / count_b as f64, (sum_all - sum_b) / count_f as f64);
        let between = count_b as f64 * count_f as f64 * (mean_b - mean_f).powi(2);
        if best.as_ref().is_none_or(|(b, _)| between > *b) {
            let split = Split {
                level: (t + 1).min(255) as u8,
                dark_mean: mean_b,
                light_mean: mean_f,
                dark_count: count_b,
                light_count: count_f,
            };
            best = Some((between, split));
        }
    }
    best.map(|(_, s)| s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slow_reduce(g: Gray<'_>, f: usize) -> Vec<u8> {
        let (w, h) = (g.width / f, g.height / f);
        let mut out = Vec::new();
        for by in 0..h {
            for bx in 0..w {
                let s: u32 = (by * f..by * f + f)
                    .flat_map(|y| (bx * f..bx * f + f).map(move |x| (x, y)))
                    .map(|(x, y)| u32::from(g.at(x, y)))
                    .sum();
                out.push((s / (f * f) as u32) as u8);
            }
        }
        out
    }

    #[test]
    fn reduce_averages_cells_and_drops_the_remainder() {
        let (w, h) = (23usize, 17usize);
        let pixels: Vec<u8> = (0..w * h).map(|i| (i * 37 % 251) as u8).collect();
        let g = Gray {
            pixels: &pixels,
            width: w,
            height: h,
        };
        for f in 1..6 {
            let (small, sw, sh) = reduce(g, f);
            assert_eq!((sw, sh), (w / f, h / f));
            assert_eq!(small, slow_reduce(g, f), "factor {f}");
        }
    }

    #[test]
    fn percentile_matches_sorting() {
        let values: Vec<u8> = (0..1001).map(|i| (i * 89 % 256) as u8).collect();
        let mut sorted = values.clone();
        sorted.sort_unstable();
        for p in [0.0, 0.005, 0.1, 0.5, 0.8, 0.9, 1.0] {
            let i = ((sorted.len() - 1) as f32 * p).round() as usize;
            assert_eq!(percentile(&values, p), sorted[i], "p = {p}");
        }
        assert_eq!(percentile(&[], 0.5), 255);
    }
}
