"""Shared pieces of sohoa's benchmark scripts: page sets with ground truth (the layout
`scripts/gen-fixtures` writes), character error rate, and timing a command with the peak
memory of its whole process tree.

CER = Levenshtein distance over NFC text with whitespace collapsed, summed over pages and
divided by the summed truth length (a blank page's truth is empty: whatever is read on it
counts as errors)."""

import os
import shutil
import sqlite3
import subprocess
import time
import unicodedata
from pathlib import Path

try:
    from rapidfuzz.distance import Levenshtein as _lev

    def distance(a, b):
        return _lev.distance(a, b)
except ImportError:  # slower, same result
    from fixturegen.ocrcheck import levenshtein as distance


def normalise(text):
    return " ".join(unicodedata.normalize("NFC", text).split())


class PageSet:
    """A folder with `scans/<collection>/…` and `truth/manifest.tsv` + truth texts."""

    def __init__(self, root, name):
        self.root = Path(root).resolve()
        self.name = name
        lines = (self.root / "truth" / "manifest.tsv").read_text(encoding="utf-8").splitlines()
        header = lines[0].split("\t")
        self.rows = [dict(zip(header, line.split("\t"))) for line in lines[1:] if line]
        self.pages_in_file = {}
        for r in self.rows:
            key = (r["collection"], r["file"])
            self.pages_in_file[key] = self.pages_in_file.get(key, 0) + 1

    @property
    def pages(self):
        return len(self.rows)

    def collections(self):
        """(id, source folder, layout) of each collection, in manifest order."""
        seen = {}
        for r in self.rows:
            c = r["collection"]
            layout = "folder" if "/" in r["file"] else "file"
            if seen.get(c) != "folder":
                seen[c] = layout
        return [(c, self.root / "scans" / c, layout) for c, layout in seen.items()]

    def files(self):
        """Every page file once, in manifest order."""
        return [self.root / "scans" / c / f for (c, f) in dict.fromkeys(
            (r["collection"], r["file"]) for r in self.rows)]

    def dossiers(self):
        """(collection, dossier, [files in page order]) for every dossier."""
        out = {}
        for r in self.rows:
            files = out.setdefault((r["collection"], r["dossier"]), [])
            path = self.root / "scans" / r["collection"] / r["file"]
            if path not in files:
                files.append(path)
        return [(c, d, files) for (c, d), files in out.items()]

    def text_name(self, row):
        """Where a page's text lives, relative to a text tree (the truth's layout)."""
        stem = Path(row["file"]).stem
        multi = self.pages_in_file[(row["collection"], row["file"])] > 1
        name = f"{stem}-p{row['page']}.txt" if multi else f"{stem}.txt"
        return Path(row["collection"]) / row["dossier"] / name

    def truth(self, row):
        return (self.root / "truth" / self.text_name(row)).read_text(encoding="utf-8")

    def cer(self, read_page):
        """Overall CER of `read_page(row) -> text` over every page."""
        errors = chars = 0
        for row in self.rows:
            truth, got = normalise(self.truth(row)), normalise(read_page(row) or "")
            errors += distance(truth, got)
            chars += len(truth)
        return errors / max(chars, 1)


def _tree_rss_kb(root_pid):
    """Summed resident memory of a process and all its descendants, from /proc."""
    children, rss = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            pid = int(entry)
            children.setdefault(int(fields[1]), []).append(pid)
            # field 24 (rss, pages) is index 21 after the ')'
            rss[pid] = int(fields[21]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def timed(cmd, env=None, cwd=None, stdout=subprocess.DEVNULL):
    """Run `cmd`; return (wall seconds, peak summed RSS of its process tree in MB)."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=stdout, stderr=subprocess.DEVNULL)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.05)
    wall = time.monotonic() - start
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(map(str, cmd))}")
    return wall, peak / 1024


def engine_env():
    return dict(os.environ, OMP_THREAD_LIMIT="1")


def write_config(pages, workers, folder, ocr_lines=()):
    lines = ['[archive]', 'path = "archive"', '[ocr]', 'languages = ["vie"]',
             f'workers = {workers}', *ocr_lines]
    for cid, source, layout in pages.collections():
        lines += ['[[collection]]', f'id = "{cid}"', f'source = "{source}"', f'layout = "{layout}"']
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pipeline.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder / "pipeline.toml"


def run_sohoa(binary, pages, workers, work, ocr_lines=(), pin=False):
    """`sohoa run` into a fresh archive: wall, peak MB, CER, engine efficiency and engine
    seconds (time inside Tesseract, summed over pages). `pin` keeps the run on as many
    cores as it has workers (`taskset`): each worker's feeder thread would otherwise use an
    idle core beside its engine, and 1 → N scaling is measured core for core."""
    place = work / f"sohoa-{workers}"
    shutil.rmtree(place, ignore_errors=True)
    config = write_config(pages, workers, place, ocr_lines)
    cmd = [binary, "--config", config, "run", "--quiet"]
    if pin:
        cmd = ["taskset", "-c", f"0-{workers - 1}", *cmd]
    wall, rss = timed(cmd, env=engine_env())
    db = sqlite3.connect(place / "archive" / "catalog.sqlite")
    engine_ms = db.execute("SELECT COALESCE(SUM(engine_ms), 0) FROM page").fetchone()[0]
    db.close()
    out = place / "text"
    subprocess.run([binary, "--config", config, "export", "text", out], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def read(row):
        f = out / pages.text_name(row)
        return f.read_text(encoding="utf-8") if f.exists() else ""

    return {"wall": wall, "rss": rss, "cer": pages.cer(read), "engine_s": engine_ms / 1000,
            "efficiency": engine_ms / 1000 / (wall * workers)}
