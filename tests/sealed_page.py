#!/usr/bin/python3
"""Draws the foot of a decision (QUYẾT ĐỊNH) as offices sign it: the closing article, the
list of recipients on the left, the signer's title on the right, and under it a signature
and the office's round seal stamped over the signer's printed name. The seal's ink is the
mid grey a red stamp gives in a grey scan; its ring of small capitals runs through the name.

    sealed_page.py OUT.png [SEAL_LEVEL]

Writes a 200 dpi grey PNG and prints the signer's name. SEAL_LEVEL is the seal's grey
(default 150). Needs Debian's python3-pil and fonts-liberation2 (scripts/setup)."""

import math
import sys

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

DPI = 200
MM = DPI / 25.4
FONTS = "/usr/share/fonts/truetype/liberation2"
NAME = "Lý Hồng Uyên"
RING = "ỦY BAN NHÂN DÂN * PHƯỜNG ĐÌNH BẢNG * TỈNH BẮC NINH * "


def font(size_pt, bold=False, italic=False):
    style = "Bold" if bold else "Regular"
    if italic:
        style = "BoldItalic" if bold else "Italic"
    return ImageFont.truetype(f"{FONTS}/LiberationSerif-{style}.ttf", round(size_pt / 72 * DPI))


def seal(page, centre, level):
    """A round stamp: two rings, a star and the office's name around it, in one grey."""
    layer = Image.new("L", page.size, 255)
    d = ImageDraw.Draw(layer)
    cx, cy = centre
    for radius, width in ((21 * MM, round(1.0 * MM)), (14 * MM, round(0.5 * MM))):
        d.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], outline=0, width=width)
    star = [(cx + (7 if i % 2 == 0 else 3) * MM * math.sin(i * math.pi / 5),
             cy - (7 if i % 2 == 0 else 3) * MM * math.cos(i * math.pi / 5)) for i in range(10)]
    d.polygon(star, fill=0)
    small = ImageFont.truetype(f"{FONTS}/LiberationSans-Bold.ttf", round(14 / 72 * DPI))
    for i, ch in enumerate(RING):
        angle = 2 * math.pi * i / len(RING)
        glyph = Image.new("L", (round(6 * MM), round(6 * MM)), 255)
        ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), ch, font=small, fill=0,
                                   anchor="mm")
        glyph = glyph.rotate(-math.degrees(angle), fillcolor=255)
        x = cx + 17.5 * MM * math.sin(angle) - glyph.width / 2
        y = cy - 17.5 * MM * math.cos(angle) - glyph.height / 2
        layer.paste(Image.new("L", glyph.size, 0), (round(x), round(y)),
                    glyph.point(lambda v: 255 - v))
    # Stamp ink over the print: where the stamp has ink, the darker of the two shows.
    ink = layer.point(lambda v: level if v < 128 else 255)
    return ImageChops.darker(page, ink)


def main():
    out = sys.argv[1]
    level = int(sys.argv[2]) if len(sys.argv) > 2 else 150
    page = Image.new("L", (round(210 * MM), round(140 * MM)), 247)
    d = ImageDraw.Draw(page)
    body = font(13)
    lines = ["Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng",
             "Ủy ban nhân dân, Trưởng phòng Tài nguyên và Môi trường và các cá nhân",
             "có liên quan chịu trách nhiệm thi hành Quyết định này./."]
    for i, line in enumerate(lines):
        d.text((25 * MM, (15 + 7 * i) * MM), line, font=body, fill=20)
    d.text((25 * MM, 40 * MM), "Nơi nhận:", font=font(11, bold=True, italic=True), fill=20)
    for i, line in enumerate(["- Như Điều 3;", "- Chủ tịch, các PCT UBND;", "- Lưu: VT."]):
        d.text((25 * MM, (45 + 5 * i) * MM), line, font=font(10), fill=20)
    title_x = 150 * MM
    d.text((title_x, 40 * MM), "CHỦ TỊCH", font=font(13, bold=True), fill=15, anchor="mt")
    # The signature: a few long strokes of pen.
    d.line([(128 * MM, 58 * MM), (140 * MM, 52 * MM), (146 * MM, 62 * MM), (158 * MM, 50 * MM),
            (170 * MM, 57 * MM)], fill=30, width=round(0.6 * MM))
    d.text((title_x, 82 * MM), NAME, font=font(14, bold=True), fill=15, anchor="mt")
    page = seal(page, (title_x - 17 * MM, 67 * MM), level)
    # As scanned: a little blur.
    page = page.filter(ImageFilter.GaussianBlur(0.8))
    page.save(out, dpi=(DPI, DPI))
    print(NAME)


if __name__ == "__main__":
    main()
