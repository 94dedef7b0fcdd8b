"""File names a clerk can carry to Windows: Chinese kept, everything Windows refuses removed.

``safe_filename`` drops the characters Windows forbids (``<>:"/\\|?*`` and control
characters) and bidirectional control characters, trailing dots and spaces, avoids the reserved device names (CON,
PRN, AUX, NUL, COM1–9, LPT1–9, with or without an extension) and keeps the
name within a length that leaves room for the folder (also within 255 UTF-8
bytes for other file systems).
"""
from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path
from typing import IO, Any, Callable, Union

from desktop import osfiles
from desktop.core.errors import os_why

_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
# bidirectional controls: a unit named "…\u202efdp.exe" must not make "报表.exe" look like "报表.pdf"
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {f"COM{i}" for i in range(1, 10)} | \
    {f"LPT{i}" for i in range(1, 10)} | {"COM¹", "COM²", "COM³", "LPT¹", "LPT²", "LPT³"}
MAX_CHARS = 80
MAX_BYTES = 200

# where an exporter writes: a path, or a binary file object (a buffer, an attachment being built)
Destination = Union[str, Path, IO[bytes]]


def strip_bidi(text: str) -> str:
    """``text`` without bidirectional control characters (U+202A–202E, U+2066–2069, U+200E/F, U+061C)."""
    return _BIDI.sub("", text)


def safe_filename(name: str, max_chars: int = MAX_CHARS, fallback: str = "未命名") -> str:
    """``name`` as a file name (without folder) valid on Windows, macOS and Linux, without bidi controls."""
    text = _FORBIDDEN.sub("_", re.sub(r"[\t\r\n\v\f]+", " ", strip_bidi(name)))
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"_{2,}", "_", text)
    stem, dot, ext = text.rpartition(".")
    if not dot or not (0 < len(ext) <= 5) or not stem:
        stem, ext = text, ""
    stem = _cut(stem, max_chars - (len(ext) + 1 if ext else 0))
    text = f"{stem}.{ext}" if ext else stem
    text = text.rstrip(". ")
    if not text or set(text) <= {"_", ".", " "}:
        text = fallback
    if text.split(".")[0].strip().upper() in _RESERVED:
        text = "_" + text
    return text


def _cut(text: str, limit: int) -> str:
    limit = max(1, limit)
    text = text[:limit]
    while len(text.encode("utf-8")) > MAX_BYTES:
        text = text[:-1]
    return text.rstrip(". ")


def export_basename(meta: dict[str, Any], when: _dt.date | None = None) -> str:
    """``单位_表单_项目_20261124`` from ``DocumentState.meta()`` (parts left out when blank)."""
    when = when or _dt.date.today()
    project = str(meta.get("project", "") or "")
    if "、" in project:  # several projects: the first, and how many
        names = [p for p in project.split("、") if p]
        project = f"{names[0]}等{len(names)}个项目"
    pieces = [str(meta.get("unit", "") or ""), str(meta.get("title", "") or ""), project, when.strftime("%Y%m%d")]
    pieces = [_FORBIDDEN.sub("_", strip_bidi(p)).strip()[:30] for p in pieces if p and strip_bidi(p).strip()]
    return safe_filename("_".join(pieces))


def free_path(folder: Path, base: str, suffix: str) -> Path:
    """``folder/base+suffix``, or ``base(2)+suffix``, ``base(3)``… when taken: nothing is overwritten."""
    path = folder / f"{base}{suffix}"
    n = 2
    while path.exists():
        path = folder / f"{base}({n}){suffix}"
        n += 1
    return path


def write_file_atomically(target: Destination, data: bytes, fail: Callable[[str], Exception]) -> None:
    """Write ``data`` to ``target`` (a path, or a file object) in one go.

    The bytes go to ``name.part`` first and replace the target only when complete, so a
    half-written PDF, workbook or e-mail is never left behind.  On failure the partial file
    is removed and ``fail(reason)`` is raised — the caller's own error with its own wording,
    told that another program may hold the file when it is locked (antivirus, OneDrive, Excel).
    The final rename is retried briefly while a scanner holds the new file (:func:`osfiles.replace`).
    """
    if not isinstance(target, (str, Path)):
        target.write(data)
        return
    path = Path(target)
    tmp = path.with_name(path.name + ".part")
    try:
        tmp.write_bytes(data)
        osfiles.replace(tmp, path)
    except OSError as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        reason = os_why(exc)
        if osfiles.is_busy(exc) or isinstance(exc, PermissionError):
            reason += osfiles.BUSY_HINT
        raise fail(reason) from None
