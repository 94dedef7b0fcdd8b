"""The problems panel: every 错误 and 提示 in the engine's words; a click jumps to the cell,
a 提示 can be answered with an explanation (saved in the draft)."""
from __future__ import annotations

import re
from typing import Any, Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QHBoxLayout, QInputDialog, QLabel, QListWidget, QListWidgetItem, QPushButton,
                               QVBoxLayout, QWidget)

from desktop.session import FormSession
from ui import theme

MAX_SHOWN = 300
PROBLEM_ROLE = Qt.ItemDataRole.UserRole + 10


class ProblemsPanel(QWidget):
    def __init__(self, session: FormSession, jump: Callable[[int, str], None], push: Callable[[Any], None],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.jump = jump
        self.push = push
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        self.summary = QLabel()
        self.summary.setObjectName("problemsSummary")
        lay.addWidget(self.summary)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.itemActivated.connect(self._go)
        self.list.itemClicked.connect(self._go)
        self.list.currentItemChanged.connect(lambda *_: self._buttons())
        lay.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.explain_button = QPushButton("填写说明…")
        self.explain_button.setToolTip("提示不一定是错：写明原因（如“指标调整，经财政批复”），说明随草稿保存并打印在附注中")
        self.explain_button.clicked.connect(self.explain_current)
        row.addWidget(self.explain_button)
        row.addStretch(1)
        lay.addLayout(row)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._timer.timeout.connect(self.refresh)
        self.lines: list[tuple[int, Any, str]] = []
        self.refresh()

    def schedule(self) -> None:
        """Refresh soon (not on the keystroke's own frame)."""
        self._timer.start()

    def refresh(self) -> None:
        self._timer.stop()
        state = self.session.state
        self.lines = problem_lines(state, MAX_SHOWN, self.session.unfilled)
        errors = sum(1 for _, p, _, q in self.lines if p.level == "error" and not q)
        unfilled = sum(1 for *_, q in self.lines if q)
        warnings = len(self.lines) - errors - unfilled
        explained = sum(1 for i, p, _, _q in self.lines
                        if p.level == "warning" and p.key in state.parts[i].part.explanations)
        if not self.lines:
            self.summary.setText("没有发现问题")
        else:
            extra = f"（已说明 {explained} 个）" if explained else ""
            rest = f"；未填 {unfilled} 项（导出或“全部检查”时照常算作错误或提示）" if unfilled else ""
            self.summary.setText(f"错误 {errors} 个，提示 {warnings} 个{extra}{rest}")
        self.summary.setWordWrap(True)
        current = self.list.currentItem()
        keep = current.data(PROBLEM_ROLE) if current is not None else None
        self.list.setUpdatesEnabled(False)
        self.list.clear()
        red, amber, grey = QBrush(QColor(theme.ERROR_LINE)), QBrush(QColor("#8a5a00")), QBrush(QColor("#666666"))
        for i, p, text, quiet in self.lines[:MAX_SHOWN]:
            note = state.parts[i].part.explanations.get(p.key) if p.level == "warning" else None
            level = "未填" if quiet else p.level_text
            label = f"{level}  {text}" + (f"\n    说明：{note}" if note else "")
            item = QListWidgetItem(label)
            item.setData(PROBLEM_ROLE, (i, p.key, p.addr, p.level))
            item.setForeground(grey if quiet or note else (red if p.level == "error" else amber))
            item.setToolTip("单击跳到该格" + ("；可“填写说明…”" if p.level == "warning" else ""))
            self.list.addItem(item)
            if keep is not None and item.data(PROBLEM_ROLE)[:2] == keep[:2]:
                self.list.setCurrentItem(item)
        self._add_review(state)
        if len(self.lines) > MAX_SHOWN:
            self.list.addItem(QListWidgetItem(f"……另有 {len(self.lines) - MAX_SHOWN} 个问题未列出"))
        self.list.setUpdatesEnabled(True)
        self._buttons()

    def _add_review(self, state: Any) -> None:
        """A returned document's 审核意见, first in the list, each jumping to its cell."""
        from desktop.core.review import read_review

        review = read_review(state.doc)
        if review is None:
            return
        purple = QBrush(QColor("#6a1b9a"))
        head = QListWidgetItem("审核意见  " + "；".join(review.lines()[:2]))
        head.setForeground(purple)
        self.list.insertItem(0, head)
        for n, c in enumerate(review.comments, start=1):
            item = QListWidgetItem(f"审核意见  {c.label or '全表'}：{c.text}")
            item.setForeground(purple)
            if c.addr and 0 <= c.part < len(state.parts):
                item.setData(PROBLEM_ROLE, (c.part, f"review:{n}", c.addr, "review"))
                item.setToolTip("单击跳到该格")
            self.list.insertItem(n, item)
        self.summary.setText(self.summary.text() + f"；审核意见 {len(review.comments) or 1} 条（{review.status}）")

    def _buttons(self) -> None:
        item = self.list.currentItem()
        data = item.data(PROBLEM_ROLE) if item is not None else None
        self.explain_button.setEnabled(bool(data) and data[3] == "warning" and not self.session.readonly)

    def _go(self, item: QListWidgetItem) -> None:
        data = item.data(PROBLEM_ROLE)
        if data:
            self.jump(data[0], data[2])

    def explain_current(self) -> None:
        item = self.list.currentItem()
        data = item.data(PROBLEM_ROLE) if item is not None else None
        if not data or data[3] != "warning":
            return
        i, key, _, _ = data
        state = self.session.state
        old = state.parts[i].part.explanations.get(key, "")
        text, ok = QInputDialog.getMultiLineText(self, "填写说明", item.text().split("\n")[0] + "\n\n说明：", old)
        if ok:
            self.explain(i, key, text)

    def explain(self, part_index: int, key: str, text: str) -> None:
        part_id = self.session.state.doc.parts[part_index].id
        self.push(self.session.explain_command(part_id, key, text.strip() or None))


def problem_lines(state: Any, limit: int, unfilled: Callable[[str, Any], bool] = lambda pid, p: False
                  ) -> list[tuple[int, Any, str, bool]]:
    """(part index, problem, text, 未填) of every problem: 错误 first, then 提示, then 未填 (a required
    cell nobody has typed into yet, or a check of inputs nobody has filled yet, per ``unfilled(part id,
    problem)``), each in the form's order.
    The text is worked out only for the first ``limit`` (describing a cell looks up its row number;
    thousands of problems would cost a frame)."""
    found: list[tuple[int, int, Any, bool]] = []
    for i, ps in enumerate(state.parts):
        pid = state.doc.parts[i].id
        for p in ps.sorted_problems():
            quiet = unfilled(pid, p)
            found.append((2 if quiet else (0 if p.level == "error" else 1), i, p, quiet))
    found.sort(key=lambda x: x[0])  # stable: the form's order within each kind
    out: list[tuple[int, Any, str, bool]] = []
    for _rank, i, p, quiet in found:
        text = ""
        if len(out) < limit:
            text = quiet_text(state.parts[i], p) if quiet else state.parts[i].problem_text(p)
            if state.form.multi:
                text = f"{state.part_title(i)}：{text}"
        out.append((i, p, text, quiet))
    return out


_CELL_LABEL = re.compile(r"“([^“”]*)”$")


def quiet_text(ps: Any, p: Any) -> str:
    """A 未填 line without saying 未填 twice: the tag says it, so a message that starts with 未填 and the
    cell's own name (“实际完成值”：未填实际完成值，本项得 0 分) keeps only what follows
    (“实际完成值”：本项得 0 分); a message of nothing more (未填指标完成值) leaves the cell's name alone."""
    text = ps.problem_text(p)
    if not p.addr or not p.body.startswith("未填"):
        return text
    where = ps.describe(p.addr)
    label = _CELL_LABEL.search(where)
    rest = p.body.removeprefix("未填")
    if label is None or not rest.startswith(label.group(1)):
        return text
    rest = rest.removeprefix(label.group(1)).lstrip("，,；;。 ")
    return f"{where}：{rest}" if rest else where
