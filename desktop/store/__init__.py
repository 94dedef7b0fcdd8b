"""Drafts: each filled form is one SQLite file (``.jxd``), saved as it is typed.

Importing this package is cheap: SQLAlchemy is imported only when a draft is
first written (opening and reading one use sqlite3 alone).  See docs/drafts.md.
"""
from __future__ import annotations

from desktop.store.draft import Draft, Snapshot, create_draft_from_document, read_draft_document
from desktop.store.errors import DraftError, DraftLocked, LockHolder
from desktop.core.hashing import document_hash
from desktop.store.lock import break_lock

__all__ = ["Draft", "DraftError", "DraftLocked", "LockHolder", "Snapshot", "break_lock",
           "create_draft_from_document", "document_hash", "read_draft_document"]
