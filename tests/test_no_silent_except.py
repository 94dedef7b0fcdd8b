"""No ``except Exception`` swallows an error silently: each one re-raises, logs (``log.warning`` /
``log.exception`` …) or tells someone (print to the console)."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BROAD = {"Exception", "BaseException"}
# being rewritten on another branch (the lead's hot-journal fix); log these two after the merge
NOT_YET = {("desktop/store/files.py", "app_version"), ("desktop/store/files.py", "newer_form")}


def _tells(body: list[ast.stmt]) -> bool:
    for node in ast.walk(ast.Module(body=body, type_ignores=[])):
        if isinstance(node, ast.Raise):
            return True
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id == "print":
                return True
            if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in ("log", "logging"):
                return True
    return False


def _silent_handlers():
    for path in sorted((ROOT / "desktop").rglob("*.py")) + sorted((ROOT / "ui").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]:
            for node in ast.walk(func):
                if not isinstance(node, ast.ExceptHandler) or node.type is None:
                    continue
                names = {n.id for n in ast.walk(node.type) if isinstance(n, ast.Name)}
                if names & BROAD and not _tells(node.body) and (rel, func.name) not in NOT_YET:
                    yield f"{rel}:{node.lineno} ({func.name})"


def test_no_broad_except_is_silent():
    assert list(_silent_handlers()) == []


def test_the_check_sees_a_silent_handler(tmp_path):
    code = "def f():\n    try:\n        g()\n    except Exception:\n        pass\n"
    (handler,) = [n for n in ast.walk(ast.parse(code)) if isinstance(n, ast.ExceptHandler)]
    assert not _tells(handler.body)
    code = "def f():\n    try:\n        g()\n    except Exception:\n        log.warning('x', exc_info=True)\n"
    (handler,) = [n for n in ast.walk(ast.parse(code)) if isinstance(n, ast.ExceptHandler)]
    assert _tells(handler.body)
