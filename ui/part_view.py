"""One part (project) of a form as a sheet of paper: title, header grid, tables, texts, signatures, 填表说明."""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QScrollArea, QSizePolicy, QVBoxLayout,
                               QWidget)

from desktop.core.definition import Section
from desktop.core.document import split_addr
from desktop.session import Change, FormSession
from ui.field_widgets import Ctx, make_editor
from ui.table_model import TableModel
from ui.table_view import FormTableView

PAGE_WIDTH = {"portrait": 940, "landscape": 1280}


class GridSection(QFrame):
    """A 'fields' section: a bordered grid of shaded label cells and value cells, as on paper."""

    def __init__(self, ctx: Ctx, section: Section, editors: dict[str, QWidget], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("grid")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(0)
        pairs = max(1, section.columns)
        if section.stacked:
            self._stacked(ctx, section, editors, grid, pairs)
            return
        row, col = 0, 0
        for f in section.fields:
            span = max(1, min(f.span, pairs))
            if col + span > pairs:
                self._fill(grid, row, col, pairs)
                row, col = row + 1, 0
            label, holder = self._cell(ctx, f, editors)
            label.setMinimumWidth(90)
            grid.addWidget(label, row, 2 * col)
            grid.addWidget(holder, row, 2 * col + 1, 1, 2 * span - 1)
            col += span
            if col >= pairs:
                row, col = row + 1, 0
        if col:
            self._fill(grid, row, col, pairs)
        value_stretch = 4 if pairs == 1 else 2  # label cells about a fifth of the width, as on the paper forms
        for c in range(2 * pairs):
            grid.setColumnStretch(c, value_stretch if c % 2 else 1)

    @staticmethod
    def _cell(ctx: Ctx, f: Any, editors: dict[str, QWidget]) -> tuple[QLabel, QWidget]:
        label = QLabel(f.label)
        label.setProperty("cell", "label")
        label.setWordWrap(True)
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

    def _stacked(self, ctx: Ctx, section: Section, editors: dict[str, QWidget], grid: QGridLayout,
                 pairs: int) -> None:
        """A row of labels above a row of values (市级预算执行情况); the last cell of a short line
        takes the rest of it, as the PDF prints it."""
        fields = list(section.fields)
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

    @staticmethod
    def _fill(grid: QGridLayout, row: int, col: int, pairs: int) -> None:
        if col < pairs:
            blank = QWidget()
            blank.setProperty("cell", "value")
            blank.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
            grid.addWidget(blank, row, 2 * col, 1, 2 * (pairs - col))


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
            self.lay.addWidget(view)
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
            self.lay.addWidget(GridSection(self.ctx, s, self.editors))
        if s.note:
            self._label(s.note, "unitNote")

    def _signatures(self) -> None:
        sig = self.session.form.signatures
        if not sig.lines and not sig.unit_label:
            return
        box = QWidget()
        hl = QHBoxLayout(box)
        hl.setContentsMargins(0, 18, 0, 0)
        if sig.unit_label:
            unit = self.ps.raw(sig.unit_field).strip() if sig.unit_field else ""
            self.sig_unit = QLabel(f"{sig.unit_label}：{unit}（盖章）")
            hl.addWidget(self.sig_unit)
        for line in sig.lines:
            hl.addWidget(QLabel(f"{line}：________"))
        hl.addStretch(1)
        self.lay.addWidget(box)

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
        form = self.session.form
        if self.subtitle is not None:
            self.subtitle.setText(self.ps.fill(form.subtitle))
        for label, template, prefix in self.filled:  # headings naming a field: 项目资金（{money_unit}）
            label.setText(prefix + self.ps.fill(template))
        if getattr(self, "sig_unit", None) is not None and form.signatures.unit_field in change.cells:
            self.sig_unit.setText(f"{form.signatures.unit_label}：{self.ps.raw(form.signatures.unit_field).strip()}（盖章）")

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
