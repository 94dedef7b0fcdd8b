"""The review table's model: every submission of the library, filtered and sorted in Python.

Sorting and filtering 10,000 rows through QSortFilterProxyModel would call
Python once per comparison; here the rows are plain dicts with precomputed
sort keys, and :meth:`DeskModel.apply` sorts and filters them with
``sorted`` and list comprehensions, then resets the view (a few ms).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

WIDTHS = {"id": 46, "unit": 150, "project": 230, "year": 50, "form_title": 190, "status": 50, "budget": 116,
          "executed": 116, "rate": 70, "score": 76, "grade": 40, "errors": 40, "hints": 40, "pdf_check": 120,
          "comment": 160}
COLUMNS = [("id", "编号"), ("unit", "单位"), ("project", "项目"), ("year", "年度"), ("form_title", "表单"),
           ("status", "状态"), ("budget", "预算数（万元）"), ("executed", "执行数（万元）"), ("rate", "执行率"),
           ("score", "自评得分"), ("grade", "等级"), ("errors", "错误"), ("hints", "提示"), ("pdf_check", "PDF 核对"),
           ("reviewer", "审核人"), ("comment", "意见"), ("current", "版本")]
NUMERIC = {"id", "budget", "executed", "rate", "score", "errors", "hints"}
ID_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass
class DeskFilter:
    status: str = ""  # "" all, 待审, 通过, 退回
    form: str = ""
    grade: str = ""
    unit: str = ""
    errors_only: bool = False
    text: str = ""
    show_superseded: bool = False


def _key(row: dict[str, Any], col: str) -> Any:
    value = row.get(col, "")
    if col in NUMERIC:
        try:
            return (0, Decimal(str(value))) if value not in ("", None) else (1, Decimal(0))
        except ArithmeticError:
            return (1, Decimal(0))
    return (0, str(value))


def display(row: dict[str, Any], col: str) -> str:
    value = row.get(col, "")
    if col in ("budget", "executed") and value:
        from desktop.desk.summary import money

        return money(Decimal(value))
    if col == "rate" and value:
        return f"{Decimal(value) * 100:.2f}%"
    if col == "current":
        return "当前" if value else "已被新版取代"
    if col == "score" and value:
        full = row.get("full", "")
        return f"{Decimal(value):.2f}" + (f"/{Decimal(full).normalize():f}" if full and Decimal(full) != 100 else "")
    if col in ("errors", "hints"):
        return str(value) if value else ""
    if col == "project":
        names = str(value or "").split("、")
        if len(names) > 2:
            return f"{len(names)} 个项目：{names[0]}等"
        return str(value) if value else "（部门整体）"
    return "" if value is None else str(value)


class DeskModel(QAbstractTableModel):
    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []
        self.visible: list[dict[str, Any]] = []
        self.filter = DeskFilter()
        self.sort_column = 1
        self.sort_order = Qt.SortOrder.AscendingOrder

    def load(self, rows: list[dict[str, Any]]) -> None:
        for r in rows:
            r["_search"] = " ".join(str(r.get(k, "")) for k in ("unit", "project", "form_title", "comment", "source"))
        self.rows = rows
        self.apply()

    def apply(self, flt: DeskFilter | None = None) -> None:
        if flt is not None:
            self.filter = flt
        f = self.filter
        words = f.text.split()
        rows = [r for r in self.rows
                if (f.show_superseded or r.get("current"))
                and (not f.status or r.get("status") == f.status)
                and (not f.form or r.get("form_id") == f.form)
                and (not f.grade or r.get("grade") == f.grade)
                and (not f.unit or r.get("unit") == f.unit)
                and (not f.errors_only or r.get("errors"))
                and all(w in r["_search"] for w in words)]
        col = COLUMNS[self.sort_column][0]
        rows.sort(key=lambda r: _key(r, col), reverse=self.sort_order == Qt.SortOrder.DescendingOrder)
        self.beginResetModel()
        self.visible = rows
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_column, self.sort_order = column, order
        self.apply()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.visible)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.visible[index.row()]
        col = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return display(row, col)
        if role == ID_ROLE:
            return row["id"]
        if role == Qt.ItemDataRole.TextAlignmentRole and col in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == "errors" and row.get("errors"):
                return QBrush(QColor("#c62828"))
            if col == "pdf_check" and str(row.get("pdf_check", "")).startswith(("不一致", "PDF")):
                return QBrush(QColor("#c62828"))
            if col == "status":
                return QBrush(QColor({"通过": "#2e7d32", "退回": "#c62828"}.get(row.get("status", ""), "#444444")))
            if not row.get("current"):
                return QBrush(QColor("#888888"))
        if role == Qt.ItemDataRole.ToolTipRole and col in ("project", "form_title") and row.get(col):
            return str(row[col])
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.get('source', '')}" + (f"：{row['member']}" if row.get("member") else "") + \
                (f"\n{row['notes']}" if row.get("notes") else "")
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][1]
        return None

    def row_of(self, sid: int) -> int:
        return next((i for i, r in enumerate(self.visible) if r["id"] == sid), -1)
