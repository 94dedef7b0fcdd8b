"""What a draft file looks like inside, per schema version — plain data, no SQLAlchemy.

Opening a draft compares the file against this description *before* running
any other query (see :func:`desktop.store.sqlite.check_schema`): exactly these
tables and columns, only the automatic primary-key indexes, and no triggers or
views.  ``tests/test_store_schema.py`` checks that the SQLAlchemy models in
:mod:`desktop.store.schema` create exactly the current layout.
"""
from __future__ import annotations

APPLICATION_ID = 0x4A584431  # "JXD1" in the SQLite header: this file is a 绩效填报 draft
SCHEMA_VERSION = 2
FORMAT = "jixiao-draft"

# column: (name, declared type, not null, default as SQL text or None, position in the primary key or 0)
Column = tuple[str, str, int, "str | None", int]


def _t(*names: str) -> list[Column]:
    return [(n, "TEXT", 1, None, 0) for n in names]


def _keyed(keys: tuple[str, ...], values: list[Column]) -> list[Column]:
    return [(k, "TEXT", 1, None, i + 1) for i, k in enumerate(keys)] + values


_V1: dict[str, list[Column]] = {
    "info": _keyed(("key",), _t("value")),
    "parts": _keyed(("id",), [("position", "INTEGER", 1, None, 0)]),
    "part_tables": _keyed(("part_id", "kind", "tbl"), []),
    "field_values": _keyed(("part_id", "field"), _t("value")),
    "table_rows": _keyed(("part_id", "tbl", "row_id"), [("position", "INTEGER", 1, None, 0)]),
    "cells": _keyed(("part_id", "tbl", "row_id", "col"), _t("value")),
    "fixed_cells": _keyed(("part_id", "tbl", "row_id", "col"), _t("value")),
    "overrides": _keyed(("part_id", "addr"), _t("value")),
    "explanations": _keyed(("part_id", "problem"), _t("text")),
    "snapshots": [("id", "INTEGER", 1, None, 1)] + _t("taken", "label", "content"),
}

_V2 = dict(_V1)
_V2["snapshots"] = _V1["snapshots"] + [
    ("reason", "TEXT", 1, "''", 0),
    ("revision", "INTEGER", 1, "'0'", 0),
    ("content_hash", "TEXT", 1, "''", 0),
]

LAYOUTS: dict[int, dict[str, list[Column]]] = {1: _V1, 2: _V2}

# the tables holding a document's content (everything but info and snapshots)
CONTENT_TABLES = ("parts", "part_tables", "field_values", "table_rows", "cells", "fixed_cells",
                  "overrides", "explanations")
