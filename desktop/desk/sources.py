"""What a receiving desk finds in a folder: the documents inside every kind of file a unit sends.

Kinds: drafts (.jxd), JSON interchange (.json), our own workbooks (.xlsx),
PDFs exported by the app (their data travels inside as an attachment),
bundles (.zip) and e-mails (.eml) whose attachments are any of those.  Every
file is untrusted: it is only read (drafts through the store's read-only open,
which never lets SQLite replay a journal), containers are unpacked in memory
within size limits, and a file that cannot be read becomes a :class:`Found`
with a Chinese ``problem`` instead of an exception.  Qt-free.
"""
from __future__ import annotations

import email
import email.policy
import os
import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterator

from desktop import osfiles
from desktop.core.document import Document
from desktop.core.errors import JixiaoError

KINDS = {".jxd": "草稿", ".json": "JSON", ".xlsx": "Excel", ".pdf": "PDF", ".zip": "打包文件", ".eml": "邮件"}
MB = 1024 * 1024
MAX_FILE = 200 * MB  # a single file or attachment looked at
MAX_MEMBERS = 200  # members of one zip / attachments of one e-mail
MAX_MEMBER = 100 * MB  # one unpacked member


@dataclass
class Found:
    """One document found in a file (or the reason none could be read)."""

    path: Path  # the file on disk (the container for zip and e-mail members)
    member: str = ""  # the name inside a zip or e-mail, "" for the file itself
    kind: str = ""
    document: Document | None = None
    draft_id: str = ""
    modified: str = ""  # when the unit last changed it (draft info, else the file's time)
    problem: str = ""
    pdf_hash: str = ""  # for a PDF: the content hash its verification code stands for
    pdf_code: str = ""
    pdf_intact: bool | None = None  # for a PDF: does its embedded data match its verification code
    notes: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.path.name}：{self.member}" if self.member else self.path.name


def file_kind(path: Path) -> str:
    return KINDS.get(path.suffix.lower(), "")


def walk(paths: list[Path]) -> Iterator[Path]:
    """Every file of a known kind under the given folders and files, in a stable order."""
    for root in paths:
        if root.is_dir():
            for folder, dirs, files in os.walk(root):
                dirs.sort()
                for name in sorted(files):
                    p = Path(folder) / name
                    if file_kind(p) and not name.startswith((".", "~$")):
                        yield p
        elif file_kind(root):
            yield root


