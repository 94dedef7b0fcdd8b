"""Start-up and memory of the app, each as a ratio to a bare PySide6 window started in the same run.

* start-up: from launching the process to the main window shown (the app prints
  ``shown`` and exits when ``JIXIAO_EXIT_AFTER_SHOWN=1``); target ≤ 1.5× the bare window.
* peak memory with a 2000-row form open (``jixiao gui DRAFT``), as a ratio to the
  bare window's peak; figures in MiB.

Each figure is the median of several launches, alternating app and baseline so
that a busy machine slows both alike.
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

BARE = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
w = QMainWindow(); w.setWindowTitle("bare"); w.resize(800, 600); w.show()
def done():
    print("shown", flush=True)
    try:
        import resource
        print("maxrss", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)
    except ImportError:
        pass
    app.quit()
QTimer.singleShot(0, done)
app.exec()
"""

MAXRSS_AT_EXIT = r"""
import atexit, runpy, sys
def _report():
    try:
        import resource
        print("maxrss", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)
    except ImportError:
        pass
atexit.register(_report)
sys.argv = ["jixiao", *sys.argv[1:]]
runpy.run_module("desktop", run_name="__main__")
"""


def _launch(args: list[str]) -> tuple[float, float | None]:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               JIXIAO_EXIT_AFTER_SHOWN="1", PYTHONDONTWRITEBYTECODE="1")
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    shown = None
    rss = None
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("shown") and shown is None:
            shown = time.perf_counter() - t0
        elif line.startswith("maxrss"):
            rss = int(line.split()[1]) / 1024  # KiB -> MiB (Linux)
    proc.wait(timeout=60)
    if shown is None:
        raise RuntimeError(f"{args!r} never printed 'shown' (exit {proc.returncode})")
    return shown, rss


def _big_draft(folder: Path) -> Path:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from stress import big_document

    from desktop.store import create_draft_from_document

    path = folder / "两千行.jxd"
    create_draft_from_document(path, big_document(2000))
    return path


def run() -> list[tuple[str, str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        big = _big_draft(Path(tmp))
        bare_t, app_t, bare_m, app_m, big_t = [], [], [], [], []
        for _ in range(RUNS):
            t, m = _launch(["-c", BARE])
            bare_t.append(t)
            bare_m.append(m)
            t, _m = _launch(["-c", MAXRSS_AT_EXIT])
            app_t.append(t)
            t, m = _launch(["-c", MAXRSS_AT_EXIT, "gui", str(big)])
            big_t.append(t)
            app_m.append(m)
    bt, at, gt = (statistics.median(x) for x in (bare_t, app_t, big_t))
    rows = [
        ("bare PySide6 window shown", f"{bt * 1000:.0f} ms", "baseline"),
        ("main window shown", f"{at * 1000:.0f} ms = {at / bt:.2f}× bare", "≤ 1.5×"),
        ("2000-row draft shown (from launch)", f"{gt * 1000:.0f} ms = {gt / bt:.2f}× bare", "open < 1 s"),
    ]
    if all(bare_m) and all(app_m):
        bm, am = statistics.median(bare_m), statistics.median(app_m)  # type: ignore[arg-type]
        rows.append(("peak memory, 2000-row form open", f"{am:.0f} MiB = {am / bm:.2f}× bare ({bm:.0f} MiB)", "≤ 2×"))
    else:
        rows.append(("peak memory", "（此系统无 resource 模块，未测）", ""))
    return rows


if __name__ == "__main__":
    for measure, figure, target in run():
        print(f"{measure:40s} {figure:32s} {target}")
