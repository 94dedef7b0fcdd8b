"""UI benchmarks: opening a 2000-row draft in its window, keystroke-to-update.

    python benchmarks/bench_ui.py

* open: ``FormSession.open`` + the form window built, shown and painted once
  (target < 1 s), warm (Qt and SQLAlchemy already imported, as in the running app);
* keystroke to update: one character typed (an IME commit, as a Chinese input method
  sends it) into an input of the 2000-row draft until the computed cells and marks are
  repainted (events processed), median and p95 (target ≤ 16 ms, one frame);
* the draft write that follows (one store transaction, after a 300 ms pause in typing).

Start-up (a new process until the main window is first painted, against a bare window) and peak memory
are measured by ``bench_startup.py``.
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from stress import big_document  # noqa: E402
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

FORM = "suzhou-project-selfeval-2023"
KEYS = 200


def _big_document(rows: int = 2000):
    return big_document(rows)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _type(app, widget, ch: str) -> None:
    from PySide6.QtGui import QInputMethodEvent

    ev = QInputMethodEvent("", [])
    ev.setCommitString(ch)
    app.sendEvent(widget, ev)


def _keystrokes(app, widget, n: int) -> list[float]:
    from PySide6.QtCore import Qt

    times = []
    for i in range(n):
        if i % 8 == 0 and hasattr(widget, "selectAll"):
            widget.selectAll()
        t0 = time.perf_counter()
        _type(app, widget, "０１２３４５６７８９"[i % 10])
        app.processEvents()  # repaint of the changed cells, as the next frame would
        times.append(time.perf_counter() - t0)
    del Qt
    return times


def run() -> list[tuple[str, str, str]]:
    home = tempfile.mkdtemp(prefix="jixiao-bench-")
    os.environ["JIXIAO_HOME"] = home
    from desktop.app import make_app

    app = make_app()
    from desktop.session import FormSession
    from ui.form_window import FormWindow

    path = Path(home) / "两千行.jxd"
    FormSession.create(path, _big_document()).close()
    FormSession.open(path).close()  # warm: SQLAlchemy imported, file cached
    t0 = time.perf_counter()
    session = FormSession.open(path)
    t1 = time.perf_counter()
    win = FormWindow(session)
    win.resize(1200, 900)
    win.show()
    app.processEvents()
    t2 = time.perf_counter()
    view = win.views[session.state.doc.parts[0].id]
    before = session.state.parts[0].text("quota_balance")
    field_times = _keystrokes(app, view.editors["a_initial"], KEYS)
    assert session.state.parts[0].text("quota_balance") != before  # the keystrokes did recompute
    # a table cell: the 实际完成值 of the last indicator, edited in place
    tv = view.tables["indicators"]
    ps = session.state.parts[0]
    idx = tv.model().index_of(f"indicators/{ps.data_rows('indicators')[-1]}/actual")
    tv.setCurrentIndex(idx)
    tv.scrollTo(idx)
    tv.edit(idx)
    app.processEvents()
    from PySide6.QtWidgets import QLineEdit

    editor = [w for w in tv.viewport().findChildren(QLineEdit) if w.isVisible()][-1]
    score = f"indicators/{ps.data_rows('indicators')[-1]}/score"
    cell_times = _keystrokes(app, editor, KEYS)
    assert ps.raw(score.replace("score", "actual")).endswith("０１２３４５６７８９"[(KEYS - 1) % 10])
    # a row added: the 55 points are shared anew, every indicator's weight and score change
    inserts = []
    for i in range(10):
        tv.setCurrentIndex(tv.model().index(tv.model().rowCount() - 1, 1))
        r0 = time.perf_counter()
        tv.insert_row()
        app.processEvents()
        inserts.append(time.perf_counter() - r0)
    flushes = []
    win.flush()
    revision = session.draft.revision
    for i in range(20):  # the draft write that follows a pause in typing (off the keystroke's frame)
        _type(app, view.editors["e_carry"], "０１２３４５６７８９"[i % 10])
        w0 = time.perf_counter()
        win.flush()
        flushes.append(time.perf_counter() - w0)
    assert session.draft.revision == revision + 20, (revision, session.draft.revision)
    win.close()
    app.processEvents()

    def q95(xs: list[float]) -> float:
        return sorted(xs)[int(len(xs) * 0.95) - 1]

    return [
        ("open a 2000-row draft: FormSession.open", _ms(t1 - t0), ""),
        ("open a 2000-row draft: window built and painted", _ms(t2 - t0), "< 1000 ms"),
        ("keystroke → totals and marks repainted, header field (median)", _ms(statistics.median(field_times)), "≤ 16 ms"),
        ("keystroke → totals and marks repainted, header field (p95)", _ms(q95(field_times)), "≤ 16 ms"),
        ("keystroke → score, totals, marks repainted, table cell (median)", _ms(statistics.median(cell_times)), "≤ 16 ms"),
        ("keystroke → score, totals, marks repainted, table cell (p95)", _ms(q95(cell_times)), "≤ 16 ms"),
        ("insert a row in the 2000-row table, all weights re-shared, repainted (median)",
         _ms(statistics.median(inserts)), ""),
        ("draft write after a pause in typing (one transaction, median)", _ms(statistics.median(flushes)),
         "off the keystroke path"),
    ]


if __name__ == "__main__":
    rows = run()
    width = max(len(r[0]) for r in rows)
    for measure, figure, target in rows:
        print(f"{measure:<{width}}  {figure:>10}  {target}")
