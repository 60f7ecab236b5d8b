"""Makes a clean ink mask look like a flatbed scan, differently on each page:
paper tone, slight skew, uneven lighting, optical blur, sensor noise and a
little dust in the margins. Kept mild on purpose: raw Tesseract must still
read these pages at a character error rate of about 2 % or less.

`mode` is how the scanner delivers the page:
    "rgb"      colour, for JPEG
    "gray"     8-bit gray, for JPEG
    "clean"    8-bit gray after the scanner's background clean-up (the paper
               keeps its tone and shading but loses its noise), for lossless
               PNG/TIFF: keeps those files small
    "bilevel"  1-bit, thresholded, for CCITT Group 4
"""

import numpy as np
from PIL import Image, ImageFilter

MAX_SKEW = 1.2              # degrees, uniform in [-MAX_SKEW, MAX_SKEW]


def lighting(shape, rng, strength):
    """A smooth multiplicative field: a gradient across the page plus a darker
    patch, as from a lid not quite closed or a curled sheet."""
    h, w = shape
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    x, y = x / w - 0.5, y / h - 0.5
    angle = rng.uniform(0, 2 * np.pi)
    field = 1 - strength * (np.cos(angle) * x + np.sin(angle) * y + 0.5)
    cx, cy = rng.uniform(-0.5, 0.5, 2)
    field -= 0.5 * strength * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 0.08)
    return field


def dust(img, rng, dpi, count):
    """A few dark specks in the margins, where they cannot touch the text."""
    w, h = img.size
    margin = int(12 * dpi / 25.4)
    pixels = img.load()
    for _ in range(count):
        left = rng.random() < 0.5
        x = int(rng.integers(2, margin) if left else rng.integers(w - margin, w - 2))
        y = int(rng.integers(2, h - 2))
        radius = int(rng.integers(0, 2))
        for dy in range(-radius, radius + 1):
            for dx in range(-radius, radius + 1):
                pixels[x + dx, y + dy] = int(rng.integers(40, 110))


def degrade(mask, dpi, mode, rng, max_skew=MAX_SKEW):
    """mask: L image, 255 = ink. Returns (image, parameters used)."""
    p = {"skew": round(float(rng.uniform(-max_skew, max_skew)), 3),
         "paper": float(rng.uniform(228, 244)), "ink": float(rng.uniform(18, 50)),
         "light": float(rng.uniform(0.03, 0.08)),
         "blur": float(rng.uniform(0.35, 0.75)) * dpi / 300,
         "noise": float(rng.uniform(2.0, 4.5))}
    alpha = np.asarray(mask, dtype=np.float32) / 255
    gray = p["paper"] * (1 - alpha) + p["ink"] * alpha
    page = Image.fromarray(gray.round().astype(np.uint8), "L")
    page = page.rotate(p["skew"], resample=Image.BICUBIC, fillcolor=255)
    dust(page, rng, dpi, int(rng.integers(3, 12)))
    page = page.filter(ImageFilter.GaussianBlur(p["blur"]))
    field = lighting(gray.shape, rng, p["light"])
    values = np.asarray(page, dtype=np.float32) * field
    if mode == "rgb":
        tint = np.array([1.0, rng.uniform(0.97, 0.99), rng.uniform(0.90, 0.95)], np.float32)
        values = values[..., None] * tint + rng.normal(0, p["noise"], values.shape + (3,))
        return Image.fromarray(np.clip(values, 0, 255).round().astype(np.uint8), "RGB"), p
    if mode == "gray":
        values = values + rng.normal(0, p["noise"], values.shape)
        return Image.fromarray(np.clip(values, 0, 255).round().astype(np.uint8), "L"), p
    if mode == "clean":
        return clean_background(values, p["paper"] * field, rng, p), p
    if mode == "bilevel":
        threshold = (p["paper"] + p["ink"]) / 2 + 10
        return Image.fromarray(((values >= threshold) * 255).astype(np.uint8), "L").convert("1"), p
    raise ValueError(mode)


def clean_background(values, background, rng, p):
    """What a scanner's background clean-up does: pixels close to the paper
    become the smooth paper level without noise; noise stays only in the ink
    and its edges. Lossless files stay small this way."""
    p["noise"] = float(rng.uniform(1.5, 3.0))
    values = values + rng.normal(0, p["noise"], values.shape)
    flat = np.round(background)
    values = np.where(values >= background - 14, flat, values)
    return Image.fromarray(np.clip(values, 0, 255).round().astype(np.uint8), "L")
