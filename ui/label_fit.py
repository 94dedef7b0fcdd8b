"""Labels in the window's tables broken as the PDF breaks them (:mod:`desktop.core.linebreak`).

A label (a row's name, a 类别 / 一级 / 二级指标 group cell, a column title such as “预算金额（万元）”)
never wraps leaving one or two characters alone on its last line (“社会效益指/标”): its column is
widened from the other columns where that keeps it whole (:func:`fit_columns`), and the text shown is
broken into balanced lines where it still wraps (:func:`shown_label`).  Qt measures the text here;
the rule itself is the PDF's.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QHeaderView, QLabel, QStyle, QStyleOptionHeader, QWidget

from desktop.core.linebreak import fit_label_widths, label_lines

MIN_COLUMN = 40  # px: no column narrower than this


class QtMeasure:
    """The shared rule's :class:`~desktop.core.linebreak.Measure` with Qt's font metrics (pixels)."""

    def __init__(self, font: QFont):
        self.metrics = QFontMetricsF(font)
        self._w: dict[str, float] = {}

    def char(self, ch: str) -> float:
        w = self._w.get(ch)
        if w is None:
            w = self._w[ch] = self.metrics.horizontalAdvance(ch)
        return w

    def width(self, text: str) -> float:
        return self.metrics.horizontalAdvance(text)


_measures: dict[str, QtMeasure] = {}


def measure(font: QFont) -> QtMeasure:
    """One measure per font (its character widths cached)."""
    key = font.key()
    m = _measures.get(key)
    if m is None:
        m = _measures[key] = QtMeasure(font)
    return m


def shown_label(text: str, avail: float, font: QFont) -> str:
    """``text`` broken into the lines the PDF would print at ``avail`` pixels (each one fits, so Qt
    breaks no further), joined by line breaks."""
    if not text or avail <= 0:
        return text
    return _broken(text, avail, measure(font))


@lru_cache(maxsize=4096)
def _broken(text: str, avail: float, m: QtMeasure) -> str:  # painting asks again for every repaint
    return "\n".join(label_lines(text, avail, m))


def fit_columns(widths: list[float], cells: Iterable[tuple[int, str, bool]], font: QFont, pad: float) -> list[int]:
    """Whole-pixel column widths: ``widths`` with the label columns widened (taken from the others, the
    total kept) so that no label leaves an orphan; ``cells`` as :func:`fit_label_widths` takes them."""
    fitted = fit_label_widths(widths, cells, measure(font), pad)
    out: list[int] = []
    x = 0.0
    for w in fitted:  # rounded at the column edges: the total stays what it was
        edge = round(x + w)
        out.append(edge - round(x))
        x += w
    short = [i for i, w in enumerate(out) if w < MIN_COLUMN]
    for i in short:  # a very narrow table: the narrow columns borrow from the widest
        widest = max(range(len(out)), key=out.__getitem__)
        take = min(MIN_COLUMN - out[i], max(0, out[widest] - MIN_COLUMN))
        out[i] += take
        out[widest] -= take
    return out


class LabelHeader(QHeaderView):
    """A table's column titles, each broken as a label (“预算金额 / （万元）”, never “（万 / 元）”)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(Qt.Orientation.Horizontal, parent)

    def text_width(self, section: int, width: int | None = None) -> int:
        """The width the style leaves a title in its section (or in one ``width`` wide): the style sheet's
        padding and border off."""
        opt = QStyleOptionHeader()
        self.initStyleOption(opt)
        opt.section = section
        opt.rect = QRect(0, 0, self.sectionSize(section) if width is None else width, max(self.height(), 34))
        return self.style().subElementRect(QStyle.SubElement.SE_HeaderLabel, opt, self).width()

    def shown_text(self, section: int) -> str:
        model = self.model()
        text = str(model.headerData(section, Qt.Orientation.Horizontal) or "") if model is not None else ""
        return shown_label(text, self.text_width(section), self.font())

    def initStyleOptionForIndex(self, option: QStyleOptionHeader, logicalIndex: int) -> None:  # noqa: N802
        super().initStyleOptionForIndex(option, logicalIndex)
        option.text = self.shown_text(logicalIndex)


class LabelCell(QLabel):
    """A field's shaded label cell (“项目设立依据（相关批文名称）”), its lines balanced as printed
    (“项目设立依据（相关 / 批文名称）”, never “…批文名 / 称）”) at whatever width the grid gives it."""

    def __init__(self, text: str, parent: QWidget | None = None):
        super().__init__(text, parent)
        self.full_text = text
        self.setWordWrap(True)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        shown = shown_label(self.full_text, self.contentsRect().width() - 2 * self.margin(), self.font())
        if shown != self.text():
            self.setText(shown)
