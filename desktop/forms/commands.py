"""``jixiao form …``: build, workbook, dump, lint, install, remove."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from desktop.core.errors import Code, DefinitionError, JixiaoError, message
from desktop.forms.build import WorkbookProblems


def _problems(exc: JixiaoError) -> int:
    """Every problem on its own line (stderr); exit code 1."""
    print(exc.text, file=sys.stderr)
    return 1


def _write_text(path: str, text: str) -> None:
    from desktop.export.filenames import write_file_atomically

    write_file_atomically(path, text.encode("utf-8"),
                          lambda why: JixiaoError(Code.FORM_WRITE_FAILED, path=path, why=why))


def cmd_build(args: argparse.Namespace) -> int:
    from desktop.forms.build import build_workbook

    try:
        data = build_workbook(args.xlsx)
    except WorkbookProblems as exc:
        return _problems(exc)
    _write_text(args.output, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    print(message("written", path=args.output))
    return 0


def cmd_workbook(args: argparse.Namespace) -> int:
    from desktop.forms.lint import read_source
    from desktop.forms.workbook import write_workbook

    try:
        data = read_source(args.source)
    except (WorkbookProblems, DefinitionError) as exc:
        return _problems(exc)
    write_workbook(data, args.output)
    print(message("written", path=args.output))
    return 0


def cmd_dump(args: argparse.Namespace) -> int:
    from desktop.forms.canonical import dumps
    from desktop.forms.lint import read_source

    try:
        data = read_source(args.source)
    except (WorkbookProblems, DefinitionError) as exc:
        return _problems(exc)
    sys.stdout.write(dumps(data))
    return 0


def cmd_lint(args: argparse.Namespace) -> int:
    from desktop.forms.lint import read_source

    try:
        data = read_source(args.file)
    except (WorkbookProblems, DefinitionError) as exc:
        return _problems(exc)
    print(message("form_lint_ok", file=Path(args.file).name, id=data["id"], version=data["version"]))
    return 0


def cmd_install(args: argparse.Namespace) -> int:
    from desktop.forms.installed import InstallError, install

    try:
        done = install(args.file)
    except (WorkbookProblems, DefinitionError, InstallError) as exc:
        return _problems(exc)
    print(done.text)
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from desktop.forms.installed import InstallError, remove

    try:
        removed = remove(args.form)
    except InstallError as exc:
        return _problems(exc)
    print(message("form_removed", id=args.form, versions="、".join(removed)))
    return 0
