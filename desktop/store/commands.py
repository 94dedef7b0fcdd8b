"""``jixiao import-json JSON -o DRAFT`` and ``jixiao export-json DRAFT -o JSON``."""
from __future__ import annotations

import argparse
from pathlib import Path

from desktop.core.interchange import read_json, write_json
from desktop.store.draft import SUFFIX, create_draft_from_document, read_draft_document
from desktop.store.errors import draft_error


def cmd_import_json(args: argparse.Namespace) -> int:
    doc = read_json(args.json)
    out = Path(args.output)
    if out.suffix.lower() != SUFFIX:
        raise draft_error("bad_name", out)
    create_draft_from_document(out, doc)
    print(f"已生成草稿 {out}")
    return 0


def cmd_export_json(args: argparse.Namespace) -> int:
    doc = read_draft_document(args.draft)
    write_json(doc, args.output)
    print(f"已导出 {args.output}")
    return 0
