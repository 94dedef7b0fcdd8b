"""The document as printed, computed once from the engine state: the model every exporter draws.

:func:`printed_document` walks a :class:`~desktop.core.engine.DocumentState` once and returns a
:class:`PrintedDocument`: per part (project) its titles, header lines, sections, notes and signature
lines; per section its rows of cells with the text as printed, alignment, kind, group spans and the
numbered 说明 list.  Exporters only lay this model out (the PDF: :mod:`desktop.export.pdf_blocks`); they
never ask the engine cell by cell, so the rules for labels, groups, explanations and continuation
labels live here once.  No Qt, no ReportLab.

Reading the model (for an exporter):

* ``PrintedDocument.parts`` — one :class:`PrintedPart` per project, printed one after another, each
  starting on a new page.
* ``PrintedPart.sections`` — in printed order.  ``kind`` says how to lay one out: ``grid`` and
  ``table`` are bordered grids of :class:`PrintedRow` (``header`` rows repeat on every page of a
  table), ``lines`` are a report's numbered items (``一、预算部门名称：…``), ``text`` are titled
  paragraphs (``paragraphs``).  ``notes_before`` is True on the section the 填表说明 print before.
* A :class:`PrintedCell` is placed on the section's relative column ``widths`` at ``col`` spanning
  ``span`` columns.  ``merge_up`` means “same group as the cell above”: no border between, text
  printed once.  ``group_cols`` are the section's group columns, outermost first (一级指标, 二级指标):
  a group cell merges up when it and every group cell left of it equal the row above's.  A row's
  ``group`` is the outermost group label it belongs to (``None`` for rows outside any group, 合计/总分):
  on a new page each group label is printed again only over rows of that group.
* A definition's fields that each sum one column of a table (``sum(indicators.weight)``: E's 权重合计
  and 合计) print as that table's last row (``kind`` ``total``), each under its own column, 合计 over
  the columns before the first; their section is not printed on its own.
* ``explanations`` — the clerk's explanations of 提示 that have no 原因 cell of their own, numbered,
  printed as a 说明 list after the section.
* ``PrintedPart.running_head`` — the label for a continuation page of that part
  (``上海市体育局 · 项目：上海体育公共服务经费（续）`` after the document's title: the unit and
  the project, each cut with “…” so that the head stays one line).
* What only the workbook uses: ``PrintedCell.numeric`` (stored as a number), ``PrintedPart.header_values``
  and ``PrintedSection.values`` (the value cell, with its address, of each header line, report line
  and paragraph), ``PrintedSection.label_col`` (the row's name, printed again on a continued row).
* ``PrintedPart.draft`` — in a draft copy (the document has 错误), the part's 错误 and unexplained 提示
  as the problems panel words them (:mod:`desktop.export.printed_problems`), printed after the form;
  None in a final copy.  ``PrintedDocument.drafts`` are those that list anything.
* ``PrintedDocument.texts`` — every printed string with where it comes from (a string, or a callable
  giving one), for checking that the font has every character before anything is drawn.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from desktop.core.definition import Field, FormDef, Section, Table
from desktop.core.document import cell_addr, split_addr
from desktop.core.engine import DocumentState, PartState, Problem
from desktop.core.expr import BAD
from desktop.export.printed import SignatureLines, header_fields, printed_value, signature_lines
from desktop.export.printed_groups import column_totals, in_group_order, merge_groups, total_columns
from desktop.export.printed_problems import DraftProblems, draft_problems

NUMBERED = re.compile(r"^[一二三四五六七八九十]+、")  # a report's heading: 七、预算信息
UNIT_NAME_ON_SEAL_LINE = 200  # a longer unit name is printed in full above the seal block (the block fits a page)
HEAD_EMS = {False: 54, True: 82}  # a running head's line in ems (by landscape): the PDF's at 8.5 pt
TOTAL_LABEL = "合计"

Where = Any  # str, or a callable giving one (describing a cell only when a character is missing)


@dataclass
class PrintedCell:
    """One printed cell.

    ``kind``: ``title`` (a table's title row), ``header`` (a column label), ``label`` (a printed
    label: a fixed row's name, a field's label), ``input`` (typed by the clerk), ``computed``, or
    ``none`` (a cell the form leaves empty on purpose, printed “—”).
    """

    col: int
    text: str = ""
    span: int = 1
    align: str = "left"  # 'left' | 'right' | 'center'
    kind: str = "input"
    addr: str = ""  # the engine address of the value printed ('' for titles and headers)
    merge_up: bool = False
    numeric: bool = False  # a number-typed field holding a number (the workbook stores it as a number)

    @property
    def label(self) -> bool:
        """Printed as a label (very light shading, centred vertically)."""
        return self.kind in ("title", "header", "label")


@dataclass
class PrintedRow:
    cells: list[PrintedCell]
    kind: str = "data"  # 'title' | 'header' | 'data' | 'fixed' (a form's own row: 合计, 年度资金总额)
    # | 'total' (the column totals of fields summing the table's columns: E's 权重合计 / 合计)
    row_id: str = ""
    group: str | None = None  # the group (类别) label this row belongs to; None outside any group


@dataclass
class PrintedSection:
    kind: str  # 'grid' | 'table' | 'lines' | 'text'
    id: str
    title: str = ""  # a text section's title, or a report's numbered heading printed above a table
    widths: list[float] = field(default_factory=list)
    header: list[PrintedRow] = field(default_factory=list)
    rows: list[PrintedRow] = field(default_factory=list)
    group_col: int | None = None  # the outermost group column (group_cols[0])
    group_cols: list[int] = field(default_factory=list)  # nested group columns, outermost first
    lines: list[str] = field(default_factory=list)  # 'lines': 一、预算部门名称：……
    paragraphs: list[tuple[str, str]] = field(default_factory=list)  # 'text': (label, text)
    note: str = ""  # printed small under the section
    page_break: bool = False  # starts on a new page
    explanations: list[str] = field(default_factory=list)  # numbered 说明, printed after the section
    values: list[PrintedCell] = field(default_factory=list)  # 'lines'/'text': each line's or paragraph's value
    label_col: int | None = None  # a table's label column (the row's name, repeated on a continued row)


@dataclass
class PrintedPart:
    index: int
    name: str  # the project's name ('' if none)
    doc_title: str
    title: str
    subtitle: str
    header_lines: list[str]
    sections: list[PrintedSection]
    notes: str = ""  # the form's 填表说明
    notes_at: int = 0  # index of the section the notes print before (len(sections): at the end)
    footnote: str = ""
    unit_in_full: str = ""  # a unit name too long for the seal line, printed in full above the seal block
    signature: SignatureLines | None = None  # only on the last part: one seal block per document
    running_head: str = ""  # on every continuation page of the part
    header_values: list[PrintedCell] = field(default_factory=list)  # the value of each header line, in order
    draft: DraftProblems | None = None  # a draft copy's list of what to fix (None: a final copy)


@dataclass
class PrintedDocument:
    form_id: str
    title: str
    landscape: bool
    parts: list[PrintedPart]
    texts: list[tuple[str, Where]] = field(default_factory=list)

    @property
    def drafts(self) -> list[DraftProblems]:
        """The parts' lists of what a draft copy still has to fix, those with anything in them."""
        return [p.draft for p in self.parts if p.draft]


