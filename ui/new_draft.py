"""Creating and opening drafts from the main window (file dialogs, locked drafts, the prefilled unit)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop.core.errors import JixiaoError
from ui import settings as user_settings


def new_document(form: Any) -> Any:
    """An empty document of ``form`` with the unit, people and phone from the settings filled in."""
    from desktop.core.document import Document, Part

    part = Part()
    unit = user_settings.get("unit")
    phone = user_settings.get("phone")
    if unit and form.meta.get("unit") in form.fields and not form.fields[form.meta["unit"]].computed:
        part.fields[form.meta["unit"]] = unit
    for f in form.fields.values():
        if phone and f.type.name == "phone" and not f.computed:
            part.fields.setdefault(f.id, phone)
    return Document(form.id, form.version, [part])


def suggested_name(form: Any) -> str:
    from desktop.export.filenames import safe_filename

    unit = user_settings.get("unit")
    year = form.year or ""
    return safe_filename(f"{unit + '_' if unit else ''}{form.title}{'_' + year if year else ''}.jxd")


def create_session(parent: QWidget, form: Any) -> Any:
    from desktop.session import FormSession

    path, _ = QFileDialog.getSaveFileName(parent, f"新建“{form.title}”草稿",
                                          str(user_settings.draft_folder() / suggested_name(form)), "草稿 (*.jxd)")
    if not path:
        return None
    p = Path(path)
    if p.suffix.lower() != ".jxd":
        p = p.with_name(p.name + ".jxd")
    try:
        return FormSession.create(p, new_document(form))
    except JixiaoError as exc:
        QMessageBox.warning(parent, "无法新建草稿", exc.text)
        return None


def open_session(parent: QWidget, path: str | Path) -> Any:
    """Open a draft; when it is open elsewhere, offer read-only."""
    from desktop.session import FormSession
    from desktop.store import DraftLocked

    try:
        return FormSession.open(path)
    except DraftLocked as exc:
        answer = QMessageBox.question(parent, "草稿已被打开", exc.text + "\n\n以只读方式打开？")
        if answer != QMessageBox.StandardButton.Yes:
            return None
        try:
            return FormSession.open(path, readonly=True)
        except JixiaoError as exc2:
            QMessageBox.warning(parent, "无法打开草稿", exc2.text)
            return None
    except JixiaoError as exc:
        QMessageBox.warning(parent, "无法打开草稿", exc.text)
        return None
