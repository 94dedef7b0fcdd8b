"""Drafts: content, edits mirroring the engine, snapshots, hashes, the command line."""
from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.core.catalog import form_ids, load_form, load_sample, sample_path
from desktop.core.document import Document, Part
from desktop.core.engine import DocumentState, ReadOnlyCell
from desktop.store import Draft, DraftError, create_draft_from_document, document_hash, read_draft_document

FORM = "suzhou-project-selfeval-2023"
ROOT = Path(__file__).resolve().parents[1]


def test_import_is_cheap():
    code = "import sys, desktop.store; print('sqlalchemy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("form_id", form_ids())
def test_json_draft_json_is_lossless(form_id, tmp_path, capsys):
    src = sample_path(form_id)
    draft, out = tmp_path / f"{form_id}.jxd", tmp_path / "out.json"
    assert main(["import-json", str(src), "-o", str(draft)]) == 0
    assert main(["export-json", str(draft), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").rstrip("\n") == src.read_text(encoding="utf-8").rstrip("\n")
    # jixiao check accepts the draft and says the same as for the JSON
    capsys.readouterr()
    code_json = main(["check", "--json", str(src)])
    from_json = capsys.readouterr().out
    assert main(["check", "--json", str(draft)]) == code_json
    assert capsys.readouterr().out == from_json


def test_import_refuses_to_overwrite_and_wants_jxd(tmp_path, capsys):
    src = str(sample_path(FORM))
    assert main(["import-json", src, "-o", str(tmp_path / "a.jxd")]) == 0
    assert main(["import-json", src, "-o", str(tmp_path / "a.jxd")]) == 2
    assert "已存在" in capsys.readouterr().err
    assert main(["import-json", src, "-o", str(tmp_path / "a.sqlite")]) == 2
    assert ".jxd" in capsys.readouterr().err


def test_export_while_the_app_has_the_draft_open(tmp_path):
    path = tmp_path / "打开着.jxd"
    with Draft.create(path, load_sample(FORM)) as draft:
        draft.set_value(draft.document.parts[0].id, "year", "2030")
        assert main(["export-json", str(path), "-o", str(tmp_path / "x.json")]) == 0
    assert '"year": "2030"' in (tmp_path / "x.json").read_text(encoding="utf-8")


def test_sample_command_writes_a_draft(tmp_path):
    assert main(["sample", FORM, "-o", str(tmp_path / "样例.jxd")]) == 0
    assert read_draft_document(tmp_path / "样例.jxd").to_dict() == load_sample(FORM).to_dict()


def test_awkward_file_names(tmp_path):
    for name in ("草稿 #1 %20 (副本).jxd", "a&b；c.jxd"):
        create_draft_from_document(tmp_path / name, load_sample(FORM))
        assert read_draft_document(tmp_path / name).to_dict() == load_sample(FORM).to_dict()


def test_create_adds_suffix_and_never_overwrites(tmp_path):
    with Draft.create(tmp_path / "无后缀", load_sample(FORM)) as d:
        assert d.path.name == "无后缀.jxd"
    with pytest.raises(DraftError) as info:
        Draft.create(tmp_path / "无后缀.jxd", load_sample(FORM))
    assert info.value.key == "exists"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["无后缀.jxd"]


# ------------------------------------------------------------------------------ edits mirror the engine
def _random_edit(rnd: random.Random, state: DocumentState, draft: Draft, n: int) -> None:
    form = state.form
    if form.multi and rnd.random() < 0.08:
        k = rnd.random()
        if k < 0.4:
            i = rnd.randrange(len(state.parts) + 1)
            part = Part()
            state.add_part(i, part)
            draft.add_part(i, part)
        elif k < 0.7 and len(state.parts) > 1:
            i = rnd.randrange(len(state.parts))
            pid = state.parts[i].part.id
            state.remove_part(i)
            draft.remove_part(pid)
        else:
            i, j = rnd.randrange(len(state.parts)), rnd.randrange(len(state.parts))
            pid = state.parts[i].part.id
            state.move_part(i, j)
            draft.move_part(pid, j)
        return
    ps = rnd.choice(state.parts)
    pid = ps.part.id
    repeat = [t.id for t in form.tables.values() if t.repeat]
    k = rnd.random()
    if k < 0.12 and repeat:
        tid = rnd.choice(repeat)
        rows = ps.part.rows.get(tid, [])
        index = rnd.randrange(len(rows) + 2) if rnd.random() < 0.8 else None
        cells = {form.tables[tid].columns[0].id: f"新行{n}"}
        rid = ps.insert_row(tid, index, cells)
        row = next(r for r in ps.part.rows[tid] if r.id == rid)
        draft.insert_row(pid, tid, rid, index, row.cells)
    elif k < 0.2 and repeat:
        tid = rnd.choice(repeat)
        rows = ps.part.rows.get(tid, [])
        if rows:
            rid = rnd.choice(rows).id
            if rnd.random() < 0.5:
                ps.remove_row(tid, rid)
                draft.remove_row(pid, tid, rid)
            else:
                j = rnd.randrange(len(rows) + 1)
                ps.move_row(tid, rid, j)
                draft.move_row(pid, tid, rid, j)
    elif k < 0.3:
        addrs = [a for a in ps.addresses() if ps.overridable(a)]
        if addrs:
            addr = rnd.choice(addrs)
            raw = None if rnd.random() < 0.3 else str(rnd.randrange(100))
            ps.set_override(addr, raw)
            draft.set_override(pid, addr, raw)
    elif k < 0.38:
        problems = ps.sorted_problems()
        if problems:
            key = rnd.choice(problems).key
            text = rnd.choice(["已说明原因：疫情影响", "", None, "  "])
            ps.set_explanation(key, text)
            draft.set_explanation(pid, key, text)
    elif k < 0.4:
        meta = {"备注": f"第{n}次"}
        state.doc.meta = dict(meta)
        draft.set_meta(meta)
    else:
        addrs = [a for a in ps.addresses() if ps.how(a) == "input"]
        addr = rnd.choice(addrs)
        raw = rnd.choice([f"{rnd.randrange(10000)}", f"{rnd.random() * 100:.2f}", "", "苏州市信息中心", "≥95%",
                          "坏数字abc", "2024年3月1日", "是"])
        try:
            ps.set_value(addr, raw)
        except ReadOnlyCell:
            return
        draft.set_value(pid, addr, raw)


@pytest.mark.parametrize("form_id", form_ids())
def test_random_edits_read_back_as_the_engine_has_them(form_id, tmp_path):
    rnd = random.Random(form_id)
    path = tmp_path / "d.jxd"
    Draft.create(path, load_sample(form_id)).close()
    draft = Draft.open(path)
    state = draft.state()
    for n in range(250):
        _random_edit(rnd, state, draft, n)
    assert draft.revision >= 200
    draft.close()
    with Draft.open(path, readonly=True) as again:
        assert again.document.to_dict() == state.doc.to_dict()
        assert again.revision == draft.revision
        expected = {k: v for k, v in state.meta().items() if k in ("title", "unit", "year", "project")}
        found = again.search_meta()
        assert {k: found[k] for k in expected} == expected


def test_state_keeps_what_the_engine_adds(tmp_path):
    form = load_form(FORM)
    path = tmp_path / "新建.jxd"
    Draft.create(path, Document(FORM, form.version)).close()  # no rows at all yet
    with Draft.open(path) as draft:
        state = draft.state()
        ps = state.parts[0]
        rid = ps.part.rows["indicators"][2].id
        ps.set_value(f"indicators/{rid}/actual", "100%")
        draft.set_value(ps.part.id, f"indicators/{rid}/actual", "100%")
        doc = state.doc.to_dict()
    with Draft.open(path) as again:
        assert again.document.to_dict() == doc
        assert len(again.document.parts[0].rows["indicators"]) == len(form.tables["indicators"].initial_rows)


def test_cell_of_a_row_the_draft_has_not_seen_is_kept_as_a_data_row(tmp_path):
    path = tmp_path / "d.jxd"
    doc = load_sample(FORM)
    Draft.create(path, doc).close()
    with Draft.open(path) as draft:
        draft.set_value(doc.parts[0].id, "composition/rUNSEEN/name", "补记的子项")
    rows = read_draft_document(path).parts[0].rows["composition"]
    assert rows[-1].id == "rUNSEEN" and rows[-1].cells == {"name": "补记的子项"}


def test_edit_of_a_missing_part_is_refused_and_needs_resync(tmp_path):
    path = tmp_path / "d.jxd"
    Draft.create(path, load_sample(FORM)).close()
    with Draft.open(path) as draft:
        with pytest.raises(DraftError):
            draft.set_value("nope", "year", "2020")
        assert draft.out_of_step
        with pytest.raises(DraftError) as info:
            draft.set_value(draft.document.parts[0].id, "year", "2020")
        assert info.value.key == "out_of_step"
        draft.replace_document(draft.document)
        draft.set_value(draft.document.parts[0].id, "year", "2020")
    assert read_draft_document(path).parts[0].fields["year"] == "2020"


# ------------------------------------------------------------------------------ snapshots and hashes
def test_snapshots(tmp_path):
    path = tmp_path / "版本.jxd"
    with Draft.create(path, load_sample(FORM)) as draft:
        pid = draft.document.parts[0].id
        first = draft.snapshot("manual", "初稿")
        # nothing changed since the last version: an automatic one is not repeated
        assert draft.snapshot("export") == draft.snapshot("print") == first
        draft.set_value(pid, "year", "2024")
        printed = draft.snapshot("print")
        assert printed != first
        assert draft.snapshot("manual") != draft.snapshot("manual")  # by hand: always kept
        listing = draft.snapshots()
        assert listing[0].id > listing[-1].id
        assert [s.reason for s in reversed(listing)] == ["manual", "print", "manual", "manual"]
        assert listing[-1].label == "初稿" and listing[-1].reason_text == "手工保存"
        assert draft.snapshot_document(first).parts[0].fields["year"] == "2023"
        restored = draft.restore_snapshot(first)
        assert restored.parts[0].fields["year"] == "2023"
        assert draft.document is restored
        newest = draft.snapshots()[0]
        assert newest.reason == "restore" and draft.snapshot_document(newest.id).parts[0].fields["year"] == "2024"
        with pytest.raises(DraftError) as info:
            draft.snapshot_document(999)
        assert info.value.key == "no_snapshot"
    assert read_draft_document(path).parts[0].fields["year"] == "2023"


def test_content_hash(tmp_path):
    doc = load_sample(FORM)
    h = document_hash(doc)
    with Draft.create(tmp_path / "h.jxd", doc) as draft:
        assert draft.content_hash() == h
        # the engine's own additions (empty fixed-row slots) do not change it
        state = DocumentState(load_form(FORM), Document.from_dict(doc.to_dict()))
        assert document_hash(state.doc) == h
        draft.set_value(doc.parts[0].id, "year", "2024")
        assert draft.content_hash() != h
        draft.set_value(doc.parts[0].id, "year", "2023")
        assert draft.content_hash() == h


def test_hash_module_does_not_need_sqlalchemy():
    code = "import sys; from desktop.store.hashing import document_hash; print('sqlalchemy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"


def test_draft_id(tmp_path):
    with Draft.create(tmp_path / "a.jxd", load_sample(FORM)) as a, Draft.create(tmp_path / "b.jxd", load_sample(FORM)) as b:
        assert len(a.draft_id) == 32 and a.draft_id != b.draft_id
    with Draft.open(tmp_path / "a.jxd", readonly=True) as again:
        assert again.draft_id == a.draft_id


def test_closed_draft_refuses(tmp_path):
    draft = Draft.create(tmp_path / "c.jxd", load_sample(FORM))
    draft.close()
    draft.close()
    with pytest.raises(DraftError):
        draft.set_value(draft.document.parts[0].id, "year", "1")
    assert not (tmp_path / "c.jxd.lock").exists()
