"""The schema check on opening a draft: a table whose columns differ from desktop/store/layout.py in any way
(a column's type, its NOT NULL, its default, its primary key) is refused with ``bad_schema`` before any other
query, and the file is left as it was."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from desktop.core.catalog import load_sample
from desktop.core.errors import Code
from desktop.core.hashing import document_hash
from desktop.store import Draft, DraftError, read_draft_document

FORM = "suzhou-project-selfeval-2023"
CELLS = "CREATE TABLE cells (part_id TEXT NOT NULL, tbl TEXT NOT NULL, row_id TEXT NOT NULL, col TEXT NOT NULL, " \
        "value {value}, PRIMARY KEY (part_id, tbl, row_id, col))"


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("schema") / "好草稿.jxd"
    Draft.create(path, load_sample(FORM)).close()
    return path


def _rebuilt(good: Path, tmp_path: Path, name: str, value_column: str) -> Path:
    """A copy of the draft whose ``cells`` table is re-created with ``value`` declared as ``value_column``."""
    path = tmp_path / name
    shutil.copyfile(good, path)
    con = sqlite3.connect(path)
    con.execute("ALTER TABLE cells RENAME TO old_cells")
    con.execute(CELLS.format(value=value_column))
    con.execute("INSERT INTO cells SELECT * FROM old_cells")
    con.execute("DROP TABLE old_cells")
    con.commit()
    con.close()
    return path


def _refused_as_bad_schema(path: Path) -> DraftError:
    before = path.read_bytes(), sorted(p.name for p in path.parent.iterdir())
    with pytest.raises(DraftError) as info:
        Draft.open(path)
    with pytest.raises(DraftError):
        read_draft_document(path)
    assert info.value.key == "bad_schema" and info.value.code is Code.BAD_SCHEMA, info.value.text
    assert path.name in info.value.text and "cells" in info.value.text
    assert (path.read_bytes(), sorted(p.name for p in path.parent.iterdir())) == before
    return info.value


def test_schema_the_rebuilt_table_itself_is_accepted(good, tmp_path):
    """The rebuild below changes nothing by itself: the same declaration opens (so the refusals are the change's)."""
    path = _rebuilt(good, tmp_path, "原样.jxd", "TEXT NOT NULL")
    assert document_hash(read_draft_document(path)) == document_hash(read_draft_document(good))


def test_schema_changed_column_type_is_refused(good, tmp_path):
    _refused_as_bad_schema(_rebuilt(good, tmp_path, "改了类型.jxd", "BLOB NOT NULL"))


def test_schema_integer_affinity_is_refused(good, tmp_path):
    """INTEGER would turn a typed "007" into 7: a quiet change of what the clerk wrote."""
    _refused_as_bad_schema(_rebuilt(good, tmp_path, "整数.jxd", "INTEGER NOT NULL"))


def test_schema_dropped_not_null_is_refused(good, tmp_path):
    _refused_as_bad_schema(_rebuilt(good, tmp_path, "可空.jxd", "TEXT"))


def test_schema_added_default_is_refused(good, tmp_path):
    _refused_as_bad_schema(_rebuilt(good, tmp_path, "默认值.jxd", "TEXT NOT NULL DEFAULT 'x'"))
