"""User settings kept with QSettings (an .ini beside the drafts library when JIXIAO_HOME is set)."""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

KEYS = {
    "unit": "",  # 单位名称
    "people": "",  # 常用填报人
    "leader": "",  # 单位负责人
    "phone": "",  # 联系电话
    "draft_folder": "",  # 草稿默认文件夹
    "export_folder": "",  # 导出默认文件夹
    "print_font": "",  # 打印字体文件（空：内置思源宋体）
}


def settings() -> QSettings:
    home = os.environ.get("JIXIAO_HOME")
    if home:
        return QSettings(str(Path(home) / "settings.ini"), QSettings.Format.IniFormat)
    return QSettings("jixiao", "jixiao")


def get(key: str) -> str:
    value = settings().value(f"user/{key}", KEYS.get(key, ""))
    return "" if value is None else str(value)


def put(key: str, value: str) -> None:
    s = settings()
    s.setValue(f"user/{key}", value)
    s.sync()


def draft_folder() -> Path:
    folder = get("draft_folder")
    if folder and Path(folder).is_dir():
        return Path(folder)
    docs = Path.home() / "Documents"
    return docs if docs.is_dir() else Path.home()


def export_folder() -> Path:
    folder = get("export_folder")
    return Path(folder) if folder and Path(folder).is_dir() else draft_folder()
