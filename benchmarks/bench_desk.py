"""The receiving desk: collect N generated submissions, re-scan the unchanged folder, sort and filter.

    python benchmarks/bench_desk.py [N]      # default 10,000

Targets (issue: the receiving desk): 10,000 submissions collected in ≤ 60 s on
a 2-core machine, a re-scan of the unchanged folder ≤ 2 s, sorting/filtering
the 10,000-row review table ≤ 100 ms; peak memory printed.
"""
from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def generate(folder: Path, n: int) -> None:
    """``n`` JSON submissions: every shipped form in turn, each from its own unit."""
    from desktop.core.catalog import form_ids, load_form, load_sample
    from desktop.core.interchange import dumps

    templates = []
    for fid in form_ids():
        doc, form = load_sample(fid), load_form(fid)
        templates.append((doc, form.meta.get("unit")))
    for i in range(n):
        doc, unit_field = templates[i % len(templates)]
        for part in doc.parts:
            if unit_field:
                part.fields[unit_field] = f"第{i:05d}号单位"
        sub = folder / f"{i // 1000:02d}"
        sub.mkdir(exist_ok=True)
        (sub / f"报送{i:05d}.json").write_text(dumps(doc), encoding="utf-8")


def run(n: int = 10000) -> list[tuple[str, str, str]]:
    from desktop.desk.collect import collect
    from desktop.desk.library import Library

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "收件"
        folder.mkdir()
        generate(folder, n)
        lib = Library.open(Path(tmp) / "库.sqlite")
        t0 = time.perf_counter()
        report = collect(lib, [folder])
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = collect(lib, [folder])
        rescan = time.perf_counter() - t0
        assert report.added == n and again.read == 0, (report.text(), again.text())
        from PySide6.QtWidgets import QApplication

        from ui.desk_model import COLUMNS, DeskFilter, DeskModel

        app = QApplication.instance() or QApplication([])  # noqa: F841 - the model lives in a Qt app
        model = DeskModel()
        data = [r.values for r in lib.submissions()]
        model.load(data)
        t0 = time.perf_counter()
        names = [c for c, _ in COLUMNS]
        model.sort(names.index("budget"))
        model.sort(names.index("score"), model.sort_order.DescendingOrder)
        model.apply(DeskFilter(status="待审", text="号单位"))
        model.apply(DeskFilter(errors_only=False, text="第0001"))
        sort_filter = (time.perf_counter() - t0) / 4
        lib.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from desktop.core.catalog import form_ids

    rows.append((f"收集 {n} 份报送（JSON，{len(form_ids())} 种表轮流）", f"{first:.1f} s（{first / n * 1000:.2f} ms/份）", "≤ 60 s"))
    rows.append(("重新扫描未变的文件夹", f"{rescan:.2f} s", "≤ 2 s"))
    rows.append((f"{n} 行审核表排序或筛选一次（平均）", f"{sort_filter * 1000:.0f} ms", "≤ 100 ms"))
    rows.append(("内存峰值", f"{peak:.0f} MiB", "打印"))
    return rows


if __name__ == "__main__":
    for row in run(int(sys.argv[1]) if len(sys.argv) > 1 else 10000):
        print("  ".join(row))
