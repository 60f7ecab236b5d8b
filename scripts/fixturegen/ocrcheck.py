"""Scores raw Tesseract output against the ground truth: character error rate
(Levenshtein distance over NFC text with whitespace collapsed, divided by the
truth length) per page and over the corpus, and whether every 12-digit ID
number of the truth was read verbatim.

Runs `tesseract FILE - -l vie` on each source file as stored (a multi-page TIFF
once; its pages come back separated by form feeds)."""

import os
import re
import subprocess
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def normalise(text):
    return " ".join(unicodedata.normalize("NFC", text).split())


def levenshtein(a, b):
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def tesseract(path):
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    out = subprocess.run(["tesseract", str(path), "-", "-l", "vie"], env=env,
                         capture_output=True, check=True).stdout.decode("utf-8")
    return out.split("\f")


def read_manifest(root):
    lines = (root / "truth" / "manifest.tsv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"))) for line in lines[1:]]


def truth_path(root, row, pages_in_file):
    stem = Path(row["file"]).stem
    name = f"{stem}-p{row['page']}.txt" if pages_in_file > 1 else f"{stem}.txt"
    return root / "truth" / row["collection"] / row["dossier"] / name


def check(root, jobs=2):
    """Print one line per page and the corpus figures; return the overall CER."""
    root = Path(root)
    rows = read_manifest(root)
    files = {}
    for row in rows:
        files.setdefault((row["collection"], row["file"]), []).append(row)
    keys = list(files)
    with ThreadPoolExecutor(jobs) as pool:
        outputs = pool.map(lambda k: tesseract(root / "scans" / k[0] / k[1]), keys)
        results = dict(zip(keys, outputs))
    total_dist = total_len = 0
    missed_ids = []
    print("collection\tfile\tpage\tkind\tdpi\tformat\tchars\terrors\tcer")
    for key in keys:
        for row in files[key]:
            truth = normalise(truth_path(root, row, len(files[key])).read_text(encoding="utf-8"))
            got = normalise(results[key][int(row["page"]) - 1])
            dist = levenshtein(truth, got)
            total_dist, total_len = total_dist + dist, total_len + len(truth)
            missed_ids += [(row["file"], row["page"], i) for i in
                           re.findall(r"\b\d{12}\b", truth) if i not in got]
            cer = dist / len(truth) if truth else float(bool(got))
            print(f"{key[0]}\t{row['file']}\t{row['page']}\t{row['kind']}\t{row['dpi']}\t"
                  f"{row['format']}\t{len(truth)}\t{dist}\t{cer:.2%}")
    overall = total_dist / total_len
    print(f"overall CER {overall:.2%} ({total_dist} errors / {total_len} chars); "
          f"ID numbers not read verbatim: {len(missed_ids)}")
    for miss in missed_ids:
        print("  missed ID", *miss)
    return overall, missed_ids
