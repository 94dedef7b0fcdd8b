"""Start-up and memory of the app, each as a ratio to a bare PySide6 window started in the same run.

* start-up: from launching the process to the main window painted for the first time;
  target ≤ 1.5× the bare window.
* peak memory with a 2000-row form open (``jixiao gui DRAFT``), as a ratio to the bare
  window's peak (target ≤ 2×), in MiB.

Every figure is measured the same way in a fresh process: the child runs until its
window's first paint (its first ``UpdateRequest`` handled), then prints the time and
its peak resident memory (``VmHWM``, the same point for both) and quits.  The bare
window is a ``QMainWindow`` of the form window's size (the pixels of the window are
not the app's doing).  Bytecode is written once (to a temporary ``PYTHONPYCACHEPREFIX``) by
an unmeasured first launch of each, as an installed app has its ``.pyc``.  Launches alternate
bare, main window, form so that a busy machine slows all alike; the table gives min and
median, ratios of the medians.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("JIXIAO_BENCH_RUNS", "5"))

# installed on the QApplication; says "painted <maxrss KiB>" after the first top-level window's first paint
PAINTED = r"""
import sys

def _maxrss():
    # KiB.  Linux: the process's own high-water mark (ru_maxrss is not: after vfork+exec it starts at the
    # parent's peak, and the benchmark's process has just built a 2000-row draft)
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows: psutil's peak working set, when it is installed
        try:
            import psutil
        except ImportError:
            return 0
        return psutil.Process().memory_info().peak_wset // 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

def _install(app):
    # Qt is imported here, not before the app imports it: PySide6 reads the source of every module
    # imported after it until the app's make_app() tells it not to (desktop.app.keep_no_module_sources)
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    def report():
        print("painted", _maxrss(), flush=True)
        for w in QApplication.topLevelWidgets():
            w.close()
        app.exit(0)

    class Painted(QObject):
        def eventFilter(self, obj, e):
            if e.type() == QEvent.Type.UpdateRequest and isinstance(obj, QMainWindow) and obj.isVisible():
                app.removeEventFilter(self)
                QTimer.singleShot(0, report)
            return False

    app._painted = Painted()
    app.installEventFilter(app._painted)
"""

BARE = PAINTED + r"""
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
_install(app)
w = QMainWindow(); w.setWindowTitle("bare")
avail = app.primaryScreen().availableGeometry()   # the form window's size: ui.form_window.fit_to_screen
w.resize(min(1200, avail.width() - 16), min(860, avail.height() - 48)); w.show()
app.exec()
"""

APP = PAINTED + r"""
import runpy
import desktop.app as _app
_make = _app.make_app
def _make_app(argv=None):
    app = _make(argv)
    _install(app)
    return app
_app.make_app = _make_app
sys.argv = ["jixiao", *sys.argv[1:]]
runpy.run_module("desktop", run_name="__main__")
"""


def _launch(args: list[str], home: str, pycache: str) -> tuple[float, float]:
    """Time to the first paint and peak memory of one child.  Bytecode is kept (in ``pycache``, outside
    the tree) as an installed app has it: compiling the app's modules on every start is not start-up."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               PYTHONPYCACHEPREFIX=pycache, JIXIAO_HOME=home)
    for name in ("JIXIAO_EXIT_AFTER_SHOWN", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    shown = rss = None
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("painted") and shown is None:
            shown = time.perf_counter() - t0
            rss = int(line.split()[1]) / 1024  # KiB -> MiB
    proc.wait(timeout=60)
    if shown is None or rss is None:
        raise RuntimeError(f"{args!r} never painted its window (exit {proc.returncode})")
    return shown, rss


def _big_draft(folder: Path) -> Path:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from stress import big_document

    from desktop.session import FormSession

    path = folder / "两千行.jxd"
    # made by the app, as the clerk's saved draft is (what the engine adds to a new document is written now)
    FormSession.create(path, big_document(2000)).close()
    return path


def _span(xs: list[float], unit: str, scale: float = 1.0) -> str:
    return f"{min(xs) * scale:.0f}/{statistics.median(xs) * scale:.0f} {unit}"


def run() -> list[tuple[str, str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        big = _big_draft(Path(tmp))
        home, pycache = str(Path(tmp) / "home"), str(Path(tmp) / "pycache")
        bare_t, app_t, big_t, bare_m, app_m, big_m = [], [], [], [], [], []
        launches = ((BARE, [], bare_t, bare_m), (APP, [], app_t, app_m), (APP, ["gui", str(big)], big_t, big_m))
        for code, extra, _t, _m in launches:  # not measured: writes the bytecode of each
            _launch(["-c", code, *extra], home, pycache)
        for _ in range(RUNS):
            for code, extra, times, mems in launches:
                t, m = _launch(["-c", code, *extra], home, pycache)
                times.append(t)
                mems.append(m)
    bt, at, gt = (statistics.median(x) for x in (bare_t, app_t, big_t))
    rows = [
        ("bare PySide6 window painted (min/median)", _span(bare_t, "ms", 1000), "baseline"),
        ("main window painted (min/median)", f"{_span(app_t, 'ms', 1000)} = {at / bt:.2f}× bare", "≤ 1.5×"),
        ("2000-row draft painted, from launch (min/median)", f"{_span(big_t, 'ms', 1000)} = {gt / bt:.2f}× bare",
         "open < 1 s"),
    ]
    if all(bare_m) and all(big_m):
        bm, am, mm = (statistics.median(x) for x in (bare_m, big_m, app_m))
        rows += [
            ("peak memory: bare window (min/median)", _span(bare_m, "MiB"), "baseline"),
            ("peak memory: main window (min/median)", f"{_span(app_m, 'MiB')} = {mm / bm:.2f}× bare", ""),
            ("peak memory: 2000-row form open (min/median)", f"{_span(big_m, 'MiB')} = {am / bm:.2f}× bare "
             f"(worst {max(big_m) / min(bare_m):.2f}×)", "≤ 2×"),
        ]
    else:
        rows.append(("peak memory", "（此系统无 resource 模块，未测）", ""))
    return rows


if __name__ == "__main__":
    for measure, figure, target in run():
        print(f"{measure:50s} {figure:40s} {target}")
