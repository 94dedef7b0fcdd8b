"""Command-line handlers of the form engine: ``forms``, ``sample``, ``check``.

Opening a document from a path lives in :mod:`desktop.store.loading`; its names are re-exported here for
callers written before it moved.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from desktop.core.catalog import all_forms, load_sample
from desktop.core.engine import DocumentState
from desktop.core.errors import Code, DocumentError, JixiaoError
from desktop.core.expr import BAD
from desktop.store.loading import SQLITE_MAGIC, is_draft_file, load_document, load_state, save_document

__all__ = ["SQLITE_MAGIC", "cmd_check", "cmd_forms", "cmd_sample", "is_draft_file", "load_document", "load_state",
           "report", "save_document"]


def cmd_forms(args: argparse.Namespace) -> int:
    from desktop.core.catalog import form_ids, load_form, newest
    from desktop.forms.installed import origin_text

    for fid in form_ids():
        file = newest(fid)
        try:
            form = load_form(fid)
        except JixiaoError as exc:  # an installed file damaged since: listed with its problem
            print(f"{fid}\t{exc.text}")
            continue
        parts = f"（每份可含多个{form.part_label}）" if form.multi else ""
        print(f"{form.id}\t{form.title}\t{(form.region + ' ' + form.year).strip()}\t版本 {form.version}{parts}\t"
              f"{origin_text(file) if file else ''}")
    return 0


def cmd_continue(args: argparse.Namespace) -> int:
    """``jixiao continue 申报表 -o 自评表 [--form ID]``: the source is only read."""
    from desktop.core.continuation import continue_document, pick_target

    out = Path(args.output)
    if out.exists() or (out.suffix.lower() not in (".jxd", ".json") and out.with_name(out.name + ".jxd").exists()):
        raise DocumentError(Code.CONTINUE_EXISTS, path=out)
    source = load_state(args.file)
    target = pick_target(source.form, all_forms(), args.form)
    made = continue_document(source, target)
    save_document(made.document, out)
    print(f"已由“{source.form.title}”生成“{target.title}”：{out}"
          f"（带入 {made.fields} 项内容、{made.rows} 行绩效指标及其指标值；请填写实际完成值）")
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
