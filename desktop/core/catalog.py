"""The forms shipped in ``resources/forms/`` and their seed samples in ``resources/samples/``."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from desktop.core.definition import FormDef, load_definition
from desktop.core.document import Document
from desktop.core.errors import Code, DocumentError, suggest
from desktop.resources import resource_path


def forms_dir() -> Path:
    return resource_path("forms")


@lru_cache(maxsize=None)
def _index() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for path in sorted(forms_dir().glob("*.json")):
        try:
            form_id = json.loads(path.read_text(encoding="utf-8")).get("id")
        except (OSError, ValueError):
            continue  # a broken file is reported by load_form / the definitions test
        if isinstance(form_id, str):
            out[form_id] = path
    return out


def form_ids() -> list[str]:
    return list(_index())


@lru_cache(maxsize=None)
def load_form(form_id: str) -> FormDef:
    path = _index().get(form_id)
    if path is None:
        raise DocumentError(Code.DOC_UNKNOWN_FORM, form=form_id, suggestion=suggest(form_id, form_ids()))
    return load_definition(path)


def all_forms() -> list[FormDef]:
    return [load_form(fid) for fid in form_ids()]


def sample_path(form_id: str) -> Path:
    return resource_path("samples", f"{form_id}.json")


def load_sample(form_id: str) -> Document:
    """The form filled with its seed document's own data (every project of C and D)."""
    load_form(form_id)
    path = sample_path(form_id)
    return Document.from_dict(json.loads(path.read_text(encoding="utf-8")))
