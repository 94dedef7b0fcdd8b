"""One table of one part as a Qt model: rows in printed order, the paper's columns.

``data`` reads the live engine state, so a repaint always shows the current
values; :meth:`TableModel.on_change` turns a session change into
``dataChanged`` for just the cells that changed (or row inserts/removals).
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from desktop.core.document import cell_addr, split_addr
from desktop.session import Change, FormSession
from ui import theme

ADDR_ROLE = Qt.ItemDataRole.UserRole + 1
HOW_ROLE = Qt.ItemDataRole.UserRole + 2
MARK_ROLE = Qt.ItemDataRole.UserRole + 3  # 'error' | 'warning' | ''
OVERRIDE_ROLE = Qt.ItemDataRole.UserRole + 4
GROUP_TIP = ("相同的{label}合并成一格显示（与打印相同）。在合并格里修改只改本组第一行；"
             "改后其余各行另成一格，可再分别修改。")
BIG_CHANGE = 64  # more changed cells than this: one dataChanged over their bounding box

_BG = {
    "error": QColor(theme.ERROR_BG), "warning": QColor(theme.WARNING_BG), "computed": QColor(theme.COMPUTED_BG),
    "label": QColor(theme.LABEL_BG), "none": QColor(theme.LABEL_BG), "total": QColor(theme.TOTAL_BG),
}
_COMPUTED_FG = QBrush(QColor("#1a3d6d"))
_OVERRIDE_FG = QBrush(QColor(theme.OVERRIDE_MARK))


class TableModel(QAbstractTableModel):
    def __init__(self, session: FormSession, part_id: str, table_id: str, parent: Any = None):
        super().__init__(parent)
        self.session = session
        self.part_id = part_id
        self.table = session.form.tables[table_id]
        self.columns = self.table.columns
        self.col_index = {c.id: i for i, c in enumerate(self.columns)}
        self.summary = {r.id for r in self.table.fixed_rows if r.summary}
        self.fixed = {r.id for r in self.table.fixed_rows}
        self._bold = QFont()
        self._bold.setBold(True)
        self._italic = QFont()
        self._italic.setItalic(True)
        self._marks: dict | None = None  # address -> problems, rebuilt after a change
        self._reload_rows()

    # ------------------------------------------------------------------ rows
    @property
    def ps(self):  # noqa: ANN201 - PartState
        return self.session.part(self.part_id)

    def _reload_rows(self) -> None:
        self.rows: list[str] = self.ps.display_rows(self.table.id)
        self.row_index = {rid: i for i, rid in enumerate(self.rows)}

    def alive(self) -> bool:
        """False once the part was removed (its view waits for deletion)."""
        return any(p.id == self.part_id for p in self.session.state.doc.parts)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() or not self.alive() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def addr(self, row: int, col: int) -> str:
        return cell_addr(self.table.id, self.rows[row], self.columns[col].id)

    def index_of(self, addr: str) -> QModelIndex:
        t, r, c = split_addr(addr)
        if t != self.table.id or r not in self.row_index or c not in self.col_index:
            return QModelIndex()
        return self.index(self.row_index[r], self.col_index[c])

    def is_data_row(self, row: int) -> bool:
        return 0 <= row < len(self.rows) and self.rows[row] not in self.fixed

    def data_row_number(self, row: int) -> int:
        """Position among the data rows (what insert/move use)."""
        return self.ps.data_rows(self.table.id).index(self.rows[row])

    # ------------------------------------------------------------------ cells
    def _mark(self, addr: str) -> tuple[str, list[str]]:
        ps = self.ps
        if self._marks is None:
            prefix = self.table.id + "/"
            self._marks = {}
            for p in ps.problems.values():
                if p.addr.startswith(prefix) and not self.session.unfilled(self.part_id, p):
                    self._marks.setdefault(p.addr, []).append(p)
        found = self._marks.get(addr)
        if not found:
            return "", []
        level = "error" if any(p.level == "error" for p in found) else "warning"
        texts = []
        for p in sorted(found, key=lambda p: p.level != "error"):
            line = f"{p.level_text}：{p.body}"
            if p.level == "warning" and p.key in ps.part.explanations:
                line += f"\n（已说明：{ps.part.explanations[p.key]}）"
            texts.append(line)
        if level == "warning" and all(p.key in ps.part.explanations for p in found):
            level = "explained"
        return level, texts

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if row >= len(self.rows) or not self.alive():
            return None
        addr = cell_addr(self.table.id, self.rows[row], self.columns[col].id)
        ps = self.ps
        if role == Qt.ItemDataRole.DisplayRole:
            return ps.text(addr)
        if role == Qt.ItemDataRole.EditRole:
            return ps.part.overrides.get(addr, ps.raw(addr)) if ps.is_overridden(addr) else ps.raw(addr)
        if role == Qt.ItemDataRole.BackgroundRole:
            mark, _ = self._mark(addr)
            if mark in ("error", "warning"):
                return _BG[mark]
            how = ps.how(addr)
            if self.rows[row] in self.summary:
                return _BG["total"]
            return _BG.get(how)
        if role == Qt.ItemDataRole.ForegroundRole:
            if ps.is_overridden(addr):
                return _OVERRIDE_FG
            if ps.how(addr) == "computed":
                return _COMPUTED_FG
            return None
        if role == Qt.ItemDataRole.FontRole:
            if ps.is_overridden(addr):
                return self._italic
            if self.rows[row] in self.summary:
                return self._bold
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            f = self.columns[col]
            if ps.how(addr) == "label" or ps.how(addr) == "none" or col in self.group_cols():
                return int(Qt.AlignmentFlag.AlignCenter)  # a 类别 is centred in its merged cell, as printed
            h = Qt.AlignmentFlag.AlignRight if f.type.align == "right" else Qt.AlignmentFlag.AlignLeft
            return int(h | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(addr)
        if role == ADDR_ROLE:
            return addr
        if role == HOW_ROLE:
            return ps.how(addr)
        if role == MARK_ROLE:
            return self._mark(addr)[0]
        if role == OVERRIDE_ROLE:
            return ps.is_overridden(addr)
        return None

    def group_col(self) -> int:
        g = self.table.group_column
        return self.col_index[g] if g else -1

    def group_cols(self) -> list[int]:
        """Every group column (一级, 二级指标), outermost first."""
        return [self.col_index[g] for g in self.table.groups]

    def tooltip(self, addr: str) -> str:
        ps = self.ps
        lines = []
        _, texts = self._mark(addr)
        lines.extend(texts)
        how = ps.how(addr)
        f = ps.field_def(addr)
        if ps.is_overridden(addr):
            computed = ps.computed_value(addr)
            shown = f.type.format(computed, True) if computed is not None else "（空）"
            lines.append(f"手工改写的值；计算值为 {shown}（右键“恢复计算值”）")
        elif how == "computed":
            lines.append("计算值，随其他格自动更新" + ("；可右键“手工改写…”" if ps.overridable(addr) else ""))
        if f.help:
            lines.append(f.help)
        if f.id in self.table.groups and how == "input":
            lines.append(GROUP_TIP.format(label=f.label))
        return "\n".join(lines)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid() or not self.alive():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.session.readonly:
            return base
        if self.ps.how(self.addr(index.row(), index.column())) == "input":
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        addr = self.addr(index.row(), index.column())
        text = "" if value is None else str(value)
        if self.ps.how(addr) != "input" or self.ps.raw(addr) == text:
            return False
        self.edit_requested(self.session.set_cell_command(self.part_id, addr, text, False))
        return True

    def edit_requested(self, cmd: Any) -> None:
        """Replaced by the window: push ``cmd`` on its undo stack."""
        self.session.apply(cmd)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
                f = self.columns[section]
                return f.help or (f"计算：{f.formula}" if f.formula else None)
            return None
        if orientation == Qt.Orientation.Horizontal:
            f = self.columns[section]
            unit = f.type.unit_label
            label = self.ps.fill(f.label) if "{" in f.label and self.alive() else f.label  # 项目资金（{money_unit}）
            if unit and unit not in label and not self.table.unit:
                label += f"\n（{unit}）"
            return label
        rid = self.rows[section]
        if rid in self.fixed:
            return ""
        top = sum(1 for r in self.table.fixed_rows if r.position == "top")
        return str(section - top + 1)

    # ------------------------------------------------------------------ changes
    def on_change(self, change: Change) -> None:
        if self.part_id not in change.part_ids and not change.parts or not self.alive():
            return
        self._marks = None
        if change.everything or (self.part_id, self.table.id) in change.tables:
            self._rows_changed()
        if change.everything and any("{" in c.label for c in self.columns):  # 项目资金（{money_unit}）
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)
        prefix = self.table.id + "/"
        hit: list[tuple[int, int]] = []
        for addr in change.repaint:
            if addr.startswith(prefix):
                idx = self.index_of(addr)
                if idx.isValid():
                    hit.append((idx.row(), idx.column()))
        if not hit:
            return
        if len(hit) > BIG_CHANGE:
            rows = [r for r, _ in hit]
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), len(self.columns) - 1))
            return
        for r, c in hit:
            i = self.index(r, c)
            self.dataChanged.emit(i, i)

    def _rows_changed(self) -> None:
        old = self.rows
        new = self.ps.display_rows(self.table.id)
        if new == old:
            self.dataChanged.emit(self.index(0, 0), self.index(len(old) - 1, len(self.columns) - 1))
            return
        p = 0
        while p < min(len(old), len(new)) and old[p] == new[p]:
            p += 1
        s = 0
        while s < min(len(old), len(new)) - p and old[-1 - s] == new[-1 - s]:
            s += 1
        old_mid, new_mid = old[p:len(old) - s], new[p:len(new) - s]
        if not old_mid:
            self.beginInsertRows(QModelIndex(), p, p + len(new_mid) - 1)
            self._reload_rows()
            self.endInsertRows()
        elif not new_mid:
            self.beginRemoveRows(QModelIndex(), p, p + len(old_mid) - 1)
            self._reload_rows()
            self.endRemoveRows()
        elif len(old_mid) == len(new_mid):
            self.layoutAboutToBeChanged.emit()
            self._reload_rows()
            self.layoutChanged.emit()
        else:
            self.beginResetModel()
            self._reload_rows()
            self.endResetModel()
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.columns) - 1))
        self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, max(0, len(self.rows) - 1))
