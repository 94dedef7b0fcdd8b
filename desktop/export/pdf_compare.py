"""Comparing what two PDFs visibly show, page by page: the pictures (rendered with PDFium) and the
text layer.  Used by :mod:`desktop.export.pdf_verify` to check a received PDF against the pages the
program makes from a draft.

Pages are rendered in grey at a modest resolution; a pixel counts as different when its grey level
differs by more than :data:`THRESHOLD`, a page when more than :data:`TOLERANCE` pixels do (two
renderings of the same PDF by the same PDFium are identical; the tolerance absorbs nothing
larger than a speck).  The first difference is reported with its page and its box in millimetres
from the page's top-left corner, with the text each PDF has inside that box.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.core.limits import short

DPI = 60  # rendering resolution: 1 px ≈ 0.42 mm, enough to see a changed digit
THRESHOLD = 64  # grey levels (of 255)
TOLERANCE = 6  # differing pixels a page may have and still count as the same
MM = 25.4 / 72  # millimetres per PDF point


@dataclass
class Difference:
    """The first place where the PDF does not show what the draft prints."""

    page: int  # 1-based
    kind: str  # "pages" (page count), "size", "image" (what is seen), "text" (the text layer)
    box_mm: tuple[float, float, float, float] | None = None  # left, top, width, height from the top-left
    shown: str = ""  # the PDF's text in that place
    expected: str = ""  # the draft's text in that place
    pages_shown: int = 0
    pages_expected: int = 0

    def describe(self) -> str:
        """A Chinese sentence naming the page and place."""
        if self.kind == "pages":
            return f"页数不同：PDF 共 {self.pages_shown} 页，按草稿应为 {self.pages_expected} 页（从第 {self.page} 页起不同）"
        if self.kind == "size":
            return f"第 {self.page} 页的纸张大小或方向与草稿打印出的不同"
        where = f"第 {self.page} 页"
        if self.box_mm is not None:
            left, top, width, height = self.box_mm
            where += f"距左边 {left:.0f} 毫米、距上边 {top:.0f} 毫米处（约 {max(width, 1):.0f}×{max(height, 1):.0f} 毫米）"
        what = "文字层（复制或检索出的文字）与看到的内容" if self.kind == "text" else "显示的内容"
        text = f"{where}{what}与草稿不同"
        if self.shown or self.expected:
            text += f"：PDF 上是“{short(self.shown) or '（空白）'}”，草稿应为“{short(self.expected) or '（空白）'}”"
        return text


def _open(source: str | Path | bytes) -> Any:
    import pypdfium2 as pdfium

    return pdfium.PdfDocument(str(source) if isinstance(source, Path) else source)


def _grey(page: Any, dpi: int) -> Any:
    bitmap = page.render(scale=dpi / 72, grayscale=True)
    try:
        return bitmap.to_pil().convert("L")
    finally:
        bitmap.close()


def _text(page: Any, box: tuple[float, float, float, float] | None = None) -> str:
    textpage = page.get_textpage()
    try:
        if box is None:
            return textpage.get_text_range()
        return textpage.get_text_bounded(*box)
    finally:
        textpage.close()


def compare_pdfs(shown: str | Path | bytes, expected: str | Path | bytes, dpi: int = DPI) -> Difference | None:
    """The first difference between what ``shown`` and ``expected`` display, or None when they look the same
    (and say the same in their text layers)."""
    a, b = _open(shown), _open(expected)
    try:
        na, nb = len(a), len(b)
        for i in range(min(na, nb)):
            found = _compare_page(a[i], b[i], i + 1, dpi)
            if found is not None:
                return found
        if na != nb:
            return Difference(min(na, nb) + 1, "pages", pages_shown=na, pages_expected=nb)
        return None
    finally:
        a.close()
        b.close()


def _compare_page(pa: Any, pb: Any, number: int, dpi: int) -> Difference | None:
    from PIL import ImageChops

    (wa, ha), (wb, hb) = pa.get_size(), pb.get_size()
    if abs(wa - wb) > 1 or abs(ha - hb) > 1:
        return Difference(number, "size")
    ia, ib = _grey(pa, dpi), _grey(pb, dpi)
    if ia.size != ib.size:
        ib = ib.resize(ia.size)
    mask = ImageChops.difference(ia, ib).point(lambda v: 255 if v > THRESHOLD else 0)
    if mask.histogram()[255] > TOLERANCE:
        x0, y0, x1, y1 = mask.getbbox()
        px = 72 / dpi  # points per pixel
        box = (x0 * px - 2, ha - y1 * px - 2, x1 * px + 2, ha - y0 * px + 2)  # left, bottom, right, top
        return Difference(number, "image", (x0 * px * MM, y0 * px * MM, (x1 - x0) * px * MM, (y1 - y0) * px * MM),
                          shown=_text(pa, box), expected=_text(pb, box))
    ta, tb = _text(pa), _text(pb)
    if "".join(ta.split()) != "".join(tb.split()):
        k = next((k for k, (x, y) in enumerate(zip(ta, tb)) if x != y), min(len(ta), len(tb)))
        return Difference(number, "text", shown=ta[max(0, k - 10):k + 30], expected=tb[max(0, k - 10):k + 30])
    return None
