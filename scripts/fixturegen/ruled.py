"""Ruled structures drawn on a layout page (see layout.py): a comb of boxes
holding one digit each (the 12-digit personal ID number on CT01/CT07 forms)
and a ruled table (the household members). Both draw real box borders and
rulings into the ink mask, as printed forms have; the truth keeps only the
text: a comb line is its label, a space and the digits; a table row is its
cells joined by single spaces."""

CELL_MM = (5.2, 7.0)        # width, height of one comb box
RULE_MM = 0.28              # printed rule thickness


def rule_px(page):
    return max(1, round(RULE_MM * page.mm))


def comb(page, label, digits, fnt):
    """A label then len(digits) adjacent boxes with one centred digit each."""
    cell_w, cell_h = (round(v * page.mm) for v in CELL_MM)
    x0 = page.left + fnt.getlength(label) + 3 * page.mm
    if x0 + cell_w * len(digits) > page.right:
        raise page.overflow(label)
    top = page.y + page.px - round(cell_h * 0.8)
    if page.y + max(page.step, cell_h) > page.bottom:
        raise page.overflow(label)
    page.draw.text((round(page.left), page.y + page.px), label, font=fnt, fill=255, anchor="ls")
    t = rule_px(page)
    for i, digit in enumerate(digits):
        x = round(x0 + i * cell_w)
        page.draw.rectangle([x, top, x + cell_w, top + cell_h], outline=255, width=t)
        page.draw.text((x + cell_w / 2, top + cell_h / 2), digit, font=fnt, fill=255,
                       anchor="mm")
    page.truth.append(f"{label} {digits}")
    page.y += max(page.step, cell_h + round(page.px * 0.6))


def table(page, widths_mm, rows, fnt, bold):
    """A ruled table: widths in mm (scaled down to the text width if needed);
    the first row is the header, in bold."""
    scale = min(1.0, (page.right - page.left) / (sum(widths_mm) * page.mm))
    widths = [round(w * page.mm * scale) for w in widths_mm]
    row_h = round(page.px * 1.9)
    pad = round(1.2 * page.mm)
    t = rule_px(page)
    x_edges = [page.left]
    for w in widths:
        x_edges.append(x_edges[-1] + w)
    top = page.y
    if top + row_h * len(rows) > page.bottom:
        raise page.overflow("table")
    for r, cells in enumerate(rows):
        f = bold if r == 0 else fnt
        y = top + r * row_h
        for c, text in enumerate(cells):
            if f.getlength(text) > widths[c] - 2 * pad:
                raise page.overflow(text)
            page.draw.text((x_edges[c] + pad, y + row_h / 2), text, font=f, fill=255,
                           anchor="lm")
        page.truth.append(" ".join(cells))
    bottom = top + row_h * len(rows)
    for r in range(len(rows) + 1):
        y = top + r * row_h
        page.draw.rectangle([x_edges[0], y, x_edges[-1], y + t - 1], fill=255)
    for x in x_edges:
        page.draw.rectangle([x, top, x + t - 1, bottom + t - 1], fill=255)
    page.y = bottom + page.step
