//! Declared resolution (dpi) of a page, read from the metadata each format keeps it in: TIFF
//! and EXIF resolution tags, PNG `pHYs`, JFIF density, BMP pixels per metre. Absent,
//! aspect-only or nonsensical values give `None`, so the pipeline's "dpi unknown" rule applies
//! instead of a made-up number.
//!
//! Metric units are converted and rounded to 0.1 dpi: a 200 dpi scan stored as 7874 px/m is
//! 199.9996 dpi, and must not fail an "at least 200 dpi" rule for a rounding artefact.

use crate::model::Dpi;

use super::tiff::ifd::{tag, Directory, Layout};

/// The unit a resolution is expressed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unit {
    Inch,
    Centimetre,
    Metre,
}

/// Builds a `Dpi` from per-unit densities, or `None` when either axis is unusable.
pub(super) fn dpi(x: f64, y: f64, unit: Unit) -> Option<Dpi> {
    let per_inch = match unit {
        Unit::Inch => 1.0,
        Unit::Centimetre => 2.54,
        Unit::Metre => 0.0254,
    };
    let convert = |v: f64| {
        let dpi = (v * per_inch * 10.0).round() / 10.0;
        (dpi.is_finite() && dpi > 0.0 && dpi <= 100_000.0).then_some(dpi as f32)
    };
    Some(Dpi {
        x: convert(x)?,
        y: convert(y)?,
    })
}

/// Resolution of a TIFF directory (also used for EXIF IFD0). ResolutionUnit defaults to inch,
/// as the TIFF specification says; unit 1 ("no absolute unit") gives `None`.
pub(super) fn tiff_dpi(layout: &Layout, dir: &Directory) -> Option<Dpi> {
    let x = layout.number(dir.entry(tag::X_RESOLUTION)?)?;
    let y = dir
        .entry(tag::Y_RESOLUTION)
        .and_then(|e| layout.number(e))
        .unwrap_or(x);
    let unit = match layout.get(dir, tag::RESOLUTION_UNIT, 2).ok()? {
        2 => Unit::Inch,
        3 => Unit::Centimetre,
        _ => return None,
    };
    dpi(x, y, unit)
}

/// Resolution from an EXIF block (the TIFF structure after `Exif\0\0`).
pub(super) fn exif_dpi(tiff_bytes: &[u8]) -> Option<Dpi> {
    let layout = Layout::parse(tiff_bytes).ok()?;
    let dir = layout.read_dir(layout.first).ok()?;
    tiff_dpi(&layout, &dir)
}

/// Resolution from the PNG `pHYs` chunk, which must come before the image data.
pub(super) fn png_dpi(bytes: &[u8]) -> Option<Dpi> {
    let mut pos: usize = 8;
    loop {
        let len = usize::try_from(be32(bytes.get(pos..pos + 4)?)).ok()?;
        let kind = bytes.get(pos + 4..pos + 8)?;
        let data = bytes.get(pos + 8..pos.checked_add(8)?.checked_add(len)?)?;
        match kind {
            b"pHYs" if data.len() == 9 => {
                let unit_is_metre = data[8] == 1;
                let (x, y) = (be32(&data[..4]), be32(&data[4..8]));
                return unit_is_metre.then(|| dpi(x.into(), y.into(), Unit::Metre))?;
            }
            b"IDAT" | b"IEND" => return None,
            _ => pos = pos.checked_add(12)?.checked_add(len)?,
        }
    }
}

/// Resolution from a BMP info header (pixels per metre), present from the 40-byte header on.
pub(super) fn bmp_dpi(bytes: &[u8]) -> Option<Dpi> {
    let header_size = le32(bytes.get(14..18)?);
    if header_size < 40 {
        return None;
    }
    let x = le32(bytes.get(38..42)?);
    let y = le32(bytes.get(42..46)?);
    dpi(f64::from(x as i32), f64::from(y as i32), Unit::Metre)
}

fn be32(raw: &[u8]) -> u32 {
    raw.iter()
        .take(4)
        .fold(0, |acc, &b| (acc << 8) | u32::from(b))
}

fn le32(raw: &[u8]) -> u32 {
    raw.iter()
        .take(4)
        .rev()
        .fold(0, |acc, &b| (acc << 8) | u32::from(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_resolutions_round_to_whole_scanner_settings() {
        let png = dpi(7874.0, 7874.0, Unit::Metre).expect("valid");
        assert_eq!((png.x, png.y), (200.0, 200.0));
        let cm = dpi(118.11, 118.11, Unit::Centimetre).expect("valid");
        assert_eq!(cm.x, 300.0);
        assert_eq!(dpi(0.0, 300.0, Unit::Inch), None);
        assert_eq!(dpi(f64::NAN, 300.0, Unit::Inch), None);
    }
}
