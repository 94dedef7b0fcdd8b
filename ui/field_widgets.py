"""Editors for single fields: a line, a growing text, a row of ☐/☑ boxes, a dropdown.

Every editor applies what is typed on each keystroke (through the window's undo
stack), and :meth:`FieldEditor.refresh` shows the engine's current value,
computed look, override mark and problems.
"""
from __future__ import annotations

import re
from typing import Any, Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontMetrics, QTextOption
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QInputDialog, QLineEdit, QMessageBox,
                               QPlainTextEdit, QSizePolicy, QWidget)

from desktop.core import limits
from desktop.core.definition import Field
from desktop.core.errors import message
from desktop.core.types import Choice, LongText
from desktop.session import FormSession, SessionError
from ui.theme import repolish


class Ctx:
    """What an editor needs: the session, its part, and where to push commands."""

    def __init__(self, session: FormSession, part_id: str, push: Callable[[Any], None]):
        self.session = session
        self.part_id = part_id
        self.push = push

    @property
    def ps(self):  # noqa: ANN201 - PartState
        return self.session.part(self.part_id)

    def alive(self) -> bool:
        return any(p.id == self.part_id for p in self.session.state.doc.parts)


def marks_for(ps: Any, addr: str, quiet: Callable[[Any], bool] = lambda p: False) -> tuple[str, str]:
    """The mark (error, warning or none) and tooltip of a cell; ``quiet`` problems (未填) are left out."""
    found = [p for p in ps.problems.values() if p.addr == addr and not quiet(p)]
    if not found:
        return "", ""
    level = "error" if any(p.level == "error" for p in found) else "warning"
    lines = []
    for p in sorted(found, key=lambda p: p.level != "error"):
        line = f"{p.level_text}：{p.body}"
        if p.key in ps.part.explanations:
            line += f"\n（已说明：{ps.part.explanations[p.key]}）"
        lines.append(line)
    if level == "warning" and all(p.key in ps.part.explanations for p in found):
        level = ""
    return level, "\n".join(lines)


class FieldEditor:
    """Mixin for the editors below; ``self.addr`` is the field id."""

    ctx: Ctx
    addr: str
    field: Field

    def setup(self, ctx: Ctx, f: Field) -> None:
        self.ctx, self.field, self.addr = ctx, f, f.id

    own = False  # True while this editor's own typing is being applied (do not write the text back)

    def edited(self, text: str) -> None:
        if not self.ctx.alive():
            return
        ps = self.ctx.ps
        if ps.how(self.addr) != "input" or ps.raw(self.addr) == text:
            return
        self.own = True
        try:
            self.ctx.push(self.ctx.session.set_cell_command(self.ctx.part_id, self.addr, text, False))
        except SessionError as exc:
            QMessageBox.information(self, "不能这样修改", exc.text)  # type: ignore[arg-type]
        finally:
            self.own = False

    def decorate(self) -> None:
        w: QWidget = self  # type: ignore[assignment]
        ps = self.ctx.ps
        how = ps.how(self.addr)
        mark, tip = marks_for(ps, self.addr, lambda p: self.ctx.session.unfilled(self.ctx.part_id, p))
        over = ps.is_overridden(self.addr)
        if over:
            computed = ps.computed_value(self.addr)
            shown = self.field.type.format(computed, True) if computed is not None else "（空）"
            tip = (tip + "\n" if tip else "") + f"手工改写的值；计算值为 {shown}（右键“恢复计算值”）"
        elif how == "computed":
            tip = (tip + "\n" if tip else "") + "计算值，随其他格自动更新"
        if self.field.help:
            tip = (tip + "\n" if tip else "") + self.field.help
        changed = False
        for name, value in (("mark", mark), ("how", how), ("override", "true" if over else "")):
            if w.property(name) != value:
                w.setProperty(name, value)
                changed = True
        if changed:
            repolish(w)
        w.setToolTip(tip)

    def refresh(self) -> None:
        raise NotImplementedError


