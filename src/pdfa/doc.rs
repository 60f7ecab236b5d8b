//! Assembles one dossier's PDF/A-2b file from its pages: catalog with the sRGB OutputIntent
//! and XMP metadata, Info, the glyphless Type0 font (embedded, with ToUnicode), and per page
//! its picture and content stream. No encryption, no LZW, no JavaScript, version 1.7. The
//! trailer /ID is the SHA-256 of everything written before it, so equal input gives equal
//! bytes. Called by `pdfa::export_dossier`.

use miniz_oxide::deflate::compress_to_vec_zlib;
use pdf_writer::types::{CidFontType, FontFlags, OutputIntentSubtype, SystemInfo};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use sha2::{Digest, Sha256};

use super::image::Picture;
use super::meta::{DocMeta, TO_UNICODE};
use super::text::{page_content, Frame};
use crate::decode::Encoded;
use crate::model::Word;

const GLYPHLESS_TTF: &[u8] = include_bytes!("../../assets/pdfa/glyphless.ttf");
const SRGB_ICC: &[u8] = include_bytes!("../../assets/pdfa/sRGB.icc");

/// One page to write.
pub struct PageOut {
    pub picture: Picture,
    pub frame: Frame,
    pub words: Vec<Word>,
}

/// Fixed objects, numbered before the pages.
struct Ids {
    catalog: Ref,
    tree: Ref,
    font: Ref,
    cid_font: Ref,
    descriptor: Ref,
    font_file: Ref,
    to_unicode: Ref,
    cid_to_gid: Ref,
    icc: Ref,
    xmp: Ref,
    info: Ref,
}

const FONT: Name<'static> = Name(b"F0");
const IMAGE: Name<'static> = Name(b"Im0");

/// The PDF bytes of a dossier.
pub fn write(meta: &DocMeta, pages: &[PageOut]) -> Vec<u8> {
    let mut next = Ref::new(1);
    let mut alloc = || next.bump();
    let ids = Ids {
        catalog: alloc(),
        tree: alloc(),
        font: alloc(),
        cid_font: alloc(),
        descriptor: alloc(),
        font_file: alloc(),
        to_unicode: alloc(),
        cid_to_gid: alloc(),
        icc: alloc(),
        xmp: alloc(),
        info: alloc(),
    };
    let page_ids: Vec<[Ref; 4]> = pages
        .iter()
        .map(|_| [alloc(), alloc(), alloc(), alloc()])
        .collect();
    let mut pdf = Pdf::new();
    pdf.set_version(1, 7);
    write_catalog(&mut pdf, &ids, meta);
    pdf.pages(ids.tree)
        .kids(page_ids.iter().map(|p| p[0]))
        .count(page_ids.len() as i32);
    write_font(&mut pdf, &ids);
    for (page, refs) in pages.iter().zip(&page_ids) {
        write_page(&mut pdf, &ids, page, *refs);
    }
    let digest = Sha256::digest(pdf.as_bytes());
    let id = digest[..16].to_vec();
    pdf.set_file_id((id.clone(), id));
    pdf.finish()
}

fn write_catalog(pdf: &mut Pdf, ids: &Ids, meta: &DocMeta) {
    let mut catalog = pdf.catalog(ids.catalog);
    catalog.pages(ids.tree).metadata(ids.xmp);
    catalog
        .output_intents()
        .push()
        .subtype(OutputIntentSubtype::PDFA)
        .output_condition_identifier(TextStr("sRGB"))
        .info(TextStr("sRGB IEC61966-2.1"))
        .dest_output_profile(ids.icc);
    catalog.finish();
    let icc = compress_to_vec_zlib(SRGB_ICC, 9);
    pdf.icc_profile(ids.icc, &icc)
        .n(3)
        .filter(Filter::FlateDecode);
    let xmp = meta.xmp();
    pdf.metadata(ids.xmp, xmp.as_bytes());
    let date = meta.pdf_date();
    pdf.document_info(ids.info)
        .title(TextStr(&meta.title))
        .creator(TextStr(&meta.creator))
        .producer(TextStr(&meta.creator))
        .creation_date(date)
        .modified_date(date);
}

