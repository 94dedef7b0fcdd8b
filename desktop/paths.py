"""The per-user data folder, importable without the store (the main window's form list needs it
before anything else of the store is loaded)."""
from __future__ import annotations

import os
import sys
from pathlib import Path


def data_dir() -> Path:
    """``%APPDATA%\\jixiao`` on Windows, ``$XDG_DATA_HOME/jixiao`` or ``~/.local/share/jixiao``
    elsewhere, or ``$JIXIAO_HOME`` when set (tests)."""
    env = os.environ.get("JIXIAO_HOME")
    if env:
        return Path(env)
    if sys.platform == "win32":  # pragma: no cover - Windows only
        base = os.environ.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
        return Path(base) / "jixiao"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "jixiao"


def user_forms_dir() -> Path:
    """Where installed forms are kept: ``forms/ID/VERSION.json`` in the data folder."""
    return data_dir() / "forms"
