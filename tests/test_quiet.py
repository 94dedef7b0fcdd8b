"""A new draft is calm: a check whose inputs nobody has filled yet (a 权重合计 of an empty table) is 未填,
not 错误, until one of its inputs is typed into, 全部检查 is asked for or the draft is exported."""
from __future__ import annotations

import pytest

from desktop.core.catalog import form_ids, load_form, load_sample
from desktop.core.document import Document, Part, cell_addr
from desktop.core.engine import DocumentState
from desktop.session import FormSession

SZ = "shenzhen-project-selfeval-2021"  # C
E = "suzhou-project-selfeval-2023"


def new_session(form_id: str) -> FormSession:
    form = load_form(form_id)
    part = Part()
    if form.year and form.meta.get("year") in form.fields:
        part.fields[form.meta["year"]] = form.year  # as the window's 新建 does
    return FormSession(DocumentState(form, Document(form.id, form.version, [part])))


def loud(s: FormSession) -> list[tuple[str, str, str]]:
    """(level, check, address) of every problem the window shows as it is (not 未填)."""
    return [(p.level, p.check, p.addr) for part, ps in zip(s.state.doc.parts, s.state.parts)
            for p in ps.problems.values() if not s.unfilled(part.id, p)]


def checks_of(s: FormSession, check: str) -> list:
    return [p for p in s.state.parts[0].problems.values() if p.check == check]


@pytest.mark.parametrize("form_id", form_ids())
def test_a_new_draft_of_every_form_shows_no_error_and_full_check_still_finds_them(form_id):
    s = new_session(form_id)
    assert [x for x in loud(s) if x[0] == "error"] == []
    everything = sum(len(ps.problems) for ps in s.state.parts)
    s.check_all = True  # 全部检查, or any export
    assert len(loud(s)) == everything


@pytest.mark.parametrize("form_id, check", [(SZ, "weights_100"), (E, "weights_80")])
def test_the_weight_total_of_an_untouched_table_is_quiet_until_checked(form_id, check):
    s = new_session(form_id)
    (p,) = checks_of(s, check)
    assert p.level == "error" and s.unfilled(s.state.doc.parts[0].id, p)
    s.check_all = True
    assert not s.unfilled(s.state.doc.parts[0].id, p)


def test_typing_an_unrelated_field_keeps_it_quiet_typing_a_weight_wakes_it():
    s = new_session(SZ)
    pid = s.state.doc.parts[0].id
    s.execute(s.set_cell_command(pid, "project_name", "城市道路养护"))
    assert ("error", "weights_100", "total_weight") not in loud(s)
    row = s.state.parts[0].data_rows("indicators")[0]
    cmd = s.set_cell_command(pid, cell_addr("indicators", row, "weight"), "20")
    change = s.apply(cmd)
    assert ("error", "weights_100", "total_weight") in loud(s)
    assert "total_weight" in change.marks and change.problems  # the window repaints the mark and the list


def test_a_typed_input_wakes_the_check_even_when_its_value_does_not_change():
    s = new_session(SZ)
    pid = s.state.doc.parts[0].id
    row = s.state.parts[0].data_rows("indicators")[0]
    change = s.apply(s.set_cell_command(pid, cell_addr("indicators", row, "weight"), "0"))
    assert ("error", "weights_100", "total_weight") in loud(s) and "total_weight" in change.marks


def test_undoing_the_first_entry_does_not_hide_the_check_again():
    s = new_session(SZ)
    pid = s.state.doc.parts[0].id
    row = s.state.parts[0].data_rows("indicators")[0]
    s.execute(s.set_cell_command(pid, cell_addr("indicators", row, "weight"), "20"))
    assert s.history.undo()
    assert ("error", "weights_100", "total_weight") in loud(s)  # typed once: shown as it is from now on


def test_adding_a_row_is_touching_the_table():
    s = new_session(E)
    pid = s.state.doc.parts[0].id
    assert ("error", "weights_80", "weight_total") not in loud(s)
    s.execute(s.insert_rows_command(pid, "indicators", 11))
    assert ("error", "weights_80", "weight_total") in loud(s)


def test_the_forms_own_initial_rows_are_not_the_clerks_work_but_a_changed_preset_is():
    s = new_session(E)
    pid = s.state.doc.parts[0].id
    ps = s.state.parts[0]
    rows = ps.data_rows("indicators")
    assert len(checks_of(s, "no_actual")) == len(rows) and not any(x[1] == "no_actual" for x in loud(s))
    s.execute(s.set_cell_command(pid, cell_addr("indicators", rows[0], "weight"), "2"))
    assert ("error", "weights_80", "weight_total") in loud(s)
    # another row's own check reads only its own row: still quiet
    assert not any(x[1] == "no_actual" for x in loud(s))
    s.execute(s.set_cell_command(pid, cell_addr("indicators", rows[1], "actual"), ""))
    assert [x for x in loud(s) if x[1] == "no_actual"] == [("warning", "no_actual",
                                                            cell_addr("indicators", rows[1], "actual"))]


def test_a_draft_reopened_as_it_was_created_is_still_calm_a_filled_one_is_not():
    s = new_session(E)
    again = FormSession(DocumentState(s.form, s.state.doc))
    assert not [x for x in loud(again) if x[0] == "error"]
    changed = s.state.doc
    rows = s.state.parts[0].data_rows("indicators")
    changed.parts[0].rows["indicators"][0].cells["weight"] = "3"
    reopened = FormSession(DocumentState(s.form, changed))
    assert ("error", "weights_80", "weight_total") in loud(reopened)
    assert rows  # the same rows, the preset changed outside this session


@pytest.mark.parametrize("form_id", form_ids())
def test_a_filled_sample_hides_nothing_but_untouched_required_cells(form_id):
    s = FormSession(DocumentState(load_form(form_id), load_sample(form_id)))
    hidden = [p for part, ps in zip(s.state.doc.parts, s.state.parts) for p in ps.problems.values()
              if s.unfilled(part.id, p)]
    assert all(p.check == "required" for p in hidden)


def test_an_override_kept_in_the_draft_counts_as_filled():
    s = new_session(E)
    part = s.state.doc.parts[0]
    row = part.rows["indicators"][0].id
    part.overrides[cell_addr("indicators", row, "score")] = "5"  # above the row's 权重 1
    reopened = FormSession(DocumentState(s.form, s.state.doc))
    assert ("error", "score_le_weight", cell_addr("indicators", row, "score")) in loud(reopened)
