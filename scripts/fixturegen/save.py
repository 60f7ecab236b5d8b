"""Writes pages in the formats scanners produce, with the dpi recorded in the
file (JFIF density, PNG pHYs, TIFF X/YResolution in inches) and no timestamps,
so that two runs give byte-identical files."""

import struct

# format name -> (scan mode, file extension, writer keyword arguments)
FORMATS = {
    "jpeg-rgb": ("rgb", "jpg", {}),
    "jpeg-gray": ("gray", "jpg", {}),
    "png-gray": ("clean", "png", {"optimize": False, "compress_level": 9}),
    "tiff-lzw": ("clean", "tif", {"compression": "tiff_lzw"}),
    "tiff-deflate": ("clean", "tif", {"compression": "tiff_adobe_deflate"}),
    "tiff-g4": ("bilevel", "tif", {"compression": "group4"}),
    "tiff-jpeg": ("gray", "tif", {"compression": "jpeg"}),
}


def mode_of(fmt):
    return FORMATS[fmt][0]


def extension(fmt):
    return FORMATS[fmt][1]


def describe(fmt, quality):
    """Manifest 'format' column: container/compression/pixels."""
    return {"jpeg-rgb": f"jpeg/q{quality}/rgb8", "jpeg-gray": f"jpeg/q{quality}/gray8",
            "png-gray": "png/deflate/gray8", "tiff-lzw": "tiff/lzw/gray8",
            "tiff-deflate": "tiff/deflate/gray8", "tiff-g4": "tiff/group4/bilevel",
            "tiff-jpeg": f"tiff/jpeg-q{quality}/gray8"}[fmt]


def write(path, images, fmt, dpi, quality):
    """One image for JPEG and PNG; one or more for TIFF (a multi-page file)."""
    kwargs = dict(FORMATS[fmt][2], dpi=(dpi, dpi))
    if fmt.startswith("jpeg") or fmt == "tiff-jpeg":
        kwargs["quality"] = quality
    if fmt.startswith("jpeg"):
        kwargs.update(optimize=True, progressive=False)
    first, rest = images[0], images[1:]
    if rest:
        first.save(path, save_all=True, append_images=rest, **kwargs)
    else:
        first.save(path, **kwargs)
    if fmt.startswith("tiff"):
        scrub_tiff(path)


TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}
STRIP_OFFSETS, STRIP_COUNTS = 273, 279


def scrub_tiff(path):
    with open(path, "rb") as f:
        data = scrub_tiff_bytes(f.read())
    with open(path, "wb") as out:
        out.write(data)


def scrub_tiff_bytes(tiff):
    """Zero the bytes no IFD points at. Pillow's multi-page writer leaves the
    word-alignment byte before an IFD uninitialised, which made files differ
    from run to run."""
    data = bytearray(tiff)
    order = "<" if data[:2] == b"II" else ">"
    used = [(0, 8)]
    ifd = struct.unpack(order + "I", data[4:8])[0]
    while ifd:
        count = struct.unpack(order + "H", data[ifd:ifd + 2])[0]
        used.append((ifd, ifd + 2 + 12 * count + 4))
        values = {}
        for entry in range(ifd + 2, ifd + 2 + 12 * count, 12):
            tag, kind, n = struct.unpack(order + "HHI", data[entry:entry + 8])
            size = TYPE_SIZES[kind] * n
            where = entry + 8
            if size > 4:                                     # value stored elsewhere
                where = struct.unpack(order + "I", data[entry + 8:entry + 12])[0]
            used.append((where, where + size))
            if kind in (3, 4):
                values[tag] = struct.unpack(f"{order}{n}{'H' if kind == 3 else 'I'}",
                                            data[where:where + size])
        used += [(o, o + c) for o, c in zip(values[STRIP_OFFSETS], values[STRIP_COUNTS])]
        ifd = struct.unpack(order + "I", data[ifd + 2 + 12 * count:ifd + 6 + 12 * count])[0]
    position = 0
    for start, end in sorted(used):
        data[position:max(position, start)] = bytes(max(0, start - position))
        position = max(position, end)
    data[position:] = bytes(len(data) - position)
    return bytes(data)
