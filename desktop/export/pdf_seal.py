"""The signature and seal block, and keeping it with the last lines of content.

The block (:class:`SealBlock`) prints the signature lines on the left and, on
the right, the unit name line with （盖章） and the date line with a clear
square around them large enough for a 42 mm round seal pressed over both.
:class:`KeepWithTail` binds the block to the last content flowable: when they
do not fit together, some of the content is carried to the next page with the
block, so the block is never alone on a page.
"""
from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from desktop.export.pdf_text import measure, wrap

SEAL_DIAMETER = 42 * mm
SEAL_ROOM = 45 * mm  # the clear square the seal is pressed into
QR_SIZE = 19 * mm
BLANK_LINE = 45 * mm  # the line to write the unit name on when none was typed
UNIT_LOWEST = 26 * mm  # the unit name's last line stays above the QR code and the date line


class SealBlock(Flowable):
    def __init__(self, left_lines: list[str], unit_line: str, date_line: str, font: str, size: float = 10.5,
                 qr_payload: str | None = None, qr_caption: str = ""):
        super().__init__()
        self.left_lines = left_lines
        self.unit_line = unit_line
        self.date_line = date_line
        self.font = font
        self.size = size
        self.qr_payload = qr_payload
        self.qr_caption = qr_caption
        self.height = SEAL_ROOM + 2 * mm
        self.unit_lines: list[str] = [unit_line]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        m = measure(self.font, self.size)
        # the unit line ends at the right margin and may reach left of the seal square
        left_width = max((m.width(f"{x}：") for x in self.left_lines), default=0) + 40 * mm
        room = max(availWidth - left_width - 4 * mm, SEAL_ROOM + 8 * mm)
        self.unit_lines = wrap(self.unit_line, min(room, SEAL_ROOM + 44 * mm), m)
        # a very long unit name or many signature lines: the block grows
        unit = UNIT_LOWEST + (len(self.unit_lines) - 1) * self.size * 1.5 + 8 * mm
        left = 8 * mm + max(len(self.left_lines) - 1, 0) * 11 * mm + 4 * mm
        self.height = max(SEAL_ROOM + 2 * mm, unit, left)
        return availWidth, self.height

    def seal_box(self) -> tuple[float, float, float, float]:
        """(x, y, width, height) of the clear square for the seal, in the block's coordinates."""
        x = self.width - SEAL_ROOM - 4 * mm
        return x, 0.0, SEAL_ROOM, SEAL_ROOM

    def draw(self) -> None:
        canv = self.canv
        canv.setFont(self.font, self.size)
        top = self.height
        # left: the signature lines, each followed by a space to sign in
        y = top - 8 * mm
        m = measure(self.font, self.size)
        canv.setLineWidth(0.5)
        for line in self.left_lines:
            text = f"{line}："
            canv.drawString(0, y, text)
            x = m.width(text) + 1 * mm
            canv.line(x, y - 2, x + 38 * mm, y - 2)
            y -= 11 * mm
        # right: unit name (seal over it) and date, inside / around the seal square
        sx, sy, sw, sh = self.seal_box()
        right = self.width
        uy = max(sy + sh - 12 * mm, sy + UNIT_LOWEST + (len(self.unit_lines) - 1) * self.size * 1.5)
        if self.unit_line.endswith("：") and len(self.unit_lines) == 1:  # no unit name: a line to write it on
            canv.drawRightString(right - BLANK_LINE, uy, self.unit_line)
            canv.line(right - BLANK_LINE + 1 * mm, uy - 2, right, uy - 2)
        else:
            for text in self.unit_lines:
                canv.drawRightString(right, uy, text)
                uy -= self.size * 1.5
        canv.drawRightString(right, sy + 12 * mm, self.date_line)
        if self.qr_payload:
            # left of the date line, below the unit line: never under the seal
            qx = min(sx, right - m.width(self.date_line)) - QR_SIZE - 6 * mm
            draw_qr(canv, self.qr_payload, qx, 3 * mm, QR_SIZE)
            ax, ay = canv.absolutePosition(qx, 3 * mm)
            canv._jx_qr = (ax, ay, QR_SIZE)  # the page keeps the 草稿 watermark clear of it
            if self.qr_caption:
                canv.setFont(self.font, 6.5)
                canv.drawCentredString(qx + QR_SIZE / 2, 0.5 * mm, self.qr_caption)


