"""The ``jixiao`` command line.

With no arguments it starts the app.  Every subcommand's handler is imported
only when that subcommand runs, so ``jixiao forms`` does not pay for Qt,
SQLAlchemy or ReportLab.
"""
from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any, Callable, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import argparse

from desktop.core.errors import JixiaoError

# name -> (handler "module:function", help, arguments)
Arg = tuple[tuple[str, ...], dict]
COMMANDS: dict[str, tuple[str, str, list[Arg]]] = {
    "gui": ("desktop.app:run_from_cli", "启动填报程序（默认）", [
        (("file",), {"nargs": "?", "help": "要打开的草稿文件"}),
    ]),
    "forms": ("desktop.commands:cmd_forms", "列出可填报的表单", []),
    "sample": ("desktop.commands:cmd_sample", "写出某表单的样例（按原件数据填好）", [
        (("form",), {"help": "表单标识，见 jixiao forms"}),
        (("-o", "--output"), {"required": True, "help": "输出文件（.json 或草稿 .jxd）"}),
    ]),
    "check": ("desktop.commands:cmd_check", "检查一份表单：列出计算值和问题，有错误时退出码为 1", [
        (("file",), {"help": "JSON 交换文件或草稿文件"}),
        (("--json",), {"action": "store_true", "help": "以 JSON 输出"}),
        (("--font",), {"help": "打印字体（同 pdf --font），列出它缺少的字；默认内置字体"}),
    ]),
    "import-json": ("desktop.store.commands:cmd_import_json", "由 JSON 交换文件生成草稿", [
        (("json",), {}), (("-o", "--output"), {"required": True}),
    ]),
    "export-json": ("desktop.store.commands:cmd_export_json", "把草稿导出为 JSON 交换文件", [
        (("draft",), {}), (("-o", "--output"), {"required": True}),
    ]),
    "pdf": ("desktop.export.commands:cmd_pdf", "导出可盖章的 A4 PDF", [
        (("file",), {}), (("-o", "--output"), {"required": True}),
        (("--final",), {"action": "store_true", "help": "正式版（有错误时拒绝）"}),
        (("--font",), {"help": "字体：文件路径或名称（宋体、仿宋、黑体、楷体），默认内置字体"}),
        (("--allow-missing",), {"action": "store_true", "help": "字体缺字时仍然导出"}),
    ]),
    "verify": ("desktop.export.commands:cmd_verify", "核对 PDF 与草稿是否同一版本", [
        (("pdf",), {}), (("draft",), {}),
    ]),
    "xlsx": ("desktop.export.commands:cmd_xlsx", "导出 Excel 文件", [
        (("file",), {}), (("-o", "--output"), {"required": True}),
    ]),
    "import-xlsx": ("desktop.export.commands:cmd_import_xlsx", "从 Excel 导入", [
        (("xlsx",), {}), (("-o", "--output"), {"required": True}),
        (("--form",), {"help": "表单标识（导入别人的表格时需要）"}),
        (("--map",), {"help": "列对应，如 “指标名称=name,目标值=target”"}),
        (("--into",), {"help": "导入到已有的草稿或 JSON 文件"}),
    ]),
    "eml": ("desktop.export.commands:cmd_eml", "生成带 PDF 和 Excel 附件的邮件（.eml）", [
        (("file",), {}), (("-o", "--output"), {"required": True}), (("--to",), {"default": ""}),
    ]),
}


def build_parser() -> "argparse.ArgumentParser":
    import argparse

    parser = argparse.ArgumentParser(prog="jixiao", description="绩效填报：预算绩效表单的填报、检查、打印与导出")
    sub = parser.add_subparsers(dest="command")
    for name, (_, help_text, args) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        for flags, kwargs in args:
            p.add_argument(*flags, **kwargs)
    return parser


def _handler(spec: str) -> Callable[[Any], int]:
    module, func = spec.split(":")
    return getattr(importlib.import_module(module), func)


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_console()
    if not (sys.argv[1:] if argv is None else argv):  # plain `jixiao`: start the app at once
        from desktop.app import run

        return run(None)
    args = build_parser().parse_args(argv)
    command = args.command or "gui"
    if command == "gui" and not hasattr(args, "file"):
        args.file = None
    try:
        return int(_handler(COMMANDS[command][0])(args) or 0)
    except JixiaoError as exc:
        print(f"错误：{exc.text}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        return 130


def _utf8_console() -> None:
    """Chinese output on a Windows console whose code page is not UTF-8."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(encoding="utf-8", errors="replace")
            except (ValueError, OSError):  # pragma: no cover
                pass
