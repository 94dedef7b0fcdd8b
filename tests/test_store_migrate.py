"""Schema versions: a first-schema draft opens in this version after a backup copy is made."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from desktop.core.catalog import load_sample
from desktop.store import Draft, DraftError, document_hash
from desktop.store import migrate
from desktop.store import sqlite as lite
from desktop.store.layout import LAYOUTS, SCHEMA_VERSION

V1 = Path(__file__).parent / "fixtures" / "store" / "suzhou-2023-v1.jxd"
FORM = "suzhou-project-selfeval-2023"


def _version(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("PRAGMA user_version").fetchone()[0]
    finally:
        con.close()


def _xinfo(path: Path) -> dict:
    con = sqlite3.connect(path)
    try:
        return {t: [r[1:6] for r in con.execute(f'PRAGMA table_xinfo("{t}")')] for t in LAYOUTS[SCHEMA_VERSION]}
    finally:
        con.close()


@pytest.fixture
def v1(tmp_path) -> Path:
    dst = tmp_path / "旧版草稿.jxd"
    shutil.copyfile(V1, dst)
    return dst


def test_fixture_is_first_schema():
    assert _version(V1) == 1


def test_migrates_after_a_backup(v1, tmp_path):
    original = v1.read_bytes()
    with Draft.open(v1) as draft:
        assert draft.backup == tmp_path / "旧版草稿.jxd.bak-v1"
        assert draft.backup.read_bytes() == original
        assert len(draft.draft_id) == 32
        assert draft.document.to_dict() == load_sample(FORM).to_dict()
        assert draft.search_meta() == {"title": "苏州市级财政支出项目绩效自评表", "unit": "苏州市信息中心",
                                       "year": "2023", "project": "电子政务项目运行维护资金"}
        [snap] = draft.snapshots()
        assert (snap.reason, snap.label) == ("manual", "送审前")
        assert snap.content_hash == document_hash(load_sample(FORM))
        assert draft.snapshot_document(snap.id).to_dict() == load_sample(FORM).to_dict()
        draft.set_value(draft.document.parts[0].id, "year", "2024")
        assert draft.revision == 1
    assert _version(v1) == SCHEMA_VERSION
    assert _version(tmp_path / "旧版草稿.jxd.bak-v1") == 1
    with Draft.open(v1) as again:
        assert again.backup is None
        assert again.document.parts[0].fields["year"] == "2024"


def test_migrated_file_has_the_same_layout_as_a_new_one(v1, tmp_path):
    Draft.open(v1).close()
    fresh = tmp_path / "新.jxd"
    Draft.create(fresh, load_sample(FORM)).close()
    assert _xinfo(v1) == _xinfo(fresh)
    expected = {t: [(c[0], c[1], c[2], c[3], c[4]) for c in cols] for t, cols in LAYOUTS[SCHEMA_VERSION].items()}
    assert _xinfo(fresh) == expected


def test_models_match_layout():
    from desktop.store import schema

    for name, cols in LAYOUTS[SCHEMA_VERSION].items():
        table = schema.metadata.tables[name]
        assert [c.name for c in table.columns] == [c[0] for c in cols]
        assert [c.name for c in table.primary_key.columns] == [c[0] for c in cols if c[4]]
    assert set(schema.metadata.tables) == set(LAYOUTS[SCHEMA_VERSION])


def test_read_only_open_migrates_in_memory_only(v1, tmp_path):
    before = v1.read_bytes()
    with Draft.open(v1, readonly=True) as draft:
        assert draft.document.to_dict() == load_sample(FORM).to_dict()
        assert [s.reason for s in draft.snapshots()] == ["manual"]
    assert v1.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["旧版草稿.jxd"]


def test_failed_migration_leaves_the_file_as_it_was(v1, monkeypatch):
    before = v1.read_bytes()

    def broken(con):
        con.execute("ALTER TABLE snapshots ADD COLUMN reason TEXT NOT NULL DEFAULT ''")
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setitem(migrate.STEPS, 1, broken)
    with pytest.raises(DraftError) as info:
        Draft.open(v1)
    assert info.value.key == "migrate_failed" and "第 1 版" in info.value.text and "bak-v1" in info.value.text
    assert v1.read_bytes() == before
    assert not (v1.parent / (v1.name + ".lock")).exists()
    monkeypatch.undo()
    with Draft.open(v1) as draft:  # a later try works, with a second backup
        assert draft.backup.name == "旧版草稿.jxd.bak-v1-2"


def test_every_step_exists():
    assert sorted(migrate.STEPS) == list(range(1, SCHEMA_VERSION))
    assert set(LAYOUTS) == set(range(1, SCHEMA_VERSION + 1))


def test_v1_layout_is_what_v1_ddl_makes(tmp_path):
    path = tmp_path / "v1.jxd"
    con = sqlite3.connect(path)
    for sql in migrate.V1_DDL:
        con.execute(sql)
    con.commit()
    assert lite.check_schema(con, path) == 1
    con.close()
