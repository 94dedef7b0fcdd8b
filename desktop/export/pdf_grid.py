"""A bordered grid flowable: the paper forms' tables and label/value grids.

ReportLab's ``Table`` re-measures every remaining row each time it splits at a
page end, which makes a 2000-row table slow, and it cannot split a row whose
long text is taller than a page.  :class:`Grid` measures each row once (cell
text broken into lines by :mod:`desktop.export.pdf_text`), splits between rows
in linear time, repeats its header rows on every page, merges equal
consecutive cells of its group columns (the paper's 类别; 一级/二级指标 nested), and splits a tall row
between lines — never leaving fewer than :data:`MIN_LINES` lines on either
side, so no row is cut into an unreadable sliver.  Label columns are widened (from the other
columns) where a label would otherwise wrap leaving one or two characters alone (“单/位”, “（万/元）”).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from desktop.core.linebreak import fit_label_widths, label_lines, orphaned, wrap
from desktop.export.pdf_text import Measure, TextOps, measure

CONTINUED = "（续）"  # under a split row's label on the page it continues on
MIN_LINES = 2  # a split row keeps at least this many lines on each page
SPLIT_LINES = 7  # only rows at least this tall are split between pages; shorter ones move whole
PAD_X = 1.5 * mm  # text, numbers above all, stays at least 1.5 mm from the border
PAD_Y = 2.0
LINE_WIDTH = 0.6


@dataclass
class Cell:
    col: int
    text: str = ""
    span: int = 1
    align: str = "left"  # 'left' | 'right' | 'center'
    merge_up: bool = False  # same group as the cell above: no border between, text printed once
    label: bool = False  # a printed label (shaded very lightly, centred vertically)
    lines: list[str] = field(default_factory=list)


@dataclass
class GRow:
    cells: list[Cell]
    height: float = 0.0
    continued: bool = False  # the rest of a row split at a page end

    def nlines(self) -> int:
        return max((len(c.lines) for c in self.cells), default=1)


class Grid(Flowable):
    """Rows of cells on a grid of relative column widths."""

    def __init__(self, widths: list[float], rows: list[GRow], header: list[GRow] | None = None,
                 font: str = "NotoSerifSC", size: float = 9.5, leading: float | None = None,
                 header_size: float | None = None, group_col: int | None = None,
                 group_cols: list[int] | None = None):
        super().__init__()
        # nested group columns, outermost first (``group_col``: a single one)
        self.group_cols = list(group_cols) if group_cols is not None else ([] if group_col is None else [group_col])
        self.weights = widths
        self.rows = rows
        self.header = header or []
        self.font = font
        self.size = size
        self.leading = leading or size * 1.35
        self.header_size = header_size or size
        self._laid_out_width: float | None = None
        self.col_x: list[float] = []
        self._height = 0.0
        self._header_h = 0.0

    # -------------------------------------------------------------- measuring
    def _layout(self, width: float) -> None:
        if self._laid_out_width == width:
            return
        total = sum(self.weights)
        m = measure(self.font, self.size)
        widths = self._fit_labels([width * w / total for w in self.weights], m)
        xs = [0.0]
        for w in widths:
            xs.append(xs[-1] + w)
        self.col_x = xs
        for row in self.header:
            self._measure_row(row, m, header=True)
        for row in self.rows:
            self._measure_row(row, m)
        self._header_h = sum(r.height for r in self.header)
        self._height = self._header_h + sum(r.height for r in self.rows)
        self._laid_out_width = width

    def _fit_labels(self, widths: list[float], m: Measure) -> list[float]:
        """Column widths with every one-column label kept free of an orphan (:func:`fit_label_widths`)."""
        cells = [(c.col, c.text, c.label) for row in self.header + self.rows for c in row.cells
                 if c.span == 1 and not c.merge_up]
        return fit_label_widths(widths, cells, m, PAD_X)

    def _measure_row(self, row: GRow, m: Measure, header: bool = False) -> None:
        if not row.height:
            for c in row.cells:
                if not c.lines:
                    avail = self.col_x[c.col + c.span] - self.col_x[c.col] - 2 * PAD_X
                    if c.merge_up:
                        c.lines = []
                    else:
                        c.lines = label_lines(c.text, avail, m) if c.label else wrap(c.text, avail, m)
                        if len(c.lines) == 2 and orphaned(c.lines):  # a short value: 保障经 / 费 balanced
                            c.lines = label_lines(c.text, avail, m)
            row.height = max(row.nlines(), 1) * self.leading + 2 * PAD_Y

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._layout(availWidth)
        self.width = availWidth
        return availWidth, self._height

    def _copy(self, rows: list[GRow]) -> "Grid":
        g = Grid(self.weights, rows, self.header, self.font, self.size, self.leading, self.header_size,
                 group_cols=self.group_cols)
        g._laid_out_width = self._laid_out_width
        g.col_x = self.col_x
        g._header_h = self._header_h
        g._height = self._header_h + sum(r.height for r in rows)
        return g

    # -------------------------------------------------------------- splitting
    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self._layout(availWidth)
        room = availHeight - self._header_h
        used = 0.0
        for i, row in enumerate(self.rows):
            if used + row.height <= room:
                used += row.height
                continue
            first, rest = self.split_row(row, room - used)
            if first is not None:
                head = self.rows[:i] + [first]
                tail = [rest] + self.rows[i + 1:]
            else:
                head, tail = self.rows[:i], self.rows[i:]
            if not head:
                return []
            return [self._copy(head), self._copy(self._continue_groups(tail, head))]
        return [self]

    def split_row(self, row: GRow, room: float) -> tuple[GRow | None, GRow | None]:
        """The part of *row* that fits in *room* and the rest, or (None, None)."""
        fit = int((room - 2 * PAD_Y) // self.leading)
        n = row.nlines()
        if fit < MIN_LINES or n < max(SPLIT_LINES, 2 * MIN_LINES):
            return None, None
        fit = min(fit, n - MIN_LINES)
        a_cells, b_cells = [], []
        for c in row.cells:
            a_cells.append(replace(c, lines=c.lines[:fit]))
            rest = c.lines[fit:]
            in_group = c.col in self.group_cols and bool(c.text) and not rest  # the rest is of the same group
            if c.label and c.text and not rest and not c.merge_up and c.col not in self.group_cols:
                # a row's label (总目标及阶段性目标) names it again on the new page, marked（续）once
                rest = list(c.lines) if c.lines and c.lines[-1] == CONTINUED else [*c.lines, CONTINUED]
            b_cells.append(replace(c, lines=rest or ([""] if not c.merge_up else []),
                                   text="" if not rest else c.text, merge_up=c.merge_up or in_group))
        a = GRow(a_cells, fit * self.leading + 2 * PAD_Y, row.continued)
        b_lines = max(n - fit, max((len(c.lines) for c in b_cells), default=1))
        b = GRow(b_cells, b_lines * self.leading + 2 * PAD_Y, True)
        return a, b

    def _continue_groups(self, rows: list[GRow], before: list[GRow]) -> list[GRow]:
        """On a new page each group cell (the paper's 类别, 一级/二级指标) prints its text again — only
        over a row of that group (merged with the row above it), never over a 合计 or 总分 row, which
        has none."""
        if not rows or not self.group_cols:
            return rows
        first = rows[0]
        cells = []
        height = first.height
        for c in first.cells:
            if c.col in self.group_cols and c.merge_up:
                label = self._group_text(before, c.col)
                cells.append(replace(c, merge_up=False, lines=label or [""]))
                height = max(height, len(label) * self.leading + 2 * PAD_Y)
            else:
                cells.append(c)
        return [GRow(cells, height, first.continued)] + rows[1:]

    @staticmethod
    def _group_text(before: list[GRow], col: int) -> list[str]:
        for row in reversed(before):
            for c in row.cells:
                if c.col == col and not c.merge_up and any(c.lines):
                    return list(c.lines)
        return []

    # -------------------------------------------------------------- drawing
    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        canv.setLineWidth(LINE_WIDTH)
        y = self._height
        segments: list[tuple[float, float, float, float]] = []
        ops: list[str] = []
        if self.header:
            y = self._draw_rows(self.header, y, segments, ops, header=True)
        if self.rows:
            self._draw_rows(self.rows, y, segments, ops, header=False)
        canv.addLiteral("\n".join(ops))
        canv.lines(merge_segments(segments))
        canv.restoreState()

    def _draw_rows(self, rows: list[GRow], top: float, segments: list, ops: list[str], header: bool) -> float:
        emit = TextOps(self.canv, self.font, self.size)
        xs = self.col_x
        width = measure(self.font, self.size).width
        lead = self.leading
        ascent = self.size * 0.88
        # the height of each merged run, keyed by (first row index, column)
        runs: dict[tuple[int, int], float] = {}
        open_run: dict[int, tuple[int, int]] = {}
        for i, row in enumerate(rows):
            for c in row.cells:
                if c.merge_up and i > 0 and c.col in open_run:
                    key = open_run[c.col]
                    runs[key] += row.height
                else:
                    key = (i, c.col)
                    runs[key] = row.height
                    open_run[c.col] = key
        y = top
        for i, row in enumerate(rows):
            bottom = y - row.height
            for c in row.cells:
                x0, x1 = xs[c.col], xs[c.col + c.span]
                segments.append((x0, y, x0, bottom))
                segments.append((x1, y, x1, bottom))
                if not c.merge_up or i == 0:
                    segments.append((x0, y, x1, y))
                if c.merge_up and i > 0:
                    continue
                lines = c.lines
                h = runs.get((i, c.col), row.height)
                ty = y - PAD_Y - ascent
                if (c.label or header) and h > len(lines) * lead + 2 * PAD_Y + 0.5:
                    ty -= (h - len(lines) * lead - 2 * PAD_Y) / 2
                if not any(lines):
                    continue
                placed = []
                for line in lines:
                    if line:
                        if c.align == "right":
                            placed.append((x1 - PAD_X - width(line), ty, line))
                        elif c.align == "center":
                            placed.append(((x0 + x1 - width(line)) / 2, ty, line))
                        else:
                            placed.append((x0 + PAD_X, ty, line))
                    ty -= lead
                ops.append(emit.block(placed))
            y = bottom
        # the bottom border of the block
        if rows:
            last = rows[-1]
            for c in last.cells:
                segments.append((xs[c.col], y, xs[c.col + c.span], y))
        return y


def merge_segments(segments: list[tuple[float, float, float, float]]) -> list[tuple[float, float, float, float]]:
    """Join collinear touching border pieces: one stroke per column edge instead of one per cell."""
    vertical: dict[float, list[tuple[float, float]]] = {}
    horizontal: dict[float, list[tuple[float, float]]] = {}
    for x0, y0, x1, y1 in segments:
        if x0 == x1:
            vertical.setdefault(round(x0, 2), []).append((min(y0, y1), max(y0, y1)))
        else:
            horizontal.setdefault(round(y0, 2), []).append((min(x0, x1), max(x0, x1)))
    out: list[tuple[float, float, float, float]] = []
    for x, spans in vertical.items():
        out.extend((x, a, x, b) for a, b in _merge(spans))
    for y, spans in horizontal.items():
        out.extend((a, y, b, y) for a, b in _merge(spans))
    return out


def _merge(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    spans.sort()
    merged = [list(spans[0])]
    for a, b in spans[1:]:
        if a <= merged[-1][1] + 0.01:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]
