"""The glyph check reads the font's cmap table alone: the same characters as ReportLab, without ReportLab."""
from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

from desktop import fonts
from desktop.font_cmap import read_charset

ROOT = Path(__file__).resolve().parent.parent


def _listed(charset) -> set[int]:
    return {cp for cp in range(0x110000) if cp in charset}


def test_bundled_font_same_characters_as_reportlab():
    from reportlab.pdfbase.ttfonts import TTFontFile

    path = str(fonts.font_path())
    charset = read_charset(path)
    assert charset is not None
    assert _listed(charset) == set(TTFontFile(path).charToGlyph)
    assert ord("中") in charset and ord("한") not in charset
    assert -1 not in charset and 0x110000 not in charset and "中" not in charset


def _font(version: bytes, subtable: bytes) -> bytes:
    """A font file with only a table directory and a cmap holding *subtable* as (3, 1)."""
    cmap = struct.pack(">HHHHL", 0, 1, 3, 1, 12) + subtable
    return version + struct.pack(">HHHH", 1, 16, 0, 0) + struct.pack(">4sLLL", b"cmap", 0, 28, len(cmap)) + cmap


def _format12(groups: list[tuple[int, int, int]]) -> bytes:
    body = b"".join(struct.pack(">LLL", *g) for g in groups)
    return struct.pack(">HHLLL", 12, 0, 16 + len(body), 0, len(groups)) + body


def test_format12_ranges_and_collection(tmp_path):
    sub = _format12([(0x41, 0x43, 1), (0x20000, 0x20001, 4)])
    face = _font(b"\x00\x01\x00\x00", sub)
    single = tmp_path / "a.ttf"
    single.write_bytes(face)
    assert _listed(read_charset(single)) == {0x41, 0x42, 0x43, 0x20000, 0x20001}
    # a collection: the first face, its offsets counted from the start of the file
    header = b"ttcf" + struct.pack(">LLL", 0x00010000, 1, 16)
    shifted = face[:12] + struct.pack(">4sLLL", b"cmap", 0, 28 + 16, len(face) - 28) + face[28:]
    collection = tmp_path / "b.ttc"
    collection.write_bytes(header + shifted)
    assert _listed(read_charset(collection)) == {0x41, 0x42, 0x43, 0x20000, 0x20001}


def test_what_it_cannot_read_is_left_to_reportlab(tmp_path):
    postscript = tmp_path / "p.otf"
    postscript.write_bytes(_font(b"OTTO", _format12([(0x41, 0x41, 1)])))
    legacy = tmp_path / "f0.ttf"
    legacy.write_bytes(_font(b"\x00\x01\x00\x00", struct.pack(">HHH", 0, 262, 0) + bytes(256)))
    broken = tmp_path / "cut.ttf"
    broken.write_bytes(_font(b"\x00\x01\x00\x00", _format12([(0x41, 0x41, 1)]))[:40])
    assert read_charset(postscript) is None
    assert read_charset(legacy) is None
    assert read_charset(broken) is None


def test_glyph_check_does_not_import_reportlab():
    code = ("import sys, desktop.fonts as f\n"
            "assert f.missing_chars('中한') == ['한']\n"
            "from desktop.core.glyphs import bundled_font_missing\n"
            "assert bundled_font_missing('预算喆') == []\n"
            "print(sorted(m for m in ('reportlab', 'PIL') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["[]"]
