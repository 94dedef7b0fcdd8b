"""The bundled print font in Qt: the windows show the same 宋体 the PDF prints with (Qt code, so it lives in ui/)."""
from __future__ import annotations

import threading
from pathlib import Path

from desktop.fonts import _resolve

_lock = threading.Lock()
_qt_family: str | None = None


def load_qt_font(path: str | Path | None = None) -> str | None:
    """Add the font to Qt's application font database; return its family name.

    Needs a ``QGuiApplication``; returns ``None`` if there is none, if the file
    is missing or if Qt rejects it.  Loading is done once per process.
    """
    global _qt_family
    if _qt_family is not None:
        return _qt_family
    from PySide6.QtGui import QFontDatabase, QGuiApplication

    if QGuiApplication.instance() is None:
        return None
    try:
        p = _resolve(path)
    except FileNotFoundError:
        return None
    with _lock:
        if _qt_family is None:
            font_id = QFontDatabase.addApplicationFont(str(p))
            if font_id == -1:
                return None
            families = QFontDatabase.applicationFontFamilies(font_id)
            _qt_family = families[0] if families else None
    return _qt_family
