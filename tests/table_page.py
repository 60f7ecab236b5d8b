#!/usr/bin/python3
"""Draws a household extract as the residence database prints it (THÔNG TIN VỀ HỘ GIA
ĐÌNH): a title, the head and address, and a ruled member table whose header cells wrap
onto two or three lines and whose relation cells may wrap too. On such a table the
engine's layout analysis reads the columns one after another.

    table_page.py OUT.png

Writes a 200 dpi grey PNG and prints the table's rows as the truth writes them, one per
line: the cells joined by single spaces, a wrapped cell's lines joined by a space.
Needs Debian's python3-pil and fonts-liberation2 (scripts/setup)."""

import sys

from PIL import Image, ImageDraw, ImageFont

DPI = 200
MM = DPI / 25.4
FONTS = "/usr/share/fonts/truetype/liberation2"

HEADER = [["TT"], ["Họ, chữ đệm", "và tên"], ["Ngày, tháng,", "năm sinh"], ["Giới", "tính"],
          ["Số định danh", "cá nhân"], ["Quan hệ", "với chủ hộ"]]
MEMBERS = [
    ["1", ["Phạm Đình Lâm"], "26/10/1947", "Nam", "034047064249", ["Chủ hộ"]],
    ["2", ["Lê Thị Hải Ngọc"], "15/02/1950", "Nữ", "001150658434", ["Vợ"]],
    ["3", ["Phạm Thanh Phương"], "13/09/1984", "Nữ", "001184566220", ["Con"]],
    ["4", ["Nguyễn Văn Hùng"], "18/10/2000", "Nam", "001200099200", ["Cháu", "nội"]],
    ["5", ["Phạm Bích Ánh"], "05/09/1975", "Nữ", "001175711616", ["Con", "dâu"]],
]
WIDTHS_MM = [11, 50, 30, 16, 36, 30]


def font(size_pt, bold=False):
    name = "LiberationSerif-Bold.ttf" if bold else "LiberationSerif-Regular.ttf"
    return ImageFont.truetype(f"{FONTS}/{name}", round(size_pt / 72 * DPI))


def main():
    out = sys.argv[1]
    page = Image.new("L", (round(210 * MM), round(297 * MM)), 246)
    draw = ImageDraw.Draw(page)
    regular, bold, title = font(12), font(12, True), font(14, True)
    left = round(20 * MM)
    draw.text((page.width // 2, round(25 * MM)), "THÔNG TIN VỀ HỘ GIA ĐÌNH", font=title,
              fill=20, anchor="mm")
    draw.text((left, round(38 * MM)), "Họ và tên chủ hộ: PHẠM ĐÌNH LÂM", font=regular, fill=20)
    draw.text((left, round(45 * MM)), "Địa chỉ thường trú: Thôn Đông, xã Phù Linh, huyện Sóc Sơn",
              font=regular, fill=20)
    line = regular.size * 1.25
    edges = [left]
    for w in WIDTHS_MM:
        edges.append(edges[-1] + round(w * MM))
    rows = [(HEADER, bold)] + [
        ([[m[0]], m[1], [m[2]], [m[3]], [m[4]], m[5]], regular) for m in MEMBERS
    ]
    y = round(55 * MM)
    truth = []
    for cells, f in rows:
        height = round(max(len(c) for c in cells) * line + 3 * MM)
        for c, lines in enumerate(cells):
            # Each cell's lines are centred in the row's height, as the database prints.
            top = y + (height - len(lines) * line) / 2
            for i, text in enumerate(lines):
                draw.text((edges[c] + round(1.5 * MM), top + i * line), text, font=f, fill=20)
        draw.rectangle([edges[0], y, edges[-1], y + 1], fill=20)
        truth.append(" ".join(" ".join(lines) for lines in cells))
        y += height
    draw.rectangle([edges[0], y, edges[-1], y + 1], fill=20)
    top = round(55 * MM)
    for x in edges:
        draw.rectangle([x, top, x + 1, y + 1], fill=20)
    draw.text((left, y + round(10 * MM)), "Thông tin trên được trích xuất từ Cơ sở dữ liệu về cư trú.",
              font=regular, fill=20)
    page.save(out, dpi=(DPI, DPI))
    print("\n".join(truth))


if __name__ == "__main__":
    main()
