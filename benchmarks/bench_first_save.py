"""The first draft write after the first edit: SQLAlchemy is not imported when a draft window opens.

    python benchmarks/bench_first_save.py

Each run is a new process (what is imported is a property of the whole process): a draft is opened in
its window, one character is typed into a field, the events of the pause in typing run
(``FLUSH_DELAY_MS``), then the window's flush is timed.  ``prefetch`` is the app as it is (the first edit
starts importing what the first write needs on a background thread); ``no prefetch`` is the same with
that start disabled, so the flush imports SQLAlchemy on the GUI thread, as before.  Both are measured in
the same run, alternately.  While the pause has not begun the clerk types on (a key every 25 ms): the
slowest of those keystrokes shows what the import on the other thread costs the GUI thread (they share the GIL).
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7

CHILD = """
import sys, time
sys.path.insert(0, '.')
from desktop.app import make_app
app = make_app()
from desktop.store import draft as drafts
if {disable!r}:
    drafts.Draft.expect_write = lambda self: None
path = {path!r}
from ui.new_draft import open_session
from ui.form_window import FLUSH_DELAY_MS, FormWindow
session = open_session(None, path)
win = FormWindow(session); win.show(); app.processEvents()
assert 'sqlalchemy' not in sys.modules
from PySide6.QtGui import QInputMethodEvent
ev = QInputMethodEvent('', []); ev.setCommitString('7')
view = win.views[session.state.doc.parts[0].id]
editor = view.editors['a_initial']
app.sendEvent(editor, ev); app.processEvents()
assert session.pending
win._flush_timer.stop()
keys = []
end = time.perf_counter() + FLUSH_DELAY_MS / 1000
while time.perf_counter() < end:  # the clerk types on while the import runs: one key every 25 ms
    time.sleep(0.025)
    k0 = time.perf_counter(); app.sendEvent(editor, ev); app.processEvents(); keys.append(time.perf_counter() - k0)
win._flush_timer.stop()
end = time.perf_counter() + FLUSH_DELAY_MS / 1000
while time.perf_counter() < end:  # the pause in typing
    app.processEvents(); time.sleep(0.005)
t0 = time.perf_counter(); ok = win.flush(); t1 = time.perf_counter()
assert ok and 'sqlalchemy' in sys.modules
print(f'{{(t1 - t0) * 1000:.1f}} {{max(keys) * 1000:.1f}}')
win.close(); session.close()
"""


def first_flush(disable: bool, home: str, template: Path) -> tuple[float, float]:
    """(ms of the first flush, ms of the slowest keystroke typed while the prefetch runs)."""
    path = Path(tempfile.mkdtemp(dir=home)) / "表.jxd"
    shutil.copyfile(template, path)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", JIXIAO_HOME=home)
    out = subprocess.run([sys.executable, "-c", CHILD.format(disable=disable, path=str(path))], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    flush, key = out.stdout.strip().splitlines()[-1].split()
    return float(flush), float(key)


def run(runs: int = RUNS) -> list[tuple[str, str, str]]:
    sys.path.insert(0, str(ROOT))
    from desktop.core.catalog import load_sample
    from desktop.session import FormSession

    home = tempfile.mkdtemp(prefix="jixiao-bench-")
    template = Path(home) / "样表.jxd"
    FormSession.create(template, load_sample("suzhou-project-selfeval-2023")).close()
    first_flush(False, home, template)  # bytecode written, files cached
    with_, without = [], []
    for _ in range(runs):
        without.append(first_flush(True, home, template))
        with_.append(first_flush(False, home, template))
    med = lambda runs, i: statistics.median(r[i] for r in runs)  # noqa: E731
    a, b = med(without, 0), med(with_, 0)
    return [("first flush after the first edit, no prefetch (median)", f"{a:.1f} ms", "the hitch before"),
            ("first flush after the first edit, prefetch (median)", f"{b:.1f} ms", "≤ 50 ms"),
            ("ratio prefetch / no prefetch", f"{b / a:.2f}×", ""),
            ("slowest keystroke typed meanwhile, no prefetch (median of runs)", f"{med(without, 1):.1f} ms", ""),
            ("slowest keystroke typed meanwhile, prefetch (median of runs)", f"{med(with_, 1):.1f} ms", "≤ 16 ms"),
            ("first flushes, no prefetch / prefetch", f"{[r[0] for r in without]} / {[r[0] for r in with_]}", "")]

if __name__ == "__main__":
    for measure, figure, target in run():
        print(f"{measure:<64}  {figure:>10}  {target}")
