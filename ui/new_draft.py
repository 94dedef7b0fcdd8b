"""Creating and opening drafts from the main window (file dialogs, locked drafts, the prefilled unit)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop.core.errors import JixiaoError
from ui import settings as user_settings


def new_document(form: Any) -> Any:
    """An empty document of ``form`` with its year, and the unit and phone from the settings, filled in."""
    from desktop.core.document import Document, Part

    part = Part()
    unit = user_settings.get("unit")
    phone = user_settings.get("phone")
    if unit and form.meta.get("unit") in form.fields and not form.fields[form.meta["unit"]].computed:
        part.fields[form.meta["unit"]] = unit
    for f in form.fields.values():
        if phone and f.type.name == "phone" and not f.computed:
            part.fields.setdefault(f.id, phone)
    year = form.meta.get("year")
    if form.year and year in form.fields and not form.fields[year].computed:
        part.fields[year] = form.year  # the form's own year: a new draft does not start with its 年度 in red
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
        return FormSession.create(p, new_document(form), missing_glyphs=user_settings.print_font_check())
    except JixiaoError as exc:
        QMessageBox.warning(parent, "无法新建草稿", exc.text)
        return None


def _open(path: str | Path, readonly: bool = False) -> Any:
    """The draft's session, checking typed characters against the print font of the settings."""
    from desktop.session import FormSession

    return FormSession.open(path, readonly=readonly, missing_glyphs=user_settings.print_font_check())


def open_session(parent: QWidget, path: str | Path) -> Any:
    """Open a draft; when it is open elsewhere, offer read-only."""
    from desktop.store import DraftLocked

    try:
        return _open(path)
    except DraftLocked as exc:
        box = QMessageBox(QMessageBox.Icon.Question, "草稿已被打开", exc.text, parent=parent)
        readonly = box.addButton("只读打开", QMessageBox.ButtonRole.AcceptRole)
        force = box.addButton("强制解除占用…", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        clicked = box.clickedButton()
        try:
            if clicked is force:
                sure = QMessageBox.warning(
                    parent, "强制解除占用",
                    "只有确认那台电脑上的程序已经关闭（或已关机）时才能这样做，否则两边同时修改会互相覆盖。\n\n确定解除占用并打开？",
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
                if sure != QMessageBox.StandardButton.Yes:
                    return None
                from desktop.store import break_lock

                break_lock(Path(path))
                return _open(path)
            if clicked is not readonly:
                return None
            return _open(path, readonly=True)
        except JixiaoError as exc2:
            QMessageBox.warning(parent, "无法打开草稿", exc2.text)
            return None
    except JixiaoError as exc:
        if getattr(exc, "key", "") in READ_ONLY_OFFERED:
            return _offer_read_only(parent, path, exc.text)
        QMessageBox.warning(parent, "无法打开草稿", exc.text)
        return None


# drafts that cannot be opened for writing but can be read as they are (the file is never changed)
READ_ONLY_OFFERED = ("bad_journal", "readonly_recover")


def _offer_read_only(parent: QWidget, path: str | Path, text: str) -> Any:

    box = QMessageBox(QMessageBox.Icon.Warning, "无法以可编辑方式打开草稿", text, parent=parent)
    readonly = box.addButton("只读打开", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if box.clickedButton() is not readonly:
        return None
    try:
        return _open(path, readonly=True)
    except JixiaoError as exc:
        QMessageBox.warning(parent, "无法打开草稿", exc.text)
        return None
