"""The content hash of a filled form: sha256 of a canonical JSON.

Part of the document model (core, no store import): used to tie a printed/exported PDF to the draft it came from (``jixiao
verify``) and to tell snapshots apart.  Two documents that print the same get
the same hash regardless of dict order or of things the engine adds without
changing content (empty fixed-row slots, values deleted back to nothing).
No SQLAlchemy here: the PDF exporter uses it on a plain Document.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from desktop.core.document import Document
from desktop.core.review import content_meta

HASH_VERSION = 1


def canonical(doc: Document) -> dict[str, Any]:
    parts = []
    for p in doc.parts:
        fixed = {}
        for tid, rows in p.fixed.items():
            kept = {rid: _nonempty(cells) for rid, cells in rows.items() if _nonempty(cells)}
            if kept:
                fixed[tid] = kept
        parts.append({
            "id": p.id,
            "fields": _nonempty(p.fields),
            "tables": {tid: [[r.id, _nonempty(r.cells)] for r in rows] for tid, rows in p.rows.items()},
            "fixed": fixed,
            "overrides": dict(p.overrides),
            "explanations": {k: v for k, v in p.explanations.items() if v.strip()},
        })
    return {"hash": HASH_VERSION, "form": doc.form_id, "version": doc.form_version,
            "meta": _nonempty(content_meta(doc.meta)), "parts": parts}


def _nonempty(d: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in d.items() if v != ""}


def canonical_json(doc: Document) -> str:
    return json.dumps(canonical(doc), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def document_hash(doc: Document) -> str:
    """Hex sha256 of :func:`canonical_json`."""
    return hashlib.sha256(canonical_json(doc).encode("utf-8")).hexdigest()
