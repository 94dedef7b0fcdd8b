"""The user's settings: one plain JSON file in the app's data folder, read by the window and the command line.

``%APPDATA%\\jixiao\\settings.json`` on Windows (``$JIXIAO_HOME/settings.json`` when set): renaming the data
folder resets everything, as the README says.  The options are declared as data (the qutebrowser way): each has
a type whose :meth:`~Type.from_str` reads the text a clerk typed into the Python value or raises the one
:class:`SettingError`, and :meth:`~Type.to_str` writes it back.  A value in the file that does not read any more
(edited by hand, from another version) falls back to its default and is logged.  No Qt here.
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.core.errors import Code, JixiaoError, suggest

log = logging.getLogger(__name__)
FILE_NAME = "settings.json"


class SettingError(JixiaoError):
    """A setting's value cannot be read as its type, or there is no such setting."""


class Type:
    def from_str(self, text: str) -> Any:
        return text.strip()

    def to_str(self, value: Any) -> str:
        return "" if value is None else str(value)


class Text(Type):
    pass


@dataclass(frozen=True)
class Int(Type):
    low: int
    high: int

    def from_str(self, text: str) -> int:
        try:
            value = int(str(text).strip())
        except ValueError:
            raise SettingError(Code.SETTING_INVALID, value=text, why=f"应为 {self.low}–{self.high} 的整数") from None
        if not self.low <= value <= self.high:
            raise SettingError(Code.SETTING_INVALID, value=text, why=f"应为 {self.low}–{self.high} 的整数")
        return value


@dataclass(frozen=True)
class Choice(Type):
    choices: tuple[tuple[str, str], ...]  # (value, what the clerk sees)

    def from_str(self, text: str) -> str:
        value = str(text).strip()
        if value not in dict(self.choices):
            raise SettingError(Code.SETTING_INVALID, value=text,
                               why="可选：" + "、".join(v for v, _ in self.choices) + suggest(value, dict(self.choices)))
        return value


@dataclass(frozen=True)
class Option:
    name: str
    type: Type
    default: Any
    label: str

    def read(self, text: Any) -> Any:
        """The value of ``text`` (as typed or as stored); SettingError names this option."""
        try:
            return self.type.from_str(str(text))
        except SettingError as exc:
            raise SettingError(Code.SETTING_INVALID_FOR, label=self.label, name=self.name, **exc.data) from None


SMTP_SECURITY = (("none", "不加密"), ("starttls", "STARTTLS（连接后加密）"), ("ssl", "SSL/TLS（通常端口 465）"))

OPTIONS: dict[str, Option] = {o.name: o for o in (
    Option("unit", Text(), "", "单位名称"),
    Option("people", Text(), "", "常用填报人"),
    Option("leader", Text(), "", "单位负责人"),
    Option("phone", Text(), "", "联系电话"),
    Option("draft_folder", Text(), "", "草稿默认文件夹"),
    Option("export_folder", Text(), "", "导出默认文件夹"),
    Option("print_font", Text(), "", "打印字体文件（空：内置思源宋体）"),
    Option("mail_to", Text(), "", "默认收件人（财政局的邮箱）"),
    Option("smtp_host", Text(), "", "内网邮件服务器（空：不直接发送，用默认邮件程序）"),
    Option("smtp_port", Int(1, 65535), 25, "邮件服务器端口"),
    Option("smtp_security", Choice(SMTP_SECURITY), "none", "加密方式"),
    Option("smtp_user", Text(), "", "登录用户名（空：不登录）；密码不保存"),
    Option("smtp_sender", Text(), "", "发件人地址"),
    Option("smtp_timeout", Int(1, 300), 20, "连接超时（秒）"),
    Option("desk_library", Text(), "", "汇总审核库：文件路径或 postgresql://…（空：数据文件夹中的默认库）"),
    Option("desk_roots", Text(), "", "汇总与审核：添加过的文件夹（每行一个），“重新扫描”用"),
)}


def option(name: str) -> Option:
    try:
        return OPTIONS[name]
    except KeyError:
        raise SettingError(Code.SETTING_UNKNOWN, name=name, suggestion=suggest(name, OPTIONS)) from None


def settings_path() -> Path:
    from desktop.paths import data_dir

    return data_dir() / FILE_NAME


def read_file(path: Path | None = None) -> dict[str, Any]:
    """Every option's value from the file (defaults where missing or unreadable)."""
    path = path or settings_path()
    values = {name: o.default for name, o in OPTIONS.items()}
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return values
    except (OSError, ValueError) as exc:
        log.warning("设置文件 %s 无法读取，使用默认设置：%s", path, exc)
        return values
    if not isinstance(stored, dict):
        log.warning("设置文件 %s 的内容不是键值表，使用默认设置", path)
        return values
    for name, raw in stored.items():
        if name not in OPTIONS:
            log.warning("设置文件 %s 中有不认识的设置“%s”，已忽略", path, name)
            continue
        try:
            values[name] = OPTIONS[name].read(raw)
        except SettingError as exc:
            log.warning("设置“%s”的值无效（%s），使用默认值", name, exc.text)
    return values


def get(name: str, path: Path | None = None) -> Any:
    option(name)
    return read_file(path)[name]


def get_text(name: str, path: Path | None = None) -> str:
    return option(name).type.to_str(get(name, path))


def put(name: str, text: Any, path: Path | None = None) -> Any:
    """Check ``text`` against the option's type and save it; returns the value as read."""
    return put_many({name: text}, path)[name]


def put_many(texts: dict[str, Any], path: Path | None = None) -> dict[str, Any]:
    """Check every value first, then write the file once (atomically): nothing is saved if one is wrong."""
    path = path or settings_path()
    values = read_file(path)
    new = {name: option(name).read(text) for name, text in texts.items()}
    values.update(new)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    data = {name: OPTIONS[name].type.to_str(v) for name, v in values.items()}
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)
    return new


def cmd_settings(args: Any) -> int:
    """``jixiao settings`` lists the settings; ``jixiao settings NAME VALUE`` changes one."""
    if args.name is None:
        values = read_file()
        print(f"设置文件：{settings_path()}")
        for name, o in OPTIONS.items():
            print(f"{name}\t{o.type.to_str(values[name])}\t{o.label}")
        return 0
    if args.value is None:
        print(get_text(args.name))
        return 0
    put(args.name, args.value)
    print(f"已保存 {args.name} = {get_text(args.name)}")
    return 0