def printed_document(state: DocumentState) -> PrintedDocument:
    """The whole document as printed."""
    b = _Builder(state)
    parts = [b.part(i, ps, i == len(state.parts) - 1) for i, ps in enumerate(state.parts)]
    form = state.form
    return PrintedDocument(form.id, form.document_title or form.title, form.orientation == "landscape",
                           parts, b.texts)


class _Builder:
    def __init__(self, state: DocumentState):
        self.state = state
        self.form: FormDef = state.form
        self.texts: list[tuple[str, Where]] = []
        self.totals = column_totals(self.form)
        self.total_sections = {sid for sid, _ in self.totals.values()}

    def note(self, text: str, where: Where) -> str:
        if text:
            self.texts.append((text, where))
        return text

    # ------------------------------------------------------------------ a part
    def part(self, index: int, ps: PartState, last: bool) -> PrintedPart:
        form = self.form
        where = self.state.part_title(index) + "：" if form.multi else ""
        explained = _explained_warnings(ps)
        sections = [s for s in (self.section(ps, sec, explained) for sec in form.sections) if s is not None]
        if explained:  # problems of no printed section (a whole-form check): after the last one
            if sections:
                sections[-1].explanations.extend(self._explanation(ps, p, t) for p, t in explained)
            explained.clear()
        notes_at = _trailing_text_start(form.sections, [s.kind for s in form.sections], sections)
        name = ps.name()
        title = form.document_title or form.title
        part = PrintedPart(
            index=index, name=name,
            doc_title=self.note(form.document_title, "表单标题"),
            title=self.note(ps.fill(form.title), "表单标题"),
            subtitle=self.note(ps.fill(form.subtitle), where + "副标题（年度）") if form.subtitle else "",
            header_lines=[self.note(f"{f.label}：{ps.text(f.id)}", lambda fid=f.id: ps.describe(fid))
                          for f in header_fields(form)],
            header_values=[_cell(ps, f, f.id, 0, 1, ps.text(f.id)) for f in header_fields(form)],
            sections=sections, notes=self.note(form.notes, "填表说明"), notes_at=notes_at,
            footnote=self.note(form.footnote, "表单脚注"),
            running_head=running_head(title, self._unit(ps), name, form.orientation == "landscape"),
        )
        for s in sections:
            for text in s.explanations:
                self.note(text, "说明")
        if last:
            part.signature, part.unit_in_full = self.signature(ps)
        part.draft = draft_problems(self.state, index)
        for text in (part.draft.errors + part.draft.warnings) if part.draft else ():
            self.note(text, "草稿的问题清单")
        return part

    def _unit(self, ps: PartState) -> str:
        """The part's unit (部门/单位) as the definition's meta names it, else the document's."""
        fid = self.form.meta.get("unit")
        own = ps.raw(fid).strip() if fid and fid in self.form.fields else ""
        return own or self.state.meta().get("unit", "")

    def signature(self, ps: PartState) -> tuple[SignatureLines | None, str]:
        sig = self.form.signatures
        lines = signature_lines(self.state, ps)
        unit_name = ps.raw(sig.unit_field).strip() if sig.unit_field else self.state.meta().get("unit", "")
        in_full = ""
        if len(unit_name) > UNIT_NAME_ON_SEAL_LINE:  # never a seal block taller than a page
            label = lines.unit_line[: len(lines.unit_line) - len(unit_name)]
            lines = SignatureLines(label, lines.date_line, lines.others)
            in_full = self.note(f"{label.rstrip('：').replace('（盖章）', '')}（全称）：{unit_name}",
                                ps.describe(sig.unit_field) if sig.unit_field else "签章栏")
        self.note(lines.unit_line, ps.describe(sig.unit_field) if sig.unit_field else "签章栏")
        for line in lines.others + [lines.date_line]:
            self.note(line, "签章栏")
        return lines, in_full

    # ------------------------------------------------------------------ sections
    def section(self, ps: PartState, s: Section, explained: list[tuple[Problem, str]]) -> PrintedSection | None:
        out: PrintedSection | None
        if s.id in self.total_sections:  # printed as its table's last row
            return None
        if s.kind == "table" and s.table is not None:
            out = self.table(ps, s.table, explained)
        elif s.kind == "text":
            out = self.text_section(ps, s)
        elif s.fields and all(NUMBERED.match(f.label) for f in s.fields if f.print):
            printed = [f for f in s.fields if f.print]
            values = [self._value_cell(ps, f, f.id, 0, 1) for f in printed]
            out = PrintedSection("lines", s.id, lines=[f"{self.note(f.label, '标题')}：{v.text}"
                                                      for f, v in zip(printed, values)], values=values)
        else:
            out = self.fields_grid(ps, s)
        if out is None:
            return None
        out.page_break = s.page_break
        out.note = self.note(s.note, f"“{s.title}”的说明") if s.note else ""
        ids = {f.id for f in s.fields} | ({s.table.id} if s.table is not None else set())
        if s.table is not None and s.table.id in self.totals:
            ids |= {f.id for f, _ in self.totals[s.table.id][1]}
        mine = [(p, t) for p, t in explained if split_addr(p.addr)[0] in ids]
        out.explanations = [self._explanation(ps, p, t) for p, t in mine]
        for item in mine:
            explained.remove(item)
        return out

    def _explanation(self, ps: PartState, p: Problem, text: str) -> str:
        return f"{ps.problem_text(p)}（提示）。说明：{text.strip()}"

    def value_text(self, ps: PartState, f: Field, addr: str) -> str:
        return self.note(printed_value(ps, f, addr), lambda: ps.describe(addr))

    def _title_row(self, title: str, ncols: int, unit: str = "") -> PrintedRow:
        if unit and unit not in title:
            title = f"{title}（单位：{unit}）"
        return PrintedRow([PrintedCell(0, self.note(title, "表头"), span=ncols, align="center", kind="title")],
                          kind="title")

    def fields_grid(self, ps: PartState, s: Section) -> PrintedSection | None:
        fields = [f for f in s.fields if f.print]
        if not fields:
            return None
        n = max(1, s.columns)
        rows: list[PrintedRow] = []
        if s.stacked:  # the paper prints a row of labels above a row of values
            widths = [1.0] * n
            for start in range(0, len(fields), n):
                chunk = fields[start:start + n]
                spans = [1] * len(chunk)
                spans[-1] += n - len(chunk)
                cols = [sum(spans[:i]) for i in range(len(chunk))]
                rows.append(PrintedRow([PrintedCell(c, self.note(f.label, "表头"), span=sp, align="center",
                                                    kind="label") for c, sp, f in zip(cols, spans, chunk)]))
                rows.append(PrintedRow([self._value_cell(ps, f, f.id, c, sp) for c, sp, f in zip(cols, spans, chunk)]))
        else:
            widths = [1.0, 4.0] if n == 1 else [1.0, 1.6] * n
            line: list[PrintedCell] = []
            pos = 0
            for f in fields:
                span = min(max(f.span, 1), n)
                if pos + span > n and line:
                    line[-1].span += 2 * (n - pos)
                    rows.append(PrintedRow(line))
                    line, pos = [], 0
                line.append(PrintedCell(2 * pos, self.note(f.label, "表头"), align="center", kind="label"))
                line.append(self._value_cell(ps, f, f.id, 2 * pos + 1, 2 * span - 1))
                pos += span
            if line:
                line[-1].span += 2 * (n - pos)
                rows.append(PrintedRow(line))
        header = [self._title_row(s.title, len(widths))] if s.title else []
        return PrintedSection("grid", s.id, widths=widths, header=header, rows=rows)

    def _value_cell(self, ps: PartState, f: Field, addr: str, col: int, span: int) -> PrintedCell:
        return _cell(ps, f, addr, col, span, self.value_text(ps, f, addr))

    def table(self, ps: PartState, t: Table, explained: list[tuple[Problem, str]]) -> PrintedSection:
        cols = [c for c in t.columns if c.print]
        heading = t.title if NUMBERED.match(t.title) else ""  # a report's numbered heading, above the table
        if heading:
            self.note(heading, "标题")
        header: list[PrintedRow] = []
        if not heading and t.title and t.title not in [c.label for c in cols]:  # {field}: the document's own (F: 万元/元)
            unit = "" if any(t.unit and t.unit in c.label for c in cols) else ps.fill(t.unit)
            header.append(self._title_row(ps.fill(t.title), len(cols), unit))
        header.append(PrintedRow([PrintedCell(i, self.note(ps.fill(c.label), "表头"), align="center", kind="header")
                                  for i, c in enumerate(cols)], kind="header"))
        reasons = _reason_explanations(ps, t, explained)
        index = {c.id: i for i, c in enumerate(cols)}
        gis = [index[g] for g in t.groups if g in index]
        fixed = set(t.fixed_ids)
        same: dict[str, str] = {}  # a data row's cell kind per column, where it cannot vary by row
        rows = [self._row(ps, t, cols, rid, None if rid in fixed else same, reasons)
                for rid in in_group_order(ps, t)]
        if gis:
            merge_groups(rows, gis)
        if not rows:
            rows.append(PrintedRow([PrintedCell(i, "", kind="input") for i in range(len(cols))]))
        if t.id in self.totals:
            rows.append(self._total_row(ps, self.totals[t.id][1], index))
        return PrintedSection("table", t.id, title=heading, widths=[c.width or 1.0 for c in cols], header=header,
                              rows=rows, group_col=gis[0] if gis else None, group_cols=gis,
                              label_col=next((i for i, c in enumerate(cols) if c.id == t.label_column), None))

    def _total_row(self, ps: PartState, sums: list[tuple[Field, str]], index: dict[str, int]) -> PrintedRow:
        """The fields summing the table's columns as its last row: each under its column, 合计 before."""
        first, under = total_columns(sums, index)
        cells = [PrintedCell(0, self.note(TOTAL_LABEL, "表头"), span=first, align="center", kind="label")] if first else []
        for col, f in under:
            cells.append(self._value_cell(ps, f, f.id, col, 1) if f is not None
                         else PrintedCell(col, "", kind="label"))
        return PrintedRow(cells, kind="total")

    def _row(self, ps: PartState, t: Table, cols: list[Field], rid: str, same: dict[str, str] | None,
             reasons: dict[str, str]) -> PrintedRow:
        cells = []
        for i, c in enumerate(cols):
            addr = cell_addr(t.id, rid, c.id)
            how = same.get(c.id) if same is not None else None
            if how is None:
                how = ps.how(addr)
                if same is not None and c.compiled_input_when is None:
                    same[c.id] = how
            text = self.value_text(ps, c, addr)
            if addr in reasons:
                text = self.note(f"{text}\n{reasons[addr]}" if text.strip() else reasons[addr], "说明")
            if how == "none":
                align = "center"
            elif how == "label" or c.id == t.label_column:
                align = "left"
            else:
                align = c.type.align
            cells.append(PrintedCell(i, text, align=align, kind=how, addr=addr, numeric=_numeric(ps, c, addr, how)))
        return PrintedRow(cells, kind="data" if same is not None else "fixed", row_id=rid)

    def text_section(self, ps: PartState, s: Section) -> PrintedSection:
        out = PrintedSection("text", s.id, title=self.note(s.title, "标题"))
        for f in s.fields:
            if f.print:
                value = self._value_cell(ps, f, f.id, 0, 1)
                out.paragraphs.append((self.note(f.label, "标题"), value.text))
                out.values.append(value)
        return out


