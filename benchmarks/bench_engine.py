"""Benchmark: recompute plus checks after one edit, on a stress form of 2000 indicator rows.

The stress form is form E (苏州市级财政支出项目绩效自评表 2023) with its 项目绩效实现情况
table filled with 2000 indicator rows (the seed's own rows, repeated).  Each timed edit is
one ``PartState.set_value`` — reading the typed text, recomputing what depends on it and
re-running the checks it touches — on a random row's 实际完成值, 目标值 or 指标名称, or a
budget field.  Target: 2 ms median.

Run: ``python benchmarks/bench_engine.py`` (prints a table); ``run()`` returns the rows.
"""
from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script from a clean clone
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FORM_ID = "suzhou-project-selfeval-2023"
ROWS = 2000
EDITS = 1200
TARGET_MS = 2.0

ACTUALS = ["3 个", "2 个", "30 人", "29 人", "4 次", "90%", "85%", "12 个月", "0 次", "3 次", "99%", "95%",
           "100%", "较好", "一般", "", "abc"]
TARGETS = [">=3 个", ">=30 人", "=4 次", ">=90%", "<=12 个月", "<=2 次", ">=99%", "稳定", "完善", ">=95%"]


def stress_state(rows: int = ROWS):
    """Form E with ``rows`` indicator rows, evaluated."""
    from desktop.core.catalog import load_form, load_sample
    from desktop.core.document import Row
    from desktop.core.engine import DocumentState

    form = load_form(FORM_ID)
    doc = load_sample(FORM_ID)
    part = doc.parts[0]
    seed_rows = part.rows["indicators"]
    common = [r for r in seed_rows if r.cells.get("cls") in ("决策目标", "过程目标")]
    shared = [r for r in seed_rows if r not in common]
    out = [Row(r.id, dict(r.cells)) for r in common]
    i = 0
    while len(out) < rows:
        src = shared[i % len(shared)]
        out.append(Row(f"s{i:05d}", {**src.cells, "name": f"{src.cells.get('name', '')}{i}"}))
        i += 1
    part.rows["indicators"] = out
    return DocumentState(form, doc)


def _edits(ps, n: int, rng: random.Random):
    rows = ps.data_rows("indicators")
    shared = [r for r in rows if r.startswith("s")]
    for k in range(n):
        pick = rng.random()
        if pick < 0.6:
            yield f"indicators/{rng.choice(shared)}/actual", rng.choice(ACTUALS)
        elif pick < 0.8:
            yield f"indicators/{rng.choice(shared)}/target", rng.choice(TARGETS)
        elif pick < 0.95:
            yield f"indicators/{rng.choice(rows)}/name", f"指标{k}"
        else:
            yield rng.choice(["a_initial", "c_allocated", "d_paid"]), f"{rng.randint(1000, 3000)}.{rng.randint(0, 99)}"


def measure(rows: int = ROWS, edits: int = EDITS, seed: int = 2023) -> dict:
    t0 = time.perf_counter()
    state = stress_state(rows)
    build = time.perf_counter() - t0
    ps = state.parts[0]
    t0 = time.perf_counter()
    ps.recompute_all()
    full = time.perf_counter() - t0
    rng = random.Random(seed)
    times = []
    for addr, raw in _edits(ps, edits, rng):
        t0 = time.perf_counter()
        ps.set_value(addr, raw)
        times.append(time.perf_counter() - t0)
    # a structural edit: one more row in the 55-point group re-shares every weight
    t0 = time.perf_counter()
    rid = ps.insert_row("indicators", cells={"cls": "产出目标", "name": "新增指标", "target": ">=1 个"})
    insert = time.perf_counter() - t0
    ps.remove_row("indicators", rid)
    times.sort()
    agrees = _agrees_with_fresh(state)
    return {
        "agrees": agrees,
        "rows": len(ps.data_rows("indicators")),
        "edits": len(times),
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": times[int(len(times) * 0.95) - 1] * 1000,
        "max_ms": times[-1] * 1000,
        "full_ms": full * 1000,
        "build_ms": build * 1000,
        "insert_ms": insert * 1000,
        "weight_total": ps.text("weight_total"),
    }


def _agrees_with_fresh(state) -> bool:
    """The incremental state after all the edits equals a full recompute from the document."""
    import copy

    from desktop.core.document import Document
    from desktop.core.engine import DocumentState

    ps = state.parts[0]
    fresh = DocumentState(state.form, Document.from_dict(copy.deepcopy(state.doc.to_dict()))).parts[0]
    cells = all(ps.text(a) == fresh.text(a) for a in ps.addresses())
    problems = {(p.check, p.addr, p.body) for p in ps.problems.values()} == \
        {(p.check, p.addr, p.body) for p in fresh.problems.values()}
    return cells and problems


def run() -> list[tuple[str, str, str]]:
    m = measure()
    ok = "达标" if m["median_ms"] <= TARGET_MS else "未达标"
    return [
        (f"一次编辑后重算+校验，中位数（{m['rows']} 行指标，{m['edits']} 次编辑）", f"{m['median_ms']:.3f} ms",
         f"≤ {TARGET_MS:g} ms（{ok}）"),
        ("一次编辑后重算+校验，P95", f"{m['p95_ms']:.3f} ms", "—"),
        ("一次编辑后重算+校验，最大", f"{m['max_ms']:.3f} ms", "—"),
        ("增加一行（重新分摊全部权重）", f"{m['insert_ms']:.1f} ms", "—"),
        ("全部重算", f"{m['full_ms']:.1f} ms", "—"),
        ("编辑后的结果与全部重算一致", "一致" if m["agrees"] else "不一致", "一致"),
    ]


def main() -> int:
    rows = run()
    width = max(len(r[0]) for r in rows)
    print(f"{'测量项目'.ljust(width)}  {'结果':>12}  目标")
    for measure_, figure, target in rows:
        print(f"{measure_.ljust(width)}  {figure:>12}  {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
