"""A filled form: the values exactly as typed, table rows, overrides and explanations.

Values are kept as the strings the clerk typed (so that unreadable input is
never lost); types read them when the engine needs them.  A document holds one
or more parts — one per project for the forms that print several projects in
one document (seeds C and D).

Cell addresses are strings: ``"field"`` for a field, ``"table/row/column"`` for a
table cell (``row`` is a stable row id, never a position).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any


def cell_addr(table: str, row: str, col: str) -> str:
    return f"{table}/{row}/{col}"


def split_addr(addr: str) -> tuple[str, str | None, str | None]:
    """``'t/r/c'`` → (t, r, c); ``'f'`` → (f, None, None)."""
    parts = addr.split("/")
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    return addr, None, None


_ROW_ID = re.compile(r"^[^/\s]{1,64}$")  # a row id is one part of a "table/row/column" address


def new_id(prefix: str) -> str:
    """A random id: ``prefix`` and 10 hex digits, 40 random bits (as many as the first ten digits of a uuid4;
    ``uuid`` itself costs the window's start 6 ms)."""
    return prefix + os.urandom(5).hex()


def new_row_id() -> str:
    return new_id("r")


@dataclass
class Row:
    id: str
    cells: dict[str, str] = field(default_factory=dict)


@dataclass
class Part:
    """One project (or the whole form, for single-part forms)."""

    id: str = field(default_factory=lambda: new_id("p"))
    fields: dict[str, str] = field(default_factory=dict)
    # data rows of repeating tables, in order
    rows: dict[str, list[Row]] = field(default_factory=dict)
    # inputs typed into fixed rows: table -> row id -> column -> text
    fixed: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    overrides: dict[str, str] = field(default_factory=dict)
    explanations: dict[str, str] = field(default_factory=dict)

    def copy(self) -> "Part":
        return Part.from_dict(self.to_dict())

    # -- interchange --------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "fields": dict(self.fields)}
        out["tables"] = {
            tid: [{"id": r.id, **r.cells} for r in rows] for tid, rows in self.rows.items()
        }
        out["fixed"] = {tid: {rid: dict(c) for rid, c in rows.items() if c} for tid, rows in self.fixed.items()}
        out["overrides"] = dict(self.overrides)
        out["explanations"] = dict(self.explanations)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Part":
        part = cls(id=str(data.get("id") or new_id("p")))
        part.fields = {str(k): _text(v) for k, v in (data.get("fields") or {}).items()}
        for tid, rows in (data.get("tables") or {}).items():
            seen: set[str] = set()
            out = []
            for r in rows:
                rid = str(r.get("id") or "")
                if not _ROW_ID.match(rid) or rid in seen:  # '/' would break addresses; a repeat hides a row
                    rid = new_row_id()
                seen.add(rid)
                out.append(Row(rid, {str(k): _text(v) for k, v in r.items() if k != "id"}))
            part.rows[str(tid)] = out
        for tid, rows in (data.get("fixed") or {}).items():
            part.fixed[str(tid)] = {str(rid): {str(k): _text(v) for k, v in cells.items()} for rid, cells in rows.items()}
        part.overrides = {str(k): _text(v) for k, v in (data.get("overrides") or {}).items()}
        part.explanations = {str(k): _text(v) for k, v in (data.get("explanations") or {}).items()}
        return part


@dataclass
class Document:
    form_id: str
    form_version: str
    parts: list[Part] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "jixiao-form",
            "format_version": 1,
            "form": self.form_id,
            "version": self.form_version,
            "meta": dict(self.meta),
            "parts": [p.to_dict() for p in self.parts],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Document":
        return cls(
            form_id=str(data["form"]),
            form_version=str(data.get("version", "")),
            parts=[Part.from_dict(p) for p in data.get("parts", [])],
            meta={str(k): _text(v) for k, v in (data.get("meta") or {}).items()},
        )


def _text(v: Any) -> str:
    """Interchange values are text; numbers written by other tools are taken as typed."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return repr(v)
    return str(v)
