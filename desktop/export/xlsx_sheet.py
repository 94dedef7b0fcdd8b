"""Writing one printed sheet: lines of cells on a fine grid of equal columns.

Every block of the form (a label/value grid, a table, a titled paragraph) is
laid out as *lines*; each cell of a line covers some of the grid's columns and
is merged across them.  :meth:`SheetWriter.line` measures every cell, writes
the row height, and when a cell's text is longer than one row can hold
(Excel's 409 pt limit, or a shorter limit for body text so that pages break
between paragraphs) cuts that text into several rows, merging the other cells
of the line down over them.  Where each form address went is recorded in
``cellmap`` so that the file reads back exactly.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from desktop.export import xlsx_text as xt

FONT_NAME = "宋体"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
CUT_MARK = "……（Excel 单元格最多 32767 字，以下从略；完整内容在草稿和本文件的隐藏数据中）"


@dataclass
class XCell:
    col: int  # first grid column, 0-based
    span: int
    text: str  # as printed
    number: float | None = None  # set: stored as a number with ``fmt``
    fmt: str = "General"
    style: str = "value"  # value | label | total | title | doc_title | subtitle | heading | sub | body | note | plain
    align: str = "left"
    border: bool = True
    addr: str | None = None  # the form address shown here
    max_lines: int = 0  # 0: as many as a row can hold
    indent: bool = False


SIZES = {"doc_title": 16.0, "title": 15.0, "subtitle": 11.0, "heading": 11.5, "sub": 10.5, "note": 9.0}
BOLD = {"doc_title", "title", "heading", "sub", "total"}


@dataclass
class Region:
    r1: int
    c1: int
    r2: int
    c2: int

    @property
    def ref(self) -> str:
        return f"{get_column_letter(self.c1)}{self.r1}"


@dataclass
class Placed:
    cell: XCell
    regions: list[Region] = field(default_factory=list)  # one per chunk
    joins: list[str] = field(default_factory=list)  # separators between chunks ("" or "\n")
    written: Any = None


class SheetWriter:
    def __init__(self, ws: Any, widths: list[float], size: float):
        self.ws = ws
        self.widths = widths
        self.size = size
        self.row = 1
        self.merges: dict[tuple[int, int], Region] = {}
        self.heights: dict[int, float] = {}
        self.placed: list[Placed] = []
        # values longer than one Excel cell holds: (address, characters, rows shown on); cut: addresses cut short
        self.long: list[tuple[str, int, int]] = []
        self.cut: list[str] = []
        self._styles: dict[tuple, tuple] = {}
        thin = Side(style="thin", color="000000")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)

    # ------------------------------------------------------------------ measuring
    def size_of(self, c: XCell) -> float:
        return SIZES.get(c.style, self.size)

    def capacity(self, c: XCell) -> float:
        cap = xt.span_capacity(self.widths[c.col:c.col + c.span])
        return cap - (2 * xt.char_units("中", self.size_of(c)) if c.indent else 0)

    def gap(self, pt: float = 6.0) -> None:
        self.heights[self.row] = pt
        self.row += 1

    # ------------------------------------------------------------------ one printed line
    def line(self, cells: list[XCell], min_pt: float = 0.0) -> list[Placed]:
        measured = []
        for c in cells:
            size = self.size_of(c)
            lines = [(c.text, False)] if c.number is not None else xt.wrap(c.text, self.capacity(c), size)
            limit = min(c.max_lines or 10**6, xt.max_lines_per_row(size))
            pieces = _pieces(lines, limit, bool(c.max_lines)) if len(lines) > limit else [lines]
            measured.append((c, pieces))
        chunks = max((len(p) for _, p in measured), default=1)
        r0 = self.row
        heights = [0.0] * chunks
        spanning: list[tuple[int, int, float]] = []  # pieces covering several rows: (first, last, need)
        out: list[Placed] = []
        for c, pieces in measured:
            p = Placed(c)
            c1, c2 = c.col + 1, c.col + c.span
            for i, piece in enumerate(pieces):
                last = i == len(pieces) - 1
                r_end = chunks - 1 if last else i
                region = Region(r0 + i, c1, r0 + r_end, c2)
                p.regions.append(region)
                need = xt.row_height(len(piece), self.size_of(c))
                if r_end == i:
                    heights[i] = max(heights[i], need)
                else:
                    spanning.append((i, r_end, need))
                if not last:
                    p.joins.append("\n" if piece[-1][1] else "")
                self._write(region, c, _join(piece))
            p.written = c.number if c.number is not None else c.text
            if c.addr and c.number is None and len(c.text) > xt.MAX_CELL_CHARS:
                self.long.append((c.addr, len(c.text), len(p.regions)))
            out.append(p)
        floor = max(min_pt, xt.row_height(1, self.size))
        heights = [max(h, floor) for h in heights]
        for a, b, need in spanning:
            have = sum(heights[a:b + 1])
            if have < need:
                heights[b] = min(xt.MAX_ROW_PT, heights[b] + need - have)
        for i, h in enumerate(heights):
            self.heights[r0 + i] = h
        self.row = r0 + chunks
        self.placed.extend(out)
        return out

    def _write(self, region: Region, c: XCell, text: str) -> None:
        cell = self.ws.cell(row=region.r1, column=region.c1)
        if c.number is not None:
            cell.value = c.number
            cell.number_format = c.fmt
        elif text:
            if len(text) > xt.MAX_CELL_CHARS:  # Excel would refuse the file: cut, say so in the cell and the notice
                text = text[: xt.MAX_CELL_CHARS - len(CUT_MARK)] + CUT_MARK
                if c.addr:
                    self.cut.append(c.addr)
            cell.value = text
            cell.data_type = "s"  # never a formula, whatever the text starts with
            if text.startswith(FORMULA_START):
                cell.quotePrefix = True
        font, align = self._style(c)
        cell.font = font
        cell.alignment = align
        if c.border:
            cell.border = self.border
        if region.c2 > region.c1 or region.r2 > region.r1:
            self.merges[(region.r1, region.c1)] = region
            if c.border:
                for r in range(region.r1, region.r2 + 1):
                    for col in range(region.c1, region.c2 + 1):
                        self.ws.cell(row=r, column=col).border = self.border

    def _style(self, c: XCell) -> tuple[Font, Alignment]:
        key = (c.style, c.align, c.indent, c.border)
        got = self._styles.get(key)
        if got is None:
            font = Font(name=FONT_NAME, size=self.size_of(c), bold=c.style in BOLD)
            vertical = "top" if c.style in ("body", "note") else "center"
            # numbers keep a little room from the right border (the next cell's text starts at its left)
            indent = 2 if c.indent else (1 if c.align == "right" and c.border else 0)
            align = Alignment(horizontal=c.align, vertical=vertical, wrap_text=True, indent=indent)
            got = self._styles[key] = (font, align)
        return got

    # ------------------------------------------------------------------ merging equal cells down
    def merge_down(self, placed: list[Placed]) -> None:
        """Equal consecutive cells of a column (the 类别 of a table) become one merged cell."""
        run: list[Placed] = []

        def flush() -> None:
            if len(run) > 1:
                first, last = run[0].regions[0], run[-1].regions[-1]
                for p in run:
                    for reg in p.regions:
                        self.merges.pop((reg.r1, reg.c1), None)
                        if reg is not first:
                            self.ws.cell(row=reg.r1, column=reg.c1).value = None
                union = Region(first.r1, first.c1, last.r2, last.c2)
                self.merges[(union.r1, union.c1)] = union
                for p in run:
                    p.regions = [union]
                    p.joins = []
                for r in range(union.r1, union.r2 + 1):
                    for col in range(union.c1, union.c2 + 1):
                        self.ws.cell(row=r, column=col).border = self.border
            run.clear()

        for p in placed:
            if run and p.cell.text and p.cell.text == run[-1].cell.text and len(run[-1].regions) == 1 \
                    and len(p.regions) == 1:
                run.append(p)
            else:
                flush()
                if p.cell.text and len(p.regions) == 1:
                    run.append(p)
        flush()

    # ------------------------------------------------------------------ finishing
    def finish(self) -> None:
        for reg in self.merges.values():
            self.ws.merge_cells(start_row=reg.r1, start_column=reg.c1, end_row=reg.r2, end_column=reg.c2)
        for r, h in self.heights.items():
            self.ws.row_dimensions[r].height = round(h, 1)
        for i, w in enumerate(self.widths):
            self.ws.column_dimensions[get_column_letter(i + 1)].width = round(w, 2)

    def cellmap(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for p in self.placed:
            if p.cell.addr is None:
                continue
            out[p.cell.addr] = {"c": [r.ref for r in p.regions], "j": p.joins, "w": p.written,
                                "n": p.cell.fmt if p.cell.number is not None else None}
        return out


    def anchors(self) -> list[list[str]]:
        """Printed labels and where they are: if they moved, rows or columns were inserted in Excel."""
        out = []
        for p in self.placed:
            if p.cell.addr is None and p.cell.style in ("label", "total") and p.cell.text and len(p.regions) == 1:
                out.append([p.regions[0].ref, p.cell.text])
        return out


def _pieces(lines: list[tuple[str, bool]], limit: int, per_paragraph: bool) -> list[list[tuple[str, bool]]]:
    """Lines cut into pieces of at most ``limit`` lines, at paragraph ends where possible
    (at every paragraph end when ``per_paragraph``)."""
    paragraphs: list[list[tuple[str, bool]]] = [[]]
    for ln in lines:
        paragraphs[-1].append(ln)
        if ln[1]:
            paragraphs.append([])
    if not paragraphs[-1]:
        paragraphs.pop()
    pieces: list[list[tuple[str, bool]]] = []
    cur: list[tuple[str, bool]] = []
    for para in paragraphs:
        if cur and (per_paragraph or len(cur) + len(para) > limit):
            pieces.append(cur)
            cur = []
        while len(para) > limit:
            if cur:
                pieces.append(cur)
                cur = []
            pieces.append(para[:limit])
            para = para[limit:]
        cur.extend(para)
    if cur:
        pieces.append(cur)
    return pieces or [[("", False)]]


def _join(lines: list[tuple[str, bool]]) -> str:
    out = []
    for i, (text, hard) in enumerate(lines):
        out.append(text)
        if hard and i < len(lines) - 1:
            out.append("\n")
    return "".join(out)


def spans(weights: list[float], total: int) -> list[int]:
    """Whole grid columns for parts of these relative widths (largest remainder, at least 1 each)."""
    n = len(weights)
    if n == 0:
        return []
    if n >= total:
        return [1] * n
    s = sum(w if w > 0 else 1.0 for w in weights)
    exact = [max(w if w > 0 else 1.0, 0.0) / s * total for w in weights]
    out = [max(1, int(x)) for x in exact]
    while sum(out) > total:
        i = max(range(n), key=lambda k: (out[k] - exact[k], out[k]))
        out[i] -= 1
    order = sorted(range(n), key=lambda k: exact[k] - out[k], reverse=True)
    k = 0
    while sum(out) < total:
        out[order[k % n]] += 1
        k += 1
    return out
