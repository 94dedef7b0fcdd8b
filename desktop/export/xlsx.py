"""Export a filled form as an Excel workbook laid out like the paper form.

Public API::

    export_xlsx(state, path) -> XlsxResult

One sheet per part (project); each sheet has the titles, the label/value
grids, the tables (类别 merged down), the report texts, 填表说明 and the
signature lines, with borders, wrapped text, column widths and the row
heights written (LibreOffice does not fit rows itself).  Numbers are stored
as numbers with a format that shows exactly the printed digits; text is
always stored as text, never as a formula.  The cells show what the PDF
prints (:meth:`PartState.text`, computed values included).

A very hidden sheet ``_jixiao`` holds the document as typed and where every
address was written, so that :func:`desktop.export.xlsx_import.read_xlsx`
reads the file back exactly, with any cell edited in Excel taken over.
"""
from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties

from desktop.core.definition import Field, Section, Table
from desktop.core.document import cell_addr
from desktop.core.engine import DocumentState, PartState
from desktop.core.errors import Code, JixiaoError
from desktop.core.expr import BAD
from desktop.export.filenames import Destination, write_file_atomically
from desktop.export.printed import header_fields, printed_value, signature_lines
from desktop.export import xlsx_text as xt
from desktop.export.xlsx_pages import MARGINS_MM, StyleBook, body_height, page_scale
from desktop.export.xlsx_sheet import FONT_NAME, SheetWriter, XCell, spans

__all__ = ["export_xlsx", "XlsxResult", "XlsxWriteError", "HIDDEN_SHEET", "FORMAT_TAG"]

HIDDEN_SHEET = "_jixiao"
FORMAT_TAG = "jixiao-xlsx"
FORMAT_VERSION = 1
CHUNK = 30000  # characters per hidden cell (Excel's limit is 32767)
GRID = {"portrait": 36, "landscape": 48}
# column width (units of 7 px) so that the grid fills an A4 page between the margins in Excel (100 %)
COL_WIDTH = {"portrait": 2.5, "landscape": 2.85}
BODY_LINES = 16  # a report's paragraph longer than this is cut at sentence ends, a row per piece
SEAL_GAP_PT = 24.0  # above the signature lines
SEAL_LINE_PT = 40.0  # each signature line: the seal (⌀ 42 mm) covers the unit line and the date
_NUMBERED = re.compile(r"^[一二三四五六七八九十]+、")


class XlsxWriteError(JixiaoError):
    """The Excel file cannot be written."""


@dataclass
class XlsxResult:
    sheets: list[str]
    cells: int  # form addresses written
    warnings: list[str] = field(default_factory=list)


