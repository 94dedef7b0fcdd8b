"""Export a filled form as an Excel workbook laid out like the paper form.

Public API::

    export_xlsx(state, path) -> XlsxResult

One sheet per part (project).  Each sheet lays out the same printed model the
PDF draws (:func:`desktop.export.printed_model.printed_document`): titles,
header lines, the label/value grids, the tables (类别 merged down, continued
rows labelled again), the report texts, 说明, 填表说明 and the signature lines,
with borders, wrapped text, column widths and the row heights written
(LibreOffice does not fit rows itself).  What only the workbook has: numbers
are stored as numbers with a format that shows exactly the printed digits
(text is always stored as text, never as a formula), the pages are planned
by :class:`~desktop.export.xlsx_sheet.SheetWriter`, and each cell's engine
address (``PrintedCell.addr``) is recorded for reading the file back.

A very hidden sheet ``_jixiao`` holds the document as typed and where every
address was written, so that :func:`desktop.export.xlsx_import.read_xlsx`
reads the file back exactly, with any cell edited in Excel taken over.
"""
from __future__ import annotations

import io
import json
from dataclasses import dataclass, field, replace
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from desktop.core.engine import DocumentState, PartState
from desktop.core.linebreak import label_lines
from desktop.core.errors import Code, JixiaoError
from desktop.export.filenames import Destination, write_file_atomically
from desktop.export.printed import SignatureLines
from desktop.export.printed_model import PrintedCell, PrintedPart, PrintedRow, PrintedSection, printed_document
from desktop.export.printed_problems import DRAFT_HEADING, NOTHING_HERE, DraftProblems, draft_summary
from desktop.export import xlsx_text as xt
from desktop.export.xlsx_pages import MARGINS_MM, StyleBook, body_height, file_width, grid_pixels, page_scale
from desktop.export.xlsx_rows import attach
from desktop.export.xlsx_sheet import FONT_NAME, SheetWriter, XCell, spans

__all__ = ["export_xlsx", "XlsxResult", "XlsxWriteError", "HIDDEN_SHEET", "FORMAT_TAG"]

HIDDEN_SHEET = "_jixiao"
FORMAT_TAG = "jixiao-xlsx"
FORMAT_VERSION = 1
CHUNK = 30000  # characters per hidden cell (Excel's limit is 32767)
GRID = {"portrait": 36, "landscape": 48}
BODY_LINES = 16  # a report's paragraph longer than this is cut at sentence ends, a row per piece
SEAL_GAP_PT = 24.0  # above the signature lines
SEAL_LINE_PT = 40.0  # each signature line: the seal (⌀ 42 mm) covers the unit line and the date


class XlsxWriteError(JixiaoError):
    """The Excel file cannot be written."""


@dataclass
class XlsxResult:
    sheets: list[str]
    cells: int  # form addresses written
    warnings: list[str] = field(default_factory=list)


def export_xlsx(state: DocumentState, path: Destination) -> XlsxResult:
    form = state.form
    wb = Workbook(write_only=True)  # the sheets' rows are planned whole and written by xlsx_rows
    book = StyleBook(wb, FONT_NAME)
    taken: set[str] = {HIDDEN_SHEET}
    maps: list[dict[str, Any]] = []
    names: list[str] = []
    total = 0
    warnings: list[str] = []
    model = printed_document(state)
    draft = f"草稿：表中有 {sum(len(x.errors) for x in state.parts)} 个错误，不作正式文件" if state.has_errors else ""
    for i, (ps, part) in enumerate(zip(state.parts, model.parts)):
        if form.multi:
            wanted = f"{form.part_label}{i + 1}" + (f" {part.name}" if part.name else "")
        else:
            wanted = form.title
        name = xt.sheet_name(wanted, taken)
        taken.add(name)
        names.append(name)
        ws = wb.create_sheet(name)
        builder = SheetBuilder(part, model.landscape, ws, book)
        builder.build(draft)
        cmap = builder.w.cellmap()
        total += len(cmap)
        maps.append({"sheet": name, "part": ps.part.id, "cells": cmap, "anchors": builder.w.anchors()})
        warnings += _long_values(ps, builder.w, name if form.multi else "")
    _hidden(wb, state, maps)
    wb.properties.title = xt.clean(form.title)
    wb.properties.subject = xt.clean(form.document_title or form.title)
    wb.properties.creator = xt.clean(state.meta().get("unit", "")) or "绩效填报"  # the unit as typed: no control characters
    wb.properties.keywords = f"{FORMAT_TAG} {form.id} {form.version}"
    buffer = io.BytesIO()
    wb.save(buffer)
    _write(path, buffer.getvalue())
    return XlsxResult(sheets=names, cells=total, warnings=warnings)


