"""Reading back the PDFs in the tests: page texts, text positions, fonts, page sizes."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

from pypdf import PdfReader

from desktop.core.catalog import load_form, load_sample
from desktop.core.engine import DocumentState
from desktop.export.pdf import export_pdf

_WS = re.compile(r"\s+")


def squeeze(text: str) -> str:
    return _WS.sub("", text)


def sample_state(form_id: str) -> DocumentState:
    return DocumentState(load_form(form_id), load_sample(form_id))


def export_bytes(state: DocumentState, **kwargs) -> tuple[bytes, object]:
    buf = io.BytesIO()
    result = export_pdf(state, buf, **kwargs)
    return buf.getvalue(), result


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def page_texts(data: bytes) -> list[str]:
    return [p.extract_text() or "" for p in reader(data).pages]


def content_texts(data: bytes) -> list[str]:
    """Each page's text without whitespace, cut before its footer (第 N 页 共 M 页 is drawn last)."""
    out = []
    for i, text in enumerate(page_texts(data)):
        t = squeeze(text)
        cut = t.rfind(f"第{i + 1}页共")
        out.append(t[:cut] if cut >= 0 else t)
    return out


def found_in(value: str, pages: list[str]) -> bool:
    """``value`` printed whole on a page, or its beginning ending one page and the rest on the next."""
    return any(_found_from(value, pages, i) for i in range(len(pages)))


def _found_from(value: str, pages: list[str], i: int) -> bool:
    """Whole on page i, or its longest beginning on page i (a cell of a row split at the page end)
    and the rest from page i + 1 on."""
    if i >= len(pages):
        return False
    page = pages[i]
    if value in page:
        return True
    lo, hi = 0, len(value)  # the longest prefix printed on this page (containment is monotonic)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if value[:mid] in page:
            lo = mid
        else:
            hi = mid - 1
    if lo < min(8, len(value)):
        return False
    return _found_from(value[lo:], pages, i + 1)


@dataclass
class TextItem:
    text: str
    x: float
    y: float
    size: float


def text_items(data: bytes, page: int = 0) -> list[TextItem]:
    """Every text show on a page with its position (points from the bottom left)."""
    items: list[TextItem] = []

    def visit(text, cm, tm, font, size):
        if not text.strip():
            return
        # position = tm × cm
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        items.append(TextItem(text.strip(), round(x, 1), round(y, 1), size))

    reader(data).pages[page].extract_text(visitor_text=visit)
    return items


def fonts(data: bytes) -> list[tuple[str, str, bool]]:
    """(base font, subtype, embedded) of every font of every page."""
    out = set()
    for p in reader(data).pages:
        res = p.get("/Resources", {}).get_object()
        for _, ref in (res.get("/Font") or {}).items():
            f = ref.get_object()
            desc = f.get("/FontDescriptor")
            if desc is None and f.get("/DescendantFonts"):
                desc = f["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else {}
            embedded = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            out.add((str(f.get("/BaseFont")), str(f.get("/Subtype")), embedded))
    return sorted(out)
