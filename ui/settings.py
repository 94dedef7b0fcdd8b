"""User settings kept with QSettings (an .ini beside the drafts library when JIXIAO_HOME is set)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

KEYS = {
    "unit": "",  # 单位名称
    "people": "",  # 常用填报人
    "leader": "",  # 单位负责人
    "phone": "",  # 联系电话
    "draft_folder": "",  # 草稿默认文件夹
    "export_folder": "",  # 导出默认文件夹
    "print_font": "",  # 打印字体文件（空：内置思源宋体）
    "mail_to": "",  # 默认收件人（财政局的邮箱）
    "smtp_host": "",  # 内网邮件服务器（空：不直接发送，用默认邮件程序）
    "smtp_port": "25",
    "smtp_security": "none",  # none | starttls | ssl
    "smtp_user": "",  # 登录用户名（空：不登录）；密码不保存
    "smtp_sender": "",  # 发件人地址
    "smtp_timeout": "20",  # 秒
    "desk_library": "",  # 汇总审核库：文件路径或 postgresql://…（空：数据文件夹中的默认库）
    "desk_roots": "",  # 汇总与审核：添加过的文件夹（每行一个），“重新扫描”用
}

SMTP_SECURITY = [("none", "不加密"), ("starttls", "STARTTLS（连接后加密）"), ("ssl", "SSL/TLS（通常端口 465）")]
_session_passwords: dict[tuple[str, str], str] = {}  # (host, user) -> password, this run of the program only


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


def _int(text: str, default: int, low: int, high: int) -> int:
    try:
        return min(max(int(str(text).strip()), low), high)
    except ValueError:
        return default


def smtp_settings() -> "Any | None":
    """The intranet mail server as a :class:`desktop.export.smtp.SmtpSettings`, or None when not set up."""
    host = get("smtp_host").strip()
    if not host:
        return None
    from desktop.export.smtp import SmtpSettings

    security = get("smtp_security") or "none"
    return SmtpSettings(host=host, port=_int(get("smtp_port"), 465 if security == "ssl" else 25, 1, 65535),
                        user=get("smtp_user").strip(), use_tls=security == "starttls", use_ssl=security == "ssl",
                        timeout=float(_int(get("smtp_timeout"), 20, 1, 300)), sender=get("smtp_sender").strip())


def session_password(host: str, user: str) -> str | None:
    return _session_passwords.get((host, user))


def remember_password(host: str, user: str, password: str | None) -> None:
    """Kept in memory until the program closes (never written to disk); None forgets it."""
    if password is None:
        _session_passwords.pop((host, user), None)
    else:
        _session_passwords[(host, user)] = password
