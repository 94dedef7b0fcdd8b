"""The canonical JSON of a definition: equal definitions print identically.

Keys are sorted; a key whose value is what its absence means (``"required": false``,
``"kind": "fields"``, an amount's ``"unit": "万元"``) is left out, by the default declared in
``desktop/core/defkeys.py`` or the field type's own default; whole numbers written as ``2.0``
print as ``2``; empty ``meta``/``signatures``/``parts`` are left out.  List order (sections, fields,
rows, checks) is kept: it is what is printed.
"""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from desktop.core.defkeys import BLOCKS, NO_DEFAULT, Key


def _same(value: Any, default: Any) -> bool:
    return value == default and isinstance(value, bool) == isinstance(default, bool)


def _number(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def strip(data: dict, block: str | dict[str, Key]) -> dict:
    keys = BLOCKS[block] if isinstance(block, str) else block
    out = {}
    for key, value in data.items():
        spec = keys.get(key)
        value = _number(value)
        if spec is not None and spec.default is not NO_DEFAULT and _same(value, spec.default):
            continue
        if spec is not None and spec.default is NO_DEFAULT and value is None and not spec.required:
            continue  # null where there is no default: not given
        out[key] = value
    return out


def _type_defaults(type_name: Any) -> dict[str, Any]:
    from desktop.core.types import TYPES

    cls = TYPES.get(type_name) if isinstance(type_name, str) else None
    if cls is None:
        return {}
    out = {}
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            out[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
            out[f.name] = f.default_factory()  # type: ignore[misc]
    return out


def field(data: dict) -> dict:
    out = strip(data, "field")
    defaults = _type_defaults(data.get("type", "text"))
    for key in [k for k in out if k in BLOCKS["field_options"]]:
        if key in defaults and _same(out[key], defaults[key]):
            del out[key]
    return out


def _check(data: dict) -> dict:
    return strip(data, "check")


def _table(data: dict) -> dict:
    out = strip(data, "table")
    out["columns"] = [field(c) for c in data.get("columns", [])]
    for key, fn in (("rows", lambda r: strip(r, "row")), ("row_checks", _check)):
        if out.get(key):
            out[key] = [fn(x) for x in out[key]]
    if out.get("header") is not None:
        out["header"] = [[strip(c, "header") for c in line] for line in out["header"]]
    return out


def _section(data: dict) -> dict:
    if data.get("kind") == "table":
        return _table(data)
    out = strip(data, "section")
    out["fields"] = [field(f) for f in data.get("fields", [])]
    return out


def canonical(data: dict) -> dict:
    """A (valid) definition with defaults left out and numbers normalised."""
    out = strip(data, "form")
    for key in ("meta", "signatures", "parts", "scoring"):
        if isinstance(out.get(key), dict):
            out[key] = strip(out[key], key)
            if not out[key]:
                del out[key]
        elif key in out and out[key] is None:
            del out[key]
    out["sections"] = [_section(s) for s in data.get("sections", [])]
    if out.get("checks"):
        out["checks"] = [_check(c) for c in out["checks"]]
    return out


def dumps(data: dict) -> str:
    return json.dumps(canonical(data), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def read_json(path: str | Path) -> dict:
    """A definition file's JSON, checked by the loader (DefinitionError names the file)."""
    from desktop.core.definition import load_definition

    load_definition(path)
    return json.loads(Path(path).read_text(encoding="utf-8"))