def _long_values(ps: PartState, w: SheetWriter, sheet: str) -> list[str]:
    """Notices, naming the field, for values longer than one Excel cell holds (32,767 characters)."""
    where = f"工作表“{sheet}”中" if sheet else ""
    out = []
    for addr, length, rows in w.long:
        if addr in w.cut:
            continue
        length = len(ps.raw(addr)) or length  # the field's own text (the sheet may indent a paragraph)
        out.append(f"{where}{ps.describe(addr)}有 {length} 字，超过 Excel 一个单元格的上限 {xt.MAX_CELL_CHARS} 字："
                   f"表中分在 {rows} 行显示；完整内容在文件的隐藏数据中，再导入时原样读回")
    for addr in dict.fromkeys(w.cut):
        out.append(f"{where}{ps.describe(addr)}超过 Excel 一个单元格的上限 {xt.MAX_CELL_CHARS} 字，表中显示的内容已截断"
                   "（单元格末尾注明）；完整内容在文件的隐藏数据中，再导入时原样读回")
    return out


def _hidden(wb: Workbook, state: DocumentState, maps: list[dict[str, Any]]) -> None:
    ws = wb.create_sheet(HIDDEN_SHEET)
    ws.sheet_state = "veryHidden"
    payload = {"format": FORMAT_TAG, "format_version": FORMAT_VERSION, "document": state.doc.to_dict(),
               "sheets": maps}
    # ensure_ascii: control characters and lone surrogates the clerk pasted become \u escapes
    text = json.dumps(payload, ensure_ascii=True, separators=(",", ":"))
    cells: dict[tuple[int, int], tuple[None, Any]] = {
        (1, k): (None, v) for k, v in enumerate((FORMAT_TAG, FORMAT_VERSION, state.form.id, state.form.version), 1)}
    for k in range(0, len(text), CHUNK):
        cells[(2 + k // CHUNK, 1)] = (None, text[k:k + CHUNK])
    attach(ws, cells)


def _write(target: Destination, data: bytes) -> None:
    write_file_atomically(target, data, lambda reason: XlsxWriteError(Code.EXPORT_WRITE, what=" Excel 文件", path=target, why=reason))


class _Units:
    """Text measured in the workbook's width units (:mod:`desktop.export.xlsx_text`), for the line rules."""

    def __init__(self, size: float):
        self.size = size

    def char(self, ch: str) -> float:
        return xt.char_units(ch, self.size)

    def width(self, text: str) -> float:
        return xt.text_units(text, self.size)


class SheetBuilder:
    """One printed part on one sheet, laid out from the same :class:`PrintedPart` the PDF draws."""

    def __init__(self, part: PrintedPart, landscape: bool, ws: Any, book: StyleBook):
        self.part = part
        self.ws = ws
        self.orient = "landscape" if landscape else "portrait"
        self.G = GRID[self.orient]
        px = grid_pixels(self.orient, self.G)  # the grid fills an A4 page between the margins at 100 %
        self.unit = sum(px) / self.G / xt.PX_PER_UNIT  # a grid column, in text units
        # every sheet has this grid, so the same fit-to-width scale: pages are planned at it
        scale = page_scale([file_width(p) for p in px], self.orient)
        self.w = SheetWriter(ws, [p / xt.PX_PER_UNIT for p in px], 10.0 if landscape else 10.5, book,
                             body_height(self.orient, scale))

    def full(self, text: str, style: str, **kw: Any) -> XCell:
        """A line of text across the page, without a border."""
        return XCell(0, self.G, xt.clean(text), style=style, border=False, **kw)

    def build(self, draft: str) -> None:
        part, w = self.part, self.w
        if part.doc_title:
            w.line([self.full(part.doc_title, "doc_title", align="center")])
        w.line([self.full(part.title, "title", align="center")])
        if part.subtitle:
            w.line([self.full(part.subtitle, "subtitle", align="center")])
        lab = self.G // 4
        for line, value in zip(part.header_lines, part.header_values):  # label and value in cells of their own
            w.line([XCell(0, lab, xt.clean(_label_of(line, value)), style="plain", border=False),
                    self.cell(value, [lab, self.G], border=False)])
        w.gap(6)
        prev_grid = False
        for k, s in enumerate(part.sections):
            if k == part.notes_at and part.notes:
                self.notes(part.notes)
                prev_grid = False
            is_grid = s.kind in ("grid", "table")
            if (not is_grid or not prev_grid) and k:
                w.gap(6)
            if s.page_break:
                w.page_break()
            self.section(s)
            prev_grid = is_grid and not s.explanations and not s.note
        if part.notes_at >= len(part.sections) and part.notes:
            self.notes(part.notes)
        if part.unit_in_full:
            w.line([self.full(part.unit_in_full, "plain")])
        if part.footnote:
            w.line([self.full(part.footnote, "note")])
        if part.signature is not None:
            self.signatures(part.signature)
        if part.draft is not None:
            self.draft_list(part.draft)
        self.page_setup(w.finish(), draft)

    def draft_list(self, d: DraftProblems) -> None:
        """A draft copy's 错误 and unexplained 提示 of this sheet's part, numbered, on pages of their own
        after the form (as the PDF, which lists every part's after the document)."""
        w = self.w
        w.page_break()
        w.line([self.full(DRAFT_HEADING, "title", align="center")], keep_next=True)
        if d.project:
            w.line([self.full(d.project, "heading")], keep_next=True)
        w.line([self.full(draft_summary([d], "本项目" if d.project else "表中") if d else NOTHING_HERE, "plain", max_lines=10)])
        for heading, items in d.lists():
            w.gap(6, keep_next=True)
            w.line([self.full(heading, "sub")], keep_next=True)
            for number, text in items:
                w.line([self.full(f"{number} {text}", "plain", max_lines=10)])

    def notes(self, text: str) -> None:
        for p in xt.clean(text).split("\n"):
            if p.strip():
                self.w.line([self.full(p.strip(), "note", max_lines=10)])

    # ------------------------------------------------------------------ cells
    def cell(self, c: PrintedCell, bounds: list[int], *, border: bool = True, style: str = "",
             value: bool = False, cont: str | None = None, text: str | None = None) -> XCell:
        """A printed cell on the grid; ``value``: a cell the clerk fills even if printed as a label
        (a table's 类别), so that it is read back; ``text``: ``c.text`` already cleaned."""
        text = xt.clean(c.text) if text is None else text
        label = c.kind in ("title", "header", "label")
        x = XCell(bounds[c.col], bounds[c.col + c.span] - bounds[c.col], text,
                  style=style or ("label" if label else "value"), align=c.align, border=border,
                  merge_up=c.merge_up, cont=cont)
        if c.addr and (c.kind in ("input", "computed") or (value and c.kind != "none")):
            x.addr = c.addr
            got = xt.number_cell(text) if c.numeric else None
            if got is not None:
                x.number, x.fmt = got
        elif label and text and "\n" not in text:  # a printed label: broken as the PDF breaks it (no “单/位”)
            x.text = "\n".join(label_lines(text, self.w.capacity(x), _Units(self.w.size_of(x))))
        return x

    def row(self, r: PrintedRow, s: PrintedSection, bounds: list[int]) -> list[XCell]:
        out = []
        for c in r.cells:
            cont = None  # what a row continued on the next page prints in this column
            text = xt.clean(c.text)
            if text and (c.col == s.label_col or (s.kind == "grid" and c.kind == "label")):
                cont = f"{text}（续）"
            elif c.col in s.group_cols or c.kind == "label":
                cont = text
            out.append(self.cell(c, bounds, value=r.kind == "data" and c.col in s.group_cols, cont=cont, text=text))
        return out

    # ------------------------------------------------------------------ sections
    def section(self, s: PrintedSection) -> None:
        w = self.w
        if s.kind in ("grid", "table"):
            if s.title:  # a report's numbered heading, above its table
                w.line([self.full(s.title, "heading")], keep_next=True)
            self.grid(s)
        elif s.kind == "lines":  # a report's numbered items: 一、预算部门名称 | value
            lab = self.G // 3
            for line, value in zip(s.lines, s.values):
                w.line([XCell(0, lab, xt.clean(_label_of(line, value)), style="heading", border=False),
                        self.cell(value, [lab, self.G], border=False, style="heading")])
        else:
            self.text_section(s)
        if s.note:
            w.line([self.full(s.note, "note")])
        if s.explanations:
            w.line([self.full("说明：", "note")], keep_next=True)
            for i, text in enumerate(s.explanations, 1):
                w.line([self.full(f"{i}. {text}", "note", max_lines=10)])

    def grid(self, s: PrintedSection) -> None:
        w = self.w
        bounds = _bounds(spans(s.widths, self.G))
        labels = [r for r in s.header if r.kind == "header"]
        titles = [r for r in s.header if r.kind != "header"]  # the table's title row (年度绩效指标)
        for r in titles:
            w.line([self.cell(c, bounds) for c in r.cells], keep_next=True)

        def header() -> None:  # the column labels
            for r in labels:
                w.line([self.cell(c, bounds) for c in r.cells], keep_next=True)

        def continued() -> None:  # on top of each page the table continues on: its title（续）, its labels
            for r in titles:
                w.line([self.cell(replace(c, text=f"{c.text}（续）" if c.text.strip() else c.text), bounds)
                        for c in r.cells], keep_next=True)
            header()

        header()
        table = s.kind == "table"
        if table:
            w.begin_table(continued)
        groups: dict[int, list] = {col: [] for col in s.group_cols}  # 一级, 二级: each merged down on its own
        for k, r in enumerate(s.rows):
            if table and k and k == len(s.rows) - 1:
                w.keep_next.add(w.row - 1)  # the last row (a 总分, a 合计) never alone on a page
            placed = w.line(self.row(r, s, bounds))
            for p, c in zip(placed, r.cells):
                if c.col in groups:
                    groups[c.col].append(p)
        if table:
            w.end_table()
        for group in groups.values():
            if group:
                w.merge_down(group)

    def text_section(self, s: PrintedSection) -> None:
        if s.title:
            self.w.line([self.full(s.title, "heading")], keep_next=True)
        for (label, _text), value in zip(s.paragraphs, s.values):
            self.w.line([self.full(label, "sub" if s.title else "heading")], keep_next=True)
            cell = self.cell(value, [0, self.G], border=False, style="body")
            if cell.addr is not None and cell.number is None:
                cell.text, cell.indented = xt.indent_paragraphs(cell.text), True  # first lines indented
            cell.max_lines = BODY_LINES  # a row per paragraph: pages break between them
            self.w.line([cell])

    # ------------------------------------------------------------------ signatures
    def signatures(self, lines: SignatureLines) -> None:
        left = [f"{line}：" for line in lines.others]
        right = [lines.unit_line, lines.date_line]
        self.w.keep_last_line()  # never alone on a page: the last line above comes along
        self.w.gap(SEAL_GAP_PT, keep_next=True)
        half = self.G // 2
        n = max(len(left), len(right))
        for k in range(n):
            a = xt.clean(left[k]) if k < len(left) else ""
            b = xt.clean(right[k]) if k < len(right) else ""
            # 填报人, 联系电话 … are signed by hand: a line to write on after the label, as in the PDF
            cells = self.written_on(a, 0, half - 1) if a else [XCell(0, half, "", style="sign", border=False)]
            label, sep, unit = b.partition("：")
            if k == 0 and sep and not unit.strip():  # no unit name: a line to write it on, under the seal
                cells += self.written_on(b, half, self.G - half)
            else:
                cells.append(XCell(half, self.G - half, b, style="sign", border=False))
            self.w.line(cells, min_pt=SEAL_LINE_PT, keep_next=k < n - 1)

    def written_on(self, label: str, col: int, span: int) -> list[XCell]:
        """``label`` and, after it to the end of ``span`` columns, an underline to write on by hand."""
        lab = min(span - 4, int(xt.text_units(label) / self.unit) + 1)
        return [XCell(col, lab, label, style="sign", border=False),
                XCell(col + lab, span - lab, "", style="sign", border=False, underline=True)]

    # ------------------------------------------------------------------ printing
    def page_setup(self, starts: list[int], draft: str) -> None:
        ws = self.ws
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.page_setup.orientation = self.orient
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages as the manual breaks make
        m = ws.page_margins
        inch = 25.4
        m.left, m.right = MARGINS_MM["left"] / inch, MARGINS_MM["right"] / inch
        m.top, m.bottom = MARGINS_MM["top"] / inch, MARGINS_MM["bottom"] / inch
        m.header, m.footer = MARGINS_MM["header"] / inch, MARGINS_MM["footer"] / inch
        for row in starts:
            ws.row_breaks.append(Break(id=row - 1))
        # the running head on continuation pages only, as the PDF.  Excel and WPS take the first page of
        # each sheet for the first page; LibreOffice only a page numbered 1 (numbering runs on through the
        # sheets unless a sheet starts its own): each sheet numbers its pages from 1, as Excel does, and
        # says how many it has (LibreOffice's &N counts every sheet's pages), as the breaks make them
        ws.HeaderFooter.differentFirst = True
        ws.page_setup.firstPageNumber = 1
        ws.page_setup.useFirstPageNumber = True
        for footer in (ws.oddFooter, ws.firstFooter):
            footer.center.text = f"第 &P 页 共 {len(starts) + 1} 页"
            footer.center.size = 9
            footer.center.font = "宋体"
        ws.oddHeader.left.text = _header_text(self.part.running_head)
        ws.oddHeader.left.size = 9
        ws.oddHeader.left.font = "宋体"
        if draft:  # as the PDF: a document with 错误 is only ever a draft copy
            for header in (ws.oddHeader, ws.firstHeader):
                header.right.text = draft
                header.right.size = 9
                header.right.font = "宋体,Bold"
        ws.sheet_view.showGridLines = False


def _label_of(line: str, value: PrintedCell) -> str:
    """The label part of a printed ``label：value`` line."""
    return line[: len(line) - len(value.text)]


def _header_text(text: str, limit: int = 80) -> str:
    """Text for a page header: ``&`` is Excel's code character; headers hold 255 characters in all."""
    text = xt.clean(text).replace("\n", " ")
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("&", "&&")


def _bounds(sp: list[int]) -> list[int]:
    out = [0]
    for s in sp:
        out.append(out[-1] + s)
    return out