def export_xlsx(state: DocumentState, path: Destination) -> XlsxResult:
    form = state.form
    wb = Workbook()
    wb.remove(wb.active)
    book = StyleBook(wb, FONT_NAME)
    taken: set[str] = {HIDDEN_SHEET}
    maps: list[dict[str, Any]] = []
    names: list[str] = []
    total = 0
    warnings: list[str] = []
    for i, ps in enumerate(state.parts):
        if form.multi:
            wanted = f"{form.part_label}{i + 1}" + (f" {ps.name()}" if ps.name() else "")
        else:
            wanted = form.title
        name = xt.sheet_name(wanted, taken)
        taken.add(name)
        names.append(name)
        ws = wb.create_sheet(name)
        builder = SheetBuilder(state, i, ws, book)
        builder.build(last=i == len(state.parts) - 1)
        cmap = builder.w.cellmap()
        total += len(cmap)
        maps.append({"sheet": name, "part": ps.part.id, "cells": cmap, "anchors": builder.w.anchors()})
        warnings += _long_values(ps, builder.w, name if form.multi else "")
    _hidden(wb, state, maps)
    wb.properties.title = form.title
    wb.properties.subject = form.document_title or form.title
    wb.properties.creator = state.meta().get("unit", "") or "绩效填报"
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
    ws.cell(row=1, column=1).value = FORMAT_TAG
    ws.cell(row=1, column=2).value = FORMAT_VERSION
    ws.cell(row=1, column=3).value = state.form.id
    ws.cell(row=1, column=4).value = state.form.version
    for k in range(0, len(text), CHUNK):
        c = ws.cell(row=2 + k // CHUNK, column=1)
        c.value = text[k:k + CHUNK]
        c.data_type = "s"


def _write(target: Destination, data: bytes) -> None:
    write_file_atomically(target, data, lambda reason: XlsxWriteError(Code.EXPORT_WRITE, what=" Excel 文件", path=target, why=reason))


class SheetBuilder:
    """One part of the document on one sheet, in the order the paper prints it."""

    def __init__(self, state: DocumentState, index: int, ws: Any, book: StyleBook):
        self.state = state
        self.form = state.form
        self.ps: PartState = state.parts[index]
        self.index = index
        self.ws = ws
        orient = self.form.orientation
        self.G = GRID[orient]
        self.size = 10.0 if orient == "landscape" else 10.5
        widths = [COL_WIDTH[orient]] * self.G
        # every sheet has this grid, so the same fit-to-width scale: pages are planned at it
        self.w = SheetWriter(ws, widths, self.size, book, body_height(orient, page_scale(widths, orient)))

    def build(self, last: bool) -> None:
        form, ps, w = self.form, self.ps, self.w
        if form.document_title:
            w.line([XCell(0, self.G, form.document_title, style="doc_title", align="center", border=False)])
        w.line([XCell(0, self.G, ps.fill(form.title), style="title", align="center", border=False)])
        if form.subtitle:
            w.line([XCell(0, self.G, ps.fill(form.subtitle), style="subtitle", align="center", border=False)])
        self.header_lines()
        w.gap(6)
        texts_from = _trailing_text_start(form.sections)
        prev_grid = False
        for k, s in enumerate(form.sections):
            if k == texts_from and form.notes:
                self.notes()
                prev_grid = False
            is_grid = s.kind != "text"
            if (not is_grid or not prev_grid) and k:
                w.gap(6)
            if s.page_break:
                w.page_break()
            self.section(s)
            prev_grid = is_grid
        if texts_from >= len(form.sections) and form.notes:
            self.notes()
        if form.footnote:
            w.line([XCell(0, self.G, form.footnote, style="note", border=False)])
        if last:
            self.signatures()
        self.page_setup(w.finish())

    # ------------------------------------------------------------------ head
    def header_lines(self) -> None:
        """Fields printed above the body (申报单位名称：…), label and value in cells of their own."""
        lab = self.G // 4
        for f in header_fields(self.form):
            self.w.line([XCell(0, lab, f"{f.label}：", style="plain", align="left", border=False),
                         self.value_cell(f, f.id, lab, self.G - lab, border=False)])

    def notes(self) -> None:
        for p in xt.clean(self.form.notes).split("\n"):
            if p.strip():
                self.w.line([XCell(0, self.G, p.strip(), style="note", border=False, max_lines=10)])

    # ------------------------------------------------------------------ cells
    def value_text(self, f: Field, addr: str) -> str:
        return xt.clean(printed_value(self.ps, f, addr))

    def value_cell(self, f: Field, addr: str, col: int, span: int, *, border: bool = True,
                   align: str | None = None, style: str = "value") -> XCell:
        ps = self.ps
        text = self.value_text(f, addr)
        how = ps.how(addr)
        cell = XCell(col, span, text, style=style, align=align or f.type.align, border=border, addr=addr)
        if how == "none":
            cell.align = "center"
            cell.addr = None
        elif how == "label":
            cell.addr = None
        elif f.type.numeric and ps.value(addr) is not BAD and ps.value(addr) is not None:
            got = xt.number_cell(text)
            if got is not None:
                cell.number, cell.fmt = got
        return cell

    # ------------------------------------------------------------------ sections
    def section(self, s: Section) -> None:
        if s.kind == "table" and s.table is not None:
            numbered = bool(_NUMBERED.match(s.table.title))
            if numbered:
                self.w.line([XCell(0, self.G, s.table.title, style="heading", border=False)], keep_next=True)
            self.table(s.table, title_row=not numbered)
        elif s.kind == "text":
            self.text_section(s)
        elif s.fields and all(_NUMBERED.match(f.label) for f in s.fields if f.print):
            self.report_lines(s)
        else:
            self.fields_grid(s)
        if s.note:
            self.w.line([XCell(0, self.G, s.note, style="note", border=False)])

    def title_row(self, title: str, unit: str = "") -> None:
        if unit and unit not in title:
            title = f"{title}（单位：{unit}）"
        self.w.line([XCell(0, self.G, title, style="label", align="center")], keep_next=True)

    def fields_grid(self, s: Section) -> None:
        fields = [f for f in s.fields if f.print]
        if not fields:
            return
        n = max(1, s.columns)
        if s.title:
            self.title_row(s.title)
        if s.stacked:  # a row of labels above a row of values
            bounds = _bounds(spans([1.0] * n, self.G))
            for start in range(0, len(fields), n):
                chunk = fields[start:start + n]
                sp = [1] * len(chunk)
                sp[-1] += n - len(chunk)
                cols = [sum(sp[:i]) for i in range(len(chunk))]
                self.w.line([XCell(bounds[c], bounds[c + k] - bounds[c], f.label, style="label", align="center")
                             for c, k, f in zip(cols, sp, chunk)])
                self.w.line([self.value_cell(f, f.id, bounds[c], bounds[c + k] - bounds[c])
                             for c, k, f in zip(cols, sp, chunk)])
            return
        widths = [1.0, 4.0] if n == 1 else [1.0, 1.6] * n
        bounds = _bounds(spans(widths, self.G))
        line: list[tuple[int, int, Field]] = []  # (logical column, span, field)
        pos = 0

        def flush() -> None:
            cells: list[XCell] = []
            for i, (lc, sp, f) in enumerate(line):
                if i == len(line) - 1:
                    sp += 2 * (n - pos)
                cells.append(XCell(bounds[lc], bounds[lc + 1] - bounds[lc], f.label, style="label", align="center"))
                cells.append(self.value_cell(f, f.id, bounds[lc + 1], bounds[lc + 1 + sp] - bounds[lc + 1]))
            self.w.line(cells)

        for f in fields:
            span = min(max(f.span, 1), n)
            if pos + span > n and line:
                flush()
                line, pos = [], 0
            line.append((2 * pos, 2 * span - 1, f))
            pos += span
        if line:
            flush()

    def report_lines(self, s: Section) -> None:
        """A report's numbered items: 一、预算部门名称 | value."""
        lab = self.G // 3
        for f in s.fields:
            if f.print:
                self.w.line([XCell(0, lab, f.label + "：", style="heading", border=False),
                             self.value_cell(f, f.id, lab, self.G - lab, border=False, style="heading")])

    def table(self, t: Table, title_row: bool = True) -> None:
        ps = self.ps
        cols = [c for c in t.columns if c.print]
        bounds = _bounds(spans([c.width or 1.0 for c in cols], self.G))
        if title_row and t.title and t.title not in [c.label for c in cols]:
            unit = "" if any(t.unit and t.unit in c.label for c in cols) else ps.fill(t.unit)
            self.title_row(ps.fill(t.title), unit)
        def header() -> None:  # the column labels, again on top of each page the table continues on
            self.w.line([XCell(bounds[i], bounds[i + 1] - bounds[i], ps.fill(c.label), style="label", align="center")
                         for i, c in enumerate(cols)], keep_next=True)

        header()
        gi = next((i for i, c in enumerate(cols) if c.id == t.group_column), None)
        group: list = []
        rows = ps.display_rows(t.id)
        self.w.begin_table(header)
        for k, rid in enumerate(rows):
            if k and k == len(rows) - 1:
                self.w.keep_next.add(self.w.row - 1)  # the last row (a 总分, a 合计) never alone on a page
            placed = self.w.line(self.table_line(t, cols, bounds, gi, rid))
            if gi is not None:
                group.append(placed[gi])
        if not rows:
            self.w.line([XCell(bounds[i], bounds[i + 1] - bounds[i], "") for i in range(len(cols))])
        self.w.end_table()
        if group:
            self.w.merge_down(group)

    def table_line(self, t: Table, cols: list, bounds: list[int], gi: int | None, rid: str) -> list[XCell]:
        ps = self.ps
        fixed = rid in t.fixed_ids
        total = fixed and t.fixed(rid).total
        cells = []
        for i, c in enumerate(cols):
            addr = cell_addr(t.id, rid, c.id)
            how = ps.how(addr)
            align = "center" if how == "none" else ("left" if how == "label" or c.id == t.label_column
                                                      else c.type.align)
            if i == gi:
                align = "center"
            style = "total" if total and how == "label" else ("label" if i == gi else "value")
            cells.append(self.value_cell(c, addr, bounds[i], bounds[i + 1] - bounds[i], align=align, style=style))
        return cells

    def text_section(self, s: Section) -> None:
        if s.title:
            self.w.line([XCell(0, self.G, s.title, style="heading", border=False)], keep_next=True)
        for f in s.fields:
            if not f.print:
                continue
            self.w.line([XCell(0, self.G, f.label, style="sub" if s.title else "heading", border=False)],
                        keep_next=True)
            cell = self.value_cell(f, f.id, 0, self.G, border=False, style="body")
            if cell.addr is not None and cell.number is None:
                cell.text, cell.indented = xt.indent_paragraphs(cell.text), True  # first lines indented
            cell.max_lines = BODY_LINES  # a row per paragraph: pages break between them
            self.w.line([cell])

    # ------------------------------------------------------------------ signatures
    def signatures(self) -> None:
        sig = self.form.signatures
        if not sig.lines and not sig.unit_label and not sig.unit_field:
            return
        lines = signature_lines(self.state, self.ps)
        left = [f"{line}：" for line in lines.others]
        right = [lines.unit_line, lines.date_line]
        self.w.keep_next.add(self.w.row - 1)  # never alone on a page: the last line above comes along
        self.w.gap(SEAL_GAP_PT, keep_next=True)
        half = self.G // 2
        n = max(len(left), len(right))
        for k in range(n):
            a = xt.clean(left[k]) if k < len(left) else ""
            b = xt.clean(right[k]) if k < len(right) else ""
            cells = [XCell(0, half, a, style="plain", border=False)]
            label, sep, unit = b.partition("：")
            if k == 0 and sep and not unit.strip():  # no unit name: a line to write it on, under the seal
                lab = min(self.G - half - 4, int(xt.text_units(b) / COL_WIDTH[self.form.orientation]) + 1)
                cells += [XCell(half, lab, b, style="plain", border=False),
                          XCell(half + lab, self.G - half - lab, "", style="plain", border=False, underline=True)]
            else:
                cells.append(XCell(half, self.G - half, b, style="plain", border=False))
            self.w.line(cells, min_pt=SEAL_LINE_PT, keep_next=k < n - 1)

    # ------------------------------------------------------------------ printing
    def page_setup(self, starts: list[int]) -> None:
        ws = self.ws
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = self.form.orientation
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
        ws.oddFooter.center.text = "第 &P 页 共 &N 页"
        ws.oddFooter.center.size = 9
        ws.oddFooter.center.font = "宋体"
        if self.state.has_errors:  # as the PDF: a document with 错误 is only ever a draft copy
            ws.oddHeader.right.text = f"草稿：表中有 {sum(len(x.errors) for x in self.state.parts)} 个错误，不作正式文件"
            ws.oddHeader.right.size = 9
            ws.oddHeader.right.font = "宋体,Bold"
        ws.sheet_view.showGridLines = False


def _bounds(sp: list[int]) -> list[int]:
    out = [0]
    for s in sp:
        out.append(out[-1] + s)
    return out


def _trailing_text_start(sections: list[Section]) -> int:
    k = len(sections)
    while k > 0 and sections[k - 1].kind == "text":
        k -= 1
    return k if k < len(sections) else len(sections)
