"""The bundled Chinese font: location, coverage, ReportLab and Qt loading."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import require

from desktop import fonts

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"  # the seed forms' texts (A–E)
RARE_NAME_CHARS = "喆堃淼犇赟昇珺玥琇㛃䶮"


def test_font_path_exists():
    p = fonts.font_path()
    assert p.name == "NotoSerifSC-Regular.ttf"
    assert p.is_file()
    assert p.stat().st_size > 1_000_000
    with open(p, "rb") as fh:
        assert fh.read(4) == b"\x00\x01\x00\x00"  # TrueType outlines, not CFF


def test_font_path_frozen(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert fonts.font_path() == tmp_path / "resources" / "fonts" / "NotoSerifSC-Regular.ttf"


def test_missing_chars_covers_form_text():
    text = (
        "苏州市市级预算部门（单位）整体支出预算绩效自评表\n"
        "☐是 ☑否 ☒ ０１２３４５６７８９ ①②⑩⑳ ×÷±≤≥≠ %‰ ￥ ㎡ ℃ №\n"
        "“引号” 《书名》 【括号】 〔2022〕 …… —— · Budget 2022 pīnyīn ǚ"
    )
    assert fonts.missing_chars(text) == []


def test_missing_chars_rare_name_characters():
    assert fonts.missing_chars(RARE_NAME_CHARS) == []


def test_missing_chars_ignores_whitespace_and_controls():
    assert fonts.missing_chars("a\tb\r\n\x00\x1f\u200d\ufeff\u3000 \u00a0中\ufe0f") == []


def test_missing_chars_reports_distinct_in_order():
    # Hangul is deliberately left out of the subset; U+10FFFD is private use.
    assert fonts.missing_chars("한국 中 한\U0010fffd") == ["한", "국", "\U0010fffd"]


def test_missing_chars_explicit_font_file():
    assert fonts.missing_chars("预算", font_file=fonts.font_path()) == []
    with pytest.raises(FileNotFoundError):
        fonts.missing_chars("预算", font_file="/nonexistent/font.ttf")


def test_seed_texts_fully_covered():
    files = sorted(SEEDS.glob("*.txt"))
    assert len(files) == 5
    for f in files:
        assert fonts.missing_chars(f.read_text(encoding="utf-8")) == [], f.name


def test_register_reportlab_font_idempotent_and_renders():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen import canvas

    name = fonts.register_reportlab_font()
    assert name == "NotoSerifSC"
    assert fonts.register_reportlab_font() == name
    font = pdfmetrics.getFont(name)
    assert font.face.familyName == b"Noto Serif SC TT"

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont(name, 12)
    c.drawString(50, 800, "预算绩效自评表 ☐是 ☑否 ０１２ ①⑳ 㛃䶮")
    c.save()
    pdf = buf.getvalue()
    assert b"/FontFile2" in pdf  # embedded TrueType subset
    assert len(pdf) < 200_000


def test_register_reportlab_font_paragraph_bold_markup():
    from reportlab.lib.fonts import tt2ps
    from reportlab.pdfbase import pdfmetrics
    from reportlab.platypus import Paragraph
    from reportlab.lib.styles import ParagraphStyle

    name = fonts.register_reportlab_font()
    # <b> and <i> map to the one bundled face (it has no bold or italic): no "can't map bold/italic"
    assert {tt2ps(name, b, i) for b in (0, 1) for i in (0, 1)} == {name}
    para = Paragraph("<b>项目名称</b>：<i>测试</i>", ParagraphStyle("t", fontName=name))
    width, height = para.wrap(400, 100)
    assert height > 0
    words = [w for line in para.blPara.lines for w in line.words]
    assert "".join(w.text for w in words) == "项目名称：测试"
    assert {w.fontName for w in words} == {name}
    assert pdfmetrics.getFont(name).stringWidth("项目名称：测试", 12) > 0


def test_import_does_not_pull_qt_or_fonttools():
    code = (
        "import sys, desktop.fonts as f; f.missing_chars('中'); "
        "f.register_reportlab_font(); "
        "print('PySide6' in sys.modules, 'fontTools' in sys.modules)"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "False"]


@pytest.fixture
def gui_app():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    qtwidgets = require("PySide6", module="PySide6.QtWidgets")
    app = qtwidgets.QApplication.instance() or qtwidgets.QApplication([])
    yield app


@pytest.mark.gui
def test_load_qt_font(gui_app):
    from PySide6.QtGui import QFont, QFontMetrics

    from ui.qt_font import load_qt_font

    family = load_qt_font()
    assert family == fonts.QT_FAMILY
    assert load_qt_font() == family  # cached, loaded once
    metrics = QFontMetrics(QFont(family, 12))
    for ch in "预算☐☑㛃䶮０":
        assert metrics.inFontUcs4(ord(ch)), ch
