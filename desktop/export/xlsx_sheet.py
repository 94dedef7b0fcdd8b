"""Writing one printed sheet: lines of cells on a fine grid of equal columns.

Every block of the form (a label/value grid, a table, a titled paragraph) is
laid out as *lines*; each cell of a line covers some of the grid's columns and
is merged across them.  :meth:`SheetWriter.line` measures every cell, writes
the row height, and when a cell's text is longer than one row can hold
(Excel's 409 pt limit, or a shorter limit for body text so that pages break
between paragraphs) cuts that text into several rows at sentence ends, merging
the other cells of the line down over the rows on the same page.  A line cut
over a page break goes on under the table's column labels, with its label
cells printed again (the row's name with （续）).  Where each form address went
is recorded in ``cellmap`` so that the file reads back exactly.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable

from openpyxl.utils import get_column_letter

from desktop.export import xlsx_text as xt
from desktop.export.xlsx_pages import CellLook, StyleBook, file_width, page_of
from desktop.export.xlsx_rows import attach

FONT_NAME = "宋体"
FILL_MIN = 0.15  # a page with at least this much room left is filled with a text's first sentences
LABELS_PT = 60.0  # kept free on a page for a table's column labels when a long text is cut for pages
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
CUT_MARK = "……（Excel 单元格最多 32767 字，以下从略；完整内容在草稿和本文件的隐藏数据中）"


@dataclass(slots=True)
class XCell:
    col: int  # first grid column, 0-based
    span: int
    text: str  # as printed
    number: float | None = None  # set: stored as a number with ``fmt``
    fmt: str = "General"
    # value | label | total | title | doc_title | subtitle | heading | sub | body | note | plain | sign (a signature
    # line: on the row's bottom, where the rule to write on is)
    style: str = "value"
    align: str = "left"
    border: bool = True
    addr: str | None = None  # the form address shown here
    max_lines: int = 0  # 0: as many as a row can hold
    indent: bool = False
    indented: bool = False  # the text's paragraphs carry the first-line indent (taken off on import)
    underline: bool = False  # a line to write on: only the bottom border
    top: bool = False  # aligned to the top (a line cut into several rows: its cells start on the first)
    merge_up: bool = False  # the same group as the cell above (merged with it on each page)
    cont: str | None = None  # printed in this cell's place when its line continues on the next page


SIZES = {"doc_title": 16.0, "title": 15.0, "subtitle": 11.0, "heading": 11.5, "sub": 10.5, "note": 9.0}
BOLD = {"doc_title", "title", "heading", "sub"}


@dataclass(slots=True)
class Region:
    r1: int
    c1: int
    r2: int
    c2: int

    @property
    def ref(self) -> str:
        return f"{get_column_letter(self.c1)}{self.r1}"


@dataclass(slots=True)
class Placed:
    cell: XCell
    regions: list[Region] = field(default_factory=list)  # one per chunk
    joins: list[str] = field(default_factory=list)  # separators between chunks ("" or "\n")
    written: Any = None


class SheetWriter:
    def __init__(self, ws: Any, widths: list[float], size: float, book: StyleBook, page: float):
        self.ws = ws
        self.widths = widths
        self.size = size
        self.book = book
        self.row = 1
        self.merges: dict[tuple[int, int], tuple[Region, bool]] = {}  # (region, bordered)
        self.heights: dict[int, float] = {}
        self.keep_next: set[int] = set()
        self.gaps: set[int] = set()  # rows of spacing only (gap())
        self.placed: list[Placed] = []
        # values longer than one Excel cell holds: (address, characters, rows shown on); cut: addresses cut short
        self.long: list[tuple[str, int, int]] = []
        self.cut: list[str] = []
        self.runs: list[list[Placed]] = []  # equal cells of a column, merged down page by page
        self._capacity: dict[tuple, float] = {}
        self._looks: dict[tuple, CellLook] = {}
        self.writes: dict[tuple[int, int], tuple[Region, XCell, str]] = {}  # written by finish()
        self.page = page  # row points a printed page holds
        self.breaks: list[int] = []  # the first row of every page after the first
        self.first = 1  # the first row of the current page
        self.used = 0.0  # points of it filled
        self.paging = True
        self.tables: list[list] = []  # [first row, last row, print its column labels] of each table

    # ------------------------------------------------------------------ measuring
    def size_of(self, c: XCell) -> float:
        return SIZES.get(c.style, self.size)

    def capacity(self, c: XCell) -> float:
        key = (c.col, c.span, c.indent, self.size_of(c))
        got = self._capacity.get(key)
        if got is None:
            got = xt.span_capacity(self.widths[c.col:c.col + c.span])
            got = self._capacity[key] = got - (2 * xt.char_units("中", key[3]) if c.indent else 0)
        return got

    def piece_lines(self, size: float) -> int:
        """Lines of one row of a long text cut into rows: as many as fit a row, and so many that whole
        rows fill a page under a table's column labels (a page holds one 400-pt row, not two)."""
        page = int((self.page - LABELS_PT) // xt.line_height(size))  # lines a page holds
        most = xt.max_lines_per_row(size)
        rows = max(1, -(-page // most))
        return max(1, min(most, page // rows - 1))  # a line's worth of each row is its padding

    def gap(self, pt: float = 6.0, keep_next: bool = False) -> None:
        self._room(pt)
        self.heights[self.row] = pt
        self.gaps.add(self.row)
        if keep_next:
            self.keep_next.add(self.row)
        self.row += 1

    def keep_last_line(self) -> None:
        """The last printed line above (not only the spacing after it) goes on with what comes next."""
        r = self.row - 1
        while r in self.gaps and r > 1:
            self.keep_next.add(r)
            r -= 1
        self.keep_next.add(r)

    # ------------------------------------------------------------------ pages
    def page_break(self) -> None:
        """The next line starts a page."""
        if self.row > self.first:
            self.breaks.append(self.row)
            self.first, self.used = self.row, 0.0

    def begin_table(self, header: Callable[[], None]) -> None:
        """The rows from here on are a table's; ``header`` prints its column labels."""
        self.tables.append([self.row, 10**9, header])

    def end_table(self) -> None:
        self.tables[-1][1] = self.row - 1

    def _room(self, h: float) -> None:
        """Room on the page for a row ``h`` points tall at ``self.row``: when it does not fit, a page
        starts before it, or before the rows kept with it (a heading, a table's column labels, the
        row above a table's last row or the signatures); a page that starts inside a table starts
        with the table's column labels (also inside a line cut into several rows)."""
        if not self.paging or self.used + h <= self.page or self.row == self.first:
            self.used += h
            return
        start = self.row
        while start - 1 in self.keep_next and start - 1 > self.first:
            start -= 1
        kept = sum(self.heights[r] for r in range(start, self.row))
        if kept + h > self.page:  # kept rows taller than a page: cut them here
            start, kept = self.row, 0.0
        self.breaks.append(start)
        self.first, self.used = start, kept + h
        table = next((t for t in self.tables if t[0] < start <= t[1]), None)
        if table is not None:
            self.used += self._insert(start, table[2])

    def _insert(self, at: int, emit: Callable[[], None]) -> float:
        """Lines printed by ``emit`` go in at row ``at``; the rows from there on move down.
        Returns their height."""
        end = self.row
        self.paging = False
        emit()
        self.paging = True
        n = self.row - end
        if at < end:
            def moved(r: int) -> int:
                return r + n if at <= r < end else (r - (end - at) if r >= end else r)

            regions = {id(r): r for r, _c, _t in self.writes.values()}
            regions.update({id(r): r for p in self.placed for r in p.regions})
            regions.update({id(r): r for r, _b in self.merges.values()})
            for r in regions.values():
                if r.r1 >= at:
                    r.r1, r.r2 = moved(r.r1), moved(r.r2)
            self.writes = {(r.r1, r.c1): (r, c, t) for r, c, t in self.writes.values()}
            self.merges = {(r.r1, r.c1): (r, b) for r, b in self.merges.values()}
            self.heights = {moved(r): h for r, h in self.heights.items()}
            self.keep_next = {moved(r) for r in self.keep_next}
            for t in self.tables:
                if at <= t[1] < 10**9:
                    t[1] += n
        return sum(self.heights[r] for r in range(at, at + n))

    # ------------------------------------------------------------------ one printed line
    def _measure(self, cells: list[XCell], min_pt: float = 0.0, room: float = 0.0) -> tuple[list, list[float]]:
        """Each cell's text in pieces (one per row it takes), and the rows' heights.  With ``room``
        (points left on the page), a text's first piece is cut (at a sentence end) to fit in it."""
        measured = []
        for c in cells:
            size = self.size_of(c)
            if c.number is not None:
                pieces = [(c.text, 1, "")]
            else:
                limit = min(c.max_lines or 10**6, self.piece_lines(size))
                cap = self.capacity(c)
                first = int((room - xt.ROW_PAD_PT) // xt.line_height(size)) if room else 0
                if 0 < first < limit:
                    head = xt.split_text(c.text, cap, size, first, bool(c.max_lines))
                    piece, _n, join = head[0]
                    rest = c.text[len(piece) + len(join):]
                    pieces = head[:1] + (xt.split_text(rest, cap, size, limit, bool(c.max_lines))
                                         if len(head) > 1 else [])
                else:
                    pieces = xt.split_text(c.text, cap, size, limit, bool(c.max_lines))
            measured.append((c, pieces))
        chunks = max((len(p) for _, p in measured), default=1)
        heights = [0.0] * chunks
        spanning: list[tuple[int, int, float]] = []  # pieces covering several rows: (first, last, need)
        for c, pieces in measured:
            for i, (_piece, n_lines, _join) in enumerate(pieces):
                r_end = chunks - 1 if i == len(pieces) - 1 else i
                need = xt.row_height(n_lines, self.size_of(c))
                if r_end == i:
                    heights[i] = max(heights[i], need)
                else:
                    spanning.append((i, r_end, need))
        floor = max(min_pt, xt.row_height(1, self.size))
        heights = [max(h, floor) for h in heights]
        for a, b, need in spanning:
            have = sum(heights[a:b + 1])
            if have < need:
                heights[b] = min(xt.MAX_ROW_PT, heights[b] + need - have)
        return measured, heights

    def line(self, cells: list[XCell], min_pt: float = 0.0, keep_next: bool = False) -> list[Placed]:
        """One printed line (several rows when a text is cut); ``keep_next``: printed on the same page
        as the line after it.  A line cut over a page break goes on under the table's column labels,
        its other cells printed again as their ``cont`` text."""
        measured, heights = self._measure(cells, min_pt)
        room = self.page - self.used
        if self.paging and heights[0] > room >= FILL_MIN * self.page and self.row > self.first:
            # a long text that would leave a gap at the page foot: its first sentences fill the page
            measured, heights = self._measure(cells, min_pt, room)
        rows, pages = self._place(heights)
        chunks = len(heights)
        out: list[Placed] = []
        for c, pieces in measured:
            c.top = c.top or chunks > 1
            p = Placed(c)
            c1, c2 = c.col + 1, c.col + c.span
            for i, (piece, _n, join) in enumerate(pieces):
                last = i == len(pieces) - 1
                segments = _per_page(rows, pages, i, chunks - 1 if last else i)
                (a, b), more = segments[0], segments[1:]
                region = Region(a, c1, b, c2)
                p.regions.append(region)
                if not last:
                    p.joins.append(join)
                self._write(region, c, piece)
                for a, b in more:  # the same cell on the next page: its label again, or empty and bordered
                    again = replace(c, text=c.cont or "", number=None, addr=None)
                    self._write(Region(a, c1, b, c2), again, again.text)
            p.written = c.number if c.number is not None else c.text
            if c.addr and c.number is None and len(c.text) > xt.MAX_CELL_CHARS:
                self.long.append((c.addr, len(c.text), len(p.regions)))
            out.append(p)
        if keep_next:
            self.keep_next.update(rows)
        self.row = rows[-1] + 1
        self.placed.extend(out)
        return out

    def _place(self, heights: list[float]) -> tuple[list[int], list[int]]:
        """The rows of a line's chunks, placed on pages: (sheet row, page) of each."""
        rows: list[int] = []
        pages: list[int] = []
        for h in heights:
            if rows:
                self.row = rows[-1] + 1
            self._room(h)  # may start a page (and put a table's column labels on top of it)
            rows.append(self.row)
            pages.append(len(self.breaks))
            self.heights[self.row] = h
        return rows, pages

    def _write(self, region: Region, c: XCell, text: str) -> None:
        """Kept until :meth:`finish`, which knows the pages and which grid columns are ever a border."""
        self.writes[(region.r1, region.c1)] = (region, c, text)
        if region.c2 > region.c1 or region.r2 > region.r1:
            self.merges[(region.r1, region.c1)] = (region, c.border)

    def _cell(self, c: XCell, text: str) -> tuple[int, Any]:
        """(style index, value) of a cell: a number, text (never a formula), or None."""
        look = self._look(c)
        if c.number is not None:
            return self.book.style_id(look, self.ws), c.number  # its format is part of the look
        if not text:
            return self.book.style_id(look, self.ws), None
        if len(text) > xt.MAX_CELL_CHARS:  # Excel would refuse the file: cut, say so in the cell and the notice
            text = text[: xt.MAX_CELL_CHARS - len(CUT_MARK)] + CUT_MARK
            if c.addr:
                self.cut.append(c.addr)
        return self.book.style_id(look, self.ws, text.startswith(FORMULA_START)), text

    def _look(self, c: XCell) -> CellLook:
        key = (c.style, c.align, c.top, c.indent, c.border, c.underline, c.fmt if c.number is not None else "")
        got = self._looks.get(key)
        if got is None:
            vertical = "top" if c.top or c.style in ("body", "note") else ("bottom" if c.style == "sign" else "center")
            fmt = c.fmt if c.number is not None else "General"
            # numbers keep room from the right border (the next cell's text starts at its left): a digit's
            # width in their format, as LibreOffice ignores the indent of a merged right-aligned cell
            padded = c.align == "right" and c.number is not None
            indent = 2 if c.indent else (1 if c.align == "right" and c.border and not padded else 0)
            got = self._looks[key] = CellLook(self.size_of(c), c.style in BOLD, c.align, vertical, indent,
                                              c.border, c.underline, fmt + xt.NUMBER_PAD if padded else fmt)
        return got

    # ------------------------------------------------------------------ merging equal cells down
    def merge_down(self, placed: list[Placed]) -> None:
        """A column's cells of one group (``merge_up``: the 类别 of a table) become one merged cell on
        each page they print on (cut at page ends by :meth:`finish`)."""
        run: list[Placed] = []

        def flush() -> None:
            if len(run) > 1:
                self.runs.append(list(run))
            run.clear()

        for p in placed:
            if run and p.cell.merge_up and len(p.regions) == 1:
                run.append(p)
            else:
                flush()
                if p.cell.text and len(p.regions) == 1:
                    run.append(p)
        flush()

    def _merge_runs(self, starts: list[int]) -> None:
        for run in self.runs:
            by_page: dict[int, list[Placed]] = {}
            for p in run:
                by_page.setdefault(page_of(p.regions[0].r1, starts), []).append(p)
            for part in by_page.values():
                if len(part) < 2:
                    continue
                first, last = part[0].regions[0], part[-1].regions[-1]
                _r, cell, text = self.writes[(first.r1, first.c1)]
                for p in part:
                    for reg in p.regions:
                        self.merges.pop((reg.r1, reg.c1), None)
                        self.writes.pop((reg.r1, reg.c1), None)
                union = Region(first.r1, first.c1, last.r2, last.c2)
                self.merges[(union.r1, union.c1)] = (union, True)
                self.writes[(union.r1, union.c1)] = (union, cell, text)
                for p in part:
                    p.regions = [union]
                    p.joins = []

    # ------------------------------------------------------------------ finishing
    def finish(self) -> list[int]:
        """Cells, merges, row heights and column widths planned and handed to the sheet's writer
        (:mod:`~desktop.export.xlsx_rows`, written when the workbook is saved); returns the first row of
        every page after the first."""
        self._merge_runs(self.breaks)
        widths = self._collapse_columns()
        ws = self.ws
        cells = {(region.r1, region.c1): self._cell(c, text) for region, c, text in self.writes.values()}
        # a "merge" of one real cell (its grid columns collapsed into one) is no merge
        merges = [(reg, b) for reg, b in self.merges.values() if reg.r2 > reg.r1 or reg.c2 > reg.c1]
        edge = (self.book.edge_id(ws), None)
        for reg, bordered in merges:
            if bordered:  # the cells along the edge carry the border; the inside is never drawn
                for r in range(reg.r1, reg.r2 + 1):
                    cols = range(reg.c1, reg.c2 + 1) if r in (reg.r1, reg.r2) else (reg.c1, reg.c2)
                    for col in cols:
                        if (r, col) != (reg.r1, reg.c1):
                            cells[(r, col)] = edge
        for i, w in enumerate(widths):  # whole pixels (the grid's are), in digits of the Normal font
            ws.column_dimensions[get_column_letter(i + 1)].width = file_width(round(w * xt.PX_PER_UNIT))
        attach(ws, cells, self.heights, [(reg.r1, reg.c1, reg.r2, reg.c2) for reg, _b in merges])
        return self.breaks

    def _collapse_columns(self) -> list[float]:
        """Grid columns that no cell ever starts or ends at are joined with their neighbours (fewer
        cells to write, and to border); every region is renumbered.  Returns the real columns' widths,
        which add up to the grid's width."""
        regions = {id(r): r for r, _c, _t in self.writes.values()}
        regions.update({id(r): r for r, _b in self.merges.values()})
        regions.update({id(r): r for p in self.placed for r in p.regions})
        cuts = sorted({0, len(self.widths)} | {r.c1 - 1 for r in regions.values()} | {r.c2 for r in regions.values()})
        index = {cut: k for k, cut in enumerate(cuts)}
        for r in regions.values():
            r.c1, r.c2 = index[r.c1 - 1] + 1, index[r.c2]
        self.merges = {(r.r1, r.c1): (r, b) for r, b in self.merges.values()}
        return [sum(self.widths[a:b]) for a, b in zip(cuts, cuts[1:])]

    def cellmap(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for p in self.placed:
            if p.cell.addr is None:
                continue
            out[p.cell.addr] = {"c": [r.ref for r in p.regions], "j": p.joins, "w": p.written,
                                "n": p.cell.fmt if p.cell.number is not None else None}
            if p.cell.indented:
                out[p.cell.addr]["i"] = 1
        return out

    def anchors(self) -> list[list[str]]:
        """Printed labels and where they are: if they moved, rows or columns were inserted in Excel."""
        out = []
        for p in self.placed:
            if p.cell.addr is None and p.cell.style == "label" and p.cell.text and len(p.regions) == 1:
                out.append([p.regions[0].ref, p.cell.text])
        return out


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


def _per_page(rows: list[int], pages: list[int], first: int, last: int) -> list[tuple[int, int]]:
    """(first row, last row) on each page of chunks ``first``…``last`` of a line."""
    out: list[tuple[int, int]] = []
    for k in range(first, last + 1):
        if out and pages[k] == pages[k - 1]:
            out[-1] = (out[-1][0], rows[k])
        else:
            out.append((rows[k], rows[k]))
    return out
