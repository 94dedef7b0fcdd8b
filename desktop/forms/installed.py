"""The user's installed forms: ``<data_dir>/forms/ID/VERSION.json``, beside the recent-drafts index.

Every version installed is kept (a draft made with an older one still loads it); ``origins.json``
in the same folder records where each came from and when.  Installing checks the file completely
first (a malformed one is refused with all its problems and nothing is written); a version not
newer than the one there is (installed or shipped) is refused; shipped forms cannot be removed.
"""
from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from desktop.core import catalog
from desktop.core.errors import Code, JixiaoError, message, os_why
from desktop.core.interchange import version_key

ORIGINS = "origins.json"
_SAFE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")  # a folder / file name on every system


class InstallError(JixiaoError):
    """The form is not installed (or removed): the text says why."""


@dataclass
class Installed:
    id: str
    version: str
    title: str
    path: Path
    previous: str = ""  # the version it upgrades ('' for a new form)

    @property
    def text(self) -> str:
        if self.previous:
            return message("form_upgraded", title=self.title, id=self.id, version=self.version, old=self.previous)
        return message("form_installed", title=self.title, id=self.id, version=self.version)


from desktop.paths import user_forms_dir  # noqa: E402,F401 - kept here for callers of this module


def _origins() -> dict:
    try:
        data = json.loads((user_forms_dir() / ORIGINS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_json(path: Path, data: dict) -> None:
    """Atomically (a crash leaves the old file or the new one); OSError when it cannot be written."""
    from desktop.export.filenames import write_file_atomically

    def fail(reason: str) -> Exception:
        return InstallError(Code.FORM_WRITE_FAILED, path=path, why=reason)

    path.parent.mkdir(parents=True, exist_ok=True)
    write_file_atomically(path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"), fail)


def _save_origins(data: dict) -> None:
    _write_json(user_forms_dir() / ORIGINS, data)


def origin_text(form: catalog.FormFile) -> str:
    """Where a form version came from: 内置, or 由 FILE 安装于 DATE."""
    if form.origin == catalog.SHIPPED:
        return message("form_origin_shipped")
    info = _origins().get(form.id, {}).get(form.version, {})
    return message("form_origin_installed", source=info.get("source", "?"), date=info.get("date", "?"))


def check_upgrade(definition: dict) -> str:
    """'' when the definition may be installed as new; the version it replaces when it is an upgrade.
    InstallError when it is not newer than the one there is."""
    fid, version = str(definition["id"]), str(definition["version"])
    for value in (fid, version):
        if not _SAFE.match(value) or value.strip(".") != value:
            raise InstallError(Code.FORM_BAD_NAME, value=value)
    there = catalog.newest(fid)
    if there is None:
        return ""
    if version_key(version) <= version_key(there.version):
        code = Code.FORM_SAME_VERSION if version_key(version) == version_key(there.version) else Code.FORM_OLDER_VERSION
        raise InstallError(code, title=there.title, id=fid, version=version, there=there.version)
    return there.version


def install(source: str | Path, definition: dict | None = None) -> Installed:
    """Install a ``.json`` definition or a ``.xlsx`` form workbook (checked completely first, unless
    the caller passes the ``definition`` it has just read from it)."""
    from desktop.forms.lint import read_source

    path = Path(source)
    if not path.is_file():
        raise InstallError(Code.DOC_UNREADABLE, path=path, why="文件不存在")
    if definition is None:
        definition = read_source(path)
    previous = check_upgrade(definition)
    fid, version = str(definition["id"]), str(definition["version"])
    target = user_forms_dir() / fid / f"{version}.json"
    try:
        _write_json(target, definition)
        origins = _origins()
        origins.setdefault(fid, {})[version] = {"source": path.name, "date": date.today().isoformat()}
        _save_origins(origins)
    except OSError as exc:
        raise InstallError(Code.FORM_WRITE_FAILED, path=target, why=os_why(exc)) from None
    catalog.refresh()
    return Installed(fid, version, str(definition.get("title", "")), target, previous)


def remove(form_id: str) -> list[str]:
    """Remove every installed version of a form; the versions removed.  Shipped forms stay."""
    files = [f for f in catalog.versions(form_id) if f.origin == catalog.INSTALLED]
    if not files:
        if catalog.versions(form_id):
            raise InstallError(Code.FORM_SHIPPED, id=form_id)
        raise InstallError(Code.DOC_UNKNOWN_FORM, form=form_id)
    folder = files[0].path.parent
    try:
        shutil.rmtree(folder)
    except OSError as exc:
        raise InstallError(Code.FORM_WRITE_FAILED, path=folder, why=os_why(exc)) from None
    origins = _origins()
    if origins.pop(form_id, None) is not None:
        _save_origins(origins)
    catalog.refresh()
    return [f.version for f in files]
