"""The values a worksheet holds, read straight from its XML: only the cells that are there.

openpyxl's read-only sheets pad every row out to the widest and every gap between rows with
empty cells (a million rows of 16,384 for one tampered reference) and build a rich object per
cell; an import needs neither.  This reader streams the part through ``defusedxml`` (no DTD,
no entities) and yields ``(row number, {column: value})`` for the rows present, with values as
openpyxl's ``data_only`` reading gives them: shared and inline strings, numbers (int or float),
booleans, dates (by the cell's number format), and a formula's saved result.
"""
from __future__ import annotations

from typing import Any, Iterator

from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _column(ref: str | None, previous: int) -> int:
    if not ref:
        return previous + 1
    letters = ref.rstrip("0123456789")
    return column_index_from_string(letters) if letters else previous + 1


def _number(text: str) -> int | float:
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def _inline(c: Any) -> str:
    parts: list[str] = []
    for child in c:
        if _local(child.tag) != "is":
            continue
        for piece in child:
            name = _local(piece.tag)
            if name == "t":
                parts.append(piece.text or "")
            elif name == "r":
                parts.extend(t.text or "" for t in piece if _local(t.tag) == "t")
    return "".join(parts)


class CellReader:
    """Cell values of one read-only sheet (its workbook's shared strings, date formats and epoch)."""

    def __init__(self, ws: Any):
        wb = ws.parent
        self.strings = ws._shared_strings
        self.dates = wb._date_formats
        self.durations = wb._timedelta_formats
        self.epoch = wb.epoch

    def value(self, c: Any) -> Any:
        kind = c.get("t", "n")
        if kind == "inlineStr":
            return _inline(c)
        v = next((child.text for child in c if _local(child.tag) == "v"), None)
        if v is None or v == "":
            return None
        if kind == "n":
            number = _number(v)
            style = int(c.get("s") or 0)
            if style and style in self.dates:
                try:
                    return from_excel(number, self.epoch, timedelta=style in self.durations)
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
        from defusedxml.ElementTree import iterparse

        r = 0
        for _, el in iterparse(source, events=("end",)):
            if _local(el.tag) != "row":
                continue
            ref = el.get("r")
            r = int(ref) if ref else r + 1
            cells: dict[int, Any] = {}
            col = 0
            for c in el:
                if _local(c.tag) != "c":
                    continue
                col = _column(c.get("r"), col)
                if max_col is None or col <= max_col:
                    value = self.value(c)
                    if value is not None:
                        cells[col] = value
            el.clear()
            yield r, cells
