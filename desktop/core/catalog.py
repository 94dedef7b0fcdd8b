"""The forms this program knows: those shipped in ``resources/forms/`` and those the user installed.

Installed forms live in the user's forms folder (``desktop/forms/installed.py``), one file per
version (``forms/ID/VERSION.json``), so that a draft made with an older version still loads the
definition it was made with.  ``load_form(id)`` gives the newest version there is;
``load_form(id, version)`` that version when it is kept (else the newest).  Seed samples are in
``resources/samples/``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from desktop.core.document import Document
from desktop.core.errors import Code, DocumentError, suggest
from desktop.core.interchange import version_key
from desktop.resources import resource_path

if TYPE_CHECKING:  # pragma: no cover - the definitions' loader is imported when a form is loaded
    from desktop.core.definition import FormDef

SHIPPED, INSTALLED = "shipped", "installed"


@dataclass(frozen=True)
class FormFile:
    """One version of one form, as a file."""

    id: str
    version: str
    path: Path
    origin: str  # SHIPPED or INSTALLED
    title: str = ""
    region: str = ""
    year: str = ""


def forms_dir() -> Path:
    return resource_path("forms")


def _user_dir() -> str:
    from desktop.paths import user_forms_dir

    return str(user_forms_dir())


def _head(path: Path, origin: str) -> FormFile | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # a broken file is reported by load_form / the definitions test
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        return None
    return FormFile(data["id"], str(data.get("version", "")), path, origin, str(data.get("title", "")),
                    str(data.get("region", "")), str(data.get("year", "")))


@lru_cache(maxsize=None)
def _catalog(user_dir: str) -> dict[str, tuple[FormFile, ...]]:
    found: dict[str, list[FormFile]] = {}
    paths = [(p, SHIPPED) for p in sorted(forms_dir().glob("*.json"))]
    if user_dir and Path(user_dir).is_dir():
        paths += [(p, INSTALLED) for p in sorted(Path(user_dir).glob("*/*.json"))]
    for path, origin in paths:
        head = _head(path, origin)
        if head is not None:
            found.setdefault(head.id, []).append(head)
    return {fid: tuple(sorted(files, key=lambda f: version_key(f.version))) for fid, files in found.items()}


_REFRESHED: list = []  # what else forgets its caches with the catalogue (the store's search-meta specs)


def on_refresh(forget: "Callable[[], None]") -> None:
    """Call ``forget`` whenever the catalogue is refreshed (layers above core register their caches)."""
    if forget not in _REFRESHED:
        _REFRESHED.append(forget)


def refresh() -> None:
    """Forget what was read (after a form is installed or removed)."""
    _catalog.cache_clear()
    _load.cache_clear()
    for forget in _REFRESHED:
        forget()


def versions(form_id: str) -> tuple[FormFile, ...]:
    """Every version of a form there is, oldest first."""
    return _catalog(_user_dir()).get(form_id, ())


def form_ids() -> list[str]:
    return list(_catalog(_user_dir()))


def form_path(form_id: str, version: str = "") -> Path | None:
    files = versions(form_id)
    if not files:
        return None
    for f in files:
        if version and f.version == version:
            return f.path
    return files[-1].path


def newest(form_id: str) -> FormFile | None:
    files = versions(form_id)
    return files[-1] if files else None


def load_form(form_id: str, version: str = "") -> "FormDef":
    """The form's newest definition, or ``version`` when that one is kept."""
    return _load(form_id, version or "", _user_dir())


@lru_cache(maxsize=None)
def _load(form_id: str, version: str, user_dir: str) -> "FormDef":
    from desktop.core.definition import load_definition

    path = form_path(form_id, version)
    if path is None:
        raise DocumentError(Code.DOC_UNKNOWN_FORM, form=form_id, suggestion=suggest(form_id, form_ids()))
    return load_definition(path)


def form_for(doc: Document) -> "FormDef":
    """The definition a document was made with, when it is kept; else the newest."""
    return load_form(doc.form_id, doc.form_version)


def all_forms() -> list["FormDef"]:
    return [load_form(fid) for fid in form_ids()]


def sample_path(form_id: str) -> Path:
    return resource_path("samples", f"{form_id}.json")


def load_sample(form_id: str) -> Document:
    """The form filled with its seed document's own data (every project of C and D)."""
    load_form(form_id)
    path = sample_path(form_id)
    return Document.from_dict(json.loads(path.read_text(encoding="utf-8")))
