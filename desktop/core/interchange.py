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
import os
import stat
from pathlib import Path
from typing import Any

from desktop.core import limits
from desktop.core.document import Document
from desktop.core.errors import Code, DocumentError, UnreadableFile, message, os_why


SQLITE_MAGIC = b"SQLite format 3\x00"  # the first bytes of every draft (.jxd) file


def is_draft_file(path: str | Path) -> bool:
    """Whether the file at ``path`` starts like a draft (an SQLite database), whatever its name."""
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def _version_key(v: str) -> tuple:
    out = []
    for piece in v.replace("-", ".").split("."):
        out.append((0, int(piece), "") if piece.isdigit() else (1, 0, piece))
    return tuple(out)


version_key = _version_key  # versions compared part by part, numbers as numbers: 2023.2 < 2023.10


def document_from_json(data: Any, known_version: str | None = None) -> Document:
    if not isinstance(data, dict) or "form" not in data or not isinstance(data.get("parts", []), list):
        raise UnreadableFile(Code.DOC_BAD, why="缺少 form 或 parts")
    try:
        doc = Document.from_dict(data)
    except (TypeError, AttributeError, KeyError, ValueError) as exc:
        err = UnreadableFile(Code.DOC_BAD, why="各部分的结构不对（应为对象，各值应为文字或数字）")
        err.detail = f"{type(exc).__name__}: {exc}"
        raise err from None
    if known_version and doc.form_version and _version_key(doc.form_version) > _version_key(known_version):
        raise UnreadableFile(Code.DOC_NEWER_VERSION, version=doc.form_version, known=known_version)
    return doc


def not_regular(path: str | Path) -> str | None:
    """What ``path`` is when it is not a regular file (a named pipe or a device would make reading it wait
    forever), in Chinese; None for a regular file or when it cannot be looked at (opening then says why).

    ``os.stat`` never opens the file and follows links; it works the same way on Windows.
    """
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "文件夹"
    if stat.S_ISFIFO(mode):
        return "命名管道"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备"
    if stat.S_ISSOCK(mode):
        return "套接字"
    return "特殊文件"


def parse_json(text: str) -> Any:
    """``json.loads`` with every failure an UnreadableFile in Chinese (deep nesting included)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        why = f"第 {exc.lineno} 行第 {exc.colno} 列{_JSON_WHY.get(exc.msg, '格式有误')}"
        raise UnreadableFile(Code.DOC_NOT_JSON, why=why) from None
    except RecursionError:
        raise UnreadableFile(Code.DOC_NOT_JSON, why=message("doc_too_deep")) from None


_JSON_WHY = {
    "Expecting value": "缺少值",
    "Expecting property name enclosed in double quotes": "键名应以双引号括起",
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Extra data": "之后还有多余的内容",
    "Unterminated string starting at": "字符串没有结束",
    "Invalid control character at": "有不允许的控制字符",
    "Invalid \\escape": "有无效的转义",
}


def read_json(path: str | Path) -> Document:
    """A JSON interchange file, checked against the limits (desktop/core/limits.py)."""
    path = Path(path)
    what = not_regular(path)
    if what:
        raise UnreadableFile(Code.DOC_UNREADABLE, path=path, why=f"这是{what}，不是普通文件")
    try:
        size = os.stat(path).st_size
        if size > limits.JSON_BYTES:
            raise UnreadableFile(Code.DOC_TOO_BIG, why=message("doc_file_too_big", size=size,
                                                                   limit=limits.JSON_BYTES))
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UnreadableFile(Code.DOC_UNREADABLE, path=path, why=os_why(exc)) from None
    except UnicodeDecodeError as exc:
        raise UnreadableFile(Code.DOC_NOT_JSON, why=f"第 {exc.start + 1} 个字节起不是 UTF-8 编码的文字") from None
    data = parse_json(text)
    from desktop.core.catalog import load_form

    doc = document_from_json(data)
    try:
        form = load_form(doc.form_id)
    except DocumentError as exc:  # a form this program does not know: the file cannot be read here
        raise exc.as_(UnreadableFile) from None
    doc = document_from_json(data, form.version)
    problem = limits.document_problem(doc)
    if problem:
        raise UnreadableFile(Code.DOC_TOO_BIG, why=problem)
    return doc


def write_json(doc: Document, path: str | Path) -> None:
    Path(path).write_text(dumps(doc), encoding="utf-8")


def dumps(doc: Document) -> str:
    return json.dumps(doc.to_dict(), ensure_ascii=False, indent=1)
