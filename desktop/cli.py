"""The ``jixiao`` command line.

With no arguments it starts the app; with a file as the only argument it opens
that file in the app (``jixiao 草稿.jxd``, as Windows passes a file to 打开方式).  Every subcommand's handler is imported
only when that subcommand runs, so ``jixiao forms`` does not pay for Qt,
SQLAlchemy or ReportLab.
"""
from __future__ import annotations

import importlib
import logging
import os
import sys
from typing import TYPE_CHECKING, Any, Callable, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import argparse

from desktop.core.errors import JixiaoError

LIBRARY_HELP = "汇总审核库：文件路径，或 postgresql://用户:密码@服务器/数据库；默认在程序数据文件夹中"
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
    "continue": ("desktop.commands:cmd_continue", "由申报表生成自评表（项目、资金和年度绩效指标及目标值自动带入）", [
        (("file",), {"help": "申报表：草稿或 JSON 交换文件（只读取，不修改）"}),
        (("-o", "--output"), {"required": True, "help": "新的自评表（草稿 .jxd 或 .json）"}),
        (("--form",), {"help": "要生成的表单标识（可由该申报表生成的表单不止一个时）"}),
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
    "pdf": ("desktop.export_commands:cmd_pdf", "导出可盖章的 A4 PDF", [
        (("file",), {}), (("-o", "--output"), {"required": True}),
        (("--final",), {"action": "store_true", "help": "正式版（有错误时拒绝）"}),
        (("--font",), {"help": "字体：文件路径或名称（宋体、仿宋、黑体、楷体），默认内置字体"}),
        (("--allow-missing",), {"action": "store_true", "help": "字体缺字时仍然导出"}),
    ]),
    "verify": ("desktop.export_commands:cmd_verify", "核对 PDF 与草稿是否同一版本", [
        (("pdf",), {}), (("draft",), {}),
    ]),
    "xlsx": ("desktop.export_commands:cmd_xlsx", "导出 Excel 文件", [
        (("file",), {}), (("-o", "--output"), {"required": True}),
    ]),
    "import-xlsx": ("desktop.export_commands:cmd_import_xlsx", "从 Excel 导入", [
        (("xlsx",), {}), (("-o", "--output"), {"required": True}),
        (("--form",), {"help": "表单标识（导入别人的表格时需要）"}),
        (("--map",), {"help": "列对应，如 “指标名称=name,目标值=target”"}),
        (("--into",), {"help": "导入到已有的草稿或 JSON 文件"}),
    ]),
    "settings": ("desktop.settings:cmd_settings", "显示或修改设置（数据文件夹中的 settings.json）", [
        (("name",), {"nargs": "?", "help": "设置名称，如 smtp_host"}), (("value",), {"nargs": "?", "help": "新的值"}),
    ]),
    "import-pdf": ("desktop.desk.commands:cmd_import_pdf", "由本程序导出的 PDF（内附表单数据）生成草稿或 JSON", [
        (("pdf",), {}), (("-o", "--output"), {"required": True}),
    ]),
    "collect": ("desktop.desk.commands:cmd_collect", "汇总与审核：收集文件夹中的报送（草稿、JSON、Excel、PDF、zip、邮件）", [
        (("paths",), {"nargs": "+", "help": "文件夹或文件"}), (("--library",), {"help": LIBRARY_HELP}),
    ]),
    "submissions": ("desktop.desk.commands:cmd_submissions", "汇总与审核：列出收到的报送", [
        (("--library",), {"help": LIBRARY_HELP}), (("--form",), {}), (("--year",), {}),
        (("--all",), {"action": "store_true", "help": "也列出已被新版取代的报送"}),
    ]),
    "review": ("desktop.desk.commands:cmd_review", "汇总与审核：审核一份报送（通过 / 退回，可附意见）", [
        (("id",), {"type": int, "help": "报送编号，见 jixiao submissions"}),
        (("status",), {"choices": ["pass", "return", "pending"], "help": "pass 通过，return 退回，pending 待审"}),
        (("--comment",), {"default": ""}), (("--cell",), {"help": "意见针对的单元格地址"}),
        (("--part",), {"type": int, "default": 0}), (("--reviewer",), {"default": "审核人"}),
        (("--library",), {"help": LIBRARY_HELP}),
    ]),
    "expected": ("desktop.desk.commands:cmd_expected", "汇总与审核：导入应报单位名单（每行一个单位）", [
        (("units",), {"help": "文本文件，每行一个单位名称"}), (("--form",), {}), (("--year",), {}),
        (("--library",), {"help": LIBRARY_HELP}),
    ]),
    "summary": ("desktop.desk.commands:cmd_summary", "汇总与审核：导出汇总表（.xlsx 或可盖章的 .pdf）", [
        (("-o", "--output"), {"required": True}), (("--form",), {}), (("--year",), {}),
        (("--unit",), {"help": "汇总单位名称（盖章处）"}), (("--library",), {"help": LIBRARY_HELP}),
        (("--passed-only",), {"action": "store_true", "help": "只汇总已审核通过的报送"}),
    ]),
    "return": ("desktop.desk.commands:cmd_return", "汇总与审核：把一份报送连同审核意见打包退回", [
        (("id",), {"type": int}), (("-o", "--output"), {"required": True}), (("--library",), {"help": LIBRARY_HELP}),
    ]),
    "eml": ("desktop.export_commands:cmd_eml", "生成带 PDF 和 Excel 附件的邮件（.eml）", [
        (("file",), {}), (("-o", "--output"), {"required": True}), (("--to",), {"default": ""}),
    ]),
}

# ``jixiao form …``: the form-authoring commands
FORM_COMMANDS: dict[str, tuple[str, str, list[Arg]]] = {
    "build": ("desktop.forms.commands:cmd_build", "由表单工作簿（.xlsx）生成表单定义（.json）；有问题时逐条列出，退出码为 1", [
        (("xlsx",), {"help": "表单工作簿"}), (("-o", "--output"), {"required": True, "help": "输出的表单定义 .json"}),
    ]),
    "workbook": ("desktop.forms.commands:cmd_workbook", "把表单定义写成表单工作簿（.xlsx）", [
        (("source",), {"help": "表单标识（见 jixiao forms）或表单定义 .json"}),
        (("-o", "--output"), {"required": True, "help": "输出的 .xlsx"}),
    ]),
    "dump": ("desktop.forms.commands:cmd_dump", "打印表单定义的规范 JSON（相同的定义打印结果相同）", [
        (("source",), {"help": "表单标识、表单定义 .json 或表单工作簿 .xlsx"}),
    ]),
    "lint": ("desktop.forms.commands:cmd_lint", "检查表单定义或表单工作簿（不安装）", [
        (("file",), {"help": "表单定义 .json 或表单工作簿 .xlsx"}),
    ]),
    "install": ("desktop.forms.commands:cmd_install", "安装表单（新版本作为升级安装，旧版本保留）", [
        (("file",), {"help": "表单定义 .json 或表单工作簿 .xlsx"}),
    ]),
    "remove": ("desktop.forms.commands:cmd_remove", "删除已安装的表单（内置表单不能删除）", [
        (("form",), {"help": "表单标识"}),
    ]),
}


def _add_args(p: "argparse.ArgumentParser", args: list[Arg]) -> None:
    for flags, kwargs in args:
        p.add_argument(*flags, **kwargs)


def build_parser() -> "argparse.ArgumentParser":
    import argparse

    parser = argparse.ArgumentParser(prog="jixiao", description="绩效填报：预算绩效表单的填报、检查、打印与导出")
    sub = parser.add_subparsers(dest="command")
    for name, (_, help_text, args) in COMMANDS.items():
        _add_args(sub.add_parser(name, help=help_text, description=help_text), args)
    form = sub.add_parser("form", help="编写、检查、安装表单", description="编写、检查、安装表单")
    form_sub = form.add_subparsers(dest="form_command")
    parser.form_parser = form  # type: ignore[attr-defined]
    for name, (_, help_text, args) in FORM_COMMANDS.items():
        _add_args(form_sub.add_parser(name, help=help_text, description=help_text), args)
    return parser


def bare_file(args: Sequence[str]) -> bool:
    """Is the only argument a file to open (打开方式, drag-and-drop onto the program, a .jxd association)?

    An existing file, or a name that looks like one of ours (``.jxd``/``.json``, or with a folder in
    it): the window then says it cannot be found rather than the command line refusing it.
    """
    if len(args) != 1 or args[0] in COMMANDS or args[0].startswith("-"):
        return False
    arg = args[0]
    if os.path.isfile(arg):
        return True
    return arg.lower().endswith((".jxd", ".json")) or "/" in arg or "\\" in arg


def _handler(spec: str) -> Callable[[Any], int]:
    module, func = spec.split(":")
    return getattr(importlib.import_module(module), func)


def main(argv: Sequence[str] | None = None) -> int:
    if getattr(sys, "frozen", False):  # the built app: worker processes (the desk's collect) start here
        import multiprocessing

        multiprocessing.freeze_support()
    _utf8_console()
    given = list(sys.argv[1:] if argv is None else argv)
    if not given or bare_file(given):  # plain `jixiao`, or `jixiao 草稿.jxd` as Explorer passes it
        from desktop.app import run

        return run(given[0] if given else None)
    parser = build_parser()
    args = parser.parse_args(argv)
    from desktop.logs import notices_to_stderr, setup_logging

    setup_logging()
    notices_to_stderr()
    _defaults_from_settings(args)
    command = args.command or "gui"
    if command == "gui" and not hasattr(args, "file"):
        args.file = None
    if command == "form":
        if not args.form_command:
            parser.form_parser.print_help(sys.stderr)  # type: ignore[attr-defined]
            return 2
        spec = FORM_COMMANDS[args.form_command][0]
    else:
        spec = COMMANDS[command][0]
    try:
        return int(_handler(spec)(args) or 0)
    except JixiaoError as exc:
        logging.getLogger("desktop.cli").warning("%s: %s (%s)", command, exc.text, getattr(exc, "code", None))
        print(f"错误：{exc.text}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:  # pragma: no cover
        return 130


# options left out on the command line take the value the clerk set in the window (desktop/settings.py)
SETTING_DEFAULTS = {"font": "print_font", "to": "mail_to"}


def _defaults_from_settings(args: Any) -> None:
    missing = [a for a in SETTING_DEFAULTS if hasattr(args, a) and not getattr(args, a)]
    if not missing:
        return
    from desktop.settings import get_text

    for arg in missing:
        setattr(args, arg, get_text(SETTING_DEFAULTS[arg]) or getattr(args, arg))


def _utf8_console() -> None:
    """Chinese output on a Windows console whose code page is not UTF-8."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(encoding="utf-8", errors="replace")
            except (ValueError, OSError):  # pragma: no cover
                pass
