"""Command-line handlers of the receiving desk (``jixiao collect``, ``summary``, ``review``, …)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.desk.library import Library


def _progress(done: int, total: int, name: str) -> None:
    if sys.stderr.isatty() or total >= 50:
        if done == total or done % max(1, total // 20) == 0:
            print(f"\r读取 {done}/{total} {name[:40]:<40}", end="" if done < total else "\n", file=sys.stderr,
                  flush=True)


def cmd_collect(args: argparse.Namespace) -> int:
    from desktop.desk.collect import collect

    with Library.open(args.library) as lib:
        report = collect(lib, args.paths, progress=_progress)
        print(report.text())
        for path, why in report.unreadable:
            print(f"无法读取：{path}：{why}")
    return 0


def cmd_submissions(args: argparse.Namespace) -> int:
    with Library.open(args.library) as lib:
        rows = lib.submissions(current_only=not args.all, form=args.form or "", year=args.year or "")
        print("编号\t单位\t项目\t表单\t预算数\t执行数\t执行率\t得分\t等级\t错误\t提示\tPDF\t状态\t当前")
        for r in rows:
            rate = f"{float(r['rate']) * 100:.2f}%" if r["rate"] else ""
            print("\t".join(str(x) for x in (r.id, r["unit"], r["project"], r["form_id"], r["budget"], r["executed"],
                                             rate, r["score"], r["grade"], r["errors"], r["hints"], r["pdf_check"],
                                             r["status"], "是" if r["current"] else "已被新版取代")))
        for f in lib.unreadable():
            print(f"无法读取\t{f['path']}\t{f['problem']}")
        missing = lib.missing_units(args.form or "", args.year or "")
        if missing:
            print("未报送：" + "、".join(missing))
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    status = {"pass": "通过", "return": "退回", "pending": "待审"}[args.status]
    with Library.open(args.library) as lib:
        row = lib.submission(args.id)
        version = row["row_version"]
        if args.cell:
            version = lib.add_comment(args.id, args.comment or "", reviewer=args.reviewer, seen_version=version,
                                      part=args.part, addr=args.cell, label=args.cell)
        lib.review(args.id, status, reviewer=args.reviewer, comment="" if args.cell else (args.comment or ""),
                   seen_version=version)
        print(f"报送 {args.id}：{status}")
    return 0


def cmd_expected(args: argparse.Namespace) -> int:
    units = [line.strip() for line in Path(args.units).read_text(encoding="utf-8-sig").splitlines()]
    with Library.open(args.library) as lib:
        added = lib.set_expected(units, args.form or "", args.year or "")
        print(f"应报单位新增 {added} 个；尚未报送：{'、'.join(lib.missing_units(args.form or '', args.year or '')) or '无'}")
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from desktop.desk.summary import build_summary
    from desktop.desk.summary_export import export_summary

    with Library.open(args.library) as lib:
        summary = build_summary(lib, form=args.form or "", year=args.year or "", unit=args.unit or "",
                                passed_only=args.passed_only)
    export_summary(summary, args.output, args.unit or "")
    print(f"已写出 {args.output}（{summary.submissions} 份报送，{summary.projects} 个项目）")
    return 0


def cmd_return(args: argparse.Namespace) -> int:
    from desktop.desk.returns import write_return_package

    with Library.open(args.library) as lib:
        path = write_return_package(lib, args.id, args.output)
    print(f"已写出退回包 {path}")
    return 0


def cmd_import_pdf(args: argparse.Namespace) -> int:
    from desktop.commands import save_document
    from desktop.desk.sources import read_file

    found = read_file(Path(args.pdf))[0]
    if found.problem or found.document is None:
        print(f"无法导入：{found.problem}", file=sys.stderr)
        return 3
    for note in found.notes:
        print(f"注意：{note}", file=sys.stderr)
    save_document(found.document, args.output)
    print(f"已由 PDF 内附的数据写出 {args.output}")
    return 0 if found.pdf_intact else 1
