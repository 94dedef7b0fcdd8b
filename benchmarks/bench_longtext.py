"""Opening a draft whose 项目概况 holds one very long text: in core and in the window.

    python benchmarks/bench_longtext.py

A 1 MB text (1,000,000 characters, the limit of one value, see desktop/core/limits.py)
against the same draft with a 1 KB text, measured in the same run:

* core: ``FormSession.open`` (the draft checked against the limits, read, computed and checked);
* window: the same plus the form window built, shown and painted once.

Two kinds of 1 MB text (and a 100 KB one, to show the growth): one with no place to break a
line (the case that was quadratic: Qt searched the whole "word" again for every line) and
Chinese prose with a line break every 200 characters.  Opening is linear when the 1 MB / 1 KB ratio stays near the size ratio or
below (most of the time at 1 KB is the fixed cost of the window).
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

FORM = "suzhou-project-selfeval-2023"
KINDS = {
    "1 KB": ("x", 1_000),
    "100 KB, no place to break": ("x", 100_000),
    "1 MB, no place to break": ("x", 1_000_000),
    "1 MB Chinese, 200-character lines": ("项目概况说明文字。" * 22 + "\n", 1_000_000),
}


def _draft(folder: Path, name: str, unit: str, size: int) -> Path:
    from desktop.core.catalog import load_sample
    from desktop.store import Draft

    doc = load_sample(FORM)
    doc.parts[0].fields["overview"] = (unit * (size // len(unit) + 1))[:size]
    path = folder / f"{name}.jxd"
    Draft.create(path, doc).close()
    return path


def _open(app, path: Path) -> tuple[float, float]:
    """Seconds to open in core, and to open in a window shown and painted."""
    from desktop.session import FormSession
    from ui.form_window import FormWindow

    t0 = time.perf_counter()
    session = FormSession.open(path, readonly=True)
    core = time.perf_counter() - t0
    session.close()
    t0 = time.perf_counter()
    session = FormSession.open(path, readonly=True)
    win = FormWindow(session)
    win.resize(1200, 900)
    win.show()
    app.processEvents()
    window = time.perf_counter() - t0
    win.close()
    app.processEvents()
    return core, window


def run() -> list[tuple[str, str, str]]:
    home = tempfile.mkdtemp(prefix="jixiao-bench-")
    os.environ["JIXIAO_HOME"] = home
    from desktop.app import make_app

    app = make_app()
    paths = {name: _draft(Path(home), f"d{i}", unit, size) for i, (name, (unit, size)) in enumerate(KINDS.items())}
    _open(app, paths["1 KB"])  # warm: SQLAlchemy and the window's modules imported
    times = {name: _open(app, path) for name, path in paths.items()}
    base_core, base_window = times["1 KB"]
    rows = []
    for name, (core, window) in times.items():
        rows.append((f"open a draft with a {name} text: core", f"{core * 1000:.0f} ms",
                     "" if name == "1 KB" else f"{core / base_core:.1f}× 1 KB"))
        rows.append((f"open a draft with a {name} text: window painted", f"{window * 1000:.0f} ms",
                     "" if name == "1 KB" else f"{window / base_window:.1f}× 1 KB (linear: ≪ 1000×)"))
    small, big = times["100 KB, no place to break"][1], times["1 MB, no place to break"][1]
    rows.append(("window: 1 MB / 100 KB text with no place to break", f"{big / small:.1f}×",
                 "≤ 10× (linear); was 47 s / 0.5 s ≈ 100×"))
    return rows


if __name__ == "__main__":
    result = run()
    width = max(len(r[0]) for r in result)
    for measure, figure, target in result:
        print(f"{measure:<{width}}  {figure:>10}  {target}")
