"""The export bundle for a USB stick: the PDF, the Excel file and the draft, in a folder or a zip.

Public API::

    make_bundle(state, draft_path_or_None, out_dir, *, as_zip=True, pdf=True, when=None) -> Path

Files are named ``单位_表单_项目_日期`` (Windows-safe, Chinese kept).  The
draft is copied with SQLite's backup API (a consistent copy even while the app
has it open); without a draft the document goes in as its JSON interchange
file.  Nothing is left half-written: the bundle is built in a temporary
folder with a short name (short file names inside, so paths stay under
Windows' 260 characters) and moved into place at the end; the move is retried
while an antivirus scanner holds a new file, and the temporary folder is removed
even when a scanner keeps a file in it open.
"""
from __future__ import annotations

import datetime as _dt
import shutil
import sqlite3
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from desktop import osfiles
from desktop.osfiles import sqlite_uri
from desktop.core.errors import Code, JixiaoError, os_why
from desktop.export.filenames import export_basename, free_path, safe_filename

__all__ = ["make_bundle", "BundleError"]


class BundleError(JixiaoError):
    """The bundle cannot be made."""


def make_bundle(state: Any, draft_path: str | Path | None, out_dir: str | Path, *, as_zip: bool = True,
                pdf: bool = True, when: _dt.date | None = None) -> Path:
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BundleError(Code.BUNDLE_MKDIR, folder=out_dir, why=os_why(exc)) from None
    base = export_basename(state.meta(), when)
    target = free_path(out_dir, base, ".zip" if as_zip else "")
    try:
        # a short name: the files inside keep paths well under Windows' 260 characters
        tmp = Path(tempfile.mkdtemp(prefix=".jx", dir=out_dir))
    except OSError as exc:
        raise BundleError(Code.BUNDLE_WRITE, path=out_dir, why=os_why(exc) + osfiles.BUSY_HINT) from None
    try:
        folder = tmp if as_zip else tmp / "d"  # "d": an ordinary folder (mkdtemp's is private to the user)
        try:
            folder.mkdir(exist_ok=True)
        except OSError as exc:
            raise BundleError(Code.BUNDLE_WRITE, path=out_dir, why=os_why(exc)) from None
        files = _fill(folder, state, draft_path, base, pdf, short=as_zip)
        try:
            if as_zip:
                part = tmp / "b.zip"
                with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                    for f, name in files:
                        zf.write(f, arcname=f"{target.stem}/{name}")  # UTF-8 names (flag 0x800)
                osfiles.replace(part, target)
            else:
                osfiles.replace(folder, target)
        except OSError as exc:
            hint = osfiles.BUSY_HINT if osfiles.is_busy(exc) else ""
            raise BundleError(Code.BUNDLE_WRITE, path=target, why=os_why(exc) + hint) from None
    finally:
        osfiles.remove_tree(tmp)
    return target


def _fill(folder: Path, state: Any, draft_path: str | Path | None, base: str, pdf: bool,
          short: bool) -> list[tuple[Path, str]]:
    """Write the files into ``folder``: [(file, its name in the bundle)].  ``short``: short names on disk."""
    from desktop.export.xlsx import export_xlsx

    files: list[tuple[Path, str]] = []

    def place(name: str) -> Path:
        path = folder / (f"{len(files) + 1}{Path(name).suffix}" if short else name)
        files.append((path, name))
        return path

    if pdf:
        from desktop.export.pdf import export_pdf

        export_pdf(state, place(f"{base}.pdf"))
    export_xlsx(state, place(f"{base}.xlsx"))
    if draft_path is not None:
        src = Path(draft_path)
        suffix = src.suffix.lower() if src.suffix.lower() in (".jxd", ".json") else ".jxd"
        _copy_draft(src, place(safe_filename(f"{base}{suffix}")))
    else:
        from desktop.core.interchange import write_json

        write_json(state.doc, place(f"{base}.json"))
    return files


def _copy_draft(src: Path, dst: Path) -> None:
    if not src.is_file():
        raise BundleError(Code.BUNDLE_NO_DRAFT, path=src)
    from desktop.core.interchange import is_draft_file

    if not is_draft_file(src):
        shutil.copy2(src, dst)
        return
    try:
        # the store's URI builder: UNC paths of network drives become file:////server/share/…
        source = sqlite3.connect(sqlite_uri(src, "ro"), uri=True, timeout=5)
        try:
            copy = sqlite3.connect(str(dst))
            try:
                source.backup(copy)
            finally:
                copy.close()
        finally:
            source.close()
    except sqlite3.Error as exc:
        raise BundleError(Code.BUNDLE_COPY, name=src.name, path=src, why=exc) from None
