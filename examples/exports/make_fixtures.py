#!/usr/bin/env python3
"""The zip surgery make-workbooks.sh needs after `cargo run --example make_workbooks`
(Python's standard library only):

- examples/exports/limesurvey.xlsx: text as inline strings, as LimeSurvey's writer
  stores it (the real export has no shared-strings table);
- tests/fixtures/sheets/absurd-size.xlsx: a small answer workbook whose sheet declares
  `<dimension ref="A1:BDWGN4"/>` (column 1,000,000; Excel stops at XFD = 16,384) and
  has one cell in column BDWGN;
- tests/fixtures/sheets/not-a-workbook.xlsx: a zip that is a Word document.

Usage: make_fixtures.py WORK_DIR   (WORK_DIR holds antwoorden.xlsx)
"""

import re
import sys
import zipfile
from html import unescape
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[2]
EXPORTS = ROOT / "examples" / "exports"
FIXTURES = ROOT / "tests" / "fixtures" / "sheets"
FIXED = (2026, 5, 7, 9, 0, 0)


def rewrite(src, dst, change):
    """Copies the zip `src` to `dst`, passing every member through change(name, bytes),
    which returns new bytes or None to drop the member."""
    with zipfile.ZipFile(src) as zin:
        members = [(i, zin.read(i.filename)) for i in zin.infolist()]
    with zipfile.ZipFile(dst.with_suffix(".tmp"), "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in members:
            data = change(info.filename, data)
            if data is not None:
                out = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                out.compress_type = zipfile.ZIP_DEFLATED
                zout.writestr(out, data)
    dst.with_suffix(".tmp").replace(dst)


def inline_strings(path):
    with zipfile.ZipFile(path) as z:
        sst = z.read("xl/sharedStrings.xml").decode()
    strings = [unescape(re.sub(r"<[^>]+>", "", si)) for si in re.findall(r"<si>(.*?)</si>", sst, re.S)]

    def cell(m):
        text = strings[int(m.group(3))]
        space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
        return f'<c r="{m.group(1)}"{m.group(2)} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'

    def change(name, data):
        if name == "xl/sharedStrings.xml":
            return None
        text = data.decode()
        if name.startswith("xl/worksheets/sheet"):
            text = re.sub(r'<c r="([A-Z]+[0-9]+)"((?: s="[0-9]+")?) t="s"><v>([0-9]+)</v></c>', cell, text)
            assert 't="s"' not in text, "a shared string left"
        elif name == "[Content_Types].xml":
            text = re.sub(r'<Override PartName="/xl/sharedStrings.xml"[^>]*/>', "", text)
        elif name == "xl/_rels/workbook.xml.rels":
            text = re.sub(r'<Relationship Id="[^"]*" Type="[^"]*/sharedStrings" Target="sharedStrings.xml"/>', "", text)
        return text.encode()

    rewrite(path, path, change)


def absurd_size(base, dst):
    def change(name, data):
        if name != "xl/worksheets/sheet1.xml":
            return data
        text = data.decode()
        text, n = re.subn(r'<dimension ref="A1:[A-Z]+([0-9]+)"/>', r'<dimension ref="A1:BDWGN\1"/>', text)
        assert n == 1, "no dimension"
        far = '<c r="BDWGN1" t="inlineStr"><is><t>opmerking</t></is></c>'
        text, n = re.subn(r"(<row r=\"1\"[^>]*>.*?)(</row>)", lambda m: m.group(1) + far + m.group(2), text, 1, re.S)
        assert n == 1, "no first row"
        text = text.replace('<row r="1" spans="1:15">', '<row r="1" spans="1:1000000">')
        return text.encode()

    rewrite(base, dst, change)


DOCX = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>",
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>',
    "word/document.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    "<w:p><w:r><w:t>Verslag gebruikersbijeenkomst digitaal samenwerken</w:t></w:r></w:p>"
    "<w:p><w:r><w:t>De antwoorden staan in het Excel-bestand.</w:t></w:r></w:p>"
    "</w:body></w:document>",
}


def not_a_workbook(dst):
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in DOCX.items():
            z.writestr(zipfile.ZipInfo(name, date_time=FIXED), text)


def main():
    work = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "target" / "make-workbooks"
    inline_strings(EXPORTS / "limesurvey.xlsx")
    absurd_size(work / "antwoorden.xlsx", FIXTURES / "absurd-size.xlsx")
    not_a_workbook(FIXTURES / "not-a-workbook.xlsx")


if __name__ == "__main__":
    main()
