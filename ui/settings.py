"""User settings for the window: the values live in ``settings.json`` in the data folder (:mod:`desktop.settings`,
read by the command line too); only the windows' size and layout (Qt's own bytes) are kept with QSettings, in
``window.ini`` beside it — nothing goes to the Windows registry.  Values an older version kept with QSettings
are copied over once, the first time settings are read."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

from desktop import settings as stored
from desktop.paths import data_dir

log = logging.getLogger(__name__)
KEYS = {name: o.type.to_str(o.default) for name, o in stored.OPTIONS.items()}
SMTP_SECURITY = list(stored.SMTP_SECURITY)
_session_passwords: dict[tuple[str, str], str] = {}  # (host, user) -> password, this run of the program only


def settings() -> QSettings:
    """The windows' geometry and layout (an .ini file in the data folder)."""
    _migrate_once()
    return QSettings(str(data_dir() / "window.ini"), QSettings.Format.IniFormat)


def _legacy() -> QSettings:
    """Where versions before settings.json kept everything (the registry on Windows)."""
    old = data_dir() / "settings.ini"
    if old.is_file():
        return QSettings(str(old), QSettings.Format.IniFormat)
    return QSettings("jixiao", "jixiao")


def _migrate_once() -> None:
    if stored.settings_path().exists():
        return
    old = _legacy()
    values = {}
    for name in stored.OPTIONS:
        value = old.value(f"user/{name}")
        if value not in (None, ""):
            try:
                values[name] = stored.option(name).read(value)
            except stored.SettingError as exc:
                log.warning("旧设置“%s”未迁移：%s", name, exc.text)
    stored.put_many(values)  # writes settings.json even when there was nothing: this runs once
    window = QSettings(str(data_dir() / "window.ini"), QSettings.Format.IniFormat)
    for key in old.allKeys():
        if not key.startswith("user/"):
            window.setValue(key, old.value(key))
    window.sync()
    log.info("设置已迁移到 %s（%d 项）", stored.settings_path(), len(values))


def get(key: str) -> str:
    _migrate_once()
    return stored.get_text(key)


def put(key: str, value: str) -> None:
    put_many({key: value})


def put_many(values: dict[str, str]) -> None:
    """Check every value, then save them together (SettingError, in Chinese, if one is wrong)."""
    _migrate_once()
    stored.put_many(values)


def draft_folder() -> Path:
    folder = get("draft_folder")
    if folder and Path(folder).is_dir():
        return Path(folder)
    return documents_folder()


def documents_folder() -> Path:
    """The clerk's 文档 folder as Windows knows it (redirected to OneDrive or a server by policy)."""
    from PySide6.QtCore import QStandardPaths

    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs) if docs and Path(docs).is_dir() else Path.home()


def export_folder() -> Path:
    folder = get("export_folder")
    return Path(folder) if folder and Path(folder).is_dir() else draft_folder()


def print_font_check() -> Any:
    """Which typed characters the print font of the settings lacks (the font a PDF would embed): the windows'
    提示 as the clerk types."""
    from desktop.export.pdf_font import glyph_check

    return glyph_check(get("print_font") or None)


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
