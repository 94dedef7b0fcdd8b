"""The helper scripts behave as their --help says: bootstrap's command line, screenshots, Xvfb smoke."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def test_bootstrap_runs_the_command_line(monkeypatch, tmp_path):
    """After `bootstrap.py run`, `jixiao` is not on the PATH: `bootstrap.py cli …` runs it, in the
    user's folder (relative file names are theirs)."""
    boot = load("bootstrap")
    calls = []
    monkeypatch.setattr(boot, "ensure_venv", lambda command="run": Path(sys.executable))
    monkeypatch.setattr(boot.subprocess, "call", lambda cmd, **kw: calls.append((cmd, kw)) or 0)
    assert boot.main(["bootstrap.py", "cli", "pdf", "草稿.jxd", "-o", "表.pdf"]) == 0
    cmd, kw = calls[-1]
    assert cmd[1:] == ["-m", "desktop", "pdf", "草稿.jxd", "-o", "表.pdf"] and kw.get("cwd") is None
    assert boot.main(["bootstrap.py", "cli"]) == 0 and calls[-1][0][-1] == "--help"
    assert boot.main(["bootstrap.py", "--help"]) == 0


def test_python_m_desktop_is_the_jixiao_command(capsys):
    out = subprocess.run([sys.executable, "-m", "desktop", "forms"], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0 and "shenzhen-project-selfeval-2021" in out.stdout


def test_screenshots_help_makes_no_folder(tmp_path):
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "screenshots.py"), "--help"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "--out" in out.stdout
    assert list(tmp_path.iterdir()) == []


def test_xvfb_smoke_accepts_use_display(monkeypatch):
    smoke = load("xvfb_smoke")
    seen = {}
    monkeypatch.setattr(smoke, "run", lambda shot=None, timeout=60, use_display=False:
                        seen.update(shot=shot, use_display=use_display) or (0, "ok"))
    assert smoke.main(["xvfb_smoke.py", "--use-display", "--shot", "s.png"]) == 0
    assert seen == {"shot": Path("s.png"), "use_display": True}
    monkeypatch.delenv("DISPLAY", raising=False)
    assert load("xvfb_smoke").run(use_display=True)[0] == 77  # said plainly, not a crash
