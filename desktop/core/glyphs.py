"""Which typed characters the print font cannot draw.

ReportLab silently drops a character the font lacks, so the engine flags it as a
提示 as soon as it is typed (not only when exporting).  The font's character map
is read once per font file and cached (:func:`desktop.fonts.missing_chars`, which
reads only the font's cmap table with :mod:`desktop.font_cmap`, and ReportLab's reader only for a font
that cannot be read that way: no Qt).
"""
from __future__ import annotations

from functools import partial
from pathlib import Path

from typing import Callable

MissingFn = Callable[[str], list[str]]


def bundled_font_missing(text: str) -> list[str]:
    """Characters of *text* the bundled print font (Noto Serif SC) has no glyph for."""
    if text.isascii():
        return []
    from desktop.fonts import missing_chars  # the font is read on first use, not on import

    return missing_chars(text)


def font_missing(font_file: "str | Path | None") -> MissingFn:
    """The check for the print font chosen in the settings or on the command line (None: the bundled one)."""
    if font_file is None:
        return bundled_font_missing
    from desktop.fonts import missing_chars

    check = partial(missing_chars, font_file=font_file)
    return lambda text: [] if text.isascii() else check(text)


def show_chars(chars: list[str], limit: int = 8) -> str:
    """“𠀾”(U+2003E)、“…” — as the clerk sees them, with the code point to look them up."""
    shown = "、".join(f"“{c}”(U+{ord(c):04X})" for c in chars[:limit])
    return shown + (f" 等 {len(chars)} 个" if len(chars) > limit else "")
