"""Verification codes: which draft, and which version of it, a printed PDF shows.

The content hash is ``desktop.store.hashing.document_hash`` (sha256 of a
canonical JSON of the document), the same the draft store keeps for snapshots.  Every page prints a short code derived from
the form id, the draft id and the hash; the last page a QR code with
``JX1:<form>:<draft>:<hash prefix>``; the PDF's metadata (keywords) holds the
full hash, so :func:`verify` can tell whether a PDF matches a draft as it is
now, or which of its snapshots.
"""
from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from desktop.core.document import Document
from desktop.core.errors import DocumentError

HASH_PREFIX = 16  # hex characters of the hash in the QR code


def document_hash(doc: Document) -> str:
    """sha256 (hex) of the document's canonical JSON (the draft store's definition)."""
    from desktop.store.hashing import document_hash as store_hash

    return store_hash(doc)


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
        raise DocumentError(f"无法读取 PDF 文件 {path}：{exc}") from None
    found = dict(_KW.findall(kw))
    if "hash" not in found:
        raise DocumentError(f"{Path(path).name} 不是本程序导出的 PDF，或其中没有校验信息")
    draft = found.get("draft", "-")
    return PdfStamp(form_id=found.get("form", ""), draft_id="" if draft == "-" else draft, content_hash=found["hash"],
                    code=found.get("code", ""), final=found.get("copy") == "final", pages=pages)


@dataclass
class Version:
    """A version of a draft to compare against: the current content or a snapshot."""

    label: str  # 当前内容, or the snapshot's description
    content_hash: Callable[[], str]
    form_id: Callable[[], str] = lambda: ""


def draft_versions(path: str | Path) -> tuple[str, list[Version]]:
    """(draft id, [current content, snapshots newest first]) of a draft or a JSON file."""
    from desktop.commands import is_draft_file, load_document

    path = Path(path)
    if not (is_draft_file(path) or path.suffix.lower() == ".jxd"):
        doc = load_document(path)
        return "", [Version("当前内容", lambda: document_hash(doc), lambda: doc.form_id)]
    from desktop.store import Draft

    draft = Draft.open(path, readonly=True)
    try:
        doc = draft.load_document()
        draft_id = str(draft.info.get("draft_id") or draft.info.get("id") or "")
        current = Version("当前内容", lambda: document_hash(doc), lambda: doc.form_id)
        snaps = [Version(_snapshot_label(s), lambda h=s.content_hash: h) for s in draft.snapshots()]
    finally:
        draft.close()
    return draft_id, [current] + snaps


def _snapshot_label(snap: Any) -> str:
    reason = getattr(snap, "reason_text", "") or getattr(snap, "reason", "")
    extra = "，".join(x for x in (str(getattr(snap, "taken", "") or "")[:16].replace("T", " "), reason,
                                  getattr(snap, "label", "")) if x)
    return f"版本 {snap.id}" + (f"（{extra}）" if extra else "")


@dataclass
class VerifyResult:
    ok: bool  # the PDF matches the draft as it is now
    matched: str | None  # the label of the matching version, if any
    text: str  # a Chinese sentence for the clerk


def verify(pdf: str | Path, draft: str | Path) -> VerifyResult:
    stamp = read_stamp(pdf)
    _, versions = draft_versions(draft)
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
