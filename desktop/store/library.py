"""The drafts library: recent drafts, a searchable index of a folder, a new year's copy.

Per-user data (the recent list, the folder index cache) lives in
:func:`data_dir`: ``%APPDATA%\\jixiao`` on Windows, ``$XDG_DATA_HOME/jixiao``
or ``~/.local/share/jixiao`` elsewhere, or ``$JIXIAO_HOME`` when set (tests).
Nothing is written until something is recorded.

Listing a folder reads only each draft's ``info`` table (unit, year, project,
title, form, modified) through a read-only connection — no SQLAlchemy, no
document loaded — and remembers the answer by file size and time so that an
unchanged folder is listed without opening any file.
"""
from __future__ import annotations

import json
import os
import sqlite3
import sys
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Iterable

from desktop.core.limits import FIELD_BYTES
from desktop import osfiles
from desktop.paths import data_dir
from desktop.store import sqlite as lite
from desktop.store.bounds import capped
from desktop.store.errors import DraftError

RECENT_MAX = 30


@dataclass
class DraftEntry:
    path: str
    form: str = ""
    title: str = ""
    unit: str = ""
    year: str = ""
    project: str = ""
    created: str = ""
    modified: str = ""
    revision: int = 0
    problem: str = ""  # why it could not be read ('' when fine)
    opened: str = ""  # recent list only: when it was last opened
    size: int = 0
    mtime_ns: int = 0

    @property
    def name(self) -> str:
        return Path(self.path).name

    @property
    def exists(self) -> bool:
        return Path(self.path).exists()

    @classmethod
    def from_json(cls, data: dict) -> "DraftEntry":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def matches(self, text: str = "", unit: str = "", year: str = "", form: str = "", project: str = "") -> bool:
        def has(value: str, wanted: str) -> bool:
            return wanted.strip().lower() in value.lower()

        if unit and not has(self.unit, unit):
            return False
        if year and self.year.strip() != year.strip():
            return False
        if form and not (has(self.form, form) or has(self.title, form)):
            return False
        if project and not has(self.project, project):
            return False
        if text:
            blob = " ".join((self.name, self.form, self.title, self.unit, self.year, self.project))
            return all(has(blob, word) for word in text.split())
        return True


def read_entry(path: str | Path) -> DraftEntry:
    """A draft's search metadata, read from its ``info`` table only; ``problem`` set if unreadable."""
    path = Path(path)
    entry = DraftEntry(str(path))
    try:
        st = path.stat()
        entry.size, entry.mtime_ns = st.st_size, st.st_mtime_ns
        header = lite.inspect_header(path)
        lite.check_header(path, header)
        # a journal beside a received draft is never replayed: read the file as it is
        con = lite.connect(path, "ro", immutable=lite.inspect_journal(path, header.page_size) is not None)
        try:
            lite.check_schema(con, path)  # no triggers or views, exactly our tables: then reading is safe
            with capped(con, FIELD_BYTES):  # a huge value is refused (SQLITE_TOOBIG), never loaded
                info = {k: v for k, v in con.execute("SELECT key, value FROM info")}
        finally:
            con.close()
    except DraftError as exc:
        entry.problem = exc.text
        return entry
    except (OSError, sqlite3.Error) as exc:
        entry.problem = lite.translate(exc, path).text
        return entry
    entry.form = str(info.get("form", ""))
    for key in ("title", "unit", "year", "project", "created", "modified"):
        setattr(entry, key, str(info.get(key, "")))
    try:
        entry.revision = int(info.get("revision", 0))
    except ValueError:
        pass
    return entry


