"""Print the first sheet of an .xlsx as JSON rows of [type, value] cells, with the Python
standard library alone: type "n" is a number (value as stored), "d" a number shown with a
date format, "s" text. What `tests/spreadsheet.rs` checks a spreadsheet made of the CSV."""
import json
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
DATE_FORMATS = set(range(14, 23)) | set(range(45, 48))


def date_styles(book):
    """Indices of cell styles whose number format shows a date."""
    styles = ET.fromstring(book.read("xl/styles.xml"))
    custom = {}
    for f in styles.findall("m:numFmts/m:numFmt", NS):
        code = re.sub(r'"[^"]*"|\[[^\]]*\]', "", f.get("formatCode"))
        custom[int(f.get("numFmtId"))] = bool(re.search(r"[dy]", code, re.I))
    out = set()
    for i, xf in enumerate(styles.findall("m:cellXfs/m:xf", NS)):
        fmt = int(xf.get("numFmtId", "0"))
        if fmt in DATE_FORMATS or custom.get(fmt):
            out.add(i)
    return out


def main(path):
    book = zipfile.ZipFile(path)
    shared = []
    if "xl/sharedStrings.xml" in book.namelist():
        for si in ET.fromstring(book.read("xl/sharedStrings.xml")).findall("m:si", NS):
            shared.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
    dates = date_styles(book)
    sheet = ET.fromstring(book.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.findall("m:sheetData/m:row", NS):
        cells = []
        for c in row.findall("m:c", NS):
            # Empty cells are left out of the file: place each by its column letters.
            column = 0
            for letter in re.match(r"[A-Z]+", c.get("r")).group(0):
                column = column * 26 + ord(letter) - ord("A") + 1
            cells.extend([["", ""]] * (column - 1 - len(cells)))
            v = c.find("m:v", NS)
            kind = c.get("t", "n")
            if kind == "s":
                cells.append(["s", shared[int(v.text)]])
            elif kind in ("str", "inlineStr"):
                cells.append(["s", "".join(t.text or "" for t in c.iter("{%s}t" % NS["m"]))])
            elif v is None:
                cells.append(["", ""])
            else:
                cells.append(["d" if int(c.get("s", "0")) in dates else "n", float(v.text)])
        rows.append(cells)
    json.dump(rows, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1])
