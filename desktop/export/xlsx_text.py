"""Measuring text for the Excel export, and the small conversions it needs.

LibreOffice does not fit row heights by itself, and Excel does not fit merged
cells, so the export estimates how many lines each cell wraps to and writes
the heights.  Widths are in units of 7 px (96 dpi); at 10.5 pt a Chinese
character is 2 units, Latin letters and digits about 1.1.  The columns are
written in whole pixels, counted in digits of the workbook's Normal font
(:mod:`desktop.export.xlsx_pages`).

Also here: numbers as printed → (number, Excel number format); sheet names
Excel accepts; text cleaned of the characters an XLSX file cannot hold.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from decimal import Decimal, InvalidOperation

from desktop.core.linebreak import NO_START  # closing punctuation: never starts a line

BASE_SIZE = 10.5  # pt: the size at which a CJK character is 2 units wide
# A text unit is 7 px at 96 dpi; the grid's columns are whole pixels, the same in every renderer (xlsx_pages)
PX_PER_UNIT = 7.0
CELL_PAD_PX = 8.0  # text inset inside a cell, both sides together
LINE_FACTOR = 1.45  # line height / font size (Noto CJK in LibreOffice; SimSun in Excel is tighter)
ROW_PAD_PT = 3.0
MAX_ROW_PT = 400.0  # Excel's limit is 409 pt
SLACK = 0.93  # real renderers wrap a little earlier than the estimate

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TOKEN = re.compile(r"[A-Za-z0-9_.,%@#&+\-/=:;'\"<>$()\[\]]+| +|.", re.S)
_NUMBER = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?%?$")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
MAX_CELL_CHARS = 32767
NUMBER_PAD = "_0"  # ends a right-aligned number's format: a digit's width (≥ 1.5 mm) between it and the border


def clean(text: str) -> str:
    """Text an XLSX cell can hold: line ends as \\n, tabs kept, control characters dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _ILLEGAL.sub("", text)


def char_units(ch: str, size: float = BASE_SIZE) -> float:
    o = ord(ch)
    if o < 0x80:
        w = 0.55 if ch in " il.,:;'|!" else (1.25 if ch in "MWmw@%" else 1.1)
    elif 0x2000 <= o < 0x2070:  # general punctuation: “” … — are full width in Chinese fonts
        w = 2.0
    else:
        w = 2.0
    return w * size / BASE_SIZE


def text_units(text: str, size: float = BASE_SIZE) -> float:
    return sum(char_units(ch, size) for ch in text)


def span_capacity(widths: list[float]) -> float:
    """Usable text width (in units) of a cell spanning columns of these widths."""
    px = sum(widths) * PX_PER_UNIT - CELL_PAD_PX
    return max(1.0, px / PX_PER_UNIT * SLACK)


def wrap(text: str, capacity: float, size: float = BASE_SIZE) -> list[tuple[str, bool]]:
    """The lines ``text`` wraps to in a cell ``capacity`` units wide.

    Each line comes with ``hard``: True when it ends a paragraph (a newline
    follows), so that lines can be joined back exactly.
    """
    out: list[tuple[str, bool]] = []
    paragraphs = text.split("\n")
    for k, para in enumerate(paragraphs):
        lines = _wrap_para(para, capacity, size)
        for i, line in enumerate(lines):
            out.append((line, i == len(lines) - 1 and k < len(paragraphs) - 1))
    return out


@lru_cache(maxsize=8192)
def _wrap_para(para: str, capacity: float, size: float) -> list[str]:
    """The lines of one paragraph (cached: the same labels print on every sheet; never mutate it)."""
    if not para:
        return [""]
    lines: list[str] = []
    cur = ""
    cur_w = 0.0

    def break_anywhere(tok: str) -> None:
        """A run longer than the line: break it between any two characters."""
        nonlocal cur, cur_w
        for ch in tok:
            cw = char_units(ch, size)
            if cur_w + cw > capacity and cur:
                lines.append(cur)
                cur, cur_w = "", 0.0
            cur += ch
            cur_w += cw

    for tok in _TOKEN.findall(para):
        w = text_units(tok, size)
        if cur_w + w <= capacity or not cur:
            if w > capacity and len(tok) > 1:
                break_anywhere(tok)
                continue
            cur += tok
            cur_w += w
            continue
        if tok.strip() == "" and cur:  # spaces at a line end take no room
            cur += tok
            continue
        if len(tok) == 1 and tok in NO_START and cur:  # closing punctuation stays on the line
            cur += tok
            cur_w += w
            continue
        lines.append(cur)
        cur, cur_w = tok, w
        if w > capacity and len(tok) > 1:
            cur, cur_w = "", 0.0
            break_anywhere(tok)
    lines.append(cur)
    return lines


_SENTENCE = re.compile(r"[^。！？!?；;…]*(?:[。！？!?；;…]+[”’」』）)\]]*|$)")
_CLAUSE = re.compile(r"[^，、,：: ]*(?:[，、,：: ]+|$)")
INDENT = "\u3000\u3000"  # the Chinese first-line indent of a paragraph, as the PDF prints it


