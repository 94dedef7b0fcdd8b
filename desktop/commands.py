"""Command-line handlers of the form engine: ``forms``, ``sample``, ``check``.

``load_document`` opens either kind of file a clerk has — the JSON
interchange or a draft — and is what every other command uses.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from desktop.core.catalog import all_forms, load_form, load_sample
from desktop.core.document import Document
from desktop.core.engine import DocumentState
from desktop.core.errors import DocumentError, message
from desktop.core.expr import BAD
from desktop.core.interchange import read_json, write_json

SQLITE_MAGIC = b"SQLite format 3\x00"


def is_draft_file(path: str | Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def load_document(path: str | Path) -> Document:
    """A JSON interchange file or a draft, read-only; raises DocumentError / DraftError."""
    path = Path(path)
    if path.suffix.lower() == ".jxd":  # the store's messages know about USB sticks and network drives
        from desktop.store import read_draft_document

        return read_draft_document(path)
    if not path.exists():
        raise DocumentError(message("doc_unreadable", path=path, why="文件不存在"))
    if is_draft_file(path):
        from desktop.store import read_draft_document

        return read_draft_document(path)
    return read_json(path)


def load_state(path: str | Path) -> DocumentState:
    doc = load_document(path)
    return DocumentState(load_form(doc.form_id), doc)


def save_document(doc: Document, path: str | Path) -> None:
    """Write a JSON interchange file, or a new draft when the name ends in .jxd."""
    path = Path(path)
    if path.suffix.lower() == ".jxd":
        from desktop.store import create_draft_from_document

        create_draft_from_document(path, doc)
    else:
        write_json(doc, path)


def cmd_forms(args: argparse.Namespace) -> int:
    for form in all_forms():
        parts = f"（每份可含多个{form.part_label}）" if form.multi else ""
        print(f"{form.id}\t{form.title}\t{form.region} {form.year}\t版本 {form.version}{parts}")
    return 0


def cmd_sample(args: argparse.Namespace) -> int:
    doc = load_sample(args.form)
    save_document(doc, args.output)
    print(f"已写出 {args.output}")
    return 0


def report(state: DocumentState) -> dict[str, Any]:
    """Computed values and problems, as ``jixiao check --json`` prints them."""
    parts = []
    for i, ps in enumerate(state.parts):
        computed: dict[str, str] = {}
        for addr in ps.addresses():
            if ps.how(addr) == "computed":
                value = ps.value(addr)
                computed[addr] = "#" if value is BAD else ps.text(addr)
        problems = [
            {"level": p.level, "level_text": p.level_text, "check": p.check, "address": p.addr,
             "message": ps.problem_text(p), "explanation": ps.part.explanations.get(p.key, "")}
            for p in ps.sorted_problems()
        ]
        parts.append({"index": i + 1, "title": state.part_title(i), "computed": computed, "problems": problems})
    errors = sum(1 for ps in state.parts for p in ps.errors)
    warnings = sum(1 for ps in state.parts for p in ps.warnings)
    return {"form": state.form.id, "version": state.form.version, "title": state.form.title,
            "errors": errors, "warnings": warnings, "parts": parts}


def cmd_check(args: argparse.Namespace) -> int:
    state = load_state(args.file)
    if getattr(args, "font", None):  # characters the chosen print font lacks are 提示 too
        from desktop.core.glyphs import font_missing
        from desktop.export.pdf_font import choose_font

        state = DocumentState(state.form, state.doc, missing_glyphs=font_missing(choose_font(args.font).path))
    data = report(state)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        print(f"{data['title']}（{data['form']}，定义版本 {data['version']}）")
        for part in data["parts"]:
            if state.form.multi:
                print(f"\n== {part['title']} ==")
            for addr, text in part["computed"].items():
                print(f"  {state.parts[part['index'] - 1].describe(addr)} = {text}")
            for p in part["problems"]:
                extra = f"（说明：{p['explanation']}）" if p["explanation"] else ""
                print(f"  [{p['level_text']}] {p['message']}{extra}")
        print(f"\n共 {data['errors']} 个错误，{data['warnings']} 个提示")
    return 1 if data["errors"] else 0
