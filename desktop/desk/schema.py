"""The receiving desk's library tables (SQLAlchemy Core; the same on SQLite and PostgreSQL).

Money, rates and scores are stored as decimal text (exact on both engines);
``row_version`` on a submission makes concurrent reviews safe: an update names
the version it read and fails when somebody changed the row since.
"""
from __future__ import annotations

from sqlalchemy import (BigInteger, Boolean, Column, Integer, MetaData, Table, Text, UniqueConstraint)

SCHEMA_VERSION = 1
metadata = MetaData()


def figure_columns() -> list[Column]:
    """The figures a submission and each of its parts carry (desktop/core/summary.py), and their counts."""
    return [Column("errors", Integer, nullable=False, default=0), Column("hints", Integer, nullable=False, default=0)] + \
        [Column(name, Text, nullable=False, default="") for name in ("budget", "executed", "rate", "score", "full",
                                                                      "grade")]

info = Table(
    "desk_info", metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

files = Table(
    "desk_files", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("path", Text, nullable=False, unique=True),
    Column("size", BigInteger, nullable=False),
    Column("mtime_ns", BigInteger, nullable=False),
    Column("kind", Text, nullable=False, default=""),
    Column("problem", Text, nullable=False, default=""),  # why nothing (or not everything) could be read
    Column("scanned", Text, nullable=False, default=""),
)

submissions = Table(
    "desk_submissions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("file_id", Integer, nullable=False, index=True),
    Column("source", Text, nullable=False),  # the file's path
    Column("member", Text, nullable=False, default=""),  # inside a zip or e-mail
    Column("kind", Text, nullable=False),
    Column("form_id", Text, nullable=False),
    Column("form_version", Text, nullable=False, default=""),
    Column("form_title", Text, nullable=False, default=""),
    Column("unit", Text, nullable=False, default=""),
    Column("project", Text, nullable=False, default=""),
    Column("year", Text, nullable=False, default=""),
    Column("doc_key", Text, nullable=False, index=True),  # form | unit | project | year
    Column("content_hash", Text, nullable=False),
    Column("draft_id", Text, nullable=False, default=""),
    Column("document", Text, nullable=False),  # the JSON interchange, as received
    Column("received", Text, nullable=False),
    Column("modified", Text, nullable=False, default=""),  # the file's time: newest is current
    *figure_columns(),
    Column("pdf_check", Text, nullable=False, default=""),
    Column("notes", Text, nullable=False, default=""),
    Column("current", Boolean, nullable=False, default=True),
    Column("status", Text, nullable=False, default="待审"),
    Column("reviewer", Text, nullable=False, default=""),
    Column("comment", Text, nullable=False, default=""),
    Column("reviewed", Text, nullable=False, default=""),
    Column("row_version", Integer, nullable=False, default=1),
)

parts = Table(
    "desk_parts", metadata,
    Column("submission_id", Integer, primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("unit", Text, nullable=False, default=""),  # the part's own unit, where a part names one
    Column("project", Text, nullable=False, default=""),
    *figure_columns(),
)

pdfs = Table(
    "desk_pdfs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("file_id", Integer, nullable=False, index=True),
    Column("doc_key", Text, nullable=False, index=True),
    Column("content_hash", Text, nullable=False),  # what its verification code stands for
    Column("code", Text, nullable=False, default=""),
    Column("intact", Boolean, nullable=False, default=True),  # embedded data matches the code
)

comments = Table(
    "desk_comments", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("submission_id", Integer, nullable=False, index=True),
    Column("part", Integer, nullable=False, default=0),
    Column("addr", Text, nullable=False, default=""),  # "" for the whole submission
    Column("label", Text, nullable=False, default=""),  # the cell as the clerk sees it named
    Column("text", Text, nullable=False),
    Column("reviewer", Text, nullable=False, default=""),
    Column("created", Text, nullable=False),
)

expected = Table(
    "desk_expected", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("unit", Text, nullable=False),
    Column("form_id", Text, nullable=False, default=""),
    Column("year", Text, nullable=False, default=""),
    UniqueConstraint("unit", "form_id", "year", name="desk_expected_once"),
)
