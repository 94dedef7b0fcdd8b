"""Export a filled form as a sealed-ready A4 PDF.

Public API::

    export_pdf(state, path, *, final=False, font=None, draft_id='', allow_missing=False) -> PdfResult

A document with any 错误 prints only as a copy watermarked 草稿; ``final=True``
refuses such a document (:class:`NotFinalError`).  Before drawing, every
printed character is checked against the font (:class:`MissingCharsError`
names the fields) unless ``allow_missing``.  ``path`` may be a file path or a
binary file object (the print preview renders from memory).
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.platypus.doctemplate import LayoutError

from desktop.core.engine import DocumentState
from desktop.core.interchange import dumps
from desktop.core.errors import Code, JixiaoError
from desktop.export.filenames import Destination, write_file_atomically
from desktop.export import pdf_unicode
from desktop.export.pdf_blocks import StoryBuilder
from desktop.export.pdf_font import FontError, MissingCharsError, check_chars, choose_font
from desktop.export.pdf_layout import PageInfo, canvas_maker, make_doc
from desktop.export.pdf_verify import document_hash, keywords, qr_payload, short_code

__all__ = ["export_pdf", "PdfResult", "NotFinalError", "MissingCharsError", "FontError", "PdfWriteError",
           "PdfLayoutError"]

PDF_ATTACHMENT = "jixiao.json"  # the document's JSON interchange, embedded so a PDF alone can be collected


class NotFinalError(JixiaoError):
    """A final copy was asked for, but the form still has 错误."""


class PdfLayoutError(JixiaoError):
    """Something cannot be laid out on A4 at all."""


class PdfWriteError(JixiaoError):
    """The PDF file cannot be written (folder missing, file open in another program...)."""


@dataclass
class PdfResult:
    pages: int
    code: str  # the verification code printed on every page
    hash: str  # sha256 of the document content
    final: bool = False
    warnings: list[str] = field(default_factory=list)
    missing: list[tuple[str, list[str]]] = field(default_factory=list)  # allowed missing characters
    font: str = ""  # which font (and file) the pages are printed in


def export_pdf(state: DocumentState, path: Destination, *, final: bool = False, font: str | Path | None = None,
               draft_id: str = "", allow_missing: bool = False) -> PdfResult:
    form = state.form
    if final and state.has_errors:
        errors = [text for _, p, text in state.problem_lines() if p.level == "error"]
        shown = "\n".join(errors[:10]) + (f"\n……共 {len(errors)} 个错误" if len(errors) > 10 else "")
        raise NotFinalError(Code.PDF_NOT_FINAL, errors=shown)
    chosen = choose_font(font)
    content_hash = document_hash(state.doc)
    ident = draft_id or (state.doc.parts[0].id if state.doc.parts else "")
    code = short_code(form.id, ident, content_hash)
    payload = qr_payload(form.id, ident, content_hash)
    pdf_unicode.install()  # characters beyond U+FFFF survive copy and search
    builder = StoryBuilder(state, chosen.name, qr_payload=payload, qr_caption=f"校验码 {code}")
    story = builder.story()
    builder.note(code, "校验码")
    errors = sum(len(p.errors) for p in state.parts)
    draft_note = f"草稿副本：表中有 {errors} 个错误，不作正式文件" if state.has_errors else ""
    missing = check_chars(chosen, builder.texts + [("第 页 共 页 校验码 草稿" + draft_note, "页脚")])
    if missing and not allow_missing:
        raise MissingCharsError(chosen.label, missing)
    watermark = state.has_errors
    meta = state.meta()
    title = form.document_title or form.title
    if meta.get("project"):
        title = f"{title}（{meta['project']}）"
    info = PageInfo(
        font=chosen.name, code=code, watermark=watermark, draft_note=draft_note,
        title=title, author=meta.get("unit", ""), subject=form.title,
        keywords=keywords(form.id, ident, content_hash, code, final),
        attachments=[(PDF_ATTACHMENT, dumps(state.doc).encode("utf-8"))],
    )
    target: Destination = path
    if isinstance(path, (str, Path)):
        target = str(path)
    buffer = io.BytesIO()
    doc = make_doc(buffer, form.orientation, info)
    try:
        doc.build(story, canvasmaker=canvas_maker(info))
    except LayoutError as exc:  # something taller than a page that cannot be split: name it, in Chinese
        raise _layout_error(str(exc), builder.wheres) from None
    _write(target, buffer.getvalue())
    warnings = [chosen.warning] if chosen.warning else []
    return PdfResult(pages=info.pages[-1] if info.pages else 0, code=code, hash=content_hash, final=final,
                     warnings=warnings, missing=missing, font=chosen.label)


def _layout_error(library_text: str, wheres: dict[int, str]) -> PdfLayoutError:
    """A layout failure in the clerk's words: the part that does not fit, never ReportLab's text."""
    for match in re.finditer(r"at 0x([0-9a-fA-F]+)", library_text):
        where = wheres.get(int(match.group(1), 16))
        if where:
            return PdfLayoutError(Code.PDF_TOO_TALL, where=where)
    return PdfLayoutError(Code.PDF_TOO_TALL_SOMEWHERE)


def _write(target: Destination, data: bytes) -> None:
    """Write the whole file at once (a half-written PDF is never left behind)."""
    write_file_atomically(target, data, lambda reason: PdfWriteError(Code.EXPORT_WRITE, what=" PDF 文件", path=target, why=reason))