class LineField(QLineEdit, FieldEditor):
    def __init__(self, ctx: Ctx, f: Field, parent: QWidget | None = None):
        super().__init__(parent)
        self.setup(ctx, f)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)  # fill the grid cell
        if f.type.align == "right":
            self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.textEdited.connect(self._typed)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        if f.example:
            self.setPlaceholderText(f"如：{f.example}")
        self.refresh()

    def _typed(self, text: str) -> None:
        if self.isReadOnly():
            return
        self.edited(text)

    def focusOutEvent(self, e: Any) -> None:
        super().focusOutEvent(e)
        seal(self)
        self.refresh()

    def refresh(self) -> None:
        if not self.ctx.alive():
            return
        ps = self.ctx.ps
        how = ps.how(self.addr)
        editable = how == "input" and not self.ctx.session.readonly
        self.setReadOnly(not editable)
        text = ps.text(self.addr)  # as printed; the raw text while the clerk is in the box
        if self.text() != text and not self.own and not (self.hasFocus() and editable):
            self.setText(text)
            self.setCursorPosition(0)
        self.decorate()

    def focusInEvent(self, e: Any) -> None:
        if not self.ctx.alive():
            return super().focusInEvent(e)
        ps = self.ctx.ps
        if ps.how(self.addr) == "input" and self.text() != ps.raw(self.addr):
            self.setText(ps.raw(self.addr))  # edit what was typed, not the printed form of it
        super().focusInEvent(e)

    def _menu(self, pos: Any) -> None:
        menu = self.createStandardContextMenu()
        ps = self.ctx.ps
        if ps.overridable(self.addr) and not self.ctx.session.readonly:
            menu.addSeparator()
            if ps.is_overridden(self.addr):
                menu.addAction("修改手工值…", self.override)
                menu.addAction("恢复计算值", self.restore)
            else:
                menu.addAction("手工改写…", self.override)
        menu.exec(self.mapToGlobal(pos))

    def override(self) -> None:
        ps = self.ctx.ps
        text, ok = QInputDialog.getText(self, "手工改写", f"{ps.describe(self.addr)}\n计算值：{ps.text(self.addr)}\n改写为：",
                                        QLineEdit.EchoMode.Normal, ps.part.overrides.get(self.addr, ps.text(self.addr)))
        if ok:
            self.ctx.push(self.ctx.session.set_cell_command(self.ctx.part_id, self.addr, text, True))

    def restore(self) -> None:
        self.ctx.push(self.ctx.session.set_cell_command(self.ctx.part_id, self.addr, None, True))


# a run of this many characters with no place to break a line (no space, no Chinese character)
_UNBROKEN = "[^\\s\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]"
_LONG_RUN = re.compile(f"(?<!{_UNBROKEN}){_UNBROKEN}{{300}}")  # starts only where a run starts: linear


def wrap_mode(text: str) -> QTextOption.WrapMode:
    """How a text box breaks ``text`` into lines, in time linear in its length.

    Qt breaks at word boundaries, and a "word" longer than the line is searched
    again for every line it fills: a 1 MB text with no space took 47 s to show.
    Such a text (a run of 300 characters with nowhere to break) wraps anywhere.
    """
    if _LONG_RUN.search(text):
        return QTextOption.WrapMode.WrapAnywhere
    return QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere


class TextField(QPlainTextEdit, FieldEditor):
    """A long text that grows as it is typed, like the paper's open boxes, up to ``MAX_LINES`` lines; a longer
    text scrolls inside its box (a box as tall as a 1 MB text would be laid out whole at every resize)."""

    MIN_LINES = 2
    MAX_LINES = 40

    def __init__(self, ctx: Ctx, f: Field, parent: QWidget | None = None):
        super().__init__(parent)
        self.setup(ctx, f)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setTabChangesFocus(True)
        self.textChanged.connect(self._typed)
        self._loading = False
        self.document().documentLayout().documentSizeChanged.connect(lambda *_: self._grow())
        self.refresh()

    def _typed(self) -> None:
        if self._loading or self.isReadOnly():
            return
        self.edited(self.toPlainText())

    def insertFromMimeData(self, source: Any) -> None:
        """A paste: refused beyond the limit of one value; a text with nowhere to break wraps anywhere
        from now on (set before Qt lays the pasted text out)."""
        text = source.text() if source.hasText() else ""
        if len(self.toPlainText()) - len(self.textCursor().selectedText()) + len(text) > limits.FIELD_CHARS:
            QMessageBox.information(self, "不能粘贴", message("limit_value", where=self.ctx.ps.describe(self.addr),
                                                             length=len(self.toPlainText()) + len(text),
                                                             limit=limits.FIELD_CHARS) + "，未粘贴")
            return
        if wrap_mode(text) == QTextOption.WrapMode.WrapAnywhere:
            self.setWordWrapMode(QTextOption.WrapMode.WrapAnywhere)
        super().insertFromMimeData(source)

    def _grow(self) -> None:
        lines = max(self.MIN_LINES, int(self.document().size().height()))
        capped = lines > self.MAX_LINES
        fm = QFontMetrics(self.font())
        h = min(lines, self.MAX_LINES) * fm.lineSpacing() + 2 * self.frameWidth() \
            + int(self.document().documentMargin() * 2) + 4
        policy = Qt.ScrollBarPolicy.ScrollBarAsNeeded if capped else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        if self.verticalScrollBarPolicy() != policy:
            self.setVerticalScrollBarPolicy(policy)
        if self.height() != h:
            self.setFixedHeight(h)

    def resizeEvent(self, e: Any) -> None:
        super().resizeEvent(e)
        self._grow()

    def focusOutEvent(self, e: Any) -> None:
        super().focusOutEvent(e)
        seal(self)

    def refresh(self) -> None:
        if not self.ctx.alive():
            return
        ps = self.ctx.ps
        self.setReadOnly(self.ctx.session.readonly or ps.how(self.addr) != "input")
        text = ps.raw(self.addr)
        if self.toPlainText() != text and not self.own and not self.hasFocus():
            self._loading = True
            mode = wrap_mode(text)
            if self.wordWrapMode() != mode:
                self.setWordWrapMode(mode)
            self.setPlainText(text)
            self._loading = False
        self.decorate()
        self._grow()

    def sizeHint(self) -> QSize:
        return QSize(300, self.height())


