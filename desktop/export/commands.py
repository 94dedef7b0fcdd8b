"""Command-line handlers of the exports: ``pdf`` and ``verify`` (and, from the Excel module, ``xlsx``,
``import-xlsx``, ``eml``, imported lazily so that one missing module does not break the others)."""
from __future__ import annotations

import argparse
from pathlib import Path

from desktop.core.errors import JixiaoError


def cmd_pdf(args: argparse.Namespace) -> int:
    from desktop.core.interchange import is_draft_file
    from desktop.store.loading import load_state
    from desktop.export.pdf import export_pdf

    source = Path(args.file)
    state = load_state(source)
    is_draft = is_draft_file(source) or source.suffix.lower() == ".jxd"
    draft_id = _draft_id(source) if is_draft else ""
    final = bool(getattr(args, "final", False))
    result = export_pdf(state, args.output, final=final, font=getattr(args, "font", None), draft_id=draft_id,
                        allow_missing=bool(getattr(args, "allow_missing", False)))
    for w in result.warnings:
        print(f"提示：{w}")
    kind = "正式版" if final else ("草稿副本（有错误，带“草稿”水印）" if state.has_errors else "副本")
    print(f"已导出 {args.output}：{kind}，共 {result.pages} 页，校验码 {result.code}，字体 {result.font}")
    if final and is_draft:
        label = _snapshot(source)
        if label:
            print(f"已保存版本：{label}")
    return 0


def _draft_id(path: Path) -> str:
    from desktop.store.loading import draft_versions

    try:
        return draft_versions(path)[0]
    except JixiaoError:
        return ""


def _snapshot(path: Path) -> str:
    """Keep the printed final version as a snapshot (版本) of the draft."""
    from desktop.store import Draft

    with Draft.open(path) as draft:
        sid = draft.snapshot("export", "导出正式版 PDF")
    return f"版本 {sid}"


def cmd_verify(args: argparse.Namespace) -> int:
    from desktop.verification import verify

    result = verify(args.pdf, args.draft)
    print(result.text)
    return 0 if result.ok else 1


def cmd_xlsx(args: argparse.Namespace) -> int:
    from desktop.export import xlsx_commands

    return xlsx_commands.cmd_xlsx(args)


def cmd_import_xlsx(args: argparse.Namespace) -> int:
    from desktop.export import xlsx_commands

    return xlsx_commands.cmd_import_xlsx(args)


def cmd_eml(args: argparse.Namespace) -> int:
    from desktop.export import xlsx_commands

    return xlsx_commands.cmd_eml(args)
