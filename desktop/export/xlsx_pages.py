"""Printing the workbook like the paper: shared cell styles, the page size and scale, and page breaks.

* :class:`StyleBook` makes every cell look of a workbook once; the cells carry its style index:
  openpyxl otherwise creates and hashes Font/Border/Alignment objects per cell.
* :func:`page_scale` is the print scale at which the grid fills the width between the binding margin
  (left, as on the PDF) and the right margin; every sheet of a workbook has the same grid, so the
  same fit-to-width scale.  The renderer computes its own (LibreOffice's columns are a little wider
  than Excel's): pages are planned at Excel's, the largest, so that they hold no more than planned.
* :func:`body_height` is what one page holds, for the writer that places the rows on pages itself
  (row heights are written, so it knows where the printer will break) and writes a manual break
  where every page starts: headings stay with the first rows of their table, a table's column labels
  start each page it continues on, the signature block with the seal's room stays whole, and the
  merged 类别 cells are cut at page ends and labelled again.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.styles.cell_style import StyleArray

from desktop.export import xlsx_text as xt

MM = 72 / 25.4  # points per millimetre
# the PDF's margins (desktop/export/pdf_layout.py): 28 mm on the left leave room to bind the pages
MARGINS_MM = {"left": 28.0, "right": 15.0, "top": 16.0, "bottom": 18.0, "header": 7.0, "footer": 7.0}
A4_PT = (595.3, 841.9)
PAGE_SAFETY = 0.985  # renderers' page bodies are a little shorter than the sum of the margins says


@dataclass(frozen=True)
class CellLook:
    size: float
    bold: bool
    horizontal: str
    vertical: str
    indent: int
    border: bool
    underline: bool = False
    number_format: str = "General"


class StyleBook:
    """The workbook's cell looks, each made once and shared: :meth:`style_id` gives the index of a
    look's cell style (font, alignment, border and number format made the first time it is asked for),
    which every cell of that look carries."""

    def __init__(self, wb, font_name: str):
        self.wb = wb
        self.font_name = font_name
        self.ids: dict[tuple[CellLook | str, bool], int] = {}  # (look, quote prefix) -> cell style index
        self.thin = Side(style="thin", color="000000")
        self.border = Border(left=self.thin, right=self.thin, top=self.thin, bottom=self.thin)

    def style_id(self, look: CellLook, sheet: Any, quote: bool = False) -> int:
        """The cell style of ``look`` (``quote``: text shown as typed even if it reads as a formula);
        ``sheet``: any sheet of the workbook, where the style is made."""
        got = self.ids.get((look, quote))
        if got is None:
            cell = WriteOnlyCell(sheet)
            cell.font = Font(name=self.font_name, size=look.size, bold=look.bold)
            cell.alignment = Alignment(horizontal=look.horizontal, vertical=look.vertical, wrap_text=True,
                                       indent=look.indent)
            if look.border:
                cell.border = self.border
            elif look.underline:
                cell.border = Border(bottom=self.thin)
            if look.number_format != "General":
                cell.number_format = look.number_format
            cell.quotePrefix = quote
            got = self.ids[(look, quote)] = self._index(cell)
        return got

    def edge_id(self, sheet: Any) -> int:
        """Only the thin border: the cells along the edge of a merged, bordered range."""
        got = self.ids.get(("edge", False))
        if got is None:
            cell = WriteOnlyCell(sheet)
            cell.border = self.border
            got = self.ids[("edge", False)] = self._index(cell)
        return got

    def _index(self, cell: Any) -> int:
        return self.wb._cell_styles.add(StyleArray(cell._style))


def page_size(orientation: str) -> tuple[float, float]:
    return A4_PT if orientation == "portrait" else (A4_PT[1], A4_PT[0])


def grid_width_pt(widths: list[float]) -> float:
    """The grid's width in Excel (the narrowest renderer: the largest fit-to-width scale)."""
    return sum(widths) * xt.PX_PER_UNIT * 0.75


def page_scale(widths: list[float], orientation: str) -> int:
    """The print scale (percent) at which the grid fills the page between the margins."""
    w, _h = page_size(orientation)
    usable = w - (MARGINS_MM["left"] + MARGINS_MM["right"]) * MM
    return max(10, min(100, int(usable / grid_width_pt(widths) * 100)))


def body_height(orientation: str, scale: int) -> float:
    """Row points that one page holds at this scale."""
    _w, h = page_size(orientation)
    usable = (h - (MARGINS_MM["top"] + MARGINS_MM["bottom"]) * MM) * PAGE_SAFETY
    return usable * 100 / scale


def page_of(row: int, starts: list[int]) -> int:
    """0-based page of a row, given the first rows of the pages after the first."""
    k = 0
    for s in starts:
        if row >= s:
            k += 1
        else:
            break
    return k
