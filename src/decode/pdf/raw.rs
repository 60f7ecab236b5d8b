//! A scanner PDF's page images as they are coded, for re-embedding unchanged: a page whose
//! scanned image is drawn upright (no quarter turn, no mirror) through exactly one DCT,
//! CCITT or JBIG2 filter, grey or RGB, without a /Decode array. Encrypted files give the
//! decrypted bytes. Called by `decode/passthrough.rs`.

use hayro_syntax::object::{Array, Dict, Object, Stream};
use hayro_syntax::Filter;
use hayro_syntax::Pdf;
use image::metadata::Orientation;

use super::super::passthrough::Encoded;
use super::scan::{self, Plan};

pub(in super::super) fn encoded_pages(bytes: &[u8]) -> Vec<Option<Encoded>> {
    let Ok(pdf) = Pdf::new(bytes.to_vec()) else {
        return Vec::new();
    };
    pdf.pages()
        .iter()
        .map(|page| match scan::plan(page) {
            Plan::Image(placed) if placed.turn == Orientation::NoTransforms => {
                encoded(&placed.stream, placed.width, placed.height)
            }
            _ => None,
        })
        .collect()
}

fn encoded(stream: &Stream<'_>, width: u32, height: u32) -> Option<Encoded> {
    let dict = stream.dict();
    if inverted(dict) || dict.get::<bool>(b"ImageMask".as_slice()) == Some(true) {
        return None;
    }
    let filters = stream.filters();
    let [filter] = filters.as_slice() else {
        return None;
    };
    let params = decode_params(dict);
    let data = stream.raw_data().to_vec();
    match filter {
        Filter::DctDecode => {
            let components = components(dict)?;
            (dict.get::<u8>(b"BitsPerComponent".as_slice()).unwrap_or(8) == 8).then_some(
                Encoded::Jpeg {
                    data,
                    width,
                    height,
                    components,
                },
            )
        }
        Filter::CcittFaxDecode => ccitt(data, params.as_ref(), width, height),
        Filter::Jbig2Decode => Some(Encoded::Jbig2 {
            data,
            width,
            height,
            globals: params
                .as_ref()
                .and_then(|p| p.get::<Stream<'_>>(b"JBIG2Globals".as_slice()))
                .and_then(|g| g.decoded().ok())
                .map(|g| g.to_vec()),
        }),
        _ => None,
    }
}

/// A CCITT stream whose parameters describe exactly the image, with none of the rarer
/// options (byte-aligned rows, end-of-line codes, no end-of-block) the export does not declare.
fn ccitt(data: Vec<u8>, params: Option<&Dict<'_>>, width: u32, height: u32) -> Option<Encoded> {
    let get_u32 = |key: &[u8]| params.and_then(|p| p.get::<u32>(key));
    let get_bool = |key: &[u8]| params.and_then(|p| p.get::<bool>(key));
    let columns = get_u32(b"Columns").unwrap_or(1728);
    let rows = get_u32(b"Rows").unwrap_or(height);
    let unusual = get_bool(b"EncodedByteAlign") == Some(true)
        || get_bool(b"EndOfLine") == Some(true)
        || get_bool(b"EndOfBlock") == Some(false);
    if columns != width || rows != height || unusual {
        return None;
    }
    Some(Encoded::Ccitt {
        data,
        width,
        height,
        k: params
            .and_then(|p| p.get::<i32>(b"K".as_slice()))
            .unwrap_or(0),
        black_is_1: get_bool(b"BlackIs1").unwrap_or(false),
    })
}

/// A /Decode array other than the identity [0 1 …] changes what the samples mean.
fn inverted(dict: &Dict<'_>) -> bool {
    dict.get::<Array<'_>>(b"Decode".as_slice())
        .is_some_and(|a| {
            let values: Vec<f64> = a.iter::<f64>().collect();
            values.chunks(2).any(|pair| pair != [0.0, 1.0])
        })
}

fn decode_params<'a>(dict: &Dict<'a>) -> Option<Dict<'a>> {
    dict.get::<Dict<'_>>(b"DecodeParms".as_slice()).or_else(|| {
        dict.get::<Array<'_>>(b"DecodeParms".as_slice())
            .and_then(|a| a.iter::<Dict<'_>>().next())
    })
}

/// 1 or 3 for grey or RGB (device, calibrated or ICC-based); `None` for anything else.
fn components(dict: &Dict<'_>) -> Option<u8> {
    match dict.get::<Object<'_>>(b"ColorSpace".as_slice())? {
        Object::Name(name) => match name.as_ref() {
            b"DeviceGray" | b"G" => Some(1),
            b"DeviceRGB" | b"RGB" => Some(3),
            _ => None,
        },
        Object::Array(array) => {
            let mut items = array.iter::<Object<'_>>();
            let kind = items.next().and_then(Object::into_name)?;
            let n = match kind.as_ref() {
                b"ICCBased" => items
                    .next()
                    .and_then(Object::into_stream)
                    .and_then(|s| s.dict().get::<u8>(b"N".as_slice()))?,
                b"CalGray" => 1,
                b"CalRGB" => 3,
                _ => return None,
            };
            matches!(n, 1 | 3).then_some(n)
        }
        _ => None,
    }
}
