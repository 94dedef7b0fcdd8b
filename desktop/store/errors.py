"""Errors of the drafts store, with their Chinese messages in one catalogue.

Every failure a clerk can meet while opening or writing a draft is a
:class:`DraftError` whose ``text`` says what happened to which file and what to
do; nothing here imports SQLAlchemy.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop.core.errors import JixiaoError

MESSAGES: dict[str, str] = {
    "missing_file": "找不到草稿“{name}”（{path}）",
    "missing_folder": "草稿所在的磁盘或文件夹不存在：{folder}（U 盘是否已拔出？网络盘是否已连接？）",
    "is_folder": "“{name}”是文件夹，不是草稿文件",
    "not_sqlite": "“{name}”不是草稿文件（不是本程序保存的格式）",
    "not_draft": "“{name}”是数据库文件，但不是绩效填报草稿",
    "truncated": "草稿“{name}”不完整（文件只有 {size} 字节，应有 {expected} 字节），可能是复制或下载时中断了；"
                 "原文件未做改动，请重新复制一份",
    "corrupt": "草稿“{name}”已损坏，无法打开（{why}）；原文件未做改动，请使用备份或向发送方重新索取",
    "newer": "草稿“{name}”由更新版本的程序保存（草稿格式第 {version} 版，本程序只认识到第 {known} 版），"
             "请升级程序后再打开",
    "newer_form": "草稿“{name}”使用的表单定义版本 {version} 比本程序的 {known} 新，"
                  "请安装该表单的新版本（文件 → 安装表单…）或升级程序后再打开",
    "unsafe": "草稿“{name}”含有草稿中不应有的数据库内容（{what}），为安全起见拒绝打开",
    "bad_schema": "草稿“{name}”的内部结构不对（{what}），无法打开",
    "wal": "草稿“{name}”被其他软件改成了本程序不使用的日志模式，无法打开",
    "readonly_file": "草稿“{name}”是只读文件，已以只读方式打开；如需修改，请另存一份",
    "readonly_folder": "草稿“{name}”所在的文件夹不能写入，已以只读方式打开；如需修改，请另存一份",
    "readonly_edit": "草稿“{name}”以只读方式打开，修改没有保存",
    "readonly_recover": "草稿“{name}”上次没有正常保存完毕，需要修复，但文件或文件夹是只读的；请把它复制到可写的位置再打开",
    "locked": "草稿“{name}”已在计算机 {computer} 上由 {user} 打开（{since} 起）；可以只读方式打开",
    "locked_here": "草稿“{name}”已在本机的另一个窗口中打开（{since} 起）；可以只读方式打开",
    "lock_lost": "草稿“{name}”已被别处（计算机 {computer}，{user}）打开，本窗口的修改不再保存；请“另存为”新文件",
    "write_failed": "草稿“{name}”没能保存刚才的修改（{why}）；屏幕上的内容仍在，请检查磁盘或网络后重试，或“另存为”新文件",
    "out_of_step": "草稿“{name}”上一次修改没有保存成功，需先整体重新保存后才能继续",
    "exists": "文件“{name}”已存在，不会覆盖",
    "bad_name": "草稿文件名应以 .jxd 结尾：“{name}”",
    "unreadable": "无法读取草稿“{name}”：{why}",
    "busy": "草稿“{name}”正被另一程序写入，请稍后再试",
    "no_snapshot": "草稿“{name}”中没有编号为 {id} 的版本",
    "migrate_failed": "草稿“{name}”从第 {old} 版升级到第 {new} 版时出错（{why}）；原文件未改动，备份在 {backup}",
    "no_part": "草稿“{name}”中没有这个项目（{part}）",
    "no_row": "草稿“{name}”的“{table}”中没有这一行（{row}）",
    "closed": "草稿“{name}”已关闭",
}


def message(key: str, **values: object) -> str:
    return MESSAGES[key].format(**values)


class DraftError(JixiaoError):
    """A draft cannot be opened, read or written; ``text`` says why, in Chinese."""

    def __init__(self, text: str, key: str = "", path: Path | None = None):
        super().__init__(text)
        self.key = key
        self.path = path
        self.detail = ""  # technical detail (SQLite's words), for logs


def draft_error(key: str, path: Path | str | None = None, **values: object) -> DraftError:
    p = Path(path) if path is not None else None
    if p is not None:
        values.setdefault("name", p.name)
        values.setdefault("path", str(p))
    return DraftError(message(key, **values), key, p)


@dataclass(frozen=True)
class LockHolder:
    """Who has a draft open for writing."""

    computer: str
    user: str
    pid: int
    since: str


class DraftLocked(DraftError):
    """The draft is open for writing elsewhere; ``holder`` says where. Open it read-only instead."""

    def __init__(self, path: Path, holder: LockHolder, here: bool = False):
        key = "locked_here" if here else "locked"
        super().__init__(message(key, name=path.name, computer=holder.computer or "（未知）",
                                 user=holder.user or "（未知用户）", since=holder.since or "（未知时间）"),
                         key, path)
        self.holder = holder
