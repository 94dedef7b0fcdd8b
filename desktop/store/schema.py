"""The draft's tables as SQLAlchemy Core models (schema version ``SCHEMA_VERSION``).

Dialect-neutral on purpose: the same models can later live in a shared
department database on a server.  Imported only when a draft is opened.
Keep in step with :mod:`desktop.store.layout` (a test compares them).

Order is kept by ``position`` for parts and table rows, and by insertion
(``rowid``) for the dict-like tables, so that a document reads back with its
keys in the order they were written (JSON → draft → JSON is byte-identical).
"""
from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, Table, Text

metadata = MetaData()


def _keys(*names: str) -> list[Column]:
    return [Column(n, Text, primary_key=True, nullable=False) for n in names]


def _val(name: str = "value") -> Column:
    return Column(name, Text, nullable=False)


# format, form, form_version, created, modified, revision, app_version, doc_meta, title, unit, year, project
info = Table("info", metadata, *_keys("key"), _val())
parts = Table("parts", metadata, *_keys("id"), Column("position", Integer, nullable=False))
# which keys a part's ``rows`` ('rows') and ``fixed`` ('fixed') dicts have, in order — even empty ones
part_tables = Table("part_tables", metadata, *_keys("part_id", "kind", "tbl"))
field_values = Table("field_values", metadata, *_keys("part_id", "field"), _val())
table_rows = Table("table_rows", metadata, *_keys("part_id", "tbl", "row_id"),
                   Column("position", Integer, nullable=False))
cells = Table("cells", metadata, *_keys("part_id", "tbl", "row_id", "col"), _val())
fixed_cells = Table("fixed_cells", metadata, *_keys("part_id", "tbl", "row_id", "col"), _val())
overrides = Table("overrides", metadata, *_keys("part_id", "addr"), _val())
explanations = Table("explanations", metadata, *_keys("part_id", "problem"), _val("text"))
snapshots = Table(
    "snapshots", metadata,
    Column("id", Integer, primary_key=True),
    _val("taken"), _val("label"), _val("content"),
    # added in schema version 2
    Column("reason", Text, nullable=False, server_default=""),
    Column("revision", Integer, nullable=False, server_default="0"),
    Column("content_hash", Text, nullable=False, server_default=""),
)

CONTENT = (parts, part_tables, field_values, table_rows, cells, fixed_cells, overrides, explanations)
