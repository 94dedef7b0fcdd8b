"""Menu actions of the form window that leave the app: PDF, print preview, Excel, mail, bundle.

Each export module is imported when its action runs (ReportLab and openpyxl are
not loaded at start-up); a missing module is told in a message, not a crash.
"""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from desktop.core.errors import JixiaoError
from ui import settings as user_settings


def _basename(win: Any) -> str:
    try:
        from desktop.export.filenames import export_basename

        return export_basename(win.session.state.meta())
    except ImportError:
        return win.form.title


def _ask_path(win: Any, title: str, suffix: str, filt: str) -> Path | None:
    start = user_settings.export_folder() / f"{_basename(win)}{suffix}"
    path, _ = QFileDialog.getSaveFileName(win, title, str(start), filt)
    if not path:
        return None
    p = Path(path)
    return p if p.suffix.lower() == suffix else p.with_name(p.name + suffix)


def _missing(win: Any, what: str, exc: Exception) -> None:
    QMessageBox.information(win, what, f"本程序的“{what}”功能尚未安装（{exc}）。")


def _busy(fn: Any) -> Any:
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        return fn()
    finally:
        QGuiApplication.restoreOverrideCursor()


def _draft_id(win: Any) -> str:
    path = win.session.path
    if path is None:
        return ""
    try:
        from desktop.export.pdf_verify import draft_versions

        win.flush()
        return draft_versions(path)[0]
    except (ImportError, JixiaoError, OSError):
        return ""


def export_pdf(win: Any, final: bool = False) -> Path | None:
    try:
        from desktop.export.pdf import export_pdf as do_export
    except ImportError as exc:
        _missing(win, "导出 PDF", exc)
        return None
    state = win.session.state
    if final and state.has_errors:
        QMessageBox.warning(win, "不能导出正式版", "表中还有错误（见右侧“问题”），改正后才能导出供盖章的正式版。\n"
                            "现在可以导出带“草稿”水印的副本。")
        return None
    path = _ask_path(win, "导出正式版 PDF" if final else "导出 PDF", ".pdf", "PDF 文件 (*.pdf)")
    if path is None:
        return None
    font = user_settings.get("print_font") or None
    try:
        result = _busy(lambda: do_export(state, path, final=final, font=font, draft_id=_draft_id(win)))
    except JixiaoError as exc:
        QMessageBox.warning(win, "导出 PDF 失败", exc.text)
        return None
    if final and win.session.draft is not None and not win.session.readonly:
        try:
            win.flush()
            win.session.draft.snapshot("export", "导出正式版 PDF")
        except JixiaoError:
            pass
    kind = "正式版" if final else ("草稿副本（有错误，带“草稿”水印）" if state.has_errors else "副本")
    win.statusBar().showMessage(f"已导出 {path.name}：{kind}，共 {result.pages} 页，校验码 {result.code}", 15000)
    return path


def print_preview(win: Any) -> None:
    try:
        from ui.print_preview import FormPrinter
    except ImportError as exc:
        _missing(win, "打印预览", exc)
        return
    font = user_settings.get("print_font") or None
    try:
        FormPrinter(win, lambda: win.session.state, font=font).preview()
    except JixiaoError as exc:
        QMessageBox.warning(win, "打印预览", exc.text)


def export_xlsx(win: Any) -> Path | None:
    try:
        from desktop.export.xlsx import export_xlsx as do_export
    except ImportError as exc:
        _missing(win, "导出 Excel", exc)
        return None
    path = _ask_path(win, "导出 Excel", ".xlsx", "Excel 文件 (*.xlsx)")
    if path is None:
        return None
    try:
        _busy(lambda: do_export(win.session.state, path))
    except JixiaoError as exc:
        QMessageBox.warning(win, "导出 Excel 失败", exc.text)
        return None
    win.statusBar().showMessage(f"已导出 {path.name}", 15000)
    return path


def import_xlsx(win: Any) -> str | None:
    """从 Excel 导入…: our own export back, or a clerk's sheet through the column mapping."""
    from ui.xlsx_import_dialog import import_xlsx as do_import

    return do_import(win)


def send_mail(win: Any) -> Path | None:
    try:
        from desktop.export.eml import open_in_mail_client, subject_vars_of, write_eml
        from desktop.export.pdf import export_pdf as do_pdf
        from desktop.export.xlsx import export_xlsx as do_xlsx
    except ImportError as exc:
        _missing(win, "发送邮件", exc)
        return None
    to, ok = QInputDialog.getText(win, "发送邮件", "收件人邮箱（可留空，在邮件程序中再填）：")
    if not ok:
        return None
    state = win.session.state
    base = _basename(win)
    out = user_settings.export_folder() / f"{base}.eml"
    try:
        def make() -> Path:
            with tempfile.TemporaryDirectory(prefix="jixiao-eml-") as tmp:
                pdf, xlsx = Path(tmp) / f"{base}.pdf", Path(tmp) / f"{base}.xlsx"
                do_pdf(state, pdf, draft_id=_draft_id(win))
                do_xlsx(state, xlsx)
                return write_eml(out, pdf, xlsx, to=to.strip(), subject_vars=subject_vars_of(state))
        path = _busy(make)
        open_in_mail_client(path)
    except JixiaoError as exc:
        QMessageBox.warning(win, "发送邮件", exc.text)
        return None
    win.statusBar().showMessage(f"已生成邮件 {out}（带 PDF 和 Excel 附件）", 15000)
    return out


def bundle(win: Any) -> Path | None:
    try:
        from desktop.export.bundle import make_bundle
    except ImportError as exc:
        _missing(win, "打包", exc)
        return None
    folder = QFileDialog.getExistingDirectory(win, "选择存放的文件夹（如 U 盘）", str(user_settings.export_folder()))
    if not folder:
        return None
    win.flush()
    try:
        path = _busy(lambda: make_bundle(win.session.state, win.session.path, folder))
    except JixiaoError as exc:
        QMessageBox.warning(win, "打包失败", exc.text)
        return None
    win.statusBar().showMessage(f"已打包到 {path}", 15000)
    return path


def verify_pdf(win: Any) -> str | None:
    """核对 PDF：does a printed or e-mailed PDF match this draft now, or which of its versions?"""
    path = win.session.path
    if path is None:
        QMessageBox.information(win, "核对 PDF", "请先把表单保存为草稿文件，再核对 PDF。")
        return None
    from PySide6.QtWidgets import QFileDialog

    chosen, _ = QFileDialog.getOpenFileName(win, "选择要核对的 PDF", str(Path(path).parent), "PDF 文件 (*.pdf)")
    if not chosen:
        return None
    try:
        from desktop.export.pdf_verify import verify

        win.flush()
        result = _busy(lambda: verify(chosen, path))
    except JixiaoError as exc:
        QMessageBox.warning(win, "核对 PDF", exc.text)
        return None
    (QMessageBox.information if result.ok else QMessageBox.warning)(win, "核对 PDF", result.text)
    return result.text
