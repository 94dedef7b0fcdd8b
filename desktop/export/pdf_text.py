"""Measuring and breaking Chinese text into lines for the PDF.

ReportLab's ``Paragraph`` parses markup and is slow for thousands of table
cells; the grid (:mod:`desktop.export.pdf_grid`) breaks cell text itself with
these helpers and draws plain strings, so user text is never parsed as markup.

Line breaking follows the usual Chinese rules closely enough for forms: a line
may break between any two CJK characters, runs of Latin letters and digits
(``2077.604168``, ``http://...``) stay together unless longer than the line,
and closing punctuation (，。、）…) never starts a line, opening punctuation
never ends one.
"""
from __future__ import annotations

import re
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics

# characters that must not start a line / must not end one
NO_START = set("，。、；：！？）》」』】〕〉”’…—·,.;:!?)]}%％、～")
NO_END = set("（《「『【〔〈“‘([{")
_TOKEN = re.compile(r"[A-Za-z0-9_.,%@#&+\-/=:;'\"<>$€£¥()\[\]]+| +|.", re.S)


class Measure:
    """Width of text in one font and size, with a per-character cache."""

    def __init__(self, font_name: str, size: float):
        self.font_name = font_name
        self.size = size
        self._font = pdfmetrics.getFont(font_name)
        self._w: dict[str, float] = {}

    def char(self, ch: str) -> float:
        w = self._w.get(ch)
        if w is None:
            w = self._font.stringWidth(ch, self.size)
            self._w[ch] = w
        return w

    def width(self, text: str) -> float:
        get = self._w.get
        total = 0.0
        for ch in text:
            w = get(ch)
            if w is None:
                w = self.char(ch)
            total += w
        return total


@lru_cache(maxsize=64)
def measure(font_name: str, size: float) -> Measure:
    return Measure(font_name, size)


def clean(text: str) -> str:
    """Line ends normalised, tabs as spaces, other control characters dropped (they draw nothing)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return "".join(ch for ch in text if ch == "\n" or ch >= " ")


def wrap(text: str, width: float, m: Measure) -> list[str]:
    """Break *text* into lines no wider than *width* (explicit newlines kept)."""
    out: list[str] = []
    for para in clean(text).split("\n"):
        if m.width(para) <= width:
            out.append(para)
            continue
        out.extend(_wrap_para(para, width, m))
    return out or [""]


def _wrap_para(para: str, width: float, m: Measure) -> list[str]:
    lines: list[str] = []
    cur: list[str] = []
    cur_w = 0.0
    for tok in _TOKEN.findall(para):
        tw = m.width(tok)
        if cur_w + tw <= width:
            cur.append(tok)
            cur_w += tw
            continue
        if tok.isspace():  # a space at the break: dropped
            lines.append("".join(cur))
            cur, cur_w = [], 0.0
            continue
        if len(tok) > 1 and tw > width:  # a Latin run longer than a line: break it by characters
            for ch in tok:
                cw = m.char(ch)
                if cur_w + cw > width and cur:
                    lines.append("".join(cur))
                    cur, cur_w = [], 0.0
                cur.append(ch)
                cur_w += cw
            continue
        carry: list[str] = []
        if tok[0] in NO_START and cur:
            # pull the last character down with the punctuation mark
            last = cur.pop()
            if len(last) > 1:
                cur.append(last[:-1])
                last = last[-1]
            carry = [last]
        while cur and cur[-1] and cur[-1][-1] in NO_END and len(cur) > 1:
            carry.insert(0, cur.pop())
        if cur:
            lines.append("".join(cur).rstrip(" "))
        cur = carry + [tok]
        cur_w = m.width("".join(cur))
    if cur or not lines:
        lines.append("".join(cur))
    return lines
