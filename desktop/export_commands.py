"""Command-line handlers of the exports: ``jixiao pdf``, ``verify``, ``xlsx``, ``import-xlsx``, ``eml``.

Each loads a document from a path (:mod:`desktop.store.loading`) and hands it to an exporter in
:mod:`desktop.export`, which never opens a file of the clerk's itself.  Every module is imported when its
command runs.
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from desktop.core.errors import Code, JixiaoError, did_you_mean


def cmd_pdf(args: argparse.Namespace) -> int:
    from desktop.core.interchange import is_draft_file
    from desktop.export.pdf import export_pdf
    from desktop.store.loading import load_state

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
    from desktop.store.loading import load_state
    from desktop.export.xlsx import export_xlsx

    state = load_state(args.file)
    result = export_xlsx(state, args.output)
    sheets = "、".join(result.sheets)
    print(f"已导出 {args.output}：{len(result.sheets)} 个工作表（{sheets}）")
    for line in result.warnings:
        print(f"提示：{line}")
    if state.has_errors:
        errors = sum(len(p.errors) for p in state.parts)
        print(f"提示：表中还有 {errors} 个错误（用 jixiao check 查看）")
    return 0


def parse_map(text: str) -> dict[str, str]:
    """``"指标名称=name,目标值=target"`` → {header: column}; ，and ；also separate."""
    out: dict[str, str] = {}
    for item in text.replace("，", ",").replace("；", ",").replace(";", ",").split(","):
        if not item.strip():
            continue
        if "=" not in item:
            raise JixiaoError(Code.CLI_MAP_ITEM, item=item.strip())
        header, col = item.split("=", 1)
        out["".join(header.split())] = col.strip()
    return out


def cmd_import_xlsx(args: argparse.Namespace) -> int:
    from desktop.store.loading import load_state, save_document
    from desktop.core.catalog import load_form
    from desktop.core.engine import DocumentState
    from desktop.export.xlsx_import import (NotOwnExport, apply_mapping, guess_mapping, read_sheet_table,
                                            read_xlsx)

    mapping_text = getattr(args, "map", None)
    if not mapping_text:
        try:
            result = read_xlsx(args.xlsx)
        except NotOwnExport:
            if not (getattr(args, "form", None) or getattr(args, "into", None)):
                raise JixiaoError(Code.CLI_NOT_OWN_EXPORT, name=Path(args.xlsx).name) from None
        else:
            if getattr(args, "into", None):
                print("提示：这是本程序导出的文件，按其中的表单整份导入，--into 未使用")
            save_document(result.document, args.output)
            for line in result.notes:
                print(f"提示：{line}")
            for line in result.changed:
                print(f"已采用 Excel 中的修改：{line}")
            print(f"已导入到 {args.output}")
            return 0
    if getattr(args, "into", None):
        state = load_state(args.into)
    else:
        state = DocumentState.new(load_form(args.form))
    table_rows = read_sheet_table(args.xlsx)
    headers, rows = table_rows
    if not headers:
        name = Path(args.xlsx).name
        if table_rows.notes:
            raise JixiaoError(Code.CLI_SHEET_UNUSABLE, name=name, notes="；".join(table_rows.notes))
        raise JixiaoError(Code.CLI_NO_HEADER, name=name)
    form = state.form
    if mapping_text:
        wanted = parse_map(mapping_text)
        table_id, mapping = _resolve(form, wanted, headers)
    else:
        table_id, mapping = _best_guess(form, headers, guess_mapping)
    for line in table_rows.notes:
        print(f"提示：{line}")
    shown = "，".join(f"{h}→{form.tables[table_id].column(c).label}" for h, c in mapping.items())
    print(f"导入到“{form.tables[table_id].title}”，列对应：{shown}")
    ps = state.parts[-1]
    res = apply_mapping(ps, table_id, mapping, rows, row_numbers=table_rows.row_numbers)
    for line in res.notes:
        print(f"提示：{line}")
    save_document(state.doc, args.output)
    print(f"{res.summary()}；已写出 {args.output}")
    return 0


def _resolve(form, wanted: dict[str, str], headers: list[str]) -> tuple[str, dict[str, str]]:
    missing = [h for h in wanted if h not in headers]
    if missing:
        raise JixiaoError(Code.CLI_MISSING_HEADERS, missing="、".join(missing), headers="、".join(h for h in headers if h),
                          suggestion=did_you_mean(missing[0], [h for h in headers if h]))
    tables = []
    cols = {}
    for h, spec in wanted.items():
        if "." in spec:
            t, c = spec.split(".", 1)
            tables.append(t)
            cols[h] = c
        else:
            cols[h] = spec
    candidates = [t for t in form.tables.values() if all(c in t.column_ids for c in cols.values())
                  and (not tables or t.id in tables)]
    if not candidates:
        raise JixiaoError(Code.CLI_NO_TABLE, form=form.title, columns="、".join(cols.values()))
    candidates.sort(key=lambda t: (not t.repeat, t.id != "indicators"))
    return candidates[0].id, cols


def _best_guess(form, headers: list[str], guess) -> tuple[str, dict[str, str]]:
    best: tuple[int, str, dict[str, str]] | None = None
    for t in form.tables.values():
        m = guess(headers, t)
        score = len(m) * 2 + (1 if t.repeat else 0)
        if m and (best is None or score > best[0]):
            best = (score, t.id, m)
    if best is None:
        raise JixiaoError(Code.CLI_NO_MATCH)
    return best[1], best[2]


def cmd_eml(args: argparse.Namespace) -> int:
    from desktop.store.loading import load_state
    from desktop.export.eml import subject_vars_of, write_eml
    from desktop.export.filenames import export_basename
    from desktop.export.xlsx import export_xlsx

    state = load_state(args.file)
    base = export_basename(state.meta())
    with tempfile.TemporaryDirectory(prefix="jixiao-eml-", ignore_cleanup_errors=True) as tmp:  # a scanner may hold one
        folder = Path(tmp)
        xlsx = folder / f"{base}.xlsx"
        export_xlsx(state, xlsx)
        pdf: Path | None = folder / f"{base}.pdf"
        try:
            from desktop.export.pdf import export_pdf

            export_pdf(state, pdf)
        except ImportError:  # pragma: no cover - the PDF module is part of the app
            pdf = None
            print("提示：PDF 导出不可用，邮件中只附 Excel 文件")
        write_eml(args.output, pdf, xlsx, to=getattr(args, "to", "") or "", subject_vars=subject_vars_of(state))
    print(f"已写出邮件 {args.output}（可双击用邮件程序打开后发送）")
    return 0
