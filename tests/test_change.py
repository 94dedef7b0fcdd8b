"""Every engine edit says what it changed: exactly the cells whose value, computed value or problems differ
afterwards (plus the edited cell itself, whose text changed), and the window repaints exactly those."""
from __future__ import annotations

import pytest

from desktop.core.catalog import load_form, load_sample
from desktop.core.document import cell_addr
from desktop.core.engine import DocumentState

E = "suzhou-project-selfeval-2023"


def _picture(ps):
    """Everything a window shows of a part, per address ("" = problems of the whole form)."""
    marks: dict[str, list] = {}
    for p in ps.problems.values():
        marks.setdefault(p.addr, []).append((p.check, p.level, p.body))
    out = {"": (None, None, None, sorted(marks.get("", [])))}
    for addr in ps.addresses():
        out[addr] = (ps.text(addr), repr(ps.value(addr)), repr(ps.computed_value(addr)), sorted(marks.get(addr, [])))
    return out


def _differs(before, after):
    return {a for a in before.keys() | after.keys() if before.get(a) != after.get(a)}


@pytest.fixture
def ps():
    form = load_form(E)
    return DocumentState(form, load_sample(E)).parts[0]


EDITS = [
    ("field that feeds totals", lambda ps: ps.set_value("a_initial", "2344.7"), "a_initial"),
    ("field made unreadable", lambda ps: ps.set_value("d_paid", "abc"), "d_paid"),
    ("field emptied", lambda ps: ps.set_value("year", ""), "year"),
    ("table cell that feeds a score", lambda ps: ps.set_value(cell_addr("indicators", "i02", "actual"), "1 个"),
     cell_addr("indicators", "i02", "actual")),
    ("row name", lambda ps: ps.set_value(cell_addr("indicators", "i03", "name"), "新名字"),
     cell_addr("indicators", "i03", "name")),
    ("override of a score", lambda ps: ps.set_override(cell_addr("indicators", "i01", "score"), "1"),
     cell_addr("indicators", "i01", "score")),
    ("explanation", lambda ps: ps.set_explanation(f"{next(iter(ps.problems.values())).key}", "核实无误"), None),
]


@pytest.mark.parametrize("what,edit,edited", EDITS, ids=[e[0] for e in EDITS])
def test_an_edit_reports_exactly_what_the_window_must_repaint(ps, what, edit, edited):
    if what == "explanation":
        ps.set_value("d_paid", "abc")  # a problem to explain
    before = _picture(ps)
    change = edit(ps)
    after = _picture(ps)
    differs = _differs(before, after)
    if what == "explanation":  # the explanation is not part of a cell's picture: only its mark is redrawn
        key = next(iter(ps.problems.values())).key
        assert change.marks == {key.split("@", 1)[1]} and change.cells == set()
        return
    assert differs, "the edit changed something"
    assert differs <= change.repaint, f"not reported: {sorted(differs - change.repaint)}"
    assert change.repaint - {edited} <= differs, f"reported but unchanged: {sorted(change.repaint - differs - {edited})}"
    assert change.part_ids == {ps.part.id}
    assert not change.everything and not change.tables


def test_rows_added_and_removed_are_reported(ps):
    change = ps.insert_rows("indicators", [(2, {"cls": "产出目标", "name": "新指标"}, "n1")])
    assert change.rows_added == [(ps.part.id, "indicators", "n1")]
    assert change.tables == {(ps.part.id, "indicators")}
    before = _picture(ps)
    change = ps.remove_rows("indicators", ["n1", "i05"])
    assert sorted(change.rows_removed) == [(ps.part.id, "indicators", "i05"), (ps.part.id, "indicators", "n1")]
    assert change.problems
    surviving = {a for a in _differs(before, _picture(ps)) if "/n1/" not in a and "/i05/" not in a}
    assert surviving <= change.repaint  # weights re-shared, totals: every surviving cell that differs


def test_a_value_written_back_unchanged_is_not_reported(ps):
    ps.set_value("a_initial", "100")
    change = ps.set_value("a_initial", "100")
    assert change.cells == {"a_initial"}  # only the edited cell itself
    assert change.marks == set() and change.computed == set()


def test_update_merges_changes(ps):
    one = ps.set_value("a_initial", "1")
    two = ps.set_value("b_adjust", "2")
    merged = one.update(two)
    assert {"a_initial", "b_adjust"} <= merged.cells


class _Writer:
    """A draft stand-in that records the typed operations' calls."""

    readonly = False
    notice = ""
    out_of_step = False

    def __init__(self):
        self.calls = []

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *args: self.calls.append((name, args))


def test_edits_reach_the_store_as_typed_operations():
    from desktop.core import edits
    from desktop.session import FormSession

    form = load_form(E)
    writer = _Writer()
    s = FormSession(DocumentState(form, load_sample(E)), writer, autoflush=False)
    pid = s.state.doc.parts[0].id
    for text in ("1", "12", "123"):  # typing on in one cell: one write of the last text
        s.execute(s.set_cell_command(pid, "a_initial", text))
    s.execute(s.insert_rows_command(pid, "indicators", 0))
    assert [type(op) for op in s.pending] == [edits.SetValueOp, edits.InsertRowOp]
    assert s.pending[0] == edits.SetValueOp(pid, "a_initial", "123")
    assert s.flush()
    assert [name for name, _ in writer.calls] == ["set_value", "insert_row"]
    assert writer.calls[0][1] == (pid, "a_initial", "123")
