"""Printing the workbook like the paper: shared cell styles, the page size and scale, and page breaks.

* :class:`StyleBook` makes every cell look of a workbook once; the cells carry its style index:
  openpyxl otherwise creates and hashes Font/Border/Alignment objects per cell.
* Column widths are counted in digits of the workbook's Normal font: Excel (and WPS) make a column
  ``round(width × digit)`` whole pixels at 96 dpi, the digit being measured in whole pixels;
  LibreOffice makes it ``width × digit`` with the digit measured exactly (in twips).  With Calibri 11,
  openpyxl's default, the digit is 7 px in Excel but 7.43 px (Carlito) in LibreOffice, whose columns
  came out 6 % wider: its fit-to-width scale was 94 %, not the 100 % the pages were planned at.  The
  Normal font here is Courier New 10 pt (Liberation Mono where it is missing, the same metrics): its
  digits are 0.6 em, 8 px at 96 dpi (10 at 120, 12 at 144, 6 at 72), exactly, so every renderer
  makes each column the same whole number of pixels (:func:`grid_pixels`, :func:`file_width`).
* :func:`page_scale` is the print scale at which the grid fills the width between the binding margin
  (left, as on the PDF) and the right margin; every sheet of a workbook has the same grid, so the
  same fit-to-width scale, 100 %, in Excel and LibreOffice alike.
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
from openpyxl.utils.indexed_list import IndexedList


MM = 72 / 25.4  # points per millimetre
# the PDF's margins (desktop/export/pdf_layout.py): 28 mm on the left leave room to bind the pages
MARGINS_MM = {"left": 28.0, "right": 15.0, "top": 16.0, "bottom": 18.0, "header": 7.0, "footer": 7.0}
A4_PT = (595.3, 841.9)
PAGE_SAFETY = 0.985  # renderers' page bodies are a little shorter than the sum of the margins says
NORMAL_FONT = ("Courier New", 10.0)  # the Normal style's font: column widths are counted in its digits
DIGIT_PX = 8  # its digit's width at 96 dpi: 0.6 em of 13⅓ px, a whole number in every renderer
PT_PER_PX = 0.75  # 96 dpi


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
        normal = Font(name=NORMAL_FONT[0], size=NORMAL_FONT[1])  # no theme scheme: the name is used
        wb._fonts = IndexedList([normal])  # font 0: cells without a style of their own
        wb._named_styles["Normal"].font = normal
        wb._named_styles["Normal"].bind(wb)
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
            number = look.number_format != "General"  # a number never wraps: it shrinks rather than show ###
            cell.alignment = Alignment(horizontal=look.horizontal, vertical=look.vertical, wrap_text=not number,
                                       shrink_to_fit=number, indent=look.indent)
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


def usable_width(orientation: str) -> float:
    """Points between the binding margin and the right margin."""
    return page_size(orientation)[0] - (MARGINS_MM["left"] + MARGINS_MM["right"]) * MM


def grid_pixels(orientation: str, columns: int) -> list[int]:
    """Whole pixels (96 dpi) of each of ``columns`` grid columns filling the page's width at 100 %,
    less a pixel: joined columns are whole pixels too, whichever columns are joined."""
    total = int(usable_width(orientation) / PT_PER_PX) - 1
    edges = [round(k * total / columns) for k in range(columns + 1)]
    return [b - a for a, b in zip(edges, edges[1:])]


def file_width(px: int) -> float:
    """The ``<col width>`` of a column ``px`` pixels wide: in digits of the Normal font."""
    return round(px / DIGIT_PX, 4)


def excel_pixels(width: float, digit: int = DIGIT_PX) -> int:
    """The pixels Excel makes of a ``<col width>`` (ECMA-376 §18.3.1.13: the width already counts the
    cell's padding)."""
    return int((256 * width + int(128 / digit)) / 256 * digit)


def grid_width_pt(widths: list[float]) -> float:
    """The grid's width at 100 %, from the ``<col width>`` of its columns (the same in Excel, WPS and
    LibreOffice: see the module's notes)."""
    return sum(excel_pixels(w) for w in widths) * PT_PER_PX


def page_scale(widths: list[float], orientation: str) -> int:
    """The print scale (percent) at which the grid, ``<col width>`` of its columns, fills the page
    between the margins."""
    return max(10, min(100, int(usable_width(orientation) / grid_width_pt(widths) * 100)))


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
