"""The layers of docs/architecture.md are checked by import-linter (run by .ci/run before the tests).

The contracts hold on the code as it is, and a planted violation — core importing the store, an exporter
importing the command line, the store importing a view — breaks them: the check is not vacuous."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import require

ROOT = Path(__file__).resolve().parents[1]

require("import-linter", module="importlinter")


def _lint(root: Path) -> subprocess.CompletedProcess:
    code = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"
    return subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    """The packages and the contracts, in a folder of their own (the planted imports never touch the repo)."""
    root = tmp_path_factory.mktemp("layers")
    for pkg in ("desktop", "ui"):
        shutil.copytree(ROOT / pkg, root / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def test_the_contracts_hold(copy):
    result = _lint(copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize("module,planted,contract", [
    ("desktop/core/scoring.py", "from desktop.store import Draft", "core is the bottom layer"),
    ("desktop/core/types.py", "import PySide6.QtCore", "core is the bottom layer"),
    ("desktop/export/pdf.py", "from desktop.commands import load_state", "exporters work from the document"),
    ("desktop/export/xlsx.py", "from desktop.store import Draft", "exporters work from the document"),
    ("desktop/store/content.py", "import ui.theme", "store and export import no views"),
])
def test_a_planted_violation_breaks_its_contract(copy, module, planted, contract):
    path = copy / module
    original = path.read_text(encoding="utf-8")
    try:
        path.write_text(original + f"\n{planted}  # planted by the test\n", encoding="utf-8")
        result = _lint(copy)
    finally:
        path.write_text(original, encoding="utf-8")
    assert result.returncode != 0
    broken = [line for line in result.stdout.splitlines() if " BROKEN" in line]
    assert any(line.startswith(contract) for line in broken), result.stdout
