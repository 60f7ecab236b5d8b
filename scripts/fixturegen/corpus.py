"""The corpus plan (which dossiers, pages, formats and dpi) and the writing of
scans, ground truth and manifest."""

import hashlib
import json
import random
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from . import content, forms, layout, photocopy, save, scan

SEED = "sohoa-fixtures-v1"
BEN_THANH = {"province": "Hồ Chí Minh", "district": "quận 1", "ward": "phường Bến Thành"}

# Folder-per-dossier collection: (dossier code, place, dpi, [(file stem, format, page part)])
CU_TRU = [
    ("CT-2023-0001", {"province": "Hà Nội"}, 300,
     [("trang-1", "jpeg-rgb", "form"), ("trang-2", "jpeg-rgb", "form-2")]),
    ("CT-2023-0002", {"province": "Đà Nẵng"}, 200,
     [("trang-1", "png-gray", "register"), ("trang-2", "png-gray", "register-2")]),
    # page-10 must sort after page-2 (natural sort)
    ("CT-2023-0003", {"province": "Đồng Nai", "signer": "Lê Thị Thuỷ"}, 200,   # old-style ỷ
     [("page-1", "jpeg-gray", "form"), ("page-2", "jpeg-gray", "form-2"),
      ("page-10", "jpeg-gray", "register")]),
    # trang-2 is the blank back of the form
    ("CT-2023-0004", {"province": "Thanh Hóa"}, 300,
     [("trang-1", "jpeg-gray", "form"), ("trang-2", "jpeg-gray", "blank")]),
    ("Phường Bến Thành/CT-2023-0005", BEN_THANH, 200,
     [("trang-1", "tiff-lzw", "form"), ("trang-2", "tiff-g4", "register")]),
    # scanned below the 200 dpi minimum
    ("Phường Bến Thành/CT-2023-0006", BEN_THANH, 150,
     [("trang-1", "jpeg-gray", "form"), ("trang-2", "jpeg-gray", "form-2")]),
    ("CT-2023-0007", {"province": "Cần Thơ"}, 300, [("trang-1", "tiff-g4", "register")]),
    # forms of Thông tư 66/2023: IDs in combs of boxes, members in a ruled table
    ("CT-2023-0008", {"province": "Hà Nội"}, 300,
     [("trang-1", "jpeg-gray", "ct01"), ("trang-2", "jpeg-gray", "members")]),
    ("CT-2023-0009", {"province": "Đà Nẵng"}, 200,
     [("trang-1", "png-gray", "ct07"), ("trang-2", "jpeg-rgb", "members", "light")]),
    # old photocopies from the residence archive
    ("CT-2023-0010", {"province": "Thanh Hóa"}, 200,
     [("trang-1", "jpeg-gray", "ct01", "heavy"), ("trang-2", "jpeg-gray", "register", "heavy"),
      ("trang-3", "jpeg-gray", "ct07", "light")]),
]

# File-per-dossier collection: (dossier code = file stem, place, dpi, format, [page parts])
KET_QUA = [
    ("QD-2023-0101", {"province": "Hà Nội"}, 300, "tiff-g4",
     ["decision", "decision-2", "decision-list"]),
    ("QD-2023-0102", {"province": "Đà Nẵng"}, 200, "tiff-lzw", ["decision", "decision-2"]),
    ("QD-2023-0103", {"province": "Hồ Chí Minh"}, 300, "tiff-jpeg",
     ["form", "decision", "decision-2"]),
    ("QD-2023-0104", {"province": "Thanh Hóa"}, 200, "tiff-g4", ["decision", "decision-2"]),
    ("QD-2023-0105", {"province": "Đồng Nai"}, 200, "tiff-deflate",
     ["decision", "decision-2", "register"]),
]

LOW_DPI = 200           # pages below this are expected to be flagged
POINT_SIZES = [10.5, 11, 11.5, 12, 12.5, 13]
MANIFEST_HEADER = ["collection", "dossier", "file", "page", "dpi", "format", "kind", "flags",
                   "skew", "copy", "ids"]
# Ruled forms are read after deskew; their rulings are generated nearly level.
RULED_SKEW = 0.3


def rngs(*parts):
    """A random.Random and a numpy Generator seeded from a name: stable across
    runs, machines and PYTHONHASHSEED."""
    name = "/".join([SEED, *parts])
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return random.Random(digest), np.random.default_rng(int.from_bytes(digest[:8], "little"))


def renumber(code, copy):
    """Dossier code of the copy-th replica in a scaled corpus (copy 0 = original)."""
    head, _, number = code.rpartition("-")
    return f"{head}-{int(number) + 1000 * copy:04d}"


def blocks_of(part, ctx, rng):
    if part in forms.BUILDERS:
        return forms.BUILDERS[part](ctx, rng)
    return content.page_blocks(part, ctx, rng)