# ---------------------------------------------------------------------------------- JSON files
def _load(name: str) -> object:
    try:
        return json.loads((data_dir() / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _save(name: str, data: object) -> None:
    """Write atomically: a crash leaves the old file or the new one, never half of one."""
    folder = data_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        osfiles.replace(tmp, folder / name)
    except OSError:
        pass  # the library is a convenience; never fail the clerk's work for it


# ---------------------------------------------------------------------------------- recent drafts
def recent_drafts(limit: int = RECENT_MAX) -> list[DraftEntry]:
    data = _load("recent.json")
    if not isinstance(data, list):
        return []
    out = []
    for item in data[:limit]:
        if isinstance(item, dict) and isinstance(item.get("path"), str):
            out.append(DraftEntry.from_json(item))
    return out


def add_recent(path: str | Path, entry: DraftEntry | None = None) -> DraftEntry:
    """Put a draft at the top of the recent list (call when it is opened)."""
    import datetime as _dt

    key = str(Path(path).resolve())
    entry = entry or read_entry(key)
    entry.path = key
    entry.opened = _dt.datetime.now().isoformat(timespec="seconds")
    items = [e for e in recent_drafts() if _same(e.path, key)]
    _save("recent.json", [asdict(entry)] + [asdict(e) for e in items][: RECENT_MAX - 1])
    return entry


def remove_recent(path: str | Path) -> None:
    key = str(Path(path).resolve())
    _save("recent.json", [asdict(e) for e in recent_drafts() if _same(e.path, key)])


def _same(a: str, b: str) -> bool:
    """True when the two paths differ (kept in the list)."""
    if sys.platform == "win32":
        return a.lower() != b.lower()
    return a != b


# ---------------------------------------------------------------------------------- folder index
def index_folder(folder: str | Path, recursive: bool = True) -> list[DraftEntry]:
    """Every ``*.jxd`` in ``folder`` with its metadata, newest first; unchanged files come from the cache."""
    folder = Path(folder)
    cache = _load("index.json")
    cached: dict[str, dict] = cache if isinstance(cache, dict) else {}
    pattern = "**/*.jxd" if recursive else "*.jxd"
    out: list[DraftEntry] = []
    changed = False
    try:
        paths = sorted(folder.glob(pattern))
    except OSError:
        paths = []
    for path in paths:
        if not path.is_file():
            continue
        key = str(path.resolve())
        try:
            st = path.stat()
        except OSError:
            continue
        old = cached.get(key)
        if isinstance(old, dict) and old.get("size") == st.st_size and old.get("mtime_ns") == st.st_mtime_ns:
            entry = DraftEntry.from_json(old)
        else:
            entry = read_entry(path)
            entry.path = key
            cached[key] = asdict(entry)
            changed = True
        out.append(entry)
    if changed:
        _save("index.json", cached)
    out.sort(key=lambda e: e.modified, reverse=True)
    return out


def search_drafts(entries: Iterable[DraftEntry], text: str = "", unit: str = "", year: str = "",
                  form: str = "", project: str = "") -> list[DraftEntry]:
    return [e for e in entries if e.matches(text, unit, year, form, project)]


# ---------------------------------------------------------------------------------- a new year
def duplicate_for_new_year(src_path: str | Path, dst_path: str | Path) -> Path:
    """A new draft for next year: names, indicators and targets kept; actual values, scores
    (overrides) and explanations cleared; the form's year field advanced by one."""
    from desktop.core.catalog import load_form
    from desktop.store.draft import Draft, read_draft_document

    doc = read_draft_document(src_path)
    form = load_form(doc.form_id)
    new = new_year_document(doc, form)
    draft = Draft.create(dst_path, new)
    path = draft.path
    draft.close()
    return path


def new_year_document(doc, form):  # noqa: ANN001, ANN201 - Document, FormDef
    """What :func:`duplicate_for_new_year` writes, from the definition's field types:

    * fields and table columns of type ``actual`` (and any marked ``yearly``) are cleared;
    * the signature date field is cleared;
    * overrides and explanations are cleared;
    * the meta ``year`` field goes up by one.
    """
    from desktop.core.document import Document

    out = Document.from_dict(doc.to_dict())
    cleared_fields = {f.id for f in form.fields.values() if _per_year(f)}
    if form.signatures is not None and form.signatures.date_field:
        cleared_fields.add(form.signatures.date_field)
    year_field = form.meta.get("year")
    for part in out.parts:
        for fid in cleared_fields:
            part.fields.pop(fid, None)
        if year_field and part.fields.get(year_field, "").strip().isdigit():
            part.fields[year_field] = str(int(part.fields[year_field].strip()) + 1)
        for tid, table in form.tables.items():
            cols = {c.id for c in table.columns if _per_year(c)}
            if not cols:
                continue
            for row in part.rows.get(tid, []):
                for c in cols:
                    row.cells.pop(c, None)
            for cells in part.fixed.get(tid, {}).values():
                for c in cols:
                    cells.pop(c, None)
        part.overrides.clear()
        part.explanations.clear()
    return out


def _per_year(field) -> bool:  # noqa: ANN001 - a definition Field
    return field.type.name == "actual" or bool(getattr(field, "yearly", False))
