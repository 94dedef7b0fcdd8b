"""FormSession: engine first, then the draft; undo/redo; write failures keep everything and retry."""
from __future__ import annotations

import pytest

from desktop.core.catalog import form_ids, load_form, load_sample
from desktop.core.document import Document
from desktop.session import FormSession, SessionError

E = "suzhou-project-selfeval-2023"
C = "shenzhen-project-selfeval-2021"


@pytest.fixture
def session(tmp_path, jixiao_home):
    s = FormSession.create(tmp_path / "自评表.jxd", load_sample(E))
    yield s
    if s.draft is not None and not s.draft.closed:
        s.draft.close()


def _pid(s):
    return s.state.doc.parts[0].id


def test_edit_goes_to_engine_and_draft(session, tmp_path):
    ps = session.state.parts[0]
    change = session.apply(session.set_cell_command(_pid(session), "a_initial", "２３４４．７"))
    assert ps.text("quota_balance") == "266.92"
    assert {"a_initial", "quota_balance"} <= change.cells
    assert session.status == "saved"
    assert session.close()
    again = FormSession.open(tmp_path / "自评表.jxd")
    assert again.state.parts[0].raw("a_initial") == "２３４４．７"
    assert again.state.parts[0].text("quota_balance") == "266.92"
    again.close()


def test_undo_redo_and_merge(session):
    ps = session.state.parts[0]
    pid = _pid(session)
    for text in ("1", "10", "100"):
        session.execute(session.set_cell_command(pid, "d_paid", text))
    assert len(session.history.done) == 1  # typing in one cell is one undo step
    assert ps.text("balance") == "1977.78"
    session.history.undo()
    assert ps.raw("d_paid") == "2077.6" and ps.text("balance") == "0.18"
    session.history.redo()
    assert ps.raw("d_paid") == "100"


def test_rows_paste_and_reopen(session, tmp_path):
    ps = session.state.parts[0]
    pid = _pid(session)
    n = len(ps.data_rows("composition"))
    session.execute(session.paste_command(pid, "composition", n, 0, [["甲", "1", "2"], ["乙", "3", "4"]]))
    assert len(ps.data_rows("composition")) == n + 2
    assert ps.text("composition/total/budget") == "2347.70"
    rid = ps.data_rows("composition")[0]
    session.execute(session.remove_rows_command(pid, "composition", [rid]))
    assert ps.text("composition/total/budget") == "2055.70"
    session.history.undo()
    assert ps.data_rows("composition")[0] == rid
    last = ps.data_rows("composition")[-1]
    session.execute(session.move_row_command(pid, "composition", last, 0))
    assert ps.data_rows("composition")[0] == last
    session.close()
    again = FormSession.open(tmp_path / "自评表.jxd")
    ps2 = again.state.parts[0]
    assert ps2.data_rows("composition") == ps.data_rows("composition")
    assert ps2.text("composition/total/budget") == "2347.70"
    again.close()


def test_override_and_explanation(session):
    ps = session.state.parts[0]
    pid = _pid(session)
    rid = ps.data_rows("indicators")[-1]
    addr = f"indicators/{rid}/score"
    session.execute(session.set_cell_command(pid, addr, "4", override=True))
    assert ps.is_overridden(addr)
    warning = next(p for p in ps.warnings if p.addr == addr)
    session.execute(session.explain_command(pid, warning.key, "经主管部门核定"))
    assert ps.part.explanations[warning.key] == "经主管部门核定"
    session.execute(session.set_cell_command(pid, addr, None, override=True))
    assert not ps.is_overridden(addr)


def test_computed_cell_refused(session):
    with pytest.raises(SessionError):
        session.set_cell_command(_pid(session), "quota_balance", "1", override=False)


def test_write_failure_keeps_edits_and_retries(session, tmp_path, monkeypatch):
    from desktop.store.errors import draft_error

    draft = session.draft
    real = draft.set_value
    calls = {"n": 0}

    def broken(*a, **k):
        calls["n"] += 1
        raise draft_error("write_failed", draft.path, why="磁盘已满")

    monkeypatch.setattr(draft, "set_value", broken)
    ps = session.state.parts[0]
    session.apply(session.set_cell_command(_pid(session), "d_paid", "2000"))
    assert session.status == "failed"
    assert "保存失败" in session.status_text and "另存为" in session.status_text
    assert ps.raw("d_paid") == "2000"  # still on screen
    monkeypatch.setattr(draft, "set_value", real)
    session.apply(session.set_cell_command(_pid(session), "e_carry", "1"))  # the next edit retries everything
    assert session.status == "saved"
    session.close()
    again = FormSession.open(tmp_path / "自评表.jxd")
    assert again.state.parts[0].raw("d_paid") == "2000"
    assert again.state.parts[0].raw("e_carry") == "1"
    again.close()


def test_save_as_after_failure(session, tmp_path, monkeypatch):
    from desktop.store.errors import draft_error

    def broken(*a, **k):
        raise draft_error("write_failed", session.draft.path, why="U 盘已拔出")

    monkeypatch.setattr(session.draft, "set_value", broken)
    session.apply(session.set_cell_command(_pid(session), "d_paid", "1234"))
    assert session.status == "failed"
    new = session.save_as(tmp_path / "另存.jxd")
    assert session.status == "saved"
    session.close()
    again = FormSession.open(new)
    assert again.state.parts[0].raw("d_paid") == "1234"
    again.close()


def test_parts_add_move_remove(tmp_path, jixiao_home):
    s = FormSession.create(tmp_path / "多项目.jxd", load_sample(C))
    n = len(s.state.parts)
    s.execute(s.add_part_command())
    assert len(s.state.parts) == n + 1
    new_id = s.state.doc.parts[-1].id
    s.execute(s.set_cell_command(new_id, "project_name", "新项目"))
    s.execute(s.move_part_command(new_id, 0))
    assert s.state.part_title(0).endswith("《新项目》")
    s.execute(s.remove_part_command(s.state.doc.parts[1].id))
    assert len(s.state.parts) == n
    s.history.undo()
    assert len(s.state.parts) == n + 1
    s.close()
    again = FormSession.open(tmp_path / "多项目.jxd")
    assert [p.id for p in again.state.doc.parts] == [p.id for p in s.state.doc.parts]
    again.close()


def test_in_memory_session():
    form = load_form(E)
    from desktop.core.engine import DocumentState

    s = FormSession(DocumentState(form, Document(form.id, form.version)))
    s.execute(s.set_cell_command(_pid(s), "a_initial", "100"))
    assert s.status == "memory" and s.flush()


@pytest.mark.parametrize("form_id", form_ids())
def test_every_sample_opens_as_session(form_id, tmp_path, jixiao_home):
    s = FormSession.create(tmp_path / f"{form_id}.jxd", load_sample(form_id))
    assert s.status == "saved"
    assert s.close()
