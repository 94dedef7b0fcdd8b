"""The dependency graph of a definition's computed values.

Every computed value is a node: a computed field, a computed table column
(evaluated row by row), a fixed-row cell formula, or a fixed row that sums other
rows.  A node consumes keys (what its formula reads) and produces keys (what
changes when it changes):

``('F', field)``                 a field
``('R', table, column)``         a column, read within the same row
``('C', table, column)``         a column, read as a whole (sums, counts)
``('X', table, row, column)``    one cell of a fixed row
``('N', table)``                 the set and order of a table's data rows

The nodes are sorted so that each comes after everything it reads; a cycle is
refused when the definition loads, naming the values that form it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from desktop.core.errors import Code, DefinitionError

if TYPE_CHECKING:  # pragma: no cover
    from desktop.core.definition import FormDef


@dataclass(eq=False)
class GraphNode:
    kind: str  # 'field' | 'column' | 'cell' | 'sum'
    name: str  # for messages
    col: str
    table: str | None = None
    row: str | None = None
    compiled: Any = None
    input_when: Any = None
    sum_rows: Any = None
    deps: frozenset = frozenset()
    produces: frozenset = frozenset()
    covered_fixed: tuple[str, ...] = ()  # column nodes: fixed rows the column formula fills
    row_deps: frozenset = frozenset()  # column nodes: (table, column) read within the row
    global_deps: frozenset = frozenset()
    consumers: list["GraphNode"] = field(default_factory=list)


def build_nodes(form: "FormDef") -> list[GraphNode]:
    nodes: list[GraphNode] = []
    for f in form.fields.values():
        if f.compiled is not None:
            nodes.append(GraphNode("field", f"“{f.label}”", f.id, compiled=f.compiled, deps=f.compiled.deps,
                              produces=frozenset({("F", f.id)})))
    for t in form.tables.values():
        data_fixed = set(t.data_fixed_ids)
        for c in t.columns:
            covered = tuple(r.id for r in t.fixed_rows if t.cell_formula(r.id, c.id)[0] == "column")
            if c.compiled is not None:
                deps = set(c.compiled.deps)
                if c.compiled_input_when is not None:
                    deps |= c.compiled_input_when.deps
                produces = {("R", t.id, c.id), ("C", t.id, c.id)} | {("X", t.id, r, c.id) for r in covered}
                nodes.append(GraphNode("column", f"“{t.title}”的“{c.label}”列", c.id, table=t.id,
                                       compiled=c.compiled, input_when=c.compiled_input_when, deps=frozenset(deps),
                                       produces=frozenset(produces), covered_fixed=covered))
        for r in t.fixed_rows:
            for c in t.columns:
                how, detail = t.cell_formula(r.id, c.id)
                if how not in ("cell", "sum"):
                    continue
                produces = {("X", t.id, r.id, c.id), ("R", t.id, c.id)}
                if r.id in data_fixed:
                    produces.add(("C", t.id, c.id))
                if how == "cell":
                    # within a fixed row's own formula, "this row" is that fixed row
                    deps = frozenset(("X", t.id, r.id, k[2]) if k[0] == "R" and k[1] == t.id else k
                                     for k in detail.deps)
                elif detail == "data":
                    deps = frozenset({("C", t.id, c.id), ("N", t.id)})
                else:
                    deps = frozenset(("X", t.id, other, c.id) for other in detail)
                nodes.append(GraphNode(how, f"“{t.title}”的“{r.label}”行“{c.label}”", c.id, table=t.id,
                                       row=r.id, compiled=detail if how == "cell" else None,
                                       sum_rows=detail if how == "sum" else None, deps=frozenset(deps),
                                       produces=frozenset(produces)))
    for n in nodes:
        if n.kind == "column":
            n.row_deps = frozenset((k[1], k[2]) for k in n.deps if k[0] == "R")
            n.global_deps = frozenset(k for k in n.deps if k[0] != "R")
        else:
            n.global_deps = n.deps
    return _sort(nodes)


def _sort(nodes: list[GraphNode]) -> list[GraphNode]:
    """Kahn's algorithm; the order among independent nodes follows the definition."""
    by_key: dict[tuple, list[GraphNode]] = {}
    for n in nodes:
        for key in n.produces:
            by_key.setdefault(key, []).append(n)
    edges: dict[int, set[int]] = {id(n): set() for n in nodes}
    indeg: dict[int, int] = {id(n): 0 for n in nodes}
    index = {id(n): n for n in nodes}
    for n in nodes:
        for key in n.deps:
            for producer in by_key.get(key, ()):
                if producer is n and key[0] == "R" and n.kind == "column":
                    # a column reading itself within the row is a cycle of one
                    raise DefinitionError(Code.DEF_CYCLE, cycle=f"{n.name} → {n.name}")
                if id(n) not in edges[id(producer)]:
                    edges[id(producer)].add(id(n))
                    indeg[id(n)] += 1
    producers: dict[int, list[GraphNode]] = {id(n): [] for n in nodes}
    for n in nodes:
        n.consumers = [index[i] for i in edges[id(n)]]
        for m in n.consumers:
            producers[id(m)].append(n)
    ready = [n for n in nodes if indeg[id(n)] == 0]
    order: list[GraphNode] = []
    while ready:
        n = ready.pop(0)
        order.append(n)
        for m in n.consumers:
            indeg[id(m)] -= 1
            if indeg[id(m)] == 0:
                ready.append(m)
    if len(order) != len(nodes):
        left = [n for n in nodes if indeg[id(n)] > 0]
        raise DefinitionError(Code.DEF_CYCLE, cycle=_cycle_text(left, producers))
    return order


def _cycle_text(left: list[GraphNode], producers: dict[int, list[GraphNode]]) -> str:
    """Walk back along what each unsorted node reads until a node repeats: that is a cycle.

    Every node left unsorted still reads from an unsorted node, so walking backwards never
    leaves the rest and never names a node that merely depends on the cycle."""
    rest = {id(n) for n in left}
    path: list[GraphNode] = [left[0]]
    seen = {id(left[0]): 0}
    while True:
        prev = next(m for m in producers[id(path[-1])] if id(m) in rest)
        if id(prev) in seen:
            cycle = path[seen[id(prev)]:] + [prev]
            return " → ".join(n.name for n in reversed(cycle))
        seen[id(prev)] = len(path)
        path.append(prev)
