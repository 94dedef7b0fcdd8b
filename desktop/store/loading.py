"""Opening a filled form from a path, whichever kind of file the clerk has: the JSON interchange or a draft.

The service the command line, the exports' command handlers and the window use to read a document (read-only)
and to write one out; no Qt here.  Exporters themselves take the document (or its state) and never open a file.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from desktop.core.catalog import form_for
from desktop.core.document import Document
from desktop.core.engine import DocumentState
from desktop.core.errors import Code, UnreadableFile
from desktop.core.hashing import document_hash
from desktop.core.interchange import SQLITE_MAGIC, is_draft_file, not_regular, read_json, write_json

__all__ = ["SQLITE_MAGIC", "Version", "draft_versions", "is_draft_file", "load_document", "load_state",
           "save_document"]


def load_document(path: str | Path) -> Document:
    """A JSON interchange file or a draft, read-only; raises DocumentError / DraftError."""
    path = Path(path)
    if path.suffix.lower() == ".jxd":  # the store's messages know about USB sticks and network drives
        from desktop.store import read_draft_document

        return read_draft_document(path)
    if not path.exists():
        raise UnreadableFile(Code.DOC_UNREADABLE, path=path, why="文件不存在")
    what = not_regular(path)
    if what:  # before anything opens it: a named pipe would never answer
        raise UnreadableFile(Code.DOC_UNREADABLE, path=path, why=f"这是{what}，不是普通文件")
    if is_draft_file(path):
        from desktop.store import read_draft_document

        return read_draft_document(path)
    return read_json(path)


def load_state(path: str | Path) -> DocumentState:
    doc = load_document(path)
    return DocumentState(form_for(doc), doc)  # the definition version the document was made with


def save_document(doc: Document, path: str | Path) -> None:
    """Write a JSON interchange file, or a new draft when the name ends in .jxd."""
    path = Path(path)
    if path.suffix.lower() == ".jxd":
        from desktop.store import create_draft_from_document

        create_draft_from_document(path, doc)
    else:
        write_json(doc, path)


@dataclass
class Version:
    """A version of a draft to compare a printed PDF against: the current content or a snapshot."""

    label: str  # 当前内容, or the snapshot's description
    content_hash: Callable[[], str]
    form_id: Callable[[], str] = lambda: ""
    document: Callable[[], Document] | None = None  # the content itself, to print again and compare


def draft_versions(path: str | Path) -> tuple[str, list[Version]]:
    """(draft id, [current content, snapshots newest first]) of a draft or a JSON file."""
    path = Path(path)
    if not (is_draft_file(path) or path.suffix.lower() == ".jxd"):
        doc = load_document(path)
        return "", [Version("当前内容", lambda: document_hash(doc), lambda: doc.form_id, lambda: doc)]
    from desktop.store import Draft

    draft = Draft.open(path, readonly=True)
    try:
        doc = draft.load_document()
        draft_id = str(draft.info.get("draft_id") or draft.info.get("id") or "")
        current = Version("当前内容", lambda: document_hash(doc), lambda: doc.form_id, lambda: doc)
        snaps = [Version(_snapshot_label(s), lambda h=s.content_hash: h,
                         document=lambda sid=s.id: _snapshot_document(path, sid)) for s in draft.snapshots()]
    finally:
        draft.close()
    return draft_id, [current] + snaps


def _snapshot_document(path: Path, snapshot_id: int) -> Document:
    from desktop.store import Draft

    draft = Draft.open(path, readonly=True)
    try:
        return draft.snapshot_document(snapshot_id)
    finally:
        draft.close()


def _snapshot_label(snap: Any) -> str:
    reason = getattr(snap, "reason_text", "") or getattr(snap, "reason", "")
    extra = "，".join(x for x in (str(getattr(snap, "taken", "") or "")[:16].replace("T", " "), reason,
                                  getattr(snap, "label", "")) if x)
    return f"版本 {snap.id}" + (f"（{extra}）" if extra else "")
