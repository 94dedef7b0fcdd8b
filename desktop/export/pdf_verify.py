"""Verification codes: which draft, and which version of it, a printed PDF shows.

The content hash is :func:`desktop.core.hashing.document_hash` (sha256 of a
canonical JSON of the document), the same the draft store keeps for snapshots.  Every page prints a short code derived from
the form id, the draft id and the hash; the last page a QR code with
``JX1:<form>:<draft>:<hash prefix>``; the PDF's metadata (keywords) holds the
full hash, so :func:`verify` can tell whether a PDF matches a draft as it is
now, or which of its snapshots.  Nothing here opens a draft: :func:`check` compares a
stamp with the versions the caller read (:func:`desktop.store.loading.draft_versions`).
"""
from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from desktop.core.errors import Code, DocumentError
from desktop.core.hashing import document_hash

__all__ = ["HASH_PREFIX", "PdfStamp", "VerifyResult", "check", "document_hash", "keywords", "qr_payload",
           "read_stamp", "short_code"]

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
        raise DocumentError(Code.PDF_UNREADABLE, path=path, why=exc) from None
    found = dict(_KW.findall(kw))
    if "hash" not in found:
        raise DocumentError(Code.PDF_NO_STAMP, name=Path(path).name, path=path)
    draft = found.get("draft", "-")
    return PdfStamp(form_id=found.get("form", ""), draft_id="" if draft == "-" else draft, content_hash=found["hash"],
                    code=found.get("code", ""), final=found.get("copy") == "final", pages=pages)


@dataclass
class VerifyResult:
    ok: bool  # the PDF matches the draft as it is now
    matched: str | None  # the label of the matching version, if any
    text: str  # a Chinese sentence for the clerk


def check(stamp: PdfStamp, versions: Sequence[Any], pdf: str | Path, draft: str | Path) -> VerifyResult:
    """Whether ``stamp`` (read from ``pdf``) matches the first of ``versions`` (each with ``label``,
    ``content_hash()`` and ``form_id()``: the draft's current content, then its snapshots)."""
    copy = "正式版" if stamp.final else "副本"
    name = Path(pdf).name
    current_form = versions[0].form_id()
    if current_form and stamp.form_id and current_form != stamp.form_id:
        return VerifyResult(False, None, f"不一致：{name} 是表单“{stamp.form_id}”的 PDF，"
                                         f"而 {Path(draft).name} 是表单“{current_form}”。")
    for i, version in enumerate(versions):
        if version.content_hash() != stamp.content_hash:
            continue
        if i == 0:
            return VerifyResult(True, version.label, f"一致：{name}（{copy}，校验码 {stamp.code}，共 {stamp.pages} 页）"
                                                     f"与 {Path(draft).name} 的当前内容相同。")
        return VerifyResult(False, version.label, f"不一致：{name}（校验码 {stamp.code}）与 {Path(draft).name} "
                                                  f"的当前内容不同，但与其中保存的{version.label}相同。")
    extra = "；草稿中保存的各个版本也都与之不同" if len(versions) > 1 else ""
    return VerifyResult(False, None, f"不一致：{name}（校验码 {stamp.code}）与 {Path(draft).name} 的当前内容不同{extra}。")
