"""A table's ``CREATE TABLE`` text reduced to what it means, to compare a received draft's with ours.

:func:`canonical` reads the text SQLite keeps in ``sqlite_master`` and returns
its columns and constraints in a form that ignores what does not change the
table: spaces, comments, case, identifier quotes, the order of the items, and
the order of the constraints on one column (SQLAlchemy writes ``DEFAULT ''
NOT NULL``, ``ALTER TABLE ... ADD COLUMN`` in a migrated draft ``NOT NULL
DEFAULT ''``).  :func:`expected` builds the same form from
:mod:`desktop.store.layout`.  Anything else — a ``UNIQUE``, a changed type, a
``NOT NULL`` more or less, another ``DEFAULT`` — makes them differ.
"""
from __future__ import annotations

import re

from desktop.store.layout import Column

_TOKEN = re.compile(r"""
    (?P<space>\s+|--[^\n]*|/\*.*?(?:\*/|$))
  | "(?P<dq>(?:[^"]|"")*)"
  | `(?P<bq>(?:[^`]|``)*)`
  | \[(?P<sq>[^\]]*)\]
  | (?P<str>'(?:[^']|'')*')
  | (?P<word>[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*)
  | (?P<num>[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)
  | (?P<other>.)
""", re.S | re.X)
# words that start a constraint on a column (after its name and type)
_STARTS = {"constraint", "primary", "not", "null", "unique", "check", "default", "collate", "references",
           "generated", "as"}
_TABLE_CONSTRAINTS = {"constraint", "primary", "unique", "check", "foreign"}

Canonical = tuple


def tokens(sql: str) -> list[str]:
    out = []
    for m in _TOKEN.finditer(sql):
        kind = m.lastgroup
        if kind == "space":
            continue
        if kind in ("dq", "bq", "sq"):
            out.append(m.group(kind).replace('""', '"').replace("``", "`").casefold())
        elif kind == "str":
            out.append(m.group(kind))
        else:
            out.append(m.group(0).casefold())
    return out


def canonical(sql: str) -> Canonical | None:
    """(name, frozen items, what follows the column list); None when it is not a plain CREATE TABLE."""
    t = tokens(sql)
    if t[:2] != ["create", "table"] or "(" not in t:
        return None
    open_at = t.index("(")
    name = tuple(t[2:open_at])
    items: list[list[str]] = [[]]
    depth = 0
    end = None
    for i in range(open_at + 1, len(t)):
        tok = t[i]
        if tok == "(":
            depth += 1
        elif tok == ")":
            if depth == 0:
                end = i
                break
            depth -= 1
        elif tok == "," and depth == 0:
            items.append([])
            continue
        items[-1].append(tok)
    if end is None:
        return None
    return name, tuple(sorted(_item(it) for it in items)), tuple(t[end + 1:])


def _item(tok: list[str]) -> tuple:
    if not tok or tok[0] in _TABLE_CONSTRAINTS:
        return ("table", tuple(tok))
    name, rest = tok[0], tok[1:]
    i = 0
    while i < len(rest) and rest[i] not in _STARTS:
        i += 1
    ctype, rest = tuple(rest[:i]), rest[i:]
    groups: list[list[str]] = []
    depth = 0
    for j, tk in enumerate(rest):
        if depth == 0 and tk in _STARTS and not (tk == "null" and j and rest[j - 1] == "not"):
            groups.append([tk])
        elif groups:
            groups[-1].append(tk)
        depth += (tk == "(") - (tk == ")")
    return ("column", name, ctype, tuple(sorted(tuple(g) for g in groups)))


def expected(name: str, columns: list[Column]) -> Canonical:
    """What :func:`canonical` gives for the table our schema makes from ``columns`` (layout.py)."""
    items = []
    for col, ctype, notnull, default, _pk in columns:
        groups = ([("not", "null")] if notnull else []) + ([("default", *tokens(default))] if default else [])
        items.append(("column", col.casefold(), (ctype.casefold(),), tuple(sorted(groups))))
    keys = [c[0].casefold() for c in sorted((c for c in columns if c[4]), key=lambda c: c[4])]
    if keys:
        items.append(("table", ("primary", "key", "(", *_commas(keys), ")")))
    return (name.casefold(),), tuple(sorted(items)), ()


def _commas(names: list[str]) -> list[str]:
    out: list[str] = []
    for n in names:
        out += ([","] if out else []) + [n]
    return out


def autoindexes(name: str, columns: list[Column]) -> set[str]:
    """The indexes SQLite makes by itself for our table: one for a primary key that is not the rowid."""
    keys = [c for c in columns if c[4]]
    if len(keys) == 1 and keys[0][1] == "INTEGER":
        return set()
    return {f"sqlite_autoindex_{name}_1"} if keys else set()
