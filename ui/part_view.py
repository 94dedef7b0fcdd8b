"""One part (project) of a form as a sheet of paper: title, header grid, tables, texts, signatures, 填表说明."""
from __future__ import annotations

import re
from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea, QSizePolicy,
                               QVBoxLayout, QWidget)

from desktop.core.definition import Section
from desktop.core.document import split_addr
from desktop.export.printed_groups import column_totals
from desktop.session import Change, FormSession
from ui.column_totals import ColumnTotals
from ui.field_widgets import Ctx, make_editor
from ui.label_fit import LabelCell
from ui.table_model import TableModel
from ui.table_view import FormTableView

PAGE_WIDTH = {"portrait": 940, "landscape": 1280}
BLANK_LINE = "_" * 24  # the seal line's unit, when empty: a line to write it on
_BARE_NAME = re.compile(r"^\s*[A-Za-z_][A-Za-z0-9_]*\s*$")


def window_fields(form: Any, section: Section) -> tuple[list, list]:
    """A grid section's fields as the window shows them: (inputs the paper prints elsewhere or not at
    all — 年度 — on a line above the grid; the grid's fields, as on paper).  Not shown a second time:
    a computed field that only repeats such an input (declare's 项目年度 = 年度), or a table's total
    row (Shenzhen's 总分, computed and not printed)."""
    above, grid = [], []
    for f in section.fields:
        if f.computed and not f.print:
            continue
        copied = form.fields.get((f.formula or "").strip()) if _BARE_NAME.match(f.formula or "") else None
        if copied is not None and (not copied.print or copied.hidden):
            continue
        (grid if f.print and not f.hidden else above).append(f)
    return above, grid


