"""The content of the printed form: titles, grids, tables, report texts, notes, the seal block.

:class:`StoryBuilder` turns a :class:`~desktop.core.engine.DocumentState` into
ReportLab flowables following the form definition: ``fields`` sections become
bordered label/value grids, ``table`` sections bordered tables (header
repeated on every page, equal 类别 cells merged), ``text`` sections titled
paragraphs.  Every string it prints is recorded with the place it comes from
(``texts``) so that the font can be checked before anything is drawn.
"""
from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Paragraph, Spacer

from desktop.core.definition import Field, FormDef, Section, Table
from desktop.core.document import cell_addr
from desktop.core.engine import DocumentState, PartState
from desktop.export.printed import header_fields, printed_value, signature_lines
from desktop.export.pdf_grid import Cell, GRow, Grid
from desktop.export.pdf_seal import KeepWithTail, SealBlock, Stack
from desktop.export.pdf_text import TextBlock, clean

_NUMBERED = re.compile(r"^[一二三四五六七八九十]+、")  # a report's heading: 七、预算信息


def styles(font: str, landscape: bool) -> dict[str, ParagraphStyle]:
    base = dict(fontName=font, wordWrap="CJK")
    return {
        "doc_title": ParagraphStyle("doc_title", fontSize=17, leading=24, alignment=TA_CENTER, spaceAfter=6, **base),
        "title": ParagraphStyle("title", fontSize=16, leading=22, alignment=TA_CENTER, spaceAfter=2, **base),
        "subtitle": ParagraphStyle("subtitle", fontSize=11, leading=16, alignment=TA_CENTER, spaceAfter=4, **base),
        "header": ParagraphStyle("header", fontSize=10.5, leading=16, alignment=TA_LEFT, spaceAfter=3, **base),
        "heading": ParagraphStyle("heading", fontSize=11.5, leading=18, spaceBefore=6, spaceAfter=2, **base),
        "sub_heading": ParagraphStyle("sub_heading", fontSize=10.5, leading=17, spaceBefore=4, spaceAfter=1, **base),
    }


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A title or heading as a Paragraph; it may hold user text (a unit name), so it is escaped:
    never parsed as markup.  Long texts are :class:`TextBlock`, which has no markup at all."""
    return Paragraph(escape(clean(text)).replace("\n", "<br/>"), style)


class StoryBuilder:
    def __init__(self, state: DocumentState, font: str, qr_payload: str = "", qr_caption: str = ""):
        self.state = state
        self.form: FormDef = state.form
        self.font = font
        self.landscape = self.form.orientation == "landscape"
        self.st = styles(font, self.landscape)
        self.size = 9.5 if self.landscape else 10.0
        self.qr_payload = qr_payload
        self.qr_caption = qr_caption
        self.texts: list[tuple[str, Any]] = []  # (printed text, where: str or callable) for the font check

    def note(self, text: str, where: Any) -> str:
        if text:
            self.texts.append((text, where))
        return text

    # ------------------------------------------------------------------ the whole document
    def story(self) -> list[Flowable]:
        out: list[Flowable] = []
        last = len(self.state.parts) - 1
        for i, ps in enumerate(self.state.parts):
            if i:
                out.append(PageBreak())
            out.extend(self.part(i, ps, i == last))
        out.extend(self.review_page())
        return out

    def review_page(self) -> list[Flowable]:
        """A returned document's 审核意见, on a page of their own after the form."""
        from desktop.core.review import read_review

        review = read_review(self.state.doc)
        if review is None:
            return []
        out: list[Flowable] = [PageBreak(), para(self.note("审核意见", "审核意见"), self.st["title"])]
        for line in review.lines():
            out.append(para(self.note(line, "审核意见"), self.st["header"]))
        return out

    def part(self, index: int, ps: PartState, last: bool) -> list[Flowable]:
        form = self.form
        where = self.state.part_title(index) + "：" if form.multi else ""
        out: list[Flowable] = []
        if form.document_title:
            out.append(para(self.note(form.document_title, "表单标题"), self.st["doc_title"]))
        out.append(para(self.note(ps.fill(form.title), "表单标题"), self.st["title"]))
        if form.subtitle:
            out.append(para(self.note(ps.fill(form.subtitle), where + "副标题（年度）"), self.st["subtitle"]))
        for line in self.header_lines(ps):
            out.append(para(line, self.st["header"]))
        out.append(Spacer(1, 2 * mm))
        texts_from = _trailing_text_start(form.sections)
        prev_grid = False
        for k, section in enumerate(form.sections):
            if k == texts_from and form.notes:
                out.extend(self.notes())
                prev_grid = False
            if section.page_break:
                out.append(PageBreak())
            block = self.section(ps, section)
            if not block:
                continue
            is_grid = section.kind != "text"
            if not is_grid or not prev_grid:
                out.append(Spacer(1, 3 * mm if is_grid else 1 * mm))
            out.extend(block)
            prev_grid = is_grid
        if texts_from >= len(form.sections) and form.notes:
            out.extend(self.notes())
        tail: list[Flowable] = []
        if form.footnote:
            tail.append(self.small(self.note(form.footnote, "表单脚注"), indent=False))
        seal = self.seal_block(ps, last) if last else None  # one block for the whole document
        if seal is not None:
            tail.append(seal)
        if tail:
            while out and isinstance(out[-1], (Spacer, CondPageBreak)):
                out.pop()
            content: list[Flowable] = []  # the last few flowables, up to a page break
            while out and len(content) < 4 and not isinstance(out[-1], (PageBreak, CondPageBreak)):
                content.insert(0, out.pop())
            out.append(KeepWithTail(content or [Spacer(1, 1)], Stack(tail), gap=5 * mm))
        return out

    def header_lines(self, ps: PartState) -> list[str]:
        """Fields not printed in the body nor in a title: 申报单位名称：…"""
        return [self.note(f"{f.label}：{ps.text(f.id)}", lambda fid=f.id: ps.describe(fid))
                for f in header_fields(self.form)]

    def notes(self) -> list[Flowable]:
        text = self.note(self.form.notes, "填表说明")
        return [self.small(text)]

    def small(self, text: str, indent: bool = False) -> TextBlock:
        """填表说明, notes and footnotes: small type under the table."""
        return TextBlock(text, self.font, 8.5, 12.5, indent=indent, space_before=3)

    # ------------------------------------------------------------------ sections
    def section(self, ps: PartState, s: Section) -> list[Flowable]:
        if s.kind == "table" and s.table is not None:
            out = []
            if _NUMBERED.match(s.table.title):  # a report's numbered heading, printed above the table
                out = [CondPageBreak(35 * mm), para(self.note(s.table.title, "标题"), self.st["heading"])]
            out.append(self.table(ps, s.table, title_row=not out))
        elif s.kind == "text":
            out = self.text_section(ps, s)
        elif s.fields and all(_NUMBERED.match(f.label) for f in s.fields if f.print):
            out = self.report_lines(ps, s)
        else:
            grid = self.fields_grid(ps, s)
            out = [grid] if grid is not None else []
        if out and s.note:
            out.append(self.small(self.note(s.note, f"“{s.title}”的说明")))
        return out

    def value_text(self, ps: PartState, f: Field, addr: str) -> str:
        return self.note(printed_value(ps, f, addr), lambda: ps.describe(addr))

    def _title_row(self, title: str, ncols: int, where: str, unit: str = "") -> GRow:
        if unit and unit not in title:
            title = f"{title}（单位：{unit}）"
        return GRow([Cell(0, self.note(title, where), span=ncols, align="center", label=True)])

    def fields_grid(self, ps: PartState, s: Section) -> Grid | None:
        fields = [f for f in s.fields if f.print]
        if not fields:
            return None
        n = max(1, s.columns)
        header: list[GRow] = []
        rows: list[GRow] = []
        if s.stacked:  # the paper prints a row of labels above a row of values
            widths = [1.0] * n
            for start in range(0, len(fields), n):
                chunk = fields[start:start + n]
                spans = [1] * len(chunk)
                spans[-1] += n - len(chunk)
                cols = [sum(spans[:i]) for i in range(len(chunk))]
                rows.append(GRow([Cell(c, self.note(f.label, "表头"), span=sp, align="center", label=True)
                                  for c, sp, f in zip(cols, spans, chunk)]))
                rows.append(GRow([Cell(c, self.value_text(ps, f, f.id), span=sp, align=_align(f))
                                  for c, sp, f in zip(cols, spans, chunk)]))
        else:
            label_w, value_w = (1.0, 4.0) if n == 1 else (1.0, 1.6)
            widths = [label_w, value_w] * n
            line: list[Cell] = []
            pos = 0
            for f in fields:
                span = min(max(f.span, 1), n)
                if pos + span > n and line:
                    line[-1].span += 2 * (n - pos)
                    rows.append(GRow(line))
                    line, pos = [], 0
                line.append(Cell(2 * pos, self.note(f.label, "表头"), align="center", label=True))
                line.append(Cell(2 * pos + 1, self.value_text(ps, f, f.id), span=2 * span - 1, align=_align(f)))
                pos += span
            if line:
                line[-1].span += 2 * (n - pos)
                rows.append(GRow(line))
        if s.title:
            header.append(self._title_row(s.title, len(widths), "表头"))
        return Grid(widths, rows, header, font=self.font, size=self.size)

    def report_lines(self, ps: PartState, s: Section) -> list[Flowable]:
        """A report's numbered items printed as lines: 一、预算部门名称：……"""
        return [para(f"{self.note(f.label, '标题')}：{self.value_text(ps, f, f.id)}", self.st["heading"])
                for f in s.fields if f.print]

    def table(self, ps: PartState, t: Table, title_row: bool = True) -> Grid:
        cols = [c for c in t.columns if c.print]
        widths = [c.width or 1.0 for c in cols]
        header: list[GRow] = []
        if title_row and t.title and t.title not in [c.label for c in cols]:
            unit = "" if any(t.unit and t.unit in c.label for c in cols) else ps.fill(t.unit)
            header.append(self._title_row(ps.fill(t.title), len(cols), "表头", unit))
        header.append(GRow([Cell(i, self.note(ps.fill(c.label), "表头"), align="center", label=True)
                            for i, c in enumerate(cols)]))
        gi = next((i for i, c in enumerate(cols) if c.id == t.group_column), None)
        rows: list[GRow] = []
        prev_group: str | None = None
        fixed = set(t.fixed_ids)
        same: dict[str, str] = {}  # a data row's cell kind per column, where it cannot vary by row
        for rid in ps.display_rows(t.id):
            rows.append(self._row(ps, t, cols, rid, None if rid in fixed else same))
        if gi is not None:
            for row in rows:
                g = row.cells[gi]
                g.align = "center"
                g.label = True
                if prev_group and g.text == prev_group:
                    g.merge_up = True
                prev_group = g.text or None
        if not rows:
            rows.append(GRow([Cell(i, "") for i in range(len(cols))]))
        return Grid(widths, rows, header, font=self.font, size=self.size, group_col=gi)

    def _row(self, ps: PartState, t: Table, cols: list[Field], rid: str, same: dict[str, str] | None) -> GRow:
        cells = []
        for i, c in enumerate(cols):
            addr = cell_addr(t.id, rid, c.id)
            how = same.get(c.id) if same is not None else None
            if how is None:
                how = ps.how(addr)
                if same is not None and c.compiled_input_when is None:
                    same[c.id] = how
            text = self.value_text(ps, c, addr)
            if how == "none":
                align = "center"
            elif how == "label" or c.id == t.label_column:
                align = "left"
            else:
                align = _align(c)
            cells.append(Cell(i, text, align=align, label=how == "label"))
        return GRow(cells)

    def text_section(self, ps: PartState, s: Section) -> list[Flowable]:
        out: list[Flowable] = []
        if s.title:
            out.append(para(self.note(s.title, "标题"), self.st["heading"]))
        for f in s.fields:
            if not f.print:
                continue
            out.append(para(self.note(f.label, "标题"), self.st["sub_heading"] if s.title else self.st["heading"]))
            text = self.value_text(ps, f, f.id)
            if text.strip():
                out.append(TextBlock(text, self.font, 10.5, 17, indent=True))
        return out

    # ------------------------------------------------------------------ signatures and seal
    def seal_block(self, ps: PartState, last: bool) -> SealBlock | None:
        sig = self.form.signatures
        if not sig.lines and not sig.unit_label and not sig.unit_field and not (last and self.qr_payload):
            return None
        lines = signature_lines(self.state, ps)
        unit_line, date_line, left = lines.unit_line, lines.date_line, list(lines.others)
        self.note(unit_line, ps.describe(sig.unit_field) if sig.unit_field else "签章栏")
        for line in left + [date_line]:
            self.note(line, "签章栏")
        return SealBlock(left, unit_line, date_line, self.font, qr_payload=self.qr_payload if last else None,
                         qr_caption=self.qr_caption if last else "")


def _align(f: Field) -> str:
    return f.type.align


def _trailing_text_start(sections: list[Section]) -> int:
    """Index of the first of the 'text' sections that end the form (notes print before them)."""
    k = len(sections)
    while k > 0 and sections[k - 1].kind == "text":
        k -= 1
    return k if k < len(sections) else len(sections)