def file_stamp(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns


def read_file(path: Path) -> list[Found]:
    """The documents in one file on disk."""
    try:
        st = os.stat(path)
    except OSError as exc:
        return [Found(path, kind=file_kind(path), problem=f"无法读取：{exc.strerror or exc}")]
    if not stat.S_ISREG(st.st_mode):
        return [Found(path, kind=file_kind(path), problem="不是普通文件")]
    if st.st_size > MAX_FILE:
        return [Found(path, kind=file_kind(path), problem=f"文件过大（{st.st_size // MB} MB）")]
    from datetime import datetime

    modified = datetime.fromtimestamp(st.st_mtime).isoformat(timespec="seconds")
    return _read(path, path, "", modified)


def _read(path: Path, real: Path, member: str, modified: str) -> list[Found]:
    """Documents in ``real`` (a file on disk, maybe a private temporary copy of a member)."""
    kind = file_kind(Path(member or real.name))
    base = Found(path, member, kind, modified=modified)
    try:
        if kind == "草稿":
            return [_draft(base, real)]
        if kind == "JSON":
            from desktop.core.interchange import read_json

            base.document = read_json(real)
            return [base]
        if kind == "Excel":
            from desktop.export.xlsx_import import read_xlsx

            result = read_xlsx(real)
            base.document, base.notes = result.document, list(result.notes)
            return [base]
        if kind == "PDF":
            return [_pdf(base, real)]
        if kind in ("打包文件", "邮件") and member:
            base.problem = "压缩包或邮件中的压缩包、邮件不再展开"
            return [base]
        if kind == "打包文件":
            return _zip(path, real, modified)
        if kind == "邮件":
            return _eml(path, real, modified)
        base.problem = "不认识的文件类型"
    except JixiaoError as exc:
        base.problem = exc.text
    except (OSError, ValueError, KeyError, TypeError, RecursionError, MemoryError, zipfile.BadZipFile) as exc:
        base.problem = f"无法读取（{type(exc).__name__}）"
    return [base]


def _draft(base: Found, real: Path) -> Found:
    from desktop.store import Draft

    with Draft.open(real, readonly=True) as draft:
        base.document = draft.document
        base.draft_id = draft.info.get("draft_id", "")
        base.modified = draft.info.get("modified", "") or base.modified
        if draft.notice:
            base.notes.append(draft.notice)
    return base


def _pdf(base: Found, real: Path) -> Found:
    from desktop.core.catalog import load_form
    from desktop.core.interchange import document_from_json, parse_json
    from desktop.export.pdf_verify import document_hash, read_stamp

    stamp = read_stamp(real)
    base.pdf_hash, base.pdf_code, base.draft_id = stamp.content_hash, stamp.code, stamp.draft_id
    data = pdf_attachment(real)
    if data is None:
        base.problem = "PDF 中没有附带表单数据（可能由旧版本程序导出），请同时报送草稿或 Excel 文件"
        return base
    data = parse_json(data.decode("utf-8"))  # untrusted: every failure a Chinese message
    doc = document_from_json(data)
    base.document = document_from_json(data, load_form(doc.form_id).version)  # as read_json checks it
    base.pdf_intact = document_hash(base.document) == stamp.content_hash
    if not base.pdf_intact:
        base.notes.append("PDF 内附的数据与其校验码不一致，PDF 可能被改动过")
    return base


def pdf_attachment(path: Path) -> bytes | None:
    """The JSON interchange embedded in a PDF the app exported, or None."""
    from pypdf import PdfReader

    from desktop.export.pdf import PDF_ATTACHMENT

    reader = PdfReader(str(path))
    files = reader.attachments
    blobs = files.get(PDF_ATTACHMENT) or []
    if not blobs:
        return None
    data = blobs[0]
    if len(data) > MAX_MEMBER:
        raise ValueError("attachment too large")
    return data


def _zip(path: Path, real: Path, modified: str) -> list[Found]:
    out: list[Found] = []
    with zipfile.ZipFile(real) as zf:
        infos = [i for i in zf.infolist() if not i.is_dir() and file_kind(PurePosixPath(i.filename))]
        if len(infos) > MAX_MEMBERS:
            return [Found(path, kind="打包文件", problem=f"压缩包中文件过多（{len(infos)} 个）")]
        for info in infos:
            name = PurePosixPath(info.filename).name
            if info.file_size > MAX_MEMBER:
                out.append(Found(path, name, file_kind(Path(name)), problem="文件过大"))
                continue
            with zf.open(info) as fh:
                data = fh.read(MAX_MEMBER + 1)
            out.extend(_member(path, name, data, modified))
    return out or [Found(path, kind="打包文件", problem="压缩包中没有可识别的报送文件")]


def _eml(path: Path, real: Path, modified: str) -> list[Found]:
    with open(real, "rb") as fh:
        msg = email.message_from_binary_file(fh, policy=email.policy.default)
    out: list[Found] = []
    for n, part in enumerate(msg.iter_attachments()):
        if n >= MAX_MEMBERS:
            break
        name = PurePosixPath(str(part.get_filename() or "")).name
        if not name or not file_kind(Path(name)):
            continue
        data = part.get_payload(decode=True) or b""
        out.extend(_member(path, name, data[: MAX_MEMBER + 1], modified))
    return out or [Found(path, kind="邮件", problem="邮件中没有可识别的报送附件")]


def _member(path: Path, name: str, data: bytes, modified: str) -> list[Found]:
    """A zip member or attachment: written to a private temporary file (short name), then read."""
    if len(data) > MAX_MEMBER:
        return [Found(path, name, file_kind(Path(name)), problem="文件过大")]
    suffix = Path(name).suffix.lower()
    if suffix in (".zip", ".eml"):
        return [Found(path, name, file_kind(Path(name)), problem="压缩包或邮件中的压缩包、邮件不再展开")]
    folder = Path(tempfile.mkdtemp(prefix="jxd-"))
    try:
        real = folder / ("m" + suffix)
        real.write_bytes(data)
        found = _read(path, real, name, modified)
        for f in found:
            f.member = name
        return found
    finally:
        osfiles.remove_tree(folder)

