"""The one SQLAlchemy engine factory every draft connection goes through (the calculation engine is desktop.core.engine).

Each new DBAPI connection is made by :func:`desktop.store.sqlite.connect`
(``trusted_schema=OFF``), its schema is checked before anything else runs,
then (for writing) journal mode and ``synchronous`` are set.  Transactions
start with ``BEGIN IMMEDIATE`` so a writer holds the write lock from its first
statement (pysqlite's own implicit transactions are switched off).
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import NullPool, StaticPool

from desktop.store import sqlite as lite


def make_engine(path: Path | str, *, readonly: bool = False, connection: sqlite3.Connection | None = None,
                check: bool = True, immutable: bool = False) -> Engine:
    """An engine on the draft at ``path``.

    ``connection``: use this already-open raw connection (an in-memory copy of
    an old draft, migrated for reading; the connection a draft was opened and
    read with, when its first write needs SQLAlchemy).  ``check=False`` only for a brand-new
    file whose tables do not exist yet.  ``immutable`` (read-only): SQLite
    ignores the untrusted journal found beside the file.
    """
    def creator() -> sqlite3.Connection:
        return lite.open_draft(path, readonly=readonly, connection=connection, check=check, immutable=immutable)

    engine = create_engine("sqlite://", creator=creator,
                           poolclass=StaticPool if connection is not None else NullPool)
    begin = lite.begin_sql(readonly)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, record):  # noqa: ANN001 - SQLAlchemy event signature
        record.info["path"] = path  # Connection.info["path"]: the draft a message names

    @event.listens_for(engine, "begin")
    def _begin(conn):  # noqa: ANN001 - SQLAlchemy event signature
        conn.exec_driver_sql(begin)

    return engine
