"""文件 → 由申报表生成自评表…: make the form that continues a 申报表 (its targets filled) and open it.

The form window offers it for its own document; the main window asks for a 申报表 file first
(read only, never modified).  Either way the clerk names the new draft, which then opens.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox, QWidget

from desktop.core.errors import JixiaoError
from ui import settings as user_settings

MENU_TEXT = "由申报表生成自评表…"


def can_continue(form_id: str) -> bool:
    """Some installed form can be made from a document of ``form_id``."""
    from desktop.core.catalog import all_forms
    from desktop.core.continuation import continuing_forms

    try:
        return bool(continuing_forms(form_id, all_forms()))
    except JixiaoError:
        return False


def from_file(parent: QWidget, folder: str | Path) -> Any:
    """Main window: choose a 申报表 (draft or JSON), then make and open its 自评表."""
    from desktop.commands import load_document
    from desktop.core.catalog import load_form
    from desktop.core.engine import DocumentState

    path, _ = QFileDialog.getOpenFileName(parent, "选择申报表", str(folder), "草稿 (*.jxd);;JSON 交换文件 (*.json)")
    if not path:
        return None
    try:
        doc = load_document(path)
        state = DocumentState(load_form(doc.form_id), doc)
    except JixiaoError as exc:
        QMessageBox.warning(parent, "无法读取申报表", exc.text)
        return None
    return from_state(parent, state, Path(path))


def from_state(parent: QWidget, state: Any, source_path: Path | None) -> Any:
    """Make the continuing form of ``state``'s document, save it where the clerk says and open it."""
    from desktop.core.catalog import all_forms
    from desktop.core.continuation import continue_document, continuing_forms, pick_target
    from desktop.session import FormSession

    try:
        forms = all_forms()
        candidates = continuing_forms(state.form.id, forms)
        form_id = None
        if len(candidates) > 1:
            names = [f"{f.title}（{f.id}）" for f in candidates]
            chosen, ok = QInputDialog.getItem(parent, MENU_TEXT.rstrip("…"), "要生成的表单：", names, 0, False)
            if not ok:
                return None
            form_id = candidates[names.index(chosen)].id
        target = pick_target(state.form, forms, form_id)
        made = continue_document(state, target)
    except JixiaoError as exc:
        QMessageBox.warning(parent, "不能生成", exc.text)
        return None
    dst, _ = QFileDialog.getSaveFileName(parent, f"新的{target.title}保存为", str(_suggested(source_path, target)),
                                         "草稿 (*.jxd)")
    if not dst:
        return None
    try:
        session = FormSession.create(dst, made.document, missing_glyphs=user_settings.print_font_check())
    except JixiaoError as exc:
        QMessageBox.warning(parent, "无法保存草稿", exc.text)
        return None
    window = _open(session)
    window.statusBar().showMessage(
        f"已由“{state.form.title}”带入 {made.fields} 项内容、{made.rows} 行绩效指标及其指标值；请填写实际完成值和分值")
    return window


def _suggested(source: Path | None, target: Any) -> Path:

    if source is None:
        return user_settings.draft_folder() / f"{target.title}.jxd"
    stem = source.stem.replace("申报表", "自评表") if "申报表" in source.stem else f"{source.stem}_自评表"
    return source.with_name(stem + ".jxd")


def _open(session: Any) -> Any:
    """Open the new draft in the app's main window (recent list, window bookkeeping), or on its own."""
    for w in QApplication.topLevelWidgets():
        if hasattr(w, "show_session") and hasattr(w, "windows"):
            return w.show_session(session)
    from ui.form_window import FormWindow

    window = FormWindow(session)
    window.show()
    return window