def render_page(part, ctx, dpi, fmt, collection, code, index, copy="-"):
    """One page: the degraded image, its truth lines, its skew in degrees
    (counter-clockwise; for deskew tests), its boxed ID numbers and its form
    fields ((form, values) or None)."""
    rng, nprng = rngs(collection, code, str(index))
    pt = 13 if dpi < LOW_DPI else rng.choice(POINT_SIZES)
    blocks = blocks_of(part, ctx, rng)
    mask, lines, pt = layout.render(blocks, dpi, pt)
    if copy != "-":
        back, _, _ = layout.render(content.page_blocks("decision-2", ctx, rng), dpi, pt)
        mask = photocopy.degrade(mask, back, copy, nprng)
    ruled = part in forms.BUILDERS
    image, params = scan.degrade(mask, dpi, save.mode_of(fmt), nprng,
                                 RULED_SKEW if ruled else scan.MAX_SKEW)
    return (image, lines, f"{params['skew']:+.2f}", ",".join(forms.boxed_ids(blocks)) or "-",
            forms.page_fields(blocks))


def kind_of(part):
    """The manifest 'kind': form, register, decision, blank, or table (ruled)."""
    return {"ct01": "form", "ct07": "form", "members": "table"}.get(part) or \
        content.kind_of(part)


def write_truth(path, lines):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def nfc(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [nfc(v) for v in value]
    return {k: nfc(v) for k, v in value.items()}


def field_record(collection, code, file, index, found):
    """A line of truth/fields.jsonl, or None for a page of no form. "kind" repeats
    "form" for field scorers that group pages by kind."""
    if found is None:
        return None
    form, values = found
    return {"collection": collection, "dossier": code, "file": file, "page_index": index,
            "form": form, "kind": form, "fields": nfc(values)}


def flags(dpi, part):
    found = (["low-dpi"] if dpi < LOW_DPI else []) + (["blank"] if part == "blank" else [])
    return ",".join(found) or "-"


def quality_for(collection, code, stem):
    return rngs(collection, code, stem, "quality")[0].randint(55, 85)


def write_cu_tru(out, copy, spec):
    """One folder-per-dossier dossier: one file per page. Returns manifest rows
    and field records."""
    code, place, dpi, pages = spec
    code, rows, records = renumber(code, copy), [], []
    ctx = content.context(rngs("cu-tru", code)[0], **place)
    for index, (stem, fmt, part, *level) in enumerate(pages, 1):
        copy_level = level[0] if level else "-"
        image, lines, skew, ids, found = render_page(part, ctx, dpi, fmt, "cu-tru", code,
                                                     index, copy_level)
        name = f"{code}/{stem}.{save.extension(fmt)}"
        quality = quality_for("cu-tru", code, stem)
        path = out / "scans" / "cu-tru" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        save.write(path, [image], fmt, dpi, quality)
        write_truth(out / "truth" / "cu-tru" / code / f"{stem}.txt", lines)
        rows.append(["cu-tru", code, name, "1", str(dpi), save.describe(fmt, quality),
                     kind_of(part), flags(dpi, part), skew, copy_level, ids])
        records.append(field_record("cu-tru", code, name, 1, found))
    return rows, records


def write_ket_qua(out, copy, spec):
    """One file-per-dossier dossier: a multi-page TIFF. Returns manifest rows and
    field records."""
    code, place, dpi, fmt, parts = spec
    code, rows, records, images = renumber(code, copy), [], [], []
    ctx = content.context(rngs("ket-qua", code)[0], **place)
    quality = quality_for("ket-qua", code, code)
    for index, part in enumerate(parts, 1):
        image, lines, skew, ids, found = render_page(part, ctx, dpi, fmt, "ket-qua", code,
                                                     index)
        images.append(image)
        write_truth(out / "truth" / "ket-qua" / code / f"{code}-p{index}.txt", lines)
        rows.append(["ket-qua", code, f"{code}.tif", str(index), str(dpi),
                     save.describe(fmt, quality), kind_of(part), flags(dpi, part), skew, "-",
                     ids])
        records.append(field_record("ket-qua", code, f"{code}.tif", index, found))
    path = out / "scans" / "ket-qua" / f"{code}.tif"
    path.parent.mkdir(parents=True, exist_ok=True)
    save.write(path, images, fmt, dpi, quality)
    return rows, records


def run(task):
    writer, out, copy, spec = task
    return writer(out, copy, spec)


def write_corpus(out, scale=1, jobs=1):
    """Write every dossier (scale copies of the plan, in parallel), the manifest and
    the form fields (truth/fields.jsonl, a line per page that is a form)."""
    out = Path(out)
    tasks = [(writer, out, copy, spec) for copy in range(scale)
             for writer, plan in ((write_cu_tru, CU_TRU), (write_ket_qua, KET_QUA))
             for spec in plan]
    with ProcessPoolExecutor(jobs) as pool:
        done = list(pool.map(run, tasks))
    rows = [row for rows, _ in done for row in rows]
    records = [r for _, records in done for r in records if r is not None]
    manifest = out / "truth" / "manifest.tsv"
    manifest.write_text("".join("\t".join(r) + "\n" for r in [MANIFEST_HEADER] + rows),
                        encoding="utf-8")
    (out / "truth" / "fields.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return rows
