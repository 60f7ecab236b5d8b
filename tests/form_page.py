#!/usr/bin/python3
"""Draws a clean A4 page of text lines, as a form prints them: one line per argument, in
Liberation Serif 12 pt on light grey paper, the first line (the form's title) bold and
centred.

    form_page.py OUT.png LINE...

Writes a 300 dpi grey PNG. The tests use it for pages the fixtures do not hold (a form
whose ID number disagrees with the birth date printed beside it). Needs Debian's
python3-pil and fonts-liberation2 (scripts/setup)."""

import sys

from PIL import Image, ImageDraw, ImageFont

DPI = 300
MM = DPI / 25.4
FONTS = "/usr/share/fonts/truetype/liberation2"


def font(bold):
    name = "LiberationSerif-Bold.ttf" if bold else "LiberationSerif-Regular.ttf"
    return ImageFont.truetype(f"{FONTS}/{name}", round(12 / 72 * DPI),
                              layout_engine=ImageFont.Layout.BASIC)


def main():
    out, lines = sys.argv[1], sys.argv[2:]
    width, height = round(210 * MM), round(297 * MM)
    page = Image.new("L", (width, height), 246)
    draw = ImageDraw.Draw(page)
    left, y, step = round(30 * MM), round(25 * MM), round(12 / 72 * DPI * 1.6)
    for i, text in enumerate(lines):
        fnt = font(i == 0)
        x = (width - fnt.getlength(text)) / 2 if i == 0 else left
        draw.text((round(x), y), text, font=fnt, fill=20, anchor="ls")
        y += step * (2 if i == 0 else 1)
    page.save(out, dpi=(DPI, DPI))


if __name__ == "__main__":
    main()
