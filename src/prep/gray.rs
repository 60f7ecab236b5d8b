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
