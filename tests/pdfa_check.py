"""PDF/A-2b rules that can be checked without veraPDF, asserted with pikepdf.

Usage: python3 tests/pdfa_check.py FILE.pdf TITLE_PART
Prints "ok" when every rule holds; an AssertionError names the rule otherwise. Run by
tests/pdf_export.rs on every PDF that `sohoa export pdf` writes.
"""

import sys

import pikepdf


def main(path, title_part):
    pdf = pikepdf.open(path)
    assert pdf.pdf_version <= "1.7", f"version {pdf.pdf_version}"
    assert "/Encrypt" not in pdf.trailer, "encrypted"
    assert "/ID" in pdf.trailer and len(pdf.trailer.ID) == 2, "no trailer /ID"
    meta = pdf.open_metadata()
    assert meta.get("pdfaid:part") == "2", f"pdfaid:part {meta.get('pdfaid:part')}"
    assert meta.get("pdfaid:conformance") == "B", "pdfaid:conformance"
    title = str(meta.get("dc:title"))
    assert title_part in title, f"XMP title {title!r}"
    assert str(pdf.docinfo.Title) == title, "Info /Title differs from XMP dc:title"
    assert "sohoa" in str(pdf.docinfo.Creator), "Info /Creator"
    intents = pdf.Root.OutputIntents
    assert len(intents) == 1 and intents[0].S == "/GTS_PDFA1", "OutputIntent"
    icc = intents[0].DestOutputProfile
    assert icc.N == 3 and icc.read_bytes()[36:40] == b"acsp", "ICC profile"
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) or isinstance(obj, pikepdf.Stream):
            keys = set(obj.keys())
            assert not keys & {"/JS", "/JavaScript", "/AA"}, "JavaScript or actions"
        if isinstance(obj, pikepdf.Stream):
            filters = obj.get("/Filter")
            names = [str(f) for f in filters] if isinstance(filters, pikepdf.Array) else [str(filters)]
            assert "/LZWDecode" not in names, "LZW stream"
    for page in pdf.pages:
        for _, font in page.Resources.Font.items():
            for desc in font.DescendantFonts:
                assert "/FontFile2" in desc.FontDescriptor, "font not embedded"
            assert "/ToUnicode" in font, "no ToUnicode"
    print("ok")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
