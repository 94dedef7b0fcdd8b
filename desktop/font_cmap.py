"""Which characters a TrueType font maps: its ``cmap`` table read on its own.

The glyph check (:func:`desktop.fonts.missing_chars`) runs on every value typed, so
it must not cost what printing costs: ReportLab's ``TTFontFile`` reads the whole
font (14 MB for the bundled one) and parses every glyph's metrics, and importing
ReportLab alone is 11 MB of memory in the window.  This reads the table directory
and the ``cmap`` table (a few hundred KB), chooses the subtable ReportLab chooses
and keeps the result as a bitmap over all of Unicode (136 KB).

Anything it does not know (a subtable other than formats 4, 12 and 13, a PostScript-outline font, a
damaged file) returns ``None``: the caller then asks ReportLab, whose answer (or
error) is the one printing will give.
"""
from __future__ import annotations

import struct
from pathlib import Path

_TRUETYPE = (0x00010000, 0x74727565)  # the versions ReportLab prints with ('OTTO' is PostScript outlines)
_UNICODE_LIMIT = 0x110000


class Charset:
    """The code points a font maps, one bit each; ``cp in charset``."""

    __slots__ = ("_bits",)

    def __init__(self) -> None:
        self._bits = bytearray(_UNICODE_LIMIT >> 3)

    def add_range(self, first: int, last: int) -> None:
        """Code points ``first`` to ``last`` (both included): whole bytes at once, bits at the two ends."""
        first, last = max(first, 0), min(last, _UNICODE_LIMIT - 1)
        if first > last:
            return
        a, b = first >> 3, last >> 3
        low, high = 0xFF << (first & 7) & 0xFF, 0xFF >> (7 - (last & 7))  # bits from first / up to last
        if a == b:
            self._bits[a] |= low & high
            return
        self._bits[a] |= low
        self._bits[a + 1:b] = b"\xff" * (b - a - 1)
        self._bits[b] |= high

    def __contains__(self, cp: object) -> bool:
        return isinstance(cp, int) and 0 <= cp < _UNICODE_LIMIT and bool(self._bits[cp >> 3] >> (cp & 7) & 1)


def read_charset(path: str | Path) -> Charset | None:
    """The characters the font at *path* maps (the first face of a collection), or None when only
    ReportLab can tell (see the module's note).  OSError when the file cannot be read."""
    with open(path, "rb") as f:
        try:
            table = _cmap_table(f)
            return None if table is None else _charset(table)
        except (struct.error, IndexError, ValueError):
            return None


def _cmap_table(f) -> bytes | None:
    start = 0
    head = f.read(12)
    if head[:4] == b"ttcf":  # a collection: its first face, as ReportLab's subfontIndex=0
        f.seek(12)
        (start,) = struct.unpack(">L", f.read(4))
        f.seek(start)
        head = f.read(12)
    version, count = struct.unpack(">LH", head[:6])
    if version not in _TRUETYPE:
        return None
    directory = f.read(16 * count)
    for i in range(count):
        tag, _checksum, offset, length = struct.unpack_from(">4sLLL", directory, 16 * i)
        if tag == b"cmap":
            f.seek(offset)
            data = f.read(length)
            return data if len(data) == length else None
    return None


def _subtable(cmap: bytes) -> int:
    """The offset of the subtable ReportLab reads: the last Unicode one listed (its own rule)."""
    version, count = struct.unpack_from(">HH", cmap, 0)
    if count == 0 and version != 0:
        count = version
    chosen, kind = -1, 0
    for i in range(count):
        platform, encoding, offset = struct.unpack_from(">HHL", cmap, 4 + 8 * i)
        if platform == 3 or (platform == 1 and encoding == 1) or (platform == 0 and encoding != 5):
            chosen, kind = offset, 1
        elif platform == 1 and encoding == 0 and kind != 1:
            chosen, kind = offset, 2
    if chosen < 0:
        raise ValueError("no Unicode cmap")
    return chosen


def _charset(cmap: bytes) -> Charset | None:
    at = _subtable(cmap)
    (fmt,) = struct.unpack_from(">H", cmap, at)
    out = Charset()
    if fmt == 4:
        _format4(cmap, at, out)
    elif fmt in (12, 13):
        (groups,) = struct.unpack_from(">L", cmap, at + 12)
        for g in range(groups):
            first, last, _glyph = struct.unpack_from(">LLL", cmap, at + 16 + 12 * g)
            out.add_range(first, last)
    else:  # formats 0, 2, 6, 10 (single-byte, legacy multi-byte, trimmed tables): ReportLab decides
        return None
    if 0x20 in out or 0xA0 in out:  # ReportLab maps the no-break space to the space and back
        out.add_range(0x20, 0x20)
        out.add_range(0xA0, 0xA0)
    return out


def _format4(cmap: bytes, at: int, out: Charset) -> None:
    """Every code point of every segment, as ReportLab lists them (a segment's code mapped to glyph 0
    is still listed, and prints as ReportLab prints it)."""
    (seg2,) = struct.unpack_from(">H", cmap, at + 6)
    segments = seg2 // 2
    ends = struct.unpack_from(f">{segments}H", cmap, at + 14)
    starts = struct.unpack_from(f">{segments}H", cmap, at + 16 + seg2)
    for first, last in zip(starts, ends):
        out.add_range(first, last)
