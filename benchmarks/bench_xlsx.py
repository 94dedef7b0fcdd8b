"""Excel export / import figures: per-form export and read-back times, and hostile files.

    python benchmarks/bench_xlsx.py
"""
from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    try:
        fn(*args, **kwargs)
    except Exception:  # noqa: BLE001 - hostile files are refused on purpose
        pass
    return time.perf_counter() - t0


def run() -> list[tuple[str, str, str]]:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests"))
    from desktop.core.catalog import form_ids, load_form, load_sample
    from desktop.core.engine import DocumentState
    from desktop.export.xlsx import export_xlsx
    from desktop.export.xlsx_import import read_sheet_table, read_xlsx
    from xlsx_builders import inline, row, write_xlsx

    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for fid in form_ids():
            state = DocumentState(load_form(fid), load_sample(fid))
            path = folder / f"{fid}.xlsx"
            t_export = _timed(export_xlsx, state, path)
            t_read = _timed(read_xlsx, path)
            rows.append((f"XLSX 导出 {fid}", f"{t_export * 1000:.0f} ms（{path.stat().st_size // 1024} KB）", "< 2 s"))
            rows.append((f"XLSX 读回 {fid}", f"{t_read * 1000:.0f} ms", "< 1 s"))

        def million():
            yield row(1, [inline("A1", "指标名称"), inline("B1", "目标值")])
            for r in range(2, 1_000_002):
                yield f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>'

        big = write_xlsx(folder / "million.xlsx", million(), level=1)
        tracemalloc.start()
        t = _timed(read_sheet_table, big, max_rows=5000)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        rows.append(("一百万行的表（读前 5000 行）", f"{t:.2f} s，峰值 {peak / 2**20:.0f} MB", "< 5 s，< 200 MB"))

        def bomb():
            yield row(1, [inline("A1", "x")])
            chunk = " " * (1 << 20)
            for _ in range(1000):
                yield chunk

        zb = write_xlsx(folder / "bomb.xlsx", bomb(), level=1)
        rows.append((f"压缩炸弹（{zb.stat().st_size // 1024} KB → 1 GB）拒绝",
                     f"{_timed(read_sheet_table, zb) * 1000:.0f} ms", "< 5 s"))
    return rows


if __name__ == "__main__":
    for measure, figure, target in run():
        print(f"{measure}\t{figure}\t目标 {target}")
