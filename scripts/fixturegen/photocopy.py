"""Photocopy degradation of an ink mask, before the scan degradation of
scan.py: the grey speckled background of an old copier drum, show-through of
the (mirrored) text on the back of the sheet, and strongly uneven light.
level "light" or "heavy"; "-" leaves the page alone."""

import numpy as np
from PIL import Image, ImageFilter

LEVELS = {
    # background grey (0 = paper white .. 1 = ink), speckle density, show-through
    # strength, light falloff
    "light": {"grey": 0.10, "speckle": 0.004, "through": 0.16, "falloff": 0.18},
    "heavy": {"grey": 0.22, "speckle": 0.012, "through": 0.30, "falloff": 0.32},
}


def speckle(shape, rng, density):
    """Toner specks: isolated dots of 1-2 px, some in small clusters."""
    dots = (rng.random(shape) < density).astype(np.float32)
    grown = np.asarray(Image.fromarray((dots * 255).astype(np.uint8))
                       .filter(ImageFilter.MaxFilter(3)), np.float32) / 255
    keep = rng.random(shape) < 0.25
    return np.maximum(dots, grown * keep) * rng.uniform(0.5, 0.95, shape).astype(np.float32)


def degrade(mask, back, level, rng):
    """mask, back: L images (255 = ink) of the front and of the back side.
    Returns an L mask with grey levels: what the copier adds counts as ink."""
    if level == "-":
        return mask
    p = LEVELS[level]
    front = np.asarray(mask, np.float32) / 255
    h, w = front.shape
    behind = np.asarray(back.transpose(Image.FLIP_LEFT_RIGHT)
                        .filter(ImageFilter.GaussianBlur(2.5)), np.float32) / 255
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    edge = rng.uniform(0, 1)
    light = p["falloff"] * np.clip((x / w - edge) ** 2 + (y / h - 0.5) ** 2 * 0.5, 0, 1)
    grain = np.asarray(Image.fromarray((rng.random((h // 4, w // 4)) * 255).astype(np.uint8))
                       .resize((w, h), Image.BILINEAR), np.float32) / 255
    ground = p["grey"] * (0.7 + 0.6 * grain) + light
    ink = np.maximum(front, np.maximum(p["through"] * behind, speckle((h, w), rng, p["speckle"])))
    ink = np.clip(ground + (1 - ground) * ink, 0, 1)
    return Image.fromarray((ink * 255).round().astype(np.uint8), "L")
