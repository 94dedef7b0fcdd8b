"""What the windows import before they show: no SQLAlchemy, ReportLab or openpyxl until they are needed.

Each check runs in a new process (what is imported is a property of the whole process)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("sqlalchemy", "reportlab", "openpyxl", "PIL")


def _run(code: str, tmp_path: Path) -> list[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", JIXIAO_HOME=str(tmp_path / "home"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.split("\n")


def _loaded() -> str:
    return f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules) or '-')\n"


def test_main_window_imports_none_of_the_heavy_libraries(tmp_path):
    lines = _run("import sys\nfrom desktop.app import make_app\napp = make_app()\n"
                 "from ui.main_window import MainWindow\nw = MainWindow(); w.show(); app.processEvents()\n"
                 + _loaded(), tmp_path)
    assert lines[0] == "-"


def test_draft_window_opens_without_sqlalchemy_and_the_first_edit_is_written(tmp_path):
    """Opening and reading a draft use the sqlite3 connection alone; the first write brings SQLAlchemy
    in over that same connection, and the edit is in the file."""
    from desktop.core.catalog import load_sample
    from desktop.session import FormSession

    path = tmp_path / "表.jxd"
    FormSession.create(path, load_sample("suzhou-project-selfeval-2023")).close()  # as the app saves one
    code = (
        "import sys\n"
        "from desktop.app import make_app\napp = make_app()\n"
        "from ui.new_draft import open_session\nfrom ui.form_window import FormWindow\n"
        f"session = open_session(None, {str(path)!r})\n"
        "win = FormWindow(session); win.show(); app.processEvents()\n"
        + _loaded() +
        "session.draft.load_document(); session.draft.search_meta()\n"
        + _loaded() +
        "pid = session.state.doc.parts[0].id\n"
        "session.execute(session.set_cell_command(pid, 'a_initial', '12', False)); win.flush()\n"
        + _loaded() +
        "win.close(); session.close()\n"
        "from desktop.store import read_draft_document\n"
        f"print(read_draft_document({str(path)!r}).parts[0].fields.get('a_initial'))\n"
    )
    lines = _run(code, tmp_path)
    assert lines[:4] == ["-", "-", "sqlalchemy", "12"], lines


def _draft_window_code(path: Path, after_edit: str) -> str:
    """A new process opens ``path`` in its window and types into a field; ``after_edit`` runs before the flush."""
    return (
        "import sys\n"
        "from desktop.app import make_app\napp = make_app()\n"
        "from desktop.store import prefetch\n"
        "from ui.new_draft import open_session\nfrom ui.form_window import FormWindow\n"
        f"session = open_session(None, {str(path)!r})\n"
        "win = FormWindow(session); win.show(); app.processEvents()\n"
        "print(prefetch.started())\n"
        "pid = session.state.doc.parts[0].id\n"
        "win.push(session.set_cell_command(pid, 'a_initial', '34', False))\n"
        "print(prefetch.started(), bool(session.pending))\n"
        + after_edit +
        "print(win.flush(), session.status)\n"
        "win.close(); session.close()\n"
        "from desktop.store import read_draft_document\n"
        f"print(read_draft_document({str(path)!r}).parts[0].fields.get('a_initial'))\n"
    )


def _saved_draft(tmp_path: Path) -> Path:
    from desktop.core.catalog import load_sample
    from desktop.session import FormSession

    path = tmp_path / "表.jxd"
    FormSession.create(path, load_sample("suzhou-project-selfeval-2023")).close()
    return path


def test_the_first_edit_starts_importing_the_writers_and_a_flush_right_away_waits_for_them(tmp_path):
    """The first edit starts the background import (before any flush); flushing at once, while it may still
    be under way, writes the edit."""
    lines = _run(_draft_window_code(_saved_draft(tmp_path), ""), tmp_path)
    assert lines[:4] == ["False", "True True", "True saved", "34"], lines


def test_by_the_flush_the_writers_were_imported_off_the_gui_thread(tmp_path):
    """What the first write needs is in sys.modules before the flush runs, imported by the prefetch thread."""
    wait = ("import threading\n"
            "for t in threading.enumerate():\n"
            "    if t.name == 'jixiao-prefetch-writes': t.join(60)  # (or it has finished already)\n"
            "print(' '.join(m for m in prefetch.MODULES if m not in sys.modules) or '-')\n")
    lines = _run(_draft_window_code(_saved_draft(tmp_path), wait), tmp_path)
    assert lines[:5] == ["False", "True True", "-", "True saved", "34"], lines
