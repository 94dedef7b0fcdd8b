"""Measuring and breaking Chinese text into lines for the PDF.

ReportLab's ``Paragraph`` parses markup and is slow for thousands of table
cells; the grid (:mod:`desktop.export.pdf_grid`) breaks cell text itself with
these helpers and draws plain strings, so user text is never parsed as markup.

Line breaking (:mod:`desktop.core.linebreak`, shared with the window) follows the
usual Chinese rules closely enough for forms.
"""
from __future__ import annotations

from functools import lru_cache

from reportlab.lib.rl_accel import escapePDF
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable

from desktop.core.linebreak import clean, wrap  # also the grid's and the seal's


class Measure:
    """Width of text in one font and size, with a per-character cache."""

    def __init__(self, font_name: str, size: float):
        self.font_name = font_name
        self.size = size
        self._font = pdfmetrics.getFont(font_name)
        self._w: dict[str, float] = {}

    def char(self, ch: str) -> float:
        w = self._w.get(ch)
        if w is None:
            w = self._font.stringWidth(ch, self.size)
            self._w[ch] = w
        return w

    def width(self, text: str) -> float:
        get = self._w.get
        total = 0.0
        for ch in text:
            w = get(ch)
            if w is None:
                w = self.char(ch)
            total += w
        return total


@lru_cache(maxsize=64)
def measure(font_name: str, size: float) -> Measure:
    return Measure(font_name, size)


class TextOps:
    """PDF text operators for a cell, written directly: one BT … ET per cell.

    ``drawString`` builds a text object per line and formats every number through
    ReportLab's pure-Python ``fp_str``; for thousands of cells that dominated the
    export.  The TrueType subsetting is still ReportLab's (``splitString``).
    """

    def __init__(self, canv, font_name: str, size: float):
        from reportlab.pdfbase import pdfmetrics

        self.canv = canv
        self.font = pdfmetrics.getFont(font_name)
        self.size = f"{size:.2f}".rstrip("0").rstrip(".")
        self.doc = canv._doc
        self.names: dict[int, str] = {}

    def block(self, placed: list[tuple[float, float, str]], spacing: list[float] | None = None) -> str:
        """``BT … ET`` drawing each (x, y, text); ``spacing`` adds character spacing per line (justify)."""
        out = ["BT"]
        current = None
        tc = 0.0
        for k, (x, y, text) in enumerate(placed):
            want = spacing[k] if spacing else 0.0
            if want != tc:
                out.append(f"{want:.3f} Tc")
                tc = want
            out.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm")
            for subset, data in self.font.splitString(text, self.doc):
                if subset != current:
                    name = self.names.get(subset)
                    if name is None:
                        name = self.names[subset] = self.font.getSubsetInternalName(subset, self.doc)
                    out.append(f"{name} {self.size} Tf")
                    current = subset
                out.append(f"({escapePDF(data)}) Tj")
        if tc:
            out.append("0 Tc")
        out.append("ET")
        return " ".join(out)


