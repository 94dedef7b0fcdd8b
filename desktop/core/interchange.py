"""JSON interchange of a filled form (documented in docs/interchange.md).

::

    {"format": "jixiao-form", "format_version": 1,
     "form": "<form id>", "version": "<definition version>",
     "meta": {...},
     "parts": [{"id": "...", "fields": {"<field>": "<text as typed>"},
                "tables": {"<table>": [{"id": "<row id>", "<column>": "<text>"}, ...]},
                "fixed": {"<table>": {"<fixed row>": {"<column>": "<text>"}}},
                "overrides": {"<address>": "<text>"},
                "explanations": {"<check>@<address>": "<text>"}}]}

Values are the text the clerk typed; numbers written by other tools (JSON
numbers) are accepted and kept as their text.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from desktop.core.document import Document
from desktop.core.errors import DocumentError, message


def _version_key(v: str) -> tuple:
    out = []
    for piece in v.replace("-", ".").split("."):
        out.append((0, int(piece), "") if piece.isdigit() else (1, 0, piece))
    return tuple(out)


version_key = _version_key  # versions compared part by part, numbers as numbers: 2023.2 < 2023.10


def document_from_json(data: Any, known_version: str | None = None) -> Document:
    if not isinstance(data, dict) or "form" not in data or not isinstance(data.get("parts", []), list):
        raise DocumentError(message("doc_bad", why="缺少 form 或 parts"))
    try:
        doc = Document.from_dict(data)
    except (TypeError, AttributeError, KeyError, ValueError) as exc:
        raise DocumentError(message("doc_bad", why=exc)) from None
    if known_version and doc.form_version and _version_key(doc.form_version) > _version_key(known_version):
        raise DocumentError(message("doc_newer_version", version=doc.form_version, known=known_version))
    return doc


def read_json(path: str | Path) -> Document:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise DocumentError(message("doc_unreadable", path=path, why=exc.strerror or exc)) from None
    except UnicodeDecodeError as exc:
        raise DocumentError(message("doc_not_json", why=exc)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(message("doc_not_json", why=f"第 {exc.lineno} 行：{exc.msg}")) from None
    from desktop.core.catalog import load_form

    doc = document_from_json(data)
    form = load_form(doc.form_id)
    return document_from_json(data, form.version)


def write_json(doc: Document, path: str | Path) -> None:
    Path(path).write_text(dumps(doc), encoding="utf-8")


def dumps(doc: Document) -> str:
    return json.dumps(doc.to_dict(), ensure_ascii=False, indent=1)
