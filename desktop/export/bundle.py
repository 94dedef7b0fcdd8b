"""The export bundle for a USB stick: the PDF, the Excel file and the draft, in a folder or a zip.

Public API::

    make_bundle(state, draft_path_or_None, out_dir, *, as_zip=True, pdf=True, when=None) -> Path

Files are named ``单位_表单_项目_日期`` (Windows-safe, Chinese kept).  The
draft is copied with SQLite's backup API (a consistent copy even while the app
has it open); without a draft the document goes in as its JSON interchange
file.  Nothing is left half-written: the bundle is built in a temporary
folder and moved into place at the end.
"""
from __future__ import annotations

import datetime as _dt
import shutil
import sqlite3
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from desktop.core.errors import Code, JixiaoError
from desktop.export.filenames import export_basename, safe_filename

__all__ = ["make_bundle", "BundleError"]


class BundleError(JixiaoError):
    """The bundle cannot be made."""


def make_bundle(state: Any, draft_path: str | Path | None, out_dir: str | Path, *, as_zip: bool = True,
                pdf: bool = True, when: _dt.date | None = None) -> Path:
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BundleError(Code.BUNDLE_MKDIR, folder=out_dir, why=exc.strerror or exc) from None
    base = export_basename(state.meta(), when)
    target = _free(out_dir, base, ".zip" if as_zip else "")
    with tempfile.TemporaryDirectory(prefix="jixiao-bundle-", dir=out_dir) as tmp:
        folder = Path(tmp) / target.stem if as_zip else Path(tmp) / target.name
        folder.mkdir()
        files = _fill(folder, state, draft_path, base, pdf)
        try:
            if as_zip:
                part = Path(tmp) / (target.name + ".part")
                with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                    for f in files:
                        zf.write(f, arcname=f"{folder.name}/{f.name}")  # UTF-8 names (flag 0x800)
                part.replace(target)
            else:
                shutil.move(str(folder), str(target))
        except OSError as exc:
            raise BundleError(Code.BUNDLE_WRITE, path=target, why=exc.strerror or exc) from None
    return target


def _free(out_dir: Path, base: str, suffix: str) -> Path:
    path = out_dir / f"{base}{suffix}"
    n = 2
    while path.exists():
        path = out_dir / f"{base}({n}){suffix}"
        n += 1
    return path


def _fill(folder: Path, state: Any, draft_path: str | Path | None, base: str, pdf: bool) -> list[Path]:
    from desktop.export.xlsx import export_xlsx

    files: list[Path] = []
    if pdf:
        from desktop.export.pdf import export_pdf

        p = folder / f"{base}.pdf"
        export_pdf(state, p)
        files.append(p)
    x = folder / f"{base}.xlsx"
    export_xlsx(state, x)
    files.append(x)
    if draft_path is not None:
        src = Path(draft_path)
        suffix = src.suffix.lower() if src.suffix.lower() in (".jxd", ".json") else ".jxd"
        d = folder / safe_filename(f"{base}{suffix}")
        _copy_draft(src, d)
        files.append(d)
    else:
        from desktop.core.interchange import write_json

        j = folder / f"{base}.json"
        write_json(state.doc, j)
        files.append(j)
    return files


def _copy_draft(src: Path, dst: Path) -> None:
    if not src.is_file():
        raise BundleError(Code.BUNDLE_NO_DRAFT, path=src)
    from desktop.core.interchange import is_draft_file

    if not is_draft_file(src):
        shutil.copy2(src, dst)
        return
    try:
        source = sqlite3.connect(f"{src.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
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
