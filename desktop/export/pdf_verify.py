"""Verification codes: which draft, and which version of it, a printed PDF shows.

The content hash is the sha256 of the canonical JSON of ``Document.to_dict()``
(``desktop.store.hashing.document_hash`` when the draft store provides it, the
same definition here otherwise).  Every page prints a short code derived from
the form id, the draft id and the hash; the last page a QR code with
``JX1:<form>:<draft>:<hash prefix>``; the PDF's metadata (keywords) holds the
full hash, so :func:`verify` can tell whether a PDF matches a draft as it is
now, or which of its snapshots.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from desktop.core.document import Document
from desktop.core.errors import DocumentError, JixiaoError

HASH_PREFIX = 16  # hex characters of the hash in the QR code


def _canonical_hash(doc: Document) -> str:
    data = json.dumps(doc.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def document_hash(doc: Document) -> str:
    """sha256 (hex) of the document's content."""
    try:
        from desktop.store.hashing import document_hash as store_hash
    except ImportError:
        return _canonical_hash(doc)
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
    load: Callable[[], Document]


def draft_versions(path: str | Path) -> tuple[str, list[Version]]:
    """(draft id, [current, snapshots newest first]) for a draft or a JSON file."""
    from desktop.commands import is_draft_file, load_document

    path = Path(path)
    current = Version("当前内容", lambda: load_document(path))
    if not (is_draft_file(path) or path.suffix.lower() == ".jxd"):
        return "", [current]
    draft_id, snaps = _store_snapshots(path)
    return draft_id, [current] + snaps


def _store_snapshots(path: Path) -> tuple[str, list[Version]]:
    """Snapshots through the draft store (desktop.store), whichever of its entry points exists."""
    try:
        import desktop.store as store
    except ImportError:
        return "", []
    opener = getattr(store, "open_draft", None) or getattr(getattr(store, "Draft", None), "open", None)
    if opener is None:
        return "", []
    try:
        draft = opener(path, read_only=True)
    except TypeError:
        draft = opener(path)
    draft_id = str(getattr(draft, "id", "") or getattr(draft, "draft_id", "") or "")
    out: list[Version] = []
    for snap in list(draft.snapshots()):
        sid = getattr(snap, "id", snap)
        label = _snapshot_label(snap)
        out.append(Version(label, lambda sid=sid: draft.snapshot_document(sid)))
    return draft_id, out


def _snapshot_label(snap: Any) -> str:
    parts = []
    for attr in ("created", "taken", "time", "at"):
        v = getattr(snap, attr, None)
        if v:
            parts.append(v.strftime("%Y-%m-%d %H:%M") if hasattr(v, "strftime") else str(v))
            break
    for attr in ("label", "reason", "note", "name", "kind"):
        v = getattr(snap, attr, None)
        if v:
            parts.append(str(v))
            break
    sid = getattr(snap, "id", None)
    return "版本" + (f" {sid}" if sid is not None else "") + (f"（{'，'.join(parts)}）" if parts else "")


@dataclass
class VerifyResult:
    ok: bool  # the PDF matches the draft as it is now
    matched: str | None  # the label of the matching version, if any
    text: str  # a Chinese sentence for the clerk


def verify(pdf: str | Path, draft: str | Path) -> VerifyResult:
    stamp = read_stamp(pdf)
    draft_id, versions = draft_versions(draft)
    copy = "正式版" if stamp.final else "草稿副本"
    name = Path(pdf).name
    for i, version in enumerate(versions):
        try:
            doc = version.load()
        except JixiaoError:
            continue
        if doc.form_id != stamp.form_id and i == 0:
            return VerifyResult(False, None, f"不一致：{name} 是表单“{stamp.form_id}”的 PDF，"
                                             f"而 {Path(draft).name} 是表单“{doc.form_id}”。")
        if document_hash(doc) == stamp.content_hash:
            if i == 0:
                return VerifyResult(True, version.label, f"一致：{name}（{copy}，校验码 {stamp.code}，"
                                                         f"共 {stamp.pages} 页）与草稿当前内容相同。")
            return VerifyResult(False, version.label, f"不一致：{name}（校验码 {stamp.code}）与草稿当前内容不同，"
                                                      f"但与{version.label}相同。")
    extra = "；草稿中没有与之相同的版本" if len(versions) > 1 else ""
    return VerifyResult(False, None, f"不一致：{name}（校验码 {stamp.code}）与 {Path(draft).name} 的当前内容不同{extra}。")
