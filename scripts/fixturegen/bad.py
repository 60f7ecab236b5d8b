"""Broken inputs for fixtures/bad/: each file is one dossier of a collection
read with layout = "file", and each must be refused with a specific error
while the batch goes on. EXPECTED.tsv lists the error kind of each file."""

import io
import struct
import zlib

from . import content, layout, save, scan
from .corpus import rngs

EXPECTED = [
    ("empty.jpg", "empty", "0-byte file"),
    ("truncated.jpg", "truncated", "real JPEG page cut to 40 % of its length (no EOI marker)"),
    ("truncated.png", "truncated", "real PNG page cut in the middle of an IDAT chunk"),
    ("ghi-chu.tif", "not-an-image", "UTF-8 text note saved with a .tif name"),
    ("scan-0001.jpg", "not-an-image", "HTML error page saved by a download script as .jpg"),
    ("bomb.png", "too-large", "IHDR declares 100000 x 100000 px (1-bit gray, CRCs valid); "
     "image data for the first rows only: refuse on the declared size, before decoding"),
    ("bomb.tif", "too-large", "complete, valid 60000 x 60000 px bilevel CCITT G4 TIFF of "
     "7.5 KB (all white): 3.6 Gpx, refuse before decoding"),
    ("bad-ifd.tif", "truncated", "real TIFF whose first-IFD offset points past the end of the file, as a file cut short looks"),
    ("bad-entries.tif", "corrupt", "real TIFF whose first IFD sits 4 bytes before the end and declares more entries than fit"),
    ("bad-crc.png", "corrupt", "real PNG with a wrong CRC on its IHDR chunk"),
]

NOTE = """Ghi chú bàn giao lô quét ngày 05/06/2023
Máy trạm: MT-07, người quét: Nguyễn Thị Thuỷ
Hồ sơ CT-2023-0412 thiếu trang 3, đã báo bộ phận tiếp nhận.
"""

HTML = """<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><title>502 Bad Gateway</title></head>
<body>
<h1>502 Bad Gateway</h1>
<p>Máy chủ lưu trữ tạm thời không phản hồi. Vui lòng thử lại sau.</p>
<hr><address>nginx</address>
</body>
</html>
"""


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_chunks(data):
    """(offset, kind, length) of each chunk after the 8-byte signature."""
    pos, out = 8, []
    while pos < len(data):
        length = struct.unpack(">I", data[pos:pos + 4])[0]
        out.append((pos, data[pos + 4:pos + 8], length))
        pos += 12 + length
    return out


def sample_page():
    """The top third of a real gray scan: the source of the damaged files."""
    rng, nprng = rngs("bad", "sample")
    ctx = content.context(rng, province="Hà Nội")
    mask, _, _ = layout.render(content.page_blocks("form", ctx, rng), 200, 12)
    image, _ = scan.degrade(mask, 200, "clean", nprng)
    return image.crop((0, 0, image.width, image.height // 3))


def encoded(image, fmt, **kwargs):
    buf = io.BytesIO()
    image.save(buf, fmt, dpi=(200, 200), **kwargs)
    return buf.getvalue()


def truncated_png(png):
    idat = [(pos, length) for pos, kind, length in png_chunks(png) if kind == b"IDAT"]
    pos, length = idat[len(idat) // 2]
    return png[:pos + 8 + length // 2]


def bad_crc_png(png):
    crc_at = 8 + 8 + 13                      # signature, IHDR length+type, IHDR data
    crc = struct.unpack(">I", png[crc_at:crc_at + 4])[0]
    return png[:crc_at] + struct.pack(">I", crc ^ 0x5A5A5A5A) + png[crc_at + 4:]


def bomb_png():
    width = height = 100_000
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)   # 1-bit gray
    rows = (b"\x00" + b"\xff" * (width // 8)) * 8                   # 8 white rows
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
            chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def g4_white(width, height):
    """CCITT G4 data for an all-white page: every row is the V0 code "1"
    (same as the white reference line), then the end-of-facsimile block."""
    assert height % 8 == 0
    return b"\xff" * (height // 8) + b"\x00\x10\x01"


def tiff_bilevel_g4(width, height, dpi=300):
    """A minimal little-endian TIFF: one strip of G4 data, one IFD after it."""
    data = g4_white(width, height)
    ifd_at = 8 + len(data) + len(data) % 2
    res_at = ifd_at + 2 + 12 * 12 + 4             # after the 12 entries and next-IFD link
    entries = [  # tag, type (3 SHORT, 4 LONG, 5 RATIONAL), count, value
        (256, 4, 1, width), (257, 4, 1, height), (258, 3, 1, 1), (259, 3, 1, 4),
        (262, 3, 1, 0), (273, 4, 1, 8), (277, 3, 1, 1), (278, 4, 1, height),
        (279, 4, 1, len(data)), (282, 5, 1, res_at), (283, 5, 1, res_at)]
    ifd = struct.pack("<H", len(entries) + 1)
    for tag, kind, count, value in entries:
        packed = struct.pack("<H", value) + b"\0\0" if kind == 3 else struct.pack("<I", value)
        ifd += struct.pack("<HHI", tag, kind, count) + packed
    ifd += struct.pack("<HHIHH", 296, 3, 1, 2, 0)           # ResolutionUnit = inch
    ifd += struct.pack("<I", 0)                              # no next IFD
    return (b"II*\0" + struct.pack("<I", ifd_at) + data + b"\0" * (len(data) % 2) +
            ifd + struct.pack("<II", dpi, 1))


def bad_ifd_tif(image):
    tif = save.scrub_tiff_bytes(encoded(image, "TIFF", compression="tiff_lzw"))
    return tif[:4] + struct.pack("<I", len(tif) + 4096) + tif[8:]


def bad_entries_tif(image):
    tif = save.scrub_tiff_bytes(encoded(image, "TIFF", compression="tiff_lzw"))
    tail = len(tif) - 4
    return tif[:4] + struct.pack("<I", tail) + tif[8:tail] + struct.pack("<HH", 9, 0)


def write_bad(out):
    out.mkdir(parents=True, exist_ok=True)
    page = sample_page()
    jpeg = encoded(page, "JPEG", quality=75)
    png = encoded(page, "PNG", compress_level=9)
    files = {
        "empty.jpg": b"",
        "truncated.jpg": jpeg[:len(jpeg) * 40 // 100],
        "truncated.png": truncated_png(png),
        "ghi-chu.tif": NOTE.encode("utf-8"),
        "scan-0001.jpg": HTML.encode("utf-8"),
        "bomb.png": bomb_png(),
        "bomb.tif": tiff_bilevel_g4(60_000, 60_000),
        "bad-ifd.tif": bad_ifd_tif(page),
        "bad-crc.png": bad_crc_png(png),
        "bad-entries.tif": bad_entries_tif(page),
    }
    for name, data in files.items():
        (out / name).write_bytes(data)
    lines = ["file\tkind\twhy"] + ["\t".join(row) for row in EXPECTED]
    (out / "EXPECTED.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
