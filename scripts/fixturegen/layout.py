"""Lays out content blocks (see content.py) on an A4 page at a given dpi and
point size. Returns the ink as an 8-bit mask (255 = ink) plus the exact text
lines drawn, in reading order: the ground truth of the page."""

from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from . import ruled

FONT_DIR = "/usr/share/fonts/truetype/liberation2"
A4_MM = (210, 297)
MARGIN_MM = {"top": 20, "bottom": 20, "left": 30, "right": 18}
LINE_SPACING = 1.4          # line height as a multiple of the font size
MIN_PT = 10.5


class Overflow(Exception):
    """The blocks do not fit on one page at this size."""


@lru_cache(maxsize=None)
def font(bold, px):
    name = "LiberationSerif-Bold.ttf" if bold else "LiberationSerif-Regular.ttf"
    # Basic layout (no raqm): the text is NFC with precomposed letters, and the
    # result does not depend on the installed shaping library.
    return ImageFont.truetype(f"{FONT_DIR}/{name}", px, layout_engine=ImageFont.Layout.BASIC)


def wrap(text, fnt, first_width, width):
    """Greedy word wrap; the first line may have its own width."""
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}" if current else word
        limit = first_width if not lines else width
        if current and fnt.getlength(trial) > limit:
            lines.append(current)
            current = word
        else:
            current = trial
    return lines + [current] if current else lines


class Page:
    def __init__(self, dpi, pt):
        self.mm = dpi / 25.4
        self.px = round(pt * dpi / 72)
        self.size = tuple(round(d * self.mm) for d in A4_MM)
        self.left = round(MARGIN_MM["left"] * self.mm)
        self.right = self.size[0] - round(MARGIN_MM["right"] * self.mm)
        self.bottom = self.size[1] - round(MARGIN_MM["bottom"] * self.mm)
        self.y = round(MARGIN_MM["top"] * self.mm)
        self.step = round(self.px * LINE_SPACING)
        self.mask = Image.new("L", self.size, 0)
        self.draw = ImageDraw.Draw(self.mask)
        self.truth = []

    overflow = Overflow

    def x_for(self, text, fnt, style):
        width, align = fnt.getlength(text), style.get("align", "left")
        if align == "center":
            return (self.left + self.right - width) / 2
        if align == "sign":                       # centred on the right-hand column
            centre = self.left + 0.7 * (self.right - self.left)
            return min(centre - width / 2, self.right - width)
        return self.left + style.get("indent", 0) * self.mm

    def put(self, x, text, fnt, truth=True):
        if self.y + self.step > self.bottom:
            raise Overflow(text)
        if x < self.left - 1 or x + fnt.getlength(text) > self.right + 1:
            raise Overflow(text)
        self.draw.text((round(x), self.y + self.px), text, font=fnt, fill=255, anchor="ls")
        if truth:
            self.truth.append(text)

    def line(self, text, style):
        fnt = font(style.get("bold", False), self.px)
        self.put(self.x_for(text, fnt, style), text, fnt)
        self.y += self.step

    def paragraph(self, text, style):
        fnt = font(style.get("bold", False), self.px)
        indent, hang = style.get("indent", 0) * self.mm, style.get("hang", 0) * self.mm
        width = self.right - self.left
        for i, line in enumerate(wrap(text, fnt, width - indent, width - hang)):
            self.put(self.left + (indent if i == 0 else hang), line, fnt)
            self.y += self.step

    def columns(self, left, right):
        """Issuing body on the left, national header on the right, each centred
        in its column. The two sides share baselines, but they are two blocks:
        the truth gives the left one's lines, then the right one's, as a reader
        reads them (and as ground truth of real scans orders side-by-side
        blocks)."""
        fonts = [font(bold, self.px) for _, bold in left + right]
        widths = [f.getlength(t) for f, (t, _) in zip(fonts, left + right)]
        right_w = max(widths[len(left):])
        right_c = self.right - right_w / 2
        left_w = max(widths[:len(left)])
        left_c = self.left + left_w / 2
        if right_c - right_w / 2 - (left_c + left_w / 2) < 8 * self.mm:
            raise Overflow("columns")
        for row in range(max(len(left), len(right))):
            for centre, side in ((left_c, left), (right_c, right)):
                if row < len(side):
                    text, bold = side[row]
                    fnt = font(bold, self.px)
                    self.put(centre - fnt.getlength(text) / 2, text, fnt, truth=False)
            self.y += self.step
        self.truth.extend(text for text, _ in left)
        self.truth.extend(text for text, _ in right)

    def render(self, blocks):
        # "fields" blocks (a form page's field values, content.py) draw nothing.
        for block in blocks:
            kind = block[0]
            if kind == "line":
                self.line(block[1], block[2])
            elif kind == "wrap":
                self.paragraph(block[1], block[2])
            elif kind == "cols":
                self.columns(block[1], block[2])
            elif kind == "comb":
                ruled.comb(self, block[1], block[2], font(False, self.px))
            elif kind == "table":
                ruled.table(self, block[1], block[2], font(False, self.px),
                            font(True, self.px))
            elif kind == "space":
                self.y += round(self.step * block[1])
        return self


def render(blocks, dpi, pt):
    """Render at pt, stepping down by half a point until the blocks fit."""
    while True:
        try:
            page = Page(dpi, pt).render(blocks)
            return page.mask, page.truth, pt
        except Overflow:
            if pt - 0.5 < MIN_PT:
                raise
            pt -= 0.5
