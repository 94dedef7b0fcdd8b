"""A real window under Xvfb (the xcb platform) starts, shows a seed form and quits cleanly."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from conftest import require

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.gui
@pytest.mark.skipif(sys.platform == "win32", reason="X11 only")
def test_real_window_under_xvfb(tmp_path):
    require("Xvfb", why="the real-window test; tools/bootstrap.py test installs it on Debian")
    spec = importlib.util.spec_from_file_location("xvfb_smoke", ROOT / "tools" / "xvfb_smoke.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    shot = tmp_path / "shot.png"  # taken by the app with Qt: no ImageMagick needed
    code, text = module.run(shot)
    assert code == 0, text
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000  # something was drawn