def split_text(text: str, capacity: float, size: float, limit: int,
               per_paragraph: bool = False) -> list[tuple[str, int, str]]:
    """``text`` cut into pieces of at most ``limit`` wrapped lines, each printed in a row of its own:
    (piece, lines, separator to the next piece).

    Cut between paragraphs (at every paragraph end when ``per_paragraph``), a paragraph longer than
    ``limit`` lines at its sentence ends, a sentence longer than that at its commas; only a run
    without any of these is cut between lines.  Nothing is cut when the whole fits.
    """
    def wrap_lines(t: str) -> list[str]:
        return _wrap_para(t, capacity, size)

    paragraphs = text.split("\n")
    counts = [len(wrap_lines(p)) for p in paragraphs]
    if sum(counts) <= limit:
        return [(text, sum(counts), "")]
    out: list[tuple[str, int, str]] = []
    cur: list[str] = []
    cur_n = 0
    for para, n in zip(paragraphs, counts):
        if cur and (per_paragraph or cur_n + n > limit):
            out.append(("\n".join(cur), cur_n, "\n"))
            cur, cur_n = [], 0
        if n <= limit:
            cur.append(para)
            cur_n += n
            continue
        parts = _cut(para, _SENTENCE, wrap_lines, limit)
        out.extend((t, k, "") for t, k in parts[:-1])
        cur, cur_n = [parts[-1][0]], parts[-1][1]
    out.append(("\n".join(cur), cur_n, ""))
    return out


def _cut(para: str, pattern: re.Pattern, wrap_lines: Callable[[str], list[str]], limit: int) -> list[tuple[str, int]]:
    """A paragraph in pieces of at most ``limit`` lines, cut only after ``pattern``'s units."""

    def count(t: str) -> int:
        return len(wrap_lines(t))

    units = [u for u in pattern.findall(para) if u]
    out: list[tuple[str, int]] = []
    cur = ""
    for u in units:
        if count(cur + u) <= limit:
            cur += u
            continue
        if cur:
            out.append((cur, count(cur)))
            cur = ""
        if count(u) <= limit:
            cur = u
        elif pattern is _SENTENCE:
            pieces = _cut(u, _CLAUSE, wrap_lines, limit)
            out.extend(pieces[:-1])
            cur = pieces[-1][0]
        else:  # no punctuation at all: between lines
            lines = wrap_lines(u)
            pieces = [("".join(lines[k:k + limit]), len(lines[k:k + limit])) for k in range(0, len(lines), limit)]
            out.extend(pieces[:-1])
            cur = pieces[-1][0]
    out.append((cur, count(cur)))
    return out


def indent_paragraphs(text: str) -> str:
    """Every paragraph that has text starts with the two-character indent (as the PDF prints it)."""
    return "\n".join(INDENT + p if p.strip() else p for p in text.split("\n"))


def unindent_paragraphs(text: str) -> str:
    """:func:`indent_paragraphs` undone: one indent taken from the start of every paragraph."""
    return "\n".join(p[len(INDENT):] if p.startswith(INDENT) else p for p in text.split("\n"))


def line_height(size: float = BASE_SIZE) -> float:
    return size * LINE_FACTOR


def row_height(lines: int, size: float = BASE_SIZE) -> float:
    return min(MAX_ROW_PT, max(1, lines) * line_height(size) + ROW_PAD_PT)


@lru_cache(maxsize=64)
def max_lines_per_row(size: float = BASE_SIZE) -> int:
    return max(1, int((MAX_ROW_PT - ROW_PAD_PT) // line_height(size)) - 1)


# ---------------------------------------------------------------------------------------
# numbers as printed
# ---------------------------------------------------------------------------------------

def number_cell(text: str) -> tuple[float, str] | None:
    """``'2,343.70'`` → (2343.7, '#,##0.00'); ``'99.50%'`` → (0.995, '0.00%').

    The Excel value is exactly the printed number (never more or fewer
    decimals), and the format shows the same digits.  ``None`` when the text
    is not a plain number, or when a float cannot hold it exactly.
    """
    t = text.strip()
    if not t or not _NUMBER.match(t) or t in ("-", "%", "-%", "."):
        return None
    pct = t.endswith("%")
    body = t.rstrip("%").replace(",", "")
    try:
        value = Decimal(body)
    except InvalidOperation:
        return None
    decimals = len(body.split(".")[1]) if "." in body else 0
    if pct:
        value = value / 100
    f = float(value)
    if Decimal(repr(f)) != value:
        return None
    fmt = ("#,##0" if "," in t else "0") + ("." + "0" * decimals if decimals else "")
    return f, fmt + ("%" if pct else "")


def number_text(value: float | int, fmt: str) -> str:
    """A number read back from a cell, as text a field type reads (percent formats give ``'99.5%'``)."""
    if isinstance(value, bool):
        return "是" if value else "否"
    d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if fmt.endswith("%"):
        d = d * 100
        return _plain(d) + "%"
    return _plain(d)


def _plain(d: Decimal) -> str:
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    return f"{d.normalize():f}"


# ---------------------------------------------------------------------------------------
# sheet names
# ---------------------------------------------------------------------------------------

def sheet_name(wanted: str, taken: set[str], limit: int = 31) -> str:
    """A sheet name Excel accepts: ≤31 characters, none of []:*?/\\, not blank, not starting or
    ending with an apostrophe, not “History”, unique (case-insensitively) among ``taken``."""
    name = _SHEET_BAD.sub("_", clean(wanted)).strip().strip("'").strip() or "表"
    if name.lower() == "history":
        name = name + "_"
    name = name[:limit]
    lower = {t.lower() for t in taken}
    base, n = name, 2
    while name.lower() in lower:
        suffix = f"({n})"
        name = base[: limit - len(suffix)] + suffix
        n += 1
    return name
