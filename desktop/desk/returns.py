"""Returning a submission: a package (.zip) the unit opens in its app.

The package holds the document as received, as a draft (.jxd) carrying the
review (:mod:`desktop.core.review`): the verdict, the overall comment and the
comments on cells.  Opening it in the unit's app (文件 → 打开退回包…, or
``jixiao open-return``) unpacks the draft beside the package; the problems
panel lists the 审核意见 beside their cells and the PDF prints them on a
审核意见 page.  Qt-free.
"""
from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path

from desktop import osfiles
from desktop.core.errors import Code, JixiaoError, os_why
from desktop.core.review import CellComment, Review, read_review, write_review
from desktop.desk.library import Library
from desktop.export.filenames import free_path

DRAFT_NAME = "退回草稿.jxd"
MAX_PACKAGE = 200 * 1024 * 1024


class ReturnError(JixiaoError):
    """A return package cannot be written or opened."""


def review_of(lib: Library, sid: int) -> Review:
    row = lib.submission(sid)
    comments = [CellComment(text=c["text"], part=c["part"], addr=c["addr"], label=c["label"],
                            reviewer=c["reviewer"], created=c["created"]) for c in lib.comments(sid)]
    return Review(status=row["status"], comment=row["comment"], reviewer=row["reviewer"], reviewed=row["reviewed"],
                  comments=comments)


def write_return_package(lib: Library, sid: int, output: str | Path) -> Path:
    from desktop.export.filenames import safe_filename
    from desktop.store import create_draft_from_document

    output = Path(output)
    if output.suffix.lower() != ".zip":
        output = output.with_name(output.name + ".zip")
    doc = lib.document(sid)
    write_review(doc, review_of(lib, sid))
    folder = Path(tempfile.mkdtemp(prefix="jxr-"))
    try:
        draft = folder / "r.jxd"
        create_draft_from_document(draft, doc)
        row = lib.submission(sid)
        name = safe_filename(f"{row['unit']}-{row['project'] or row['form_title']}-退回", 60) + ".jxd"
        tmp = output.with_name(f".{output.name}.tmp")
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.write(draft, name)
            zf.writestr("审核意见.txt", "\r\n".join(review_of(lib, sid).lines()) + "\r\n")
        tmp.replace(output)
    except OSError as exc:
        raise ReturnError(Code.RETURN_WRITE, path=output, why=os_why(exc)) from None
    finally:
        osfiles.remove_tree(folder)
    return output


def open_return_package(package: str | Path, folder: str | Path | None = None) -> Path:
    """Unpack the draft of a return package into ``folder`` (default: beside the package); returns its path.

    The package is untrusted like any received file: only the one draft member is taken, by its
    base name, size-limited, never overwriting an existing file."""
    package = Path(package)
    folder = Path(folder) if folder else package.parent
    try:
        with zipfile.ZipFile(package) as zf:
            members = [i for i in zf.infolist() if i.filename.lower().endswith(".jxd") and not i.is_dir()]
            if len(members) != 1:
                raise ReturnError(Code.RETURN_NOT_PACKAGE, name=package.name)
            info = members[0]
            if info.file_size > MAX_PACKAGE:
                raise ReturnError(Code.RETURN_TOO_BIG, name=package.name)
            name = Path(Path(info.filename.replace("\\", "/")).name or DRAFT_NAME)
            target = free_path(folder, name.stem, name.suffix)
            with zf.open(info) as src, open(target, "xb") as dst:
                shutil.copyfileobj(src, dst)
    except (OSError, zipfile.BadZipFile) as exc:
        why = os_why(exc) if isinstance(exc, OSError) else "不是有效的 zip 文件"
        raise ReturnError(Code.RETURN_UNREADABLE, name=package.name, why=why) from None
    from desktop.store import read_draft_document

    try:
        doc = read_draft_document(target)
    except JixiaoError:
        target.unlink(missing_ok=True)
        raise
    if read_review(doc) is None:
        target.unlink(missing_ok=True)
        raise ReturnError(Code.RETURN_NO_REVIEW, name=package.name)
    return target

