"""Breaking Chinese text into lines, and keeping labels free of orphans: one rule for the PDF and the window.

Line breaking follows the usual Chinese rules closely enough for forms: a line may break between any two
CJK characters, runs of Latin letters and digits (``2077.604168``, ``http://...``) stay together unless
longer than the line, and closing punctuation (，。、）…) never starts a line, opening punctuation never
ends one.  A label (a column's title, a row's name, a group's 类别) must not wrap leaving one or two
characters alone on its last line (“单/位”, “社会效益指/标”) or break inside a short bracket (“（万/元）”):
:func:`orphan_free_width` says how wide its column should be, :func:`label_lines` balances its lines
where the column cannot grow, and :func:`fit_label_widths` takes that room from the other columns.

No Qt, no ReportLab: text is measured by a :class:`Measure` — the PDF's measures a TrueType font
(:mod:`desktop.export.pdf_text`), the window's measures with Qt's font metrics (:mod:`ui.label_fit`).
"""
from __future__ import annotations

import re
from typing import Iterable, Protocol

MAX_WIDEN = 1.7  # a label column grows at most this much to keep a label whole
MIN_DONOR = 0.75  # a column gives at most a quarter of its width to the labels


class Measure(Protocol):
    """The width of text in one font and size (points for the PDF, pixels in the window)."""

    def char(self, ch: str) -> float: ...

    def width(self, text: str) -> float: ...


# characters that must not start a line / must not end one
NO_START = set("，。、；：！？）》」』】〕〉”’…—·,.;:!?)]}%％、～")
NO_END = set("（《「『【〔〈“‘([{")
_TOKEN = re.compile(r"[A-Za-z0-9_.,%@#&+\-/=:;'\"<>$€£¥()\[\]]+| +|.", re.S)
# a label's short bracketed unit stays whole: （万元）, (%) — never “（万” / “元）”
_LABEL_TOKEN = re.compile(r"[（(][^（）()\n]{1,6}[）)]|" + _TOKEN.pattern, re.S)


def clean(text: str) -> str:
    """Line ends normalised, tabs as spaces, other control characters dropped (they draw nothing)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return "".join(ch for ch in text if ch == "\n" or ch >= " ")


def wrap(text: str, width: float, m: Measure, label: bool = False) -> list[str]:
    """Break *text* into lines no wider than *width* (explicit newlines kept).  ``label``: a short
    bracketed group (（万元）) is kept on one line."""
    out: list[str] = []
    for para in clean(text).split("\n"):
        if m.width(para) <= width:
            out.append(para)
            continue
        out.extend(_wrap_para(para, width, m, _LABEL_TOKEN if label else _TOKEN))
    return out or [""]


def _wrap_para(para: str, width: float, m: Measure, token: re.Pattern = _TOKEN) -> list[str]:
    lines: list[str] = []
    cur: list[str] = []
    cur_w = 0.0
    for tok in token.findall(para):
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


def orphaned(lines: list[str]) -> bool:
    """A label broken badly: one character alone on its last line (单/位), two under a line of four or
    more (预算金额/万元), or a break inside brackets (（万/元）)."""
    if len(lines) < 2:
        return False
    last, before = len(lines[-1].strip()), len(lines[-2].strip())
    if last <= 1 or (last == 2 and before >= 4):
        return True
    depth = 0
    for line in lines[:-1]:
        for ch in line:
            depth += ch in "（("
            depth -= ch in "）)"
        if depth > 0:
            return True
    return False


def orphan_free_width(text: str, avail: float, m: Measure) -> float:
    """The width a label wants: one line where that needs at most ``MAX_WIDEN`` times ``avail``, else the
    narrowest width up to that at which it wraps without an orphan (``avail`` if it already does, or
    if no width up to the limit helps)."""
    lines = wrap(text, avail, m, label=True)
    if len(lines) < 2:
        return avail
    whole = max(m.width(line) for line in text.split("\n"))
    if whole <= avail * MAX_WIDEN:  # the label fits on one line in a slightly wider column
        return whole + 0.5
    if not orphaned(lines):
        return avail
    step = m.char("中") / 2
    w = avail + step
    while w <= avail * MAX_WIDEN:
        if not orphaned(wrap(text, w, m, label=True)):
            return w
        w += step
    return avail


def label_lines(text: str, avail: float, m: Measure) -> list[str]:
    """A label broken into lines: where the full width leaves an orphan (指标目标 / 值), a narrower
    measure that balances the lines (指标目 / 标值) with no more lines than that."""
    lines = wrap(text, avail, m, label=True)
    if not orphaned(lines):
        return lines
    step = m.char("中") / 2
    w = avail - step
    while w >= avail / 2:
        shorter = wrap(text, w, m, label=True)
        if len(shorter) > len(lines):
            break
        if not orphaned(shorter):
            return shorter
        w -= step
    return lines


def fit_label_widths(widths: list[float], cells: Iterable[tuple[int, str, bool]], m: Measure,
                     pad: float) -> list[float]:
    """Column widths with every one-column label kept free of a one- or two-character last line
    (and of a break inside a bracket), the room taken from columns holding no such label.

    ``cells``: (column, text, is a label) of every one-column cell shown (not those merged into the
    cell above); ``pad``: the room between a cell's text and each of its borders.  The total stays."""
    cells = list(cells)
    need: dict[int, float] = {}
    for col, text, label in cells:
        if label and text:
            avail = widths[col] - 2 * pad
            want = orphan_free_width(text, avail, m)
            if want > avail:
                need[col] = max(need.get(col, 0.0), want + 2 * pad)
    if not need:
        return widths
    give = _spare(widths, [i for i in range(len(widths)) if i not in need], cells, m, pad)
    room = sum(give.values())
    extra = sum(need[i] - widths[i] for i in need)
    if room <= 0:
        return widths
    share = min(1.0, room / extra)
    out = list(widths)
    for i in need:
        out[i] += (need[i] - widths[i]) * share
    for i, spare in give.items():
        out[i] -= extra * share * spare / room
    return out


def _spare(widths: list[float], donors: list[int], cells: list[tuple[int, str, bool]], m: Measure,
           pad: float) -> dict[int, float]:
    """What each donor column can give: at most a quarter of its width, and never so much that a
    value now shown on one line would wrap (“保障经费” must not become “保障经/费”)."""
    longest = {i: 0.0 for i in donors}
    for col, text, _label in cells:
        if col in longest:
            w = max((m.width(line) for line in text.split("\n")), default=0.0) + 2 * pad
            if w <= widths[col]:
                longest[col] = max(longest[col], w)
    return {i: max(0.0, min(widths[i] * (1 - MIN_DONOR), widths[i] - longest[i])) for i in donors}
