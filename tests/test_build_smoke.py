"""Smoke test of the one-folder build: build it once, start the built command-line program and the
windowed 绩效填报 program offscreen, open a sample draft (the windowed one given only the file, as
Explorer passes it), export its PDF, exit 0.  Also reports the folder's size.

Skipped when PyInstaller is not installed (``pip install -e .[build]``); the build
takes about 20 s here.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import require

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def _folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    require("PyInstaller", module="PyInstaller")
    out = tmp_path_factory.mktemp("build")
    proc = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(out / "dist"), "--workpath", str(out / "work"), str(ROOT / "build.spec")],
        cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    folder = out / "dist" / "jixiao"
    exe = folder / ("jixiao.exe" if os.name == "nt" else "jixiao")
    assert exe.exists()
    print(f"\none-folder build: {_folder_size(folder) / 2**20:.0f} MiB", file=sys.stderr)
    return exe


@pytest.fixture(scope="module")
def windowed(built: Path) -> Path:
    exe = built.with_name("绩效填报.exe" if os.name == "nt" else "绩效填报")
    assert exe.exists(), sorted(p.name for p in built.parent.iterdir())
    return exe


def _run(exe: Path, *args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen", **env)
    return subprocess.run([str(exe), *args], cwd=cwd, env=environment, capture_output=True, text=True,
                          timeout=120, encoding="utf-8", errors="replace")


def test_built_app_opens_a_sample_draft_and_exports_its_pdf(built: Path, tmp_path: Path):
    draft = tmp_path / "苏州申报表.jxd"
    made = _run(built, "sample", "suzhou-project-declare-2020", "-o", str(draft), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    pdf = tmp_path / "苏州申报表.pdf"
    shown = _run(built, "gui", str(draft), cwd=tmp_path, JIXIAO_EXIT_AFTER_SHOWN="1", JIXIAO_SMOKE_PDF=str(pdf),
                 JIXIAO_HOME=str(tmp_path / "home"))
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "shown" in shown.stdout
    assert pdf.read_bytes().startswith(b"%PDF")
    # the bundled resources are found from the bundle: every form is listed
    forms = _run(built, "forms", cwd=tmp_path)
    from desktop.core.catalog import form_ids

    assert forms.returncode == 0 and forms.stdout.count("\n") == len(form_ids()), forms.stdout + forms.stderr


def test_windowed_app_opens_a_bare_file_path(built: Path, windowed: Path, tmp_path: Path):
    draft = tmp_path / "深圳 自评表.jxd"
    assert _run(built, "sample", "shenzhen-project-selfeval-2021", "-o", str(draft), cwd=tmp_path).returncode == 0
    pdf = tmp_path / "打开方式.pdf"
    home = tmp_path / "home"
    shown = _run(windowed, str(draft), cwd=tmp_path, JIXIAO_EXIT_AFTER_SHOWN="1", JIXIAO_SMOKE_PDF=str(pdf),
                 JIXIAO_HOME=str(home))
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert pdf.read_bytes().startswith(b"%PDF")  # the draft was opened: its pages were exported
    log = (home / "logs" / "jixiao.log").read_text(encoding="utf-8")
    assert f"打开 {draft}：成功" in log


def test_built_app_checks_from_the_command_line(built: Path, tmp_path: Path):
    sample = tmp_path / "c.json"
    assert _run(built, "sample", "shenzhen-project-selfeval-2021", "-o", str(sample), cwd=tmp_path).returncode == 0
    checked = _run(built, "check", str(sample), cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "97.9" in checked.stdout and "95.9" in checked.stdout