class GridSection(QFrame):
    """A 'fields' section: a bordered grid of shaded label cells and value cells, as on paper; the last
    value cell of a short line takes the rest of it (no unlabelled empty box)."""

    def __init__(self, ctx: Ctx, section: Section, editors: dict[str, QWidget], fields: list,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("grid")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(0)
        pairs = max(1, section.columns)
        if section.stacked:
            self._stacked(ctx, fields, editors, grid, pairs)
            return
        row, col = 0, 0
        last: tuple[QWidget, int, int] | None = None  # the line's last value cell: (holder, row, column)
        for f in fields:
            span = max(1, min(f.span, pairs))
            if col + span > pairs:
                self._widen(grid, last, pairs)
                row, col = row + 1, 0
            label, holder = self._cell(ctx, f, editors)
            label.setMinimumWidth(90)
            grid.addWidget(label, row, 2 * col)
            grid.addWidget(holder, row, 2 * col + 1, 1, 2 * span - 1)
            last = (holder, row, 2 * col + 1)
            col += span
            if col >= pairs:
                row, col, last = row + 1, 0, None
        self._widen(grid, last, pairs)
        value_stretch = 4 if pairs == 1 else 2  # label cells about a fifth of the width, as on the paper forms
        for c in range(2 * pairs):
            grid.setColumnStretch(c, value_stretch if c % 2 else 1)

    @staticmethod
    def _widen(grid: QGridLayout, last: tuple[QWidget, int, int] | None, pairs: int) -> None:
        if last is not None:
            holder, row, column = last
            grid.removeWidget(holder)
            grid.addWidget(holder, row, column, 1, 2 * pairs - column)

    @staticmethod
    def _cell(ctx: Ctx, f: Any, editors: dict[str, QWidget]) -> tuple[QLabel, QWidget]:
        label = LabelCell(f.label)  # broken as printed: no one or two characters alone on a line
        label.setProperty("cell", "label")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        editor = make_editor(ctx, f)
        editors[f.id] = editor
        holder = QWidget()
        holder.setProperty("cell", "value")
        holder.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        hl = QHBoxLayout(holder)
        hl.setContentsMargins(1, 1, 1, 1)
        hl.addWidget(editor)
        return label, holder

    def _stacked(self, ctx: Ctx, fields: list, editors: dict[str, QWidget], grid: QGridLayout,
                 pairs: int) -> None:
        """A row of labels above a row of values (市级预算执行情况); the last cell of a short line
        takes the rest of it, as the PDF prints it."""
        for line, start in enumerate(range(0, len(fields), pairs)):
            chunk = fields[start:start + pairs]
            for i, f in enumerate(chunk):
                span = 1 + (pairs - len(chunk) if i == len(chunk) - 1 else 0)
                label, holder = self._cell(ctx, f, editors)
                holder.setMinimumHeight(30)
                grid.addWidget(label, 2 * line, i, 1, span)
                grid.addWidget(holder, 2 * line + 1, i, 1, span)
        for c in range(pairs):
            grid.setColumnStretch(c, 1)


class PartView(QScrollArea):
    """The whole part on a paper-coloured page that scrolls."""

    def __init__(self, session: FormSession, part_id: str, push: Callable[[Any], None], parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.part_id = part_id
        self.ctx = Ctx(session, part_id, push)
        self.editors: dict[str, QWidget] = {}
        self.tables: dict[str, FormTableView] = {}
        self.filled: list[tuple[QLabel, str, str]] = []  # headings naming a field, refreshed on change
        self.add_buttons: dict[str, QPushButton] = {}
        self.totals = column_totals(session.form)  # fields summing a table's columns: its bottom row
        self.setObjectName("pageScroll")
        self.setWidgetResizable(True)
        outer = QWidget()
        outer_lay = QHBoxLayout(outer)
        outer_lay.setContentsMargins(16, 16, 16, 16)
        page = QWidget()
        page.setObjectName("page")
        page.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        page.setMaximumWidth(PAGE_WIDTH.get(session.form.orientation, 940))
        page.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        outer_lay.addStretch(0)
        outer_lay.addWidget(page, 1)
        outer_lay.addStretch(0)
        self.page = page
        self.lay = QVBoxLayout(page)
        self.lay.setContentsMargins(40, 28, 40, 36)
        self.lay.setSpacing(6)
        self._build()
        self.setWidget(outer)

    @property
    def ps(self):  # noqa: ANN201
        return self.session.part(self.part_id)

    # ------------------------------------------------------------------ building
    def _label(self, text: str, name: str, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> QLabel:
        lab = QLabel(text)
        lab.setObjectName(name)
        lab.setWordWrap(True)
        lab.setAlignment(align)
        lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.lay.addWidget(lab)
        return lab

    def _build(self) -> None:
        form = self.session.form
        center = Qt.AlignmentFlag.AlignHCenter
        if form.document_title:
            self._label(form.document_title, "formTitle", center)
        self.title = self._label(form.title, "formTitle" if not form.document_title else "formSubtitleBig", center)
        if form.document_title:
            self.title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.subtitle = self._label(self.ps.fill(form.subtitle), "formSubtitle", center) if form.subtitle else None
        # the signature lines and the 填表说明 sit under the form's table part, as printed: a report's
        # long texts that follow the table (form E) come after them
        last_grid = max((i for i, s in enumerate(form.sections) if s.kind != "text"), default=len(form.sections) - 1)
        for i, section in enumerate(form.sections):
            self._section(section)
            if i == last_grid:
                self._tail()
        self.lay.addStretch(1)

    def _tail(self) -> None:
        form = self.session.form
        self._signatures()
        if form.notes:
            notes = form.notes.strip()
            self._label(notes if notes.startswith("填表说明") else "填表说明：" + notes, "notes")
        if form.footnote:
            self._label(form.footnote, "unitNote")

    def _section(self, s: Section) -> None:
        if s.kind != "table" and s.fields and all(f.hidden and f.computed for f in s.fields):
            return  # working values (F's 分值合计, 不适用指标分值 …): never typed, never printed, not shown
        if any(sid == s.id for sid, _ in self.totals.values()):
            return  # shown as its table's bottom row
        if s.kind == "table" and s.table is not None:
            t = s.table
            head = QWidget()
            hl = QHBoxLayout(head)
            hl.setContentsMargins(0, 8, 0, 0)
            title = QLabel(self.ps.fill(s.title))
            title.setObjectName("sectionTitle")
            title.setWordWrap(True)
            hl.addWidget(title, 1)
            if "{" in s.title:
                self.filled.append((title, s.title, ""))
            if t.unit:
                unit = QLabel(f"单位：{self.ps.fill(t.unit)}")
                unit.setObjectName("unitNote")
                hl.addWidget(unit, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
                if "{" in t.unit:
                    self.filled.append((unit, t.unit, "单位："))
            self.lay.addWidget(head)
            model = TableModel(self.session, self.part_id, t.id, self)
            view = FormTableView(model, self.ctx.push, self)
            view.setObjectName(f"table_{t.id}")
            self.tables[t.id] = view
            self.lay.addWidget(self._with_totals(view, t.id))
            if t.repeat:  # a table with no rows yet: a button to start it (the context menu is hard to find)
                add = QPushButton("增加一行")
                add.setObjectName(f"add_{t.id}")
                add.clicked.connect(lambda *_, v=view: v.insert_row())
                self.add_buttons[t.id] = add
                self.lay.addWidget(add, 0, Qt.AlignmentFlag.AlignLeft)
                self._show_add(t.id)
        elif s.kind == "text":
            if s.title:
                self._label(s.title, "sectionTitle")
            for f in s.fields:
                self._label(f.label, "sectionTitle").setStyleSheet("font-weight: bold; padding-top: 4px;")
                editor = make_editor(self.ctx, f)
                editor.setProperty("boxed", "true")  # a bordered box, as printed (style in ui.theme)
                self.editors[f.id] = editor
                self.lay.addWidget(editor)
        else:
            if s.title:
                self._label(s.title, "sectionTitle")
            above, fields = window_fields(self.session.form, s)
            if above:
                self.lay.addWidget(self._above(above))
            if fields:
                self.lay.addWidget(GridSection(self.ctx, s, self.editors, fields))
        if s.note:
            self._label(s.note, "unitNote")

    def _with_totals(self, view: FormTableView, tid: str) -> QWidget:
        """The table, with the fields summing its columns as its bottom row (E's 权重合计 / 合计)."""
        if tid not in self.totals:
            return view
        box = QWidget()
        vl = QVBoxLayout(box)
        vl.setContentsMargins(0, 0, 0, 0)
        vl.setSpacing(0)
        vl.addWidget(view)
        vl.addWidget(ColumnTotals(self.ctx, view, self.totals[tid][1], self.editors))
        return box

    def _above(self, fields: list) -> QWidget:
        """Inputs the paper prints in a title or not at all (年度), on a line of their own."""
        box = QWidget()
        hl = QHBoxLayout(box)
        hl.setContentsMargins(0, 0, 0, 2)
        for f in fields:
            editor = make_editor(self.ctx, f)
            self.editors[f.id] = editor
            editor.setProperty("boxed", "true")
            label = QLabel(f"{f.label}：")
            label.setBuddy(editor)
            hl.addWidget(label)
            hl.addWidget(editor, 1 if f.type.name not in ("year", "date", "phone") else 0)
            hl.addSpacing(16)
        hl.addStretch(1)
        return box

    def _signatures(self) -> None:
        """The signature and seal lines as the PDF prints them (shared text): who signs on the left,
        the unit's whole name with （盖章） and the date on the right; a line to write on when the
        unit is empty."""
        sig = self.session.form.signatures
        if not sig.lines and not sig.unit_label:
            return
        from desktop.export.printed import signature_lines

        lines = signature_lines(self.session.state, self.ps)
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 18, 0, 0)
        grid.setHorizontalSpacing(24)
        for k, line in enumerate(lines.others):
            grid.addWidget(QLabel(f"{line}：________"), k, 0)
        self.sig_unit = QLabel(self._unit_line(lines.unit_line))
        self.sig_unit.setObjectName("sealLine")
        self.sig_unit.setWordWrap(True)
        grid.addWidget(self.sig_unit, 0, 1)
        grid.addWidget(QLabel(lines.date_line), 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 2)
        self.lay.addWidget(box)

    @staticmethod
    def _unit_line(text: str) -> str:
        label, sep, unit = text.partition("：")
        return text if unit.strip() or not sep else f"{label}：{BLANK_LINE}"

    # ------------------------------------------------------------------ updates
    def on_change(self, change: Change) -> None:
        if self.part_id not in change.part_ids and not change.everything:
            for view in self.tables.values():
                view.model().on_change(change)
            return
        if change.everything:
            for ed in self.editors.values():
                ed.refresh()  # type: ignore[attr-defined]
        else:
            for addr in change.repaint:
                if "/" not in addr:
                    ed = self.editors.get(addr)
                    if ed is not None:
                        ed.refresh()  # type: ignore[attr-defined]
        for view in self.tables.values():
            view.model().on_change(change)
        for table in self.add_buttons:
            if change.everything or (self.part_id, table) in change.tables:
                self._show_add(table)
        form = self.session.form
        if self.subtitle is not None:
            self.subtitle.setText(self.ps.fill(form.subtitle))
        for label, template, prefix in self.filled:  # headings naming a field: 项目资金（{money_unit}）
            label.setText(prefix + self.ps.fill(template))
        unit_field = form.signatures.unit_field or form.meta.get("unit")
        if getattr(self, "sig_unit", None) is not None and unit_field in change.cells:
            from desktop.export.printed import signature_lines

            self.sig_unit.setText(self._unit_line(signature_lines(self.session.state, self.ps).unit_line))

    def _show_add(self, table: str) -> None:
        button = self.add_buttons[table]
        button.setVisible(not self.ps.data_rows(table) and not self.session.readonly)

    def focus_addr(self, addr: str) -> bool:
        """Show and focus the cell at ``addr`` (a click in the problems panel)."""
        t, r, c = split_addr(addr)
        if r is None:
            ed = self.editors.get(t)
            if ed is None:
                return False
            self.ensureWidgetVisible(ed, 50, 80)
            ed.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        view = self.tables.get(t)
        if view is None:
            return False
        idx = view.span_top(view.model().index_of(addr))
        if not idx.isValid():
            return False
        self.ensureWidgetVisible(view, 50, 80)
        view.setFocus(Qt.FocusReason.OtherFocusReason)
        view.enter_pressed = False  # an editor closed by this jump must not move the cursor on
        view.setCurrentIndex(idx)
        view.scrollTo(idx)
        rect = view.visualRect(idx)
        pos = view.viewport().mapTo(self.widget(), rect.center())
        self.ensureVisible(pos.x(), pos.y(), 50, 80)
        return True