class TextBlock(Flowable):
    """Paragraphs of plain text (a report's texts, the 填表说明): broken into lines by :func:`wrap`
    with Chinese line-breaking rules, each paragraph's first line indented by two characters,
    lines justified by character spacing, split between lines with at least two on each page.
    The text is never parsed as markup."""

    def __init__(self, text: str, font: str, size: float, leading: float, indent: bool = True,
                 space_before: float = 0.0, space_after: float = 0.0, justify: bool = True):
        super().__init__()
        self.text = text
        self.font = font
        self.size = size
        self.leading = leading
        self.indent = indent
        self.justify = justify
        self.spaceBefore = space_before
        self.spaceAfter = space_after
        self._width: float | None = None
        self.lines: list[tuple[str, bool]] = []  # (line, last line of its paragraph)

    def _layout(self, width: float) -> None:
        if self._width == width:
            return
        m = measure(self.font, self.size)
        lines: list[tuple[str, bool]] = []
        for para in clean(self.text).split("\n"):
            para = para.strip()
            if not para:
                continue
            if self.indent:
                para = "\u3000\u3000" + para  # two ideographic spaces: the Chinese first-line indent
            broken = wrap(para, width, m)
            lines.extend((ln, i == len(broken) - 1) for i, ln in enumerate(broken))
        self.lines = lines
        self._width = width

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._layout(availWidth)
        self.width = availWidth
        self.height = len(self.lines) * self.leading
        return availWidth, self.height

    def _part(self, lines: list[tuple[str, bool]], first: bool, last: bool) -> "TextBlock":
        b = TextBlock(self.text, self.font, self.size, self.leading, self.indent,
                      self.spaceBefore if first else 0.0, self.spaceAfter if last else 0.0, self.justify)
        b._width = self._width
        b.lines = lines
        return b

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self._layout(availWidth)
        fit = int((availHeight - self.spaceBefore) // self.leading)
        n = len(self.lines)
        if n < 4 or fit < 2:
            return []
        fit = min(fit, n - 2)  # no widow: at least two lines go on
        return [self._part(self.lines[:fit], True, False), self._part(self.lines[fit:], False, True)]

    def draw(self) -> None:
        m = measure(self.font, self.size)
        ops = TextOps(self.canv, self.font, self.size)
        placed = []
        spacing = []
        y = self.height - self.size * 0.88 - (self.leading - self.size) / 2
        for line, end in self.lines:
            placed.append((0.0, y, line))
            extra = 0.0
            if self.justify and not end and len(line) > 1:
                extra = (self.width - m.width(line)) / (len(line) - 1)
                if extra < 0 or extra > self.size * 0.5:
                    extra = 0.0
            spacing.append(extra)
            y -= self.leading
        if placed:
            self.canv.addLiteral(ops.block(placed, spacing))


BOLD_STROKE = 0.035  # the stroke of a synthesised bold face, as a fraction of the font size


class TitleBlock(TextBlock):
    """A title or heading: lines centred (or flush left), not justified, in a bold face synthesised by
    stroking the outlines (text render mode 2) — no bold Chinese font ships with the application.
    Splits between lines like :class:`TextBlock`, so even a title holding a 10,000-character unit
    name can be laid out."""

    def __init__(self, text: str, font: str, size: float, leading: float, align: str = "center",
                 bold: bool = False, space_before: float = 0.0, space_after: float = 0.0):
        super().__init__(text, font, size, leading, indent=False, space_before=space_before,
                         space_after=space_after, justify=False)
        self.align = align
        self.bold = bold

    def _layout(self, width: float) -> None:
        if self._width == width:
            return
        m = measure(self.font, self.size)
        # a hair narrower: the stroke of the bold face must not touch the margin
        self.lines = [(ln, True) for ln in wrap(self.text.strip(), width - self.size * BOLD_STROKE * 2, m)]
        self._width = width

    def _part(self, lines: list[tuple[str, bool]], first: bool, last: bool) -> "TitleBlock":
        b = TitleBlock(self.text, self.font, self.size, self.leading, self.align, self.bold,
                       self.spaceBefore if first else 0.0, self.spaceAfter if last else 0.0)
        b._width = self._width
        b.lines = lines
        return b

    def draw(self) -> None:
        m = measure(self.font, self.size)
        ops = TextOps(self.canv, self.font, self.size)
        y = self.height - self.size * 0.88 - (self.leading - self.size) / 2
        placed = []
        for line, _ in self.lines:
            x = (self.width - m.width(line)) / 2 if self.align == "center" else 0.0
            placed.append((x, y, line))
            y -= self.leading
        if not placed:
            return
        text = ops.block(placed)
        if self.bold:
            text = f"q {self.size * BOLD_STROKE:.3f} w 2 Tr {text} 0 Tr Q"
        self.canv.addLiteral(text)


class PartMark(Flowable):
    """Zero-size marker at the start of a part (project): tells the page canvas which part the
    following pages belong to, for the running head of its continuation pages."""

    def __init__(self, running_head: str):
        super().__init__()
        self.running_head = running_head
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv._jx_head = self.running_head
        self.canv._jx_started = True


class NumberedItem(TextBlock):
    """An item of a numbered list (``12.`` and its text): the text's lines all start clear of the number,
    a hanging indent.  Splits between lines like :class:`TextBlock`; never parsed as markup."""

    def __init__(self, number: str, text: str, font: str, size: float, leading: float, space_after: float = 0.0,
                 widest: str = "", numbered: bool = True):
        super().__init__(text, font, size, leading, indent=False, space_after=space_after, justify=False)
        self.number = number
        self.widest = widest or number  # the list's widest number: every item's text starts at the same place
        self.numbered = numbered  # False on the part of a split item continued on the next page
        self.hang = measure(font, size).width(self.widest + " ")

    def _layout(self, width: float) -> None:
        if self._width == width:
            return
        self.lines = [(ln, True) for ln in wrap(self.text.strip(), width - self.hang, measure(self.font, self.size))]
        self._width = width

    def _part(self, lines: list[tuple[str, bool]], first: bool, last: bool) -> "NumberedItem":
        b = NumberedItem(self.number, self.text, self.font, self.size, self.leading,
                         self.spaceAfter if last else 0.0, self.widest, numbered=first and self.numbered)
        b._width = self._width
        b.lines = lines
        return b

    def draw(self) -> None:
        y = self.height - self.size * 0.88 - (self.leading - self.size) / 2
        placed = [(0.0, y, self.number)] if self.numbered and self.lines else []
        for line, _ in self.lines:
            placed.append((self.hang, y, line))
            y -= self.leading
        if placed:
            self.canv.addLiteral(TextOps(self.canv, self.font, self.size).block(placed))