fn write_font(pdf: &mut Pdf, ids: &Ids) {
    pdf.type0_font(ids.font)
        .base_font(Name(b"GlyphLessFont"))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(ids.cid_font)
        .to_unicode(ids.to_unicode);
    pdf.cid_font(ids.cid_font)
        .subtype(CidFontType::Type2)
        .base_font(Name(b"GlyphLessFont"))
        .system_info(SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        })
        .font_descriptor(ids.descriptor)
        .default_width(500.0)
        .cid_to_gid_map_stream(ids.cid_to_gid);
    pdf.font_descriptor(ids.descriptor)
        .name(Name(b"GlyphLessFont"))
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(0.0, 0.0, 500.0, 1000.0))
        .italic_angle(0.0)
        .ascent(1000.0)
        .descent(0.0)
        .cap_height(1000.0)
        .stem_v(80.0)
        .font_file2(ids.font_file);
    let ttf = compress_to_vec_zlib(GLYPHLESS_TTF, 9);
    pdf.stream(ids.font_file, &ttf)
        .filter(Filter::FlateDecode)
        .pair(Name(b"Length1"), GLYPHLESS_TTF.len() as i32);
    let to_unicode = compress_to_vec_zlib(TO_UNICODE, 9);
    pdf.cmap(ids.to_unicode, &to_unicode)
        .name(Name(b"Adobe-Identity-UCS"))
        .system_info(SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"UCS"),
            supplement: 0,
        })
        .filter(Filter::FlateDecode);
    // Every CID draws the font's one glyph (GID 1).
    let map: Vec<u8> = std::iter::repeat_n([0u8, 1u8], 65536).flatten().collect();
    let map = compress_to_vec_zlib(&map, 9);
    pdf.stream(ids.cid_to_gid, &map).filter(Filter::FlateDecode);
}

fn write_page(pdf: &mut Pdf, ids: &Ids, page: &PageOut, refs: [Ref; 4]) {
    let [id, content_id, image_id, globals_id] = refs;
    let (w, h) = page.frame.page_size();
    let mut p = pdf.page(id);
    p.parent(ids.tree)
        .media_box(Rect::new(0.0, 0.0, w, h))
        .contents(content_id);
    let mut resources = p.resources();
    resources.fonts().pair(FONT, ids.font);
    resources.x_objects().pair(IMAGE, image_id);
    resources.finish();
    p.finish();
    let content = page_content(&page.frame, IMAGE, FONT, &page.words);
    let content = compress_to_vec_zlib(&content, 6);
    pdf.stream(content_id, &content).filter(Filter::FlateDecode);
    write_picture(pdf, (image_id, globals_id), &page.picture);
}

fn write_picture(pdf: &mut Pdf, (id, globals_id): (Ref, Ref), picture: &Picture) {
    if let Picture::Encoded(Encoded::Jbig2 {
        globals: Some(globals),
        ..
    }) = picture
    {
        pdf.stream(globals_id, globals);
    }
    let (width, height) = picture.size();
    let mut image = pdf.image_xobject(id, picture.data());
    image.width(width as i32).height(height as i32);
    match picture {
        Picture::Encoded(Encoded::Jpeg { components, .. }) => {
            image.bits_per_component(8);
            if *components == 1 {
                image.color_space().device_gray();
            } else {
                image.color_space().device_rgb();
            }
            image.filter(Filter::DctDecode);
        }
        Picture::Encoded(Encoded::Ccitt { k, black_is_1, .. }) => {
            image.bits_per_component(1);
            image.color_space().device_gray();
            image.filter(Filter::CcittFaxDecode);
            let mut parms = image.decode_parms();
            parms.pair(Name(b"K"), *k);
            parms.pair(Name(b"Columns"), width as i32);
            parms.pair(Name(b"Rows"), height as i32);
            parms.pair(Name(b"BlackIs1"), *black_is_1);
        }
        Picture::Encoded(Encoded::Jbig2 { globals, .. }) => {
            image.bits_per_component(1);
            image.color_space().device_gray();
            image.filter(Filter::Jbig2Decode);
            if globals.is_some() {
                image.decode_parms().pair(Name(b"JBIG2Globals"), globals_id);
            }
        }
        Picture::Flate { bits, .. } => {
            image.bits_per_component(i32::from(*bits));
            image.color_space().device_gray();
            image.filter(Filter::FlateDecode);
        }
    }
}