def _cell(ps: PartState, f: Field, addr: str, col: int, span: int, text: str) -> PrintedCell:
    """A field's value as a cell of its own."""
    how = ps.how(addr)
    kind = how if how in ("input", "computed", "none", "label") else "input"
    return PrintedCell(col, text, span=span, align=f.type.align, kind=kind, addr=addr,
                       numeric=_numeric(ps, f, addr, kind))


def _numeric(ps: PartState, f: Field, addr: str, how: str) -> bool:
    if not f.type.numeric or how not in ("input", "computed"):
        return False
    value = ps.value(addr)
    return value is not BAD and value is not None


def running_head(title: str, unit: str, project: str, landscape: bool) -> str:
    """A continuation page's head: the document, its unit and its project, one line — the longer of the
    two names cut with “…” first."""
    fixed = _ems(f"{title}　（续）") + (_ems(" · ") if unit and project else 0) + (_ems("项目：") if project else 0)
    room = max(8, int(HEAD_EMS[landscape] - fixed))
    if _ems(unit) + _ems(project) > room:
        short = min(_ems(unit), _ems(project), room // 2)
        unit, project = (_clip(unit, room - short), _clip(project, short)) if _ems(unit) > _ems(project) \
            else (_clip(unit, short), _clip(project, room - short))
    who = " · ".join(x for x in (unit, f"项目：{project}" if project else "") if x)
    return f"{title}　{who}（续）" if who else f"{title}（续）"


def _em(ch: str) -> float:
    """A character's printed width in ems: a Chinese character 1, a Latin letter or digit about half."""
    return 1.0 if ord(ch) > 0x2E7F else 0.6


def _ems(text: str) -> float:
    return sum(_em(ch) for ch in text)


def _clip(text: str, ems: float) -> str:
    """*text* cut with “…” (one em) to at most *ems* wide, in one pass (a unit name may be very long)."""
    if _ems(text) <= ems:
        return text
    used = 0.0
    for end, ch in enumerate(text):
        used += _em(ch)
        if used + 1 > ems:
            return text[:end] + "…"
    return text + "…"


def _explained_warnings(ps: PartState) -> list[tuple[Problem, str]]:
    """(提示, the clerk's explanation) in printed order."""
    found = []
    for p in ps.sorted_problems():
        text = ps.part.explanations.get(p.key, "")
        if p.level == "warning" and text.strip():
            found.append((p, text))
    return found


def _reason_explanations(ps: PartState, t: Table, explained: list[tuple[Problem, str]]) -> dict[str, str]:
    """Explanations printed in their row's own 原因 cell (the table's ``reason_column``), by that cell's
    address; taken out of ``explained``."""
    if not t.reason_column:
        return {}
    out: dict[str, str] = {}
    for item in list(explained):
        p, text = item
        tid, rid, _ = split_addr(p.addr)
        if tid != t.id or rid is None:
            continue
        addr = cell_addr(t.id, rid, t.reason_column)
        if ps.how(addr) != "input":
            continue
        line = f"说明（{p.body}）：{text.strip()}"
        out[addr] = f"{out[addr]}\n{line}" if addr in out else line
        explained.remove(item)
    return out


def _trailing_text_start(defs: list[Section], kinds: list[str], printed: list[PrintedSection]) -> int:
    """Index, among the printed sections, of the first of the 'text' sections that end the form (the
    填表说明 print before them)."""
    k = len(defs)
    while k > 0 and kinds[k - 1] == "text":
        k -= 1
    if k >= len(defs):
        return len(printed)
    first_text = defs[k].id
    return next((i for i, s in enumerate(printed) if s.id == first_text), len(printed))

