"""Drafts store benchmarks: cost of committing one edit, and of opening a 2000-row draft.

    python benchmarks/bench_store.py

* one edit through ``Draft.set_value`` as a ratio to a raw ``sqlite3`` upsert
  + commit on a copy of the same file with the same durability
  (``journal_mode=DELETE``, ``synchronous=FULL``), measured in the same run,
  interleaved; target ≤ 2×;
* opening a draft with 2000 table rows (``Draft.open`` to ``.document``),
  target ≤ 100 ms — warm (SQLAlchemy already imported, as in the running app)
  and cold (a new process, imports included);
* for docs/drafts.md: the raw commit under other journal/synchronous settings.

Run it on the kind of disk the clerks use: on a RAM disk fsync is free and the
ratio only measures Python overhead.
"""
from __future__ import annotations

import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from stress import big_document  # noqa: E402

FORM = "suzhou-project-selfeval-2023"
ROUNDS, PER_ROUND = 7, 40


def _big_document(rows: int = 2000):
    return big_document(rows)


def _raw_commit(path: Path, journal: str, sync: str, n: int) -> float:
    """Seconds per upsert+commit with plain sqlite3."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute(f"PRAGMA journal_mode={journal}")
    con.execute(f"PRAGMA synchronous={sync}")
    pid = con.execute("SELECT id FROM parts LIMIT 1").fetchone()[0]
    sql = ("INSERT INTO field_values (part_id, field, value) VALUES (?, ?, ?) "
           "ON CONFLICT (part_id, field) DO UPDATE SET value = excluded.value")
    started = time.perf_counter()
    for i in range(n):
        con.execute("BEGIN")
        con.execute(sql, (pid, "year", str(2000 + i % 50)))
        con.execute("COMMIT")
    took = (time.perf_counter() - started) / n
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    return took


def _draft_commit(draft, n: int) -> float:
    pid = draft.document.parts[0].id
    started = time.perf_counter()
    for i in range(n):
        draft.set_value(pid, "year", str(2000 + i % 50))
    return (time.perf_counter() - started) / n


def _cold_open(path: Path) -> float:
    code = ("import time,sys; t=time.perf_counter(); from desktop.store import Draft; "
            "d=Draft.open(sys.argv[1], readonly=True); d.document; print(time.perf_counter()-t)")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=ROOT,
                         check=True)
    return float(out.stdout.strip())


def run() -> list[tuple[str, str, str]]:
    from desktop.core.catalog import load_sample
    from desktop.store import Draft

    work = Path(tempfile.mkdtemp(prefix="bench_store_"))
    rows: list[tuple[str, str, str]] = []
    try:
        draft_path, raw_path = work / "编辑.jxd", work / "raw.jxd"
        Draft.create(draft_path, load_sample(FORM)).close()
        shutil.copyfile(draft_path, raw_path)
        draft = Draft.open(draft_path)
        _draft_commit(draft, 5)  # warm: statements compiled, form loaded
        _raw_commit(raw_path, "DELETE", "FULL", 5)
        ours, raw = [], []
        for _ in range(ROUNDS):  # interleaved so disk weather hits both alike
            ours.append(_draft_commit(draft, PER_ROUND))
            raw.append(_raw_commit(raw_path, "DELETE", "FULL", PER_ROUND))
        draft.close()
        o, r = statistics.median(ours), statistics.median(raw)
        rows.append(("commit one edit, Draft.set_value (DELETE journal, synchronous=FULL)", f"{o * 1000:.2f} ms", ""))
        rows.append(("commit one edit, raw sqlite3 upsert+commit, same settings", f"{r * 1000:.2f} ms", ""))
        rows.append(("commit one edit: ratio draft / raw", f"{o / r:.2f}×", "≤ 2×"))
        for journal, sync in (("DELETE", "NORMAL"), ("WAL", "NORMAL"), ("WAL", "FULL"), ("DELETE", "OFF")):
            t = statistics.median(_raw_commit(raw_path, journal, sync, PER_ROUND) for _ in range(3))
            rows.append((f"raw commit with journal_mode={journal}, synchronous={sync} (for comparison)",
                         f"{t * 1000:.2f} ms", ""))

        big = work / "2000行.jxd"
        t = time.perf_counter()
        Draft.create(big, _big_document()).close()
        rows.append(("create a 2000-row draft", f"{(time.perf_counter() - t) * 1000:.0f} ms", ""))
        times = []
        for _ in range(7):
            t = time.perf_counter()
            with Draft.open(big) as d:
                n = len(d.document.parts[0].rows["indicators"])
            times.append(time.perf_counter() - t)
        assert n == 2000
        rows.append(("open a 2000-row draft for writing (warm)", f"{statistics.median(times) * 1000:.1f} ms", "≤ 100 ms"))
        times = []
        for _ in range(7):
            t = time.perf_counter()
            with Draft.open(big, readonly=True) as d:
                d.document
            times.append(time.perf_counter() - t)
        rows.append(("open a 2000-row draft read-only (warm)", f"{statistics.median(times) * 1000:.1f} ms", "≤ 100 ms"))
        cold = statistics.median(_cold_open(big) for _ in range(3))
        rows.append(("open a 2000-row draft in a new process (imports included)", f"{cold * 1000:.0f} ms", ""))
        with Draft.open(big) as d:
            pid = d.document.parts[0].id
            t = time.perf_counter()
            for i in range(20):
                d.set_value(pid, "indicators/r01500/actual", f"{i}%")
            rows.append(("commit one cell edit in the 2000-row draft", f"{(time.perf_counter() - t) / 20 * 1000:.2f} ms", ""))
            t = time.perf_counter()
            d.move_row(pid, "indicators", "r00100", 1900)
            rows.append(("move one row in the 2000-row draft", f"{(time.perf_counter() - t) * 1000:.1f} ms", ""))
        rows.append(("size of the 2000-row draft", f"{big.stat().st_size // 1024} KiB", ""))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows


def main() -> None:
    rows = run()
    width = max(len(r[0]) for r in rows)
    for measure, figure, target in rows:
        print(f"{measure:<{width}}  {figure:>10}  {target}")


if __name__ == "__main__":
    main()
