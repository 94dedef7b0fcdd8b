"""Verification: does a PDF show what this program prints from a draft, and from which draft?

"""
from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from desktop.core.document import Document
from desktop.core.errors import Code, DocumentError
from desktop.core.hashing import document_hash

__all__ = ["HASH_PREFIX", "PROVES", "PdfStamp", "VerifyResult", "document_hash", "keywords", "print_again",
           "qr_payload", "read_stamp", "short_code", "verify_against"]

HASH_PREFIX = 16  # hex characters of the hash in the QR code


def short_code(form_id: str, draft_id: str, content_hash: str) -> str:
    """Eight base32 characters, printed as ``XXXX-XXXX`` on every page."""
    digest = hashlib.sha256(f"{form_id}\n{draft_id}\n{content_hash}".encode("utf-8")).digest()
    code = base64.b32encode(digest).decode("ascii")[:8]
    return f"{code[:4]}-{code[4:]}"


def qr_payload(form_id: str, draft_id: str, content_hash: str) -> str:
    return f"JX1:{form_id}:{draft_id or '-'}:{content_hash[:HASH_PREFIX]}"


def keywords(form_id: str, draft_id: str, content_hash: str, code: str, final: bool) -> str:
    return (f"jixiao-form:{form_id} jixiao-draft:{draft_id or '-'} jixiao-hash:{content_hash} "
            f"jixiao-code:{code} jixiao-copy:{'final' if final else 'draft'}")


@dataclass
class PdfStamp:
    """What a PDF says about itself."""

    form_id: str
    draft_id: str
    content_hash: str
    code: str
    final: bool
    pages: int


_KW = re.compile(r"jixiao-(form|draft|hash|code|copy):(\S+)")


def read_stamp(path: str | Path) -> PdfStamp:
    """Read the verification data from a PDF made by this program."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        meta = reader.metadata or {}
        kw = str(meta.get("/Keywords", "") or "")
        pages = len(reader.pages)
    except (OSError, PdfReadError, ValueError) as exc:
        raise DocumentError(Code.PDF_UNREADABLE, path=path, why=str(exc)) from None
    found = dict(_KW.findall(kw))
    if "hash" not in found:
        raise DocumentError(Code.PDF_NO_STAMP, name=Path(path).name)
    draft = found.get("draft", "-")
    return PdfStamp(form_id=found.get("form", ""), draft_id="" if draft == "-" else draft, content_hash=found["hash"],
                    code=found.get("code", ""), final=found.get("copy") == "final", pages=pages)


@dataclass
class VerifyResult:
    ok: bool  # the PDF shows exactly what the draft prints now, and says so in its metadata
    matched: str | None  # the label of the version the PDF shows, if any
    text: str  # a Chinese sentence for the clerk
    difference: Any = None  # pdf_compare.Difference: the first place that differs, if any
    same_content_other_draft: bool = False


PROVES = ("核对一致只说明：这份 PDF 每一页看到的内容（和其中的文字）与本程序按这份草稿打印出的完全相同；"
          "不能说明 PDF 是谁、在何时制作的")


def verify_against(pdf: str | Path, versions: Sequence[Any], draft_id: str, draft_name: str,
                   font: str | Path | None = None) -> VerifyResult:
    """Does ``pdf`` visibly show what this program prints from one of ``versions`` (current content
    first, then snapshots) of the draft ``draft_id``?  The document is passed in; nothing here opens
    the store except the versions' own loaders."""
    stamp = read_stamp(pdf)
    name = Path(pdf).name
    current_form = versions[0].form_id()
    if current_form and stamp.form_id and current_form != stamp.form_id:
        return VerifyResult(False, None, f"不一致：{name} 是表单“{stamp.form_id}”的 PDF，"
                                         f"而 {draft_name} 是表单“{current_form}”。")
    claimed = next((i for i, v in enumerate(versions) if v.content_hash() == stamp.content_hash), None)
    order = [i for i in dict.fromkeys([claimed, 0]) if i is not None]
    first_diff = None
    for i in order:
        diff = _compare(pdf, versions[i], draft_id, stamp, font)
        if diff is None:
            return _shown(name, draft_name, versions, i, claimed, stamp)
        first_diff = first_diff or diff
    if stamp.draft_id and draft_id and stamp.draft_id != draft_id:
        for i in order:
            if _compare(pdf, versions[i], stamp.draft_id, stamp, font) is None:
                what = "当前内容" if i == 0 else versions[i].label
                return VerifyResult(False, versions[i].label,
                                    f"内容相同但不是同一份草稿：{name} 显示的内容与 {draft_name} 的{what}相同，"
                                    f"但它是从另一份草稿（标识 {stamp.draft_id}）打印的，页上的校验码和二维码不同。",
                                    same_content_other_draft=True)
    assert first_diff is not None
    against = "当前内容" if order[0] == 0 else versions[order[0]].label
    return VerifyResult(False, None, f"不一致：{name} 与 {draft_name} 的{against}不同——{first_diff.describe()}。",
                        difference=first_diff)


def _compare(pdf: str | Path, version: Any, ident: str, stamp: PdfStamp, font: Any) -> Any:
    """The first visible difference between ``pdf`` and the pages printed from ``version`` as draft ``ident``."""
    from desktop.export.pdf_compare import compare_pdfs

    if version.document is None:
        raise DocumentError(Code.PDF_CANNOT_REPRINT, version=version.label)
    return compare_pdfs(Path(pdf), print_again(version.document(), ident, stamp.final, font))


def print_again(doc: Document, draft_id: str, final: bool, font: Any = None) -> bytes:
    """The PDF this program makes from ``doc`` (as the draft ``draft_id``), as bytes."""
    import io

    from desktop.core.catalog import load_form
    from desktop.core.engine import DocumentState
    from desktop.export.pdf import NotFinalError, export_pdf

    state = DocumentState(load_form(doc.form_id), doc)
    buffer = io.BytesIO()
    try:
        export_pdf(state, buffer, final=final, font=font, draft_id=draft_id, allow_missing=True)
    except NotFinalError:
        buffer = io.BytesIO()
        export_pdf(state, buffer, final=False, font=font, draft_id=draft_id, allow_missing=True)
    return buffer.getvalue()


def _shown(name: str, draft_name: str, versions: Sequence[Any], i: int, claimed: int | None,
           stamp: PdfStamp) -> VerifyResult:
    """The PDF shows version ``i`` exactly: say what that means."""
    copy = "正式版" if stamp.final else "副本"
    label = versions[i].label
    if claimed != i:
        return VerifyResult(False, label, f"不一致：{name} 显示的内容与 {draft_name} 的当前内容逐页相同，"
                                          "但 PDF 内记录的校验信息不是这份内容的（校验信息被改动过或从别的 PDF 复制而来，"
                                          "也可能是打印后只改了不打印的内容）。")
    if i == 0:
        return VerifyResult(True, label, f"一致：{name}（{copy}，校验码 {stamp.code}，共 {stamp.pages} 页）"
                                         f"每一页显示的内容与 {draft_name} 的当前内容打印出来的相同。{PROVES}。")
    return VerifyResult(False, label, f"不一致：{name}（校验码 {stamp.code}）与 {draft_name} 的当前内容不同，"
                                      f"但与其中保存的{label}打印出来的相同。")
