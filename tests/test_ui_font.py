"""The windows render Chinese with the bundled font on a machine that has no Chinese fonts
(fontconfig pointed at an empty folder, in a subprocess)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = r"""
import sys
sys.path.insert(0, sys.argv[1])
from desktop.app import make_app
app = make_app()
from PySide6.QtGui import QFontDatabase, QFontInfo, QFontMetrics
from PySide6.QtWidgets import QLabel
from desktop.core.catalog import load_form, load_sample
from desktop.core.engine import DocumentState
from desktop.session import FormSession
from ui.form_window import FormWindow
families = QFontDatabase.families()
label = QLabel("预算绩效自评表 ☐☑ １２３")
label.resize(400, 40)
label.show()
app.processEvents()
image = label.grab().toImage()
dark = sum(1 for x in range(image.width()) for y in range(image.height()) if image.pixelColor(x, y).lightness() < 128)
metrics = QFontMetrics(app.font())
fid = "suzhou-project-declare-2020"
win = FormWindow(FormSession(DocumentState(load_form(fid), load_sample(fid))))
win.show()
app.processEvents()
print(len(families), QFontInfo(label.font()).family(), all(metrics.inFontUcs4(ord(c)) for c in "预算☐☑"), dark,
      sep="|")
win.close()
"""


@pytest.mark.gui
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fontconfig (Linux) only")
def test_renders_with_the_bundled_font_only(tmp_path):
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    (tmp_path / "cache").mkdir()
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?><fontconfig><dir>{empty}</dir><cachedir>{tmp_path / "cache"}</cachedir>'
                    "</fontconfig>", encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FONTCONFIG_FILE=str(conf), JIXIAO_HOME=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT)], capture_output=True, text=True, env=env,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    count, family, covered, dark = proc.stdout.strip().split("|")
    assert family == "Noto Serif SC TT"
    assert covered == "True"
    assert int(dark) > 200  # the characters were drawn, not left blank
