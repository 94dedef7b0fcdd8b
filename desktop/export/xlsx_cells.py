"""The values a worksheet holds, read straight from its XML: only the cells that are there.

openpyxl's read-only sheets pad every row out to the widest and every gap between rows with
empty cells (a million rows of 16,384 for one tampered reference) and build a rich object per
cell; an import needs neither.  This reader streams the part through expat with handlers (no
element tree) and yields ``(row number, {column: value})`` for the rows present, with values as
openpyxl's ``data_only`` reading gives them: shared and inline strings, numbers (int or float),
booleans, dates (by the cell's number format), and a formula's saved result.

A DTD or any entity declaration is refused, as ``defusedxml`` does (the package check has
already refused them; this is the second lock).
"""
from __future__ import annotations

from typing import Any, Iterator

from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601

CHUNK = 256 * 1024


class XmlForbidden(ValueError):
    """A DTD or entity in a sheet (named like defusedxml's errors, which callers recognise)."""


class EntitiesForbidden(XmlForbidden):
    pass


def _column(ref: str | None, previous: int) -> int:
    if not ref:
        return previous + 1
    letters = ref.rstrip("0123456789")
    return column_index_from_string(letters) if letters else previous + 1


def _number(text: str) -> int | float:
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def _forbid(*_: Any) -> None:
    raise EntitiesForbidden("DTD 或实体定义")


class CellReader:
    """Cell values of one read-only sheet (its workbook's shared strings, date formats and epoch)."""

    def __init__(self, ws: Any):
        wb = ws.parent
        self.strings = ws._shared_strings
        self.dates = wb._date_formats
        self.durations = wb._timedelta_formats
        self.epoch = wb.epoch
        self.at_row = 0  # the row being read (for a message when the XML breaks off)

    def value(self, kind: str, v: str | None, inline: list[str], style: str | None) -> Any:
        if kind == "inlineStr":
            return "".join(inline)
        if v is None or v == "":
            return None
        if kind == "n":
            number = _number(v)
            sid = int(style or 0)
            if sid and sid in self.dates:
                try:
                    return from_excel(number, self.epoch, timedelta=sid in self.durations)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "s":
            return self.strings[int(v)]
        if kind == "b":
            return bool(int(v))
        if kind == "d":
            return from_ISO8601(v)
        return v  # "str", "e": text as saved

    def rows(self, source: Any, max_col: int | None = None) -> Iterator[tuple[int, dict[int, Any]]]:
        """``(row number, {column: value})`` for each ``<row>`` of the sheet XML in ``source``."""
        sheet = _Sheet(self, max_col)
        while True:
            data = source.read(CHUNK)
            sheet.parser.Parse(data, not data)
            yield from sheet.done
            sheet.done.clear()
            if not data:
                return


class _Sheet:
    """The expat handlers: a small state machine over row, c, v, is, t and rPh."""

    def __init__(self, reader: CellReader, max_col: int | None):
        import pyexpat

        self.reader, self.max_col = reader, max_col
        self.done: list[tuple[int, dict[int, Any]]] = []
        self.r = 0
        self.cells: dict[int, Any] = {}
        self.col = 0
        self.kind, self.style, self.v = "n", None, None
        self.inline: list[str] = []
        self.buf: list[str] | None = None
        self.in_is = self.in_rph = False
        p = pyexpat.ParserCreate()
        p.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
        p.StartDoctypeDeclHandler = _forbid
        p.EntityDeclHandler = _forbid
        p.UnparsedEntityDeclHandler = _forbid
        p.ExternalEntityRefHandler = _forbid
        p.StartElementHandler = self.start
        p.EndElementHandler = self.end
        p.CharacterDataHandler = self.text
        p.buffer_text = True
        self.parser = p

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = name.rpartition(":")[2]
        if tag == "c":
            self.col = _column(attrs.get("r"), self.col)
            self.kind, self.style, self.v = attrs.get("t", "n"), attrs.get("s"), None
            self.inline = []
        elif tag == "v":
            self.buf = []
        elif tag == "row":
            ref = attrs.get("r")
            self.r = int(ref) if ref else self.r + 1
            self.reader.at_row = self.r
            self.cells, self.col = {}, 0
        elif tag == "is":
            self.in_is = True
        elif tag == "rPh":
            self.in_rph = True
        elif tag == "t" and self.in_is and not self.in_rph:
            self.buf = []

    def text(self, data: str) -> None:
        if self.buf is not None:
            self.buf.append(data)

    def end(self, name: str) -> None:
        tag = name.rpartition(":")[2]
        if tag == "v" and self.buf is not None:
            self.v, self.buf = "".join(self.buf), None
        elif tag == "t" and self.buf is not None:
            self.inline.append("".join(self.buf))
            self.buf = None
        elif tag == "c":
            if self.max_col is None or self.col <= self.max_col:
                value = self.reader.value(self.kind, self.v, self.inline, self.style)
                if value is not None:
                    self.cells[self.col] = value
        elif tag == "row":
            self.done.append((self.r, self.cells))
        elif tag == "is":
            self.in_is = False
        elif tag == "rPh":
            self.in_rph = False
