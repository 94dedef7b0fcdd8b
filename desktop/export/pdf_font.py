"""Choosing the PDF font and checking that it has every character to print.

The bundled Noto Serif SC is used unless the clerk chooses an installed font
by path or by name (宋体, 仿宋, 黑体, 楷体 on Windows).  ReportLab embeds the
used glyphs as a subset and silently drops characters the font lacks, so every
printed string is checked first and missing characters are reported with the
field they are in.
"""
from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from desktop.core.errors import Code, JixiaoError
from desktop.core.glyphs import MissingFn, font_missing
from desktop.fonts import font_path, missing_chars, register_reportlab_font

# names a clerk may give -> font file names (Windows' Fonts folder or the user's own)
SYSTEM_FONTS: dict[str, tuple[str, ...]] = {
    "宋体": ("simsun.ttc", "simsun.ttf"),
    "simsun": ("simsun.ttc", "simsun.ttf"),
    "新宋体": ("simsun.ttc",),
    "仿宋": ("simfang.ttf",),
    "fangsong": ("simfang.ttf",),
    "simfang": ("simfang.ttf",),
    # not part of Windows since Vista: installed by the clerk, usually per user, under one of these names
    "仿宋_gb2312": ("仿宋_GB2312.ttf", "FS_GB2312.ttf", "fs_gb2312.ttf", "FangSong_GB2312.ttf", "simfang_gb2312.ttf"),
    "fangsong_gb2312": ("仿宋_GB2312.ttf", "FS_GB2312.ttf", "fs_gb2312.ttf", "FangSong_GB2312.ttf"),
    "黑体": ("simhei.ttf",),
    "simhei": ("simhei.ttf",),
    "楷体": ("simkai.ttf",),
    "楷体_gb2312": ("楷体_GB2312.ttf", "KT_GB2312.ttf", "simkai_gb2312.ttf"),
    "kaiti": ("simkai.ttf",),
    "simkai": ("simkai.ttf",),
}
# when the named font is absent: the nearest Windows font, used with a warning that names its file
SUBSTITUTES = {"仿宋_gb2312": "仿宋", "fangsong_gb2312": "仿宋", "楷体_gb2312": "楷体"}
MAX_LISTED = 20


class FontError(JixiaoError):
    """The chosen font cannot be used."""


class MissingCharsError(JixiaoError):
    """Characters to print are not in the font; ``missing`` lists (where, characters)."""

    def __init__(self, font_name: str, missing: list[tuple[str, list[str]]]):
        self.missing = missing
        lines = [f"{where}：{'、'.join(_show(c) for c in chars)}" for where, chars in missing[:MAX_LISTED]]
        more = f"\n……另有 {len(missing) - MAX_LISTED} 处" if len(missing) > MAX_LISTED else ""
        super().__init__(Code.PDF_MISSING_CHARS, font=font_name, chars="\n".join(lines) + more)


def _show(ch: str) -> str:
    return f"“{ch}”(U+{ord(ch):04X})"


@dataclass
class PdfFont:
    name: str  # registered ReportLab name
    path: Path
    label: str  # what the clerk chose, for messages
    warning: str = ""  # e.g. the chosen system font was not found and the bundled one is used


def windows_fonts_dir() -> Path:
    return Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"


def user_fonts_dir() -> Path | None:
    """Windows 10/11 install a font "for me only" here (where 仿宋_GB2312 usually lands)."""
    local = os.environ.get("LOCALAPPDATA")
    return Path(local) / "Microsoft" / "Windows" / "Fonts" if local else None


def font_dirs() -> list[Path]:
    dirs = [windows_fonts_dir()]
    user = user_fonts_dir()
    if user is not None:
        dirs.append(user)
    if sys.platform != "win32":
        dirs += [Path.home() / ".fonts", Path.home() / ".local" / "share" / "fonts",
                 Path("/usr/share/fonts/truetype"), Path("/usr/local/share/fonts")]
    return dirs


def _find(name: str) -> Path | None:
    files = SYSTEM_FONTS.get(name.strip().lower(), ())
    for d in font_dirs():
        for f in files:
            if (d / f).is_file():
                return d / f
    return None


@dataclass
class FontChoice:
    """Which file a font setting means, before anything is registered."""

    path: Path | None  # None: the bundled font
    label: str
    warning: str = ""


def resolve_font(font: str | Path | None) -> FontChoice:
    """The file the setting ``font`` (None, a path, or 宋体/仿宋/仿宋_GB2312/…) stands for, said plainly."""
    bundled = FontChoice(None, "Noto Serif SC（内置）")
    if font is None or str(font).strip() in ("", "bundled", "内置"):
        return bundled
    text = str(font).strip()
    key = text.lower()
    if key in SYSTEM_FONTS:
        found = _find(key)
        if found is not None:
            return FontChoice(found, f"{text}（{found}）")
        sub = SUBSTITUTES.get(key)
        found = _find(sub) if sub else None
        if found is not None:
            return FontChoice(found, f"{sub}（{found}）",
                              warning=f"本机没有字体“{text}”，改用“{sub}”（文件 {found}），字形与“{text}”略有不同")
        return FontChoice(None, bundled.label, warning=f"本机没有字体“{text}”，已改用内置的 Noto Serif SC")
    path = Path(text)
    if not path.is_file():
        raise FontError(Code.FONT_NOT_FOUND, font=text)
    return FontChoice(path, f"{path.name}（{path}）")


def glyph_check(font: str | Path | None) -> MissingFn:
    """The engine's check for characters the PDF would lose: the font the setting ``font`` stands for (the
    same one :func:`choose_font` embeds), one check per font file.  A setting that names no usable font is
    checked against the bundled font; exporting then says what is wrong with the setting."""
    try:
        path = resolve_font(font).path
    except FontError:
        path = None
    return _glyph_check(path)


@lru_cache(maxsize=8)
def _glyph_check(path: Path | None) -> MissingFn:
    return font_missing(path)


def choose_font(font: str | Path | None = None) -> PdfFont:
    """The font to print with: None → bundled; a path; or a font name such as 宋体 or 仿宋_GB2312."""
    choice = resolve_font(font)
    if choice.path is None:
        return PdfFont(register_reportlab_font(), font_path(), choice.label, warning=choice.warning)
    return PdfFont(_register(choice.path), choice.path, choice.label, warning=choice.warning)


def _register(path: Path) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    name = "JX" + hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:10]
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    try:
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
    except (TTFError, OSError, ValueError, KeyError):  # ReportLab's own words stay out of the message
        raise FontError(Code.FONT_NOT_TRUETYPE, name=path.name, path=path) from None
    from reportlab.lib.fonts import addMapping

    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(name, bold, italic, name)
    return name


def check_chars(font: PdfFont, texts: list[tuple[str, Any]]) -> list[tuple[str, list[str]]]:
    """[(where, missing characters)] for every (text, where) whose characters the font lacks.

    ``where`` is a string or a callable giving one (describing a cell is only worth doing for the
    few cells that have a problem).  The whole text is checked in one pass first.
    """
    everything = "".join(t for t, _ in texts if t)
    bad = set(missing_chars(everything, font.path))
    if not bad:
        return []
    merged: dict[str, list[str]] = {}
    for text, where in texts:
        if not text or bad.isdisjoint(text):
            continue
        place = where() if callable(where) else str(where)
        have = merged.setdefault(place, [])
        have.extend(c for c in missing_chars(text, font.path) if c not in have)
    return list(merged.items())
