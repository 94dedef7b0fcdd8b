"""The fields that sum a table's columns (E's 权重合计, 合计) shown as that table's own bottom row, as the
PDF prints them (:func:`desktop.export.printed_groups.column_totals`): each value under its column, 合计
over the columns before the first; the cells follow the table's column widths as they change."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from desktop.core.definition import Field
from desktop.export.printed_groups import total_columns
from desktop.export.printed_model import TOTAL_LABEL
from ui.field_widgets import Ctx, make_editor
from ui.theme import GRID

ROW_HEIGHT = 30


class ColumnTotals(QFrame):
    def __init__(self, ctx: Ctx, view: Any, sums: list[tuple[Field, str]], editors: dict[str, QWidget],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("columnTotals")
        self.setStyleSheet(f"QFrame#columnTotals {{ border-left: 1px solid {GRID}; }}")
        self.view = view
        index = view.model().col_index
        first, under = total_columns(sums, index)
        self.cells: list[tuple[QWidget, int, int]] = []  # (cell, first column, last column)
        if first:
            label = QLabel(TOTAL_LABEL, self)
            label.setProperty("cell", "label")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.cells.append((label, -1, first - 1))  # -1: from the row numbers' edge
        for col, f in under:
            self.cells.append((self._value(ctx, f, editors) if f is not None else self._blank(), col, col))
        self.setFixedHeight(ROW_HEIGHT)
        header = view.horizontalHeader()
        header.sectionResized.connect(self._place)
        header.geometriesChanged.connect(self._place)

    def _value(self, ctx: Ctx, f: Field, editors: dict[str, QWidget]) -> QWidget:
        editor = make_editor(ctx, f)
        editors[f.id] = editor  # refreshed, marked and focused as any field
        holder = QWidget(self)
        holder.setProperty("cell", "value")
        holder.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        layout = QHBoxLayout(holder)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.addWidget(editor)
        return holder

    def _blank(self) -> QLabel:
        blank = QLabel("", self)
        blank.setProperty("cell", "label")
        return blank

    def _place(self, *args: Any) -> None:
        header = self.view.horizontalHeader()
        x0 = self.view.viewport().mapTo(self.view, QPoint(0, 0)).x()  # after the row numbers
        for cell, a, b in self.cells:
            left = 0 if a < 0 else x0 + header.sectionViewportPosition(a)
            right = x0 + header.sectionViewportPosition(b) + header.sectionSize(b)
            cell.setGeometry(left, 0, max(1, right - left), ROW_HEIGHT)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._place()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self._place()
