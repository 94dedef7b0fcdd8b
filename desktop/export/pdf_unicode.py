"""Characters beyond U+FFFF (𠀾 U+2003E) in the PDF's text layer.

ReportLab writes each subset's ToUnicode map with ``"<%04X>" % code point``, so 𠀾 becomes
``<2003E>`` — five hex digits, which PDF readers take as garbage: the glyph prints but copying or
searching the text loses it.  A ToUnicode destination is UTF-16BE, so a character beyond the Basic
Multilingual Plane must be written as its surrogate pair, ``<D840DC3E>``.  :func:`install` replaces
ReportLab's map writer with one that does so (identical output for every other character); it is
called before each export, never on import.
"""
from __future__ import annotations

import threading

_lock = threading.Lock()
_installed = False


def utf16_hex(code_point: int) -> str:
    """A code point as the UTF-16BE hex string a ToUnicode CMap wants: ``4E2D``, ``D840DC3E``."""
    return chr(code_point).encode("utf-16-be", "surrogatepass").hex().upper()


def to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ``makeToUnicodeCMap``, with characters beyond U+FFFF as surrogate pairs."""
    cmap = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        "<< /Registry (%s)" % fontname,
        "/Ordering (%s)" % fontname,
        "/Supplement 0",
        ">> def",
        "/CMapName /%s def" % fontname,
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<00> <%02X>" % (len(subset) - 1),
        "endcodespacerange",
        "%d beginbfchar" % len(subset),
    ] + ["<%02X> <%s>" % (i, utf16_hex(v)) for i, v in enumerate(subset)] + [
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(cmap)


def install() -> None:
    """Make ReportLab write surrogate pairs into ToUnicode maps (once per process)."""
    global _installed
    with _lock:
        if _installed:
            return
        from reportlab.pdfbase import ttfonts

        ttfonts.makeToUnicodeCMap = to_unicode_cmap
        _installed = True
