"""The receiving desk's library: every submission received, its review, the expected units.

``Library.open(target)`` takes a file path (an embedded SQLite file a clerk can
copy; the default lives in the app's data folder) or a ``postgresql://…`` URL
for a bureau whose reviewers share one library.  The same SQLAlchemy Core code
runs on both.  Reviews are optimistic: :meth:`Library.review` names the
``row_version`` the reviewer saw and raises :class:`ReviewConflict` when the
row changed since, so two reviewers never silently overwrite each other.
Qt-free.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import Engine, create_engine, event, func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from desktop.core.errors import Code, JixiaoError
from desktop.desk import schema as t
from desktop.store.content import now  # noqa: F401 - the store's timestamp, used by the desk too

STATUSES = ("待审", "通过", "退回")
DEFAULT_NAME = "汇总审核库.sqlite"


class LibraryError(JixiaoError):
    """The library cannot be opened or written."""


class ReviewConflict(LibraryError):
    """Another reviewer changed the submission after this one read it."""


def default_library() -> Path:
    from desktop.paths import data_dir

    return data_dir() / DEFAULT_NAME


def _sqlite_engine(path: Path) -> Engine:
    from desktop.store.sqlite import sqlite_uri

    def creator() -> sqlite3.Connection:
        con = sqlite3.connect(sqlite_uri(path, "rwc"), uri=True, timeout=10, isolation_level=None,
                              check_same_thread=False)
        con.execute("PRAGMA journal_mode=DELETE").fetchall()
        con.execute("PRAGMA synchronous=FULL")
        con.execute("PRAGMA trusted_schema=OFF")
        return con

    engine = create_engine("sqlite://", creator=creator)

    @event.listens_for(engine, "begin")
    def _begin(conn):  # noqa: ANN001 - SQLAlchemy event signature
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


@dataclass
class Row:
    """A submission as the review table shows it."""

    id: int
    values: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.values[key]


class Library:
    def __init__(self, engine: Engine, where: str):
        self.engine = engine
        self.where = where

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, target: str | Path | None = None) -> "Library":
        text = str(target) if target else ""
        try:
            if "://" in text:
                engine = create_engine(_driver_url(text), pool_pre_ping=True)
                where = text.split("@")[-1]
            else:
                path = Path(text) if text else default_library()
                if not path.parent.is_dir():
                    raise LibraryError(Code.LIBRARY_NO_FOLDER, folder=path.parent)
                engine = _sqlite_engine(path)
                where = str(path)
            lib = cls(engine, where)
            with engine.begin() as conn:
                t.metadata.create_all(conn)
                version = conn.execute(select(t.info.c.value).where(t.info.c.key == "schema")).scalar()
                if version is None:
                    conn.execute(insert(t.info).values(key="schema", value=str(t.SCHEMA_VERSION)))
                elif int(version) > t.SCHEMA_VERSION:
                    raise LibraryError(Code.LIBRARY_NEWER, where=where)
            return lib
        except LibraryError:
            raise
        except (SQLAlchemyError, OSError, ValueError) as exc:
            raise LibraryError(Code.LIBRARY_UNREADABLE, where=text or "（默认）", why=_why(exc)) from None

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Library":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ reading
    def submissions(self, *, current_only: bool = False, form: str = "", year: str = "") -> list[Row]:
        q = select(t.submissions).order_by(t.submissions.c.unit, t.submissions.c.project, t.submissions.c.id)
        if current_only:
            q = q.where(t.submissions.c.current.is_(True))
        if form:
            q = q.where(t.submissions.c.form_id == form)
        if year:
            q = q.where(t.submissions.c.year == year)
        with self.engine.connect() as conn:
            return [Row(r.id, dict(r._mapping)) for r in conn.execute(q)]

    def submission(self, sid: int) -> Row:
        with self.engine.connect() as conn:
            r = conn.execute(select(t.submissions).where(t.submissions.c.id == sid)).first()
        if r is None:
            raise LibraryError(Code.LIBRARY_NO_SUBMISSION, id=sid)
        return Row(r.id, dict(r._mapping))

    def parts(self, ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
        q = select(t.parts).order_by(t.parts.c.submission_id, t.parts.c.position)
        if ids is not None:
            q = q.where(t.parts.c.submission_id.in_(list(ids)))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def unreadable(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.files).where(t.files.c.problem != "").order_by(t.files.c.path))
            return [dict(r._mapping) for r in rows]

    def document(self, sid: int) -> Any:
        """The submission's document as received (a :class:`~desktop.core.document.Document`)."""
        import json

        from desktop.core.interchange import document_from_json

        return document_from_json(json.loads(self.submission(sid)["document"]))

    def comments(self, sid: int) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.comments).where(t.comments.c.submission_id == sid)
                                .order_by(t.comments.c.id))
            return [dict(r._mapping) for r in rows]

    # ------------------------------------------------------------------ review
    def review(self, sid: int, status: str, *, reviewer: str, comment: str = "", seen_version: int) -> int:
        """Mark a submission 通过 / 退回 / 待审; returns the new row version."""
        if status not in STATUSES:
            raise LibraryError(Code.LIBRARY_BAD_STATUS, statuses="、".join(STATUSES), status=status)
        with self.engine.begin() as conn:
            done = conn.execute(
                update(t.submissions)
                .where(t.submissions.c.id == sid, t.submissions.c.row_version == seen_version)
                .values(status=status, reviewer=reviewer, comment=comment, reviewed=now(),
                        row_version=t.submissions.c.row_version + 1))
            if done.rowcount != 1:
                raise self._conflict(conn, sid)
        return seen_version + 1

    def add_comment(self, sid: int, text: str, *, reviewer: str, seen_version: int, part: int = 0,
                    addr: str = "", label: str = "") -> int:
        """A comment on one cell (``addr``) or on the whole submission; bumps the row version."""
        if not text.strip():
            raise LibraryError(Code.LIBRARY_EMPTY_COMMENT)
        with self.engine.begin() as conn:
            done = conn.execute(
                update(t.submissions)
                .where(t.submissions.c.id == sid, t.submissions.c.row_version == seen_version)
                .values(row_version=t.submissions.c.row_version + 1))
            if done.rowcount != 1:
                raise self._conflict(conn, sid)
            conn.execute(insert(t.comments).values(submission_id=sid, part=part, addr=addr, label=label,
                                                   text=text.strip(), reviewer=reviewer, created=now()))
        return seen_version + 1

    def _conflict(self, conn: Any, sid: int) -> LibraryError:
        row = conn.execute(select(t.submissions.c.reviewer, t.submissions.c.status)
                           .where(t.submissions.c.id == sid)).first()
        if row is None:
            return LibraryError(Code.LIBRARY_NO_SUBMISSION, id=sid)
        who = row.reviewer or "另一位审核人"
        return ReviewConflict(Code.LIBRARY_CONFLICT, who=who, status=row.status)

    # ------------------------------------------------------------------ expected units
    def set_expected(self, units: Iterable[str], form: str = "", year: str = "") -> int:
        """Units that owe ``form`` for ``year``; returns how many were added."""
        added = 0
        with self.engine.begin() as conn:
            have = {r.unit for r in conn.execute(select(t.expected.c.unit).where(
                t.expected.c.form_id == form, t.expected.c.year == year))}
            for unit in dict.fromkeys(u.strip() for u in units if u.strip()):
                if unit not in have:
                    conn.execute(insert(t.expected).values(unit=unit, form_id=form, year=year))
                    added += 1
        return added

    def missing_units(self, form: str = "", year: str = "") -> list[str]:
        """Expected units with no current submission (of that form and year, where given)."""
        with self.engine.connect() as conn:
            q = select(t.expected.c.unit, t.expected.c.form_id, t.expected.c.year)
            if form:
                q = q.where(t.expected.c.form_id.in_([form, ""]))
            if year:
                q = q.where(t.expected.c.year.in_([year, ""]))
            owed = conn.execute(q).all()
            sent = {(r.unit, r.form_id, r.year) for r in conn.execute(
                select(t.submissions.c.unit, t.submissions.c.form_id, t.submissions.c.year)
                .where(t.submissions.c.current.is_(True)))}
        missing = []
        for unit, f, y in owed:
            if not any(u == unit and (not f or f == sf) and (not y or y == sy) for u, sf, sy in sent):
                missing.append(unit)
        return sorted(dict.fromkeys(missing))

    def count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(t.submissions)).scalar() or 0


def _driver_url(url: str) -> str:
    """postgresql://… through psycopg 3 (the driver the project installs)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _why(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc).strip() else ""
    for en, zh in (("could not connect", "无法连接数据库服务器"), ("password authentication", "用户名或密码不对"),
                   ("does not exist", "数据库不存在"), ("unable to open database", "无法打开文件"),
                   ("readonly", "文件是只读的"), ("locked", "被另一程序占用"), ("not a database", "不是汇总审核库文件")):
        if en in text:
            return zh
    return type(exc).__name__
