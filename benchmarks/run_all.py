"""Run every benchmark of the project and print one table.

    python benchmarks/run_all.py            # all
    python benchmarks/run_all.py engine pdf # some

Each ``benchmarks/bench_*.py`` exposes ``run() -> list[(measure, figure, target)]``;
figures are measured in this run, ratios against baselines measured in the same
run.  These are measurements, not tests: nothing here fails a build.
"""
from __future__ import annotations

import importlib.util
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["engine", "store", "startup", "ui", "longtext", "pdf", "xlsx", "import", "desk"]


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(HERE.parent))
    found = {p.stem.removeprefix("bench_"): p for p in sorted(HERE.glob("bench_*.py"))}
    names = argv[1:] or sorted(found, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))
    rows: list[tuple[str, str, str, str]] = []
    for name in names:
        path = found.get(name)
        if path is None:
            rows.append((name, "（没有这个基准）", "", ""))
            continue
        t0 = time.perf_counter()
        try:
            for measure, figure, target in _load(path).run():
                rows.append((name, measure, figure, target))
        except Exception as exc:  # a broken benchmark is reported, the others still run
            traceback.print_exc()
            rows.append((name, "（出错）", f"{type(exc).__name__}: {exc}", ""))
        print(f"[{name}: {time.perf_counter() - t0:.1f} s]", file=sys.stderr, flush=True)
    widths = [max(_w(r[i]) for r in rows + [("benchmark", "measure", "figure", "target")]) for i in range(4)]
    header = ("benchmark", "measure", "figure", "target")
    for r in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(_pad(c, w) for c, w in zip(r, widths)))
    return 0


def _w(s: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in s)


def _pad(s: str, width: int) -> str:
    return s + " " * (width - _w(s))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