class BoxesField(QWidget, FieldEditor):
    """公共事业类☐  政策类☑ …: one box per option, at most one ticked (clicking a ticked box clears it)."""

    def __init__(self, ctx: Ctx, f: Field, parent: QWidget | None = None):
        super().__init__(parent)
        self.setup(ctx, f)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 2, 6, 2)
        lay.setSpacing(14)
        self.boxes: dict[str, QCheckBox] = {}
        assert isinstance(f.type, Choice)
        for opt in f.type.options:
            box = QCheckBox(opt, self)
            box.setLayoutDirection(Qt.LayoutDirection.RightToLeft)  # the box after its word, as printed
            box.clicked.connect(lambda checked, o=opt: self._clicked(o, checked))
            lay.addWidget(box)
            self.boxes[opt] = box
        lay.addStretch(1)
        self.refresh()

    def _clicked(self, opt: str, checked: bool) -> None:
        self.edited(opt if checked else "")
        self.refresh()

    def refresh(self) -> None:
        if not self.ctx.alive():
            return
        ps = self.ctx.ps
        value = ps.value(self.addr)
        for opt, box in self.boxes.items():
            box.setEnabled(not self.ctx.session.readonly)
            box.blockSignals(True)
            box.setChecked(value == opt)
            box.blockSignals(False)
        self.decorate()


class ComboField(QComboBox, FieldEditor):
    def __init__(self, ctx: Ctx, f: Field, parent: QWidget | None = None):
        super().__init__(parent)
        self.setup(ctx, f)
        assert isinstance(f.type, Choice)
        self.setEditable(True)  # an unknown value typed elsewhere is shown and flagged, never lost
        self.addItems([""] + list(f.type.options))
        self.currentTextChanged.connect(self._typed)
        self.refresh()

    def _typed(self, text: str) -> None:
        if not self.signalsBlocked():
            self.edited(text)

    def refresh(self) -> None:
        if not self.ctx.alive():
            return
        ps = self.ctx.ps
        text = ps.raw(self.addr)
        self.setEnabled(not self.ctx.session.readonly)
        if self.currentText() != text and not self.own and not self.hasFocus():
            self.blockSignals(True)
            self.setCurrentText(text)
            self.blockSignals(False)
        self.decorate()


def seal(widget: QWidget) -> None:
    stack = getattr(widget.window(), "undo_stack", None)
    if stack is not None and stack.index() > 0:
        inner = getattr(stack.command(stack.index() - 1), "cmd", None)
        if inner is not None and hasattr(inner, "sealed"):
            inner.sealed = True


def make_editor(ctx: Ctx, f: Field, parent: QWidget | None = None) -> QWidget:
    if isinstance(f.type, Choice) and f.type.boxes and f.type.options:
        return BoxesField(ctx, f, parent)
    if isinstance(f.type, Choice) and f.type.options:
        return ComboField(ctx, f, parent)
    if isinstance(f.type, LongText):
        return TextField(ctx, f, parent)
    return LineField(ctx, f, parent)

