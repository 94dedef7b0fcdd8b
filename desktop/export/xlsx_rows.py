"""Writing a planned sheet's XML: the rows, cells and merged ranges serialised in one pass.

The workbook is made in openpyxl's write-only mode.  :class:`RowsWriter` takes the place of the
write-only sheet's own writer: openpyxl still writes everything around the rows (sheet properties,
views, columns, margins, page setup, header and footer, page breaks), each from its own object;
the rows and the merged ranges, which a sheet writer has planned whole, are written here as text.
openpyxl would otherwise make a cell object per cell (a merged range's bordered edge cells too),
hash its style per cell, parse every merged range twice and serialise each element through a
generic XML writer: most of a styled workbook's export time.

Cells are ``(style index or None, value)``: a value is text (an inline string, never a formula),
a number, or ``None`` (a cell only styled: the border along a merged range's edge).
"""
from __future__ import annotations

from typing import Any, Iterable
from xml.sax.saxutils import escape

from openpyxl.compat import safe_string
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import tostring

__all__ = ["RowsWriter", "attach"]

Cells = dict[tuple[int, int], tuple[int | None, Any]]
HEAD = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{SHEET_MAIN_NS}">'


class RowsWriter(WorksheetWriter):
    """The writer of a write-only sheet whose rows were planned before: ``cells`` by (row, column),
    ``heights`` by row (points), ``merges`` as (first row, first column, last row, last column)."""

    def __init__(self, ws: Any, cells: Cells, heights: dict[int, float],
                 merges: Iterable[tuple[int, int, int, int]] = ()):
        self.parts: list[bytes] = []
        super().__init__(ws)
        self.cells = cells
        self.heights = heights
        self.merges = list(merges)

    def get_stream(self):
        """The elements openpyxl makes around the rows, serialised in order (no XML writer state)."""
        try:
            while True:
                el = yield
                if el is not None and el is not True:
                    self.parts.append(tostring(el))
        except GeneratorExit:
            pass

    def write_rows(self) -> None:
        # the sheet's setup is complete when it is closed: what comes before the rows is written now
        self.write_top()
        out = ["<sheetData>"]
        letters: dict[int, str] = {}
        by_row: dict[int, list[tuple[int, int | None, Any]]] = {}
        for (r, col), (style, value) in self.cells.items():
            by_row.setdefault(r, []).append((col, style, value))
        for r in sorted(by_row.keys() | self.heights.keys()):
            h = self.heights.get(r)
            out.append(f'<row r="{r}" ht="{safe_string(round(h, 1))}" customHeight="1">' if h is not None
                       else f'<row r="{r}">')
            for col, style, value in sorted(by_row.get(r, ())):
                letter = letters.get(col)
                if letter is None:
                    letter = letters[col] = get_column_letter(col)
                out.append(_cell(f"{letter}{r}", style, value))
            out.append("</row>")
        out.append("</sheetData>")
        self.parts.append("".join(out).encode("utf-8"))

    def write_merged_cells(self) -> None:
        if self.merges:
            refs = "".join(f'<mergeCell ref="{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"/>'
                           for r1, c1, r2, c2 in self.merges)
            self.parts.append(f'<mergeCells count="{len(self.merges)}">{refs}</mergeCells>'.encode("utf-8"))

    def close(self) -> None:
        super().close()
        with open(self.out, "wb") as f:
            f.write(HEAD.encode("utf-8") + b"".join(self.parts) + b"</worksheet>")


def _cell(ref: str, style: int | None, value: Any) -> str:
    s = f' s="{style}"' if style else ""
    if value is None:
        return f'<c r="{ref}"{s}/>'
    if isinstance(value, str):
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>'
    return f'<c r="{ref}"{s} t="n"><v>{safe_string(value)}</v></c>'


def attach(ws: Any, cells: Cells, heights: dict[int, float] | None = None,
           merges: Iterable[tuple[int, int, int, int]] = ()) -> None:
    """These rows are what the write-only sheet ``ws`` writes when the workbook is saved."""
    ws._writer = RowsWriter(ws, cells, heights or {}, merges)
