"""The bundled Chinese font (Noto Serif SC, TrueType outlines) for PDF and Qt.

``resources/fonts/NotoSerifSC-Regular.ttf`` is built by ``tools/make_font.py``
from Noto Serif CJK SC (SIL OFL 1.1).  ReportLab silently drops characters the
font lacks, so callers can check text with :func:`missing_chars` first.

No Qt import at module level and no fontTools at all: the cmap is read by
``desktop.font_cmap`` (ReportLab's own TrueType parser for what that cannot read).
"""
from __future__ import annotations

import threading
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Container

from desktop.font_cmap import read_charset
from desktop.resources import resource_path

FONT_FILE = "NotoSerifSC-Regular.ttf"
REPORTLAB_NAME = "NotoSerifSC"
QT_FAMILY = "Noto Serif SC TT"  # the family name stored in the font file

_lock = threading.Lock()


def font_path() -> Path:
    """Path of the bundled font (inside ``sys._MEIPASS`` when frozen by PyInstaller)."""
    return resource_path("fonts", FONT_FILE)


def _resolve(path: str | Path | None) -> Path:
    p = Path(path) if path is not None else font_path()
    if not p.is_file():
        raise FileNotFoundError(
            f"font file not found: {p} (build it with: python tools/make_font.py)"
        )
    return p.resolve()


@lru_cache(maxsize=16)
def _charset_of(font_file: str | None) -> Container[int]:
    """The character map of the font named (None: the bundled one), read and its path resolved once: the
    engine asks for every value typed, and resolving the path each time cost more than evaluating the form.
    Read from the font's cmap table alone (ReportLab is not imported for the check: 20 MB in the window);
    ReportLab's own reader for what that cannot tell."""
    path = str(_resolve(font_file))
    charset = read_charset(path)
    if charset is not None:
        return charset
    from reportlab.pdfbase.ttfonts import TTFontFile

    return frozenset(TTFontFile(path).charToGlyph)


def _ignorable(ch: str) -> bool:
    """Whitespace, control/format characters and variation selectors draw nothing."""
    if ch.isspace():
        return True
    if unicodedata.category(ch) in ("Cc", "Cf"):
        return True
    cp = ord(ch)
    return 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF


def missing_chars(text: str, font_file: str | Path | None = None) -> list[str]:
    """Distinct characters of *text* the font has no glyph for, in order of first use.

    Whitespace, control/format characters (tab, newline, ZWJ, BOM...) and
    variation selectors are ignored.  The font's cmap is read once per file
    and cached.
    """
    charset = _charset_of(None if font_file is None else str(font_file))
    seen: set[str] = set()
    out: list[str] = []
    for ch in text:
        if ch in seen:
            continue
        seen.add(ch)
        if ord(ch) not in charset and not _ignorable(ch):
            out.append(ch)
    return out


def register_reportlab_font(name: str = REPORTLAB_NAME, path: str | Path | None = None) -> str:
    """Register the font with ReportLab under *name* (once) and return *name*.

    Also registers *name* as a font family whose bold/italic members are the
    same face, so ``<b>``/``<i>`` in Paragraph markup does not raise; there is
    no real bold face in the bundle.
    """
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    with _lock:
        if name in pdfmetrics.getRegisteredFontNames():
            return name
        pdfmetrics.registerFont(TTFont(name, str(_resolve(path))))
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(name, bold, italic, name)
    return name