def draw_qr(canv, payload: str, x: float, y: float, size: float) -> None:
    """A QR code (segno) drawn as filled squares: vector, sharp at any printer resolution."""
    import segno

    qr = segno.make(payload, error="m", micro=False)
    matrix = qr.matrix
    n = len(matrix)
    border = 1
    cell = size / (n + 2 * border)
    canv.saveState()
    canv.setFillColorRGB(1, 1, 1)
    canv.rect(x, y, size, size, stroke=0, fill=1)
    canv.setFillColorRGB(0, 0, 0)
    p = canv.beginPath()
    for r, row in enumerate(matrix):
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                p.rect(x + (start + border) * cell, y + size - (r + 1 + border) * cell, (c - start) * cell, cell)
            else:
                c += 1
    canv.drawPath(p, stroke=0, fill=1)
    canv.restoreState()


class Stack(Flowable):
    """Several flowables drawn as one unsplittable block (the footnote and the seal block)."""

    def __init__(self, items: list[Flowable], gap: float = 3 * mm):
        super().__init__()
        self.items = items
        self.gap = gap
        self._sizes: list[tuple[float, float]] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._sizes = [f.wrap(availWidth, availHeight) for f in self.items]
        self.width = availWidth
        self.height = sum(h for _, h in self._sizes) + self.gap * max(len(self.items) - 1, 0)
        return availWidth, self.height

    def draw(self) -> None:
        y = self.height
        for f, (_, h) in zip(self.items, self._sizes):
            y -= h
            f.drawOn(self.canv, 0, y)
            y -= self.gap


MIN_CARRY = 40.0  # points of content (about three lines) that go with the block to a new page


class KeepWithTail(Flowable):
    """The last ``content`` flowables followed by ``tail``, split so that the tail always shares its
    page with at least :data:`MIN_CARRY` of content (or all of it, when there is less)."""

    def __init__(self, content: list[Flowable], tail: Flowable, gap: float = 4 * mm):
        super().__init__()
        self.content = list(content)
        self.tail = tail
        self.gap = gap
        self._heights: list[float] = []
        self._ht = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._heights = [f.wrap(availWidth, availHeight)[1] + _space(f) for f in self.content]
        _, self._ht = self.tail.wrap(availWidth, availHeight)
        self.width = availWidth
        self.height = sum(self._heights) + self.gap + self._ht
        return availWidth, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        if self.height <= availHeight:
            return [self]
        total = sum(self._heights)
        limit = min(availHeight, total - MIN_CARRY)  # what may stay on this page
        if limit <= 0:
            return []
        used = 0.0
        for i, (f, h) in enumerate(zip(self.content, self._heights)):
            if used + h <= limit:
                used += h
                continue
            parts = f.split(availWidth, limit - used - _space(f)) if limit - used > _space(f) else []
            if len(parts) >= 2:
                first, rest = self.content[:i] + [parts[0]], list(parts[1:]) + self.content[i + 1:]
            else:
                first, rest = self.content[:i], self.content[i:]
            if not first or all(_is_space(x) for x in first):
                return []
            return first + [KeepWithTail(rest, self.tail, self.gap)]
        return []

    def draw(self) -> None:
        y = self.height
        for f, h in zip(self.content, self._heights):
            y -= h
            f.drawOn(self.canv, 0, y + f.getSpaceAfter())
        self.tail.drawOn(self.canv, 0, 0)


def _space(f: Flowable) -> float:
    return f.getSpaceBefore() + f.getSpaceAfter()


def _is_space(f: Flowable) -> bool:
    from reportlab.platypus import Spacer

    return isinstance(f, Spacer)
