"""Hand-made .xlsx packages for the import tests (hostile and otherwise), built in tmp_path."""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Iterable

CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/xl/workbook.xml" '
      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
      '<Override PartName="/xl/worksheets/sheet1.xml" '
      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
      '{extra}</Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>')
WB = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
      '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
      '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>{extra}</workbook>')
WB_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
           '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           'worksheet" Target="worksheets/sheet1.xml"/>{extra}</Relationships>')
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
SHEET_TAIL = "</sheetData></worksheet>"


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def number(ref: str, value: object) -> str:
    return f'<c r="{ref}"><v>{value}</v></c>'


def row(r: int, cells: Iterable[str]) -> str:
    return f'<row r="{r}">{"".join(cells)}</row>'


def write_xlsx(path: Path, rows: Iterable[str], *, extra_parts: dict[str, bytes | str] | None = None,
               wb_extra: str = "", wb_rels_extra: str = "", ct_extra: str = "", sheet_head: str = SHEET_HEAD,
               level: int = 6) -> Path:
    """A minimal workbook with one sheet whose rows are given as XML (streamed: rows may be a generator)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        zf.writestr("[Content_Types].xml", CT.format(extra=ct_extra))
        zf.writestr("_rels/.rels", RELS)
        zf.writestr("xl/workbook.xml", WB.format(extra=wb_extra))
        zf.writestr("xl/_rels/workbook.xml.rels", WB_RELS.format(extra=wb_rels_extra))
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=False) as fh:
            fh.write(sheet_head.encode())
            buf = []
            size = 0
            for r in rows:
                buf.append(r)
                size += len(r)
                if size > 1 << 20:
                    fh.write("".join(buf).encode())
                    buf, size = [], 0
            fh.write("".join(buf).encode())
            fh.write(SHEET_TAIL.encode())
        for name, data in (extra_parts or {}).items():
            zf.writestr(name, data)
    return path
