"""Menu actions of the form window that leave the app: PDF, print preview, Excel, mail, bundle.

Each export module is imported when its action runs (ReportLab and openpyxl are
not loaded at start-up); a missing module is told in a message, not a crash.
Every action runs its work through :func:`_run`: off the GUI thread with a
progress dialog and 取消 (``ui.worker``, like 核对 PDF and 从 Excel 导入), its failure or cancellation told in
Chinese.  An exported file is written only when the work finished uncancelled.
"""
from __future__ import annotations

import io
import logging
import tempfile
from pathlib import Path
from typing import Any, Callable, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox

from desktop.core.cancel import Cancelled, CancelToken
from desktop.core.errors import Code, JixiaoError, message
from ui import settings as user_settings
from ui.worker import run_with_progress

T = TypeVar("T")

log = logging.getLogger(__name__)


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


def _os_failed(win: Any, title: str, exc: OSError) -> None:
    """A file operation the exporters did not translate (a folder, a temporary file): say it in Chinese."""
    from desktop import osfiles
    from desktop.core.errors import os_why

    where = f"“{exc.filename}”" if exc.filename else "文件"
    hint = osfiles.BUSY_HINT if osfiles.is_busy(exc) or isinstance(exc, PermissionError) else ""
    QMessageBox.warning(win, title, f"无法写入{where}：{os_why(exc)}{hint}")


def _busy(fn: Any) -> Any:
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        return fn()
    finally:
        QGuiApplication.restoreOverrideCursor()


def _check_all(win: Any) -> None:
    """What leaves the window is checked in full: every 未填 (a required cell, a check of untouched inputs)
    shows as the 错误 or 提示 it is from now on."""
    check = getattr(win, "check_everything", None)
    if check is not None:
        check()


def _run(win: Any, what: str, failed: str, work: Callable[[CancelToken], T], *, cancelled: Cancelled | None = None,
         cancellable: bool = True, on_error: Callable[[JixiaoError], None] | None = None) -> T | None:
    """The skeleton of every action: ``work`` off the GUI thread with progress (“正在{what}”) and 取消; an error
    is told in a message titled ``failed``, 取消 in a message and the status bar.  None then."""
    try:
        return run_with_progress(win, what, what, work, cancelled=cancelled, cancellable=cancellable)
    except Cancelled as exc:
        win.statusBar().showMessage(exc.text, 15000)
        QMessageBox.information(win, what, exc.text)
    except JixiaoError as exc:
        if on_error is not None:
            on_error(exc)
        QMessageBox.warning(win, failed, exc.text)
    except OSError as exc:
        _os_failed(win, failed, exc)
    return None


def _to_file(path: Path, what: str, export: Callable[[io.BytesIO], T]) -> Callable[[CancelToken], T]:
    """Work that exports into memory and writes ``path`` (atomically) only if not cancelled by then."""
    from desktop.export.filenames import write_file_atomically

    def work(token: CancelToken) -> T:
        buffer = io.BytesIO()
        result = export(buffer)
        if not token.finish():  # from here on 取消 is too late: the file is written and the result stands
            raise Cancelled()
        write_file_atomically(path, buffer.getvalue(), lambda why: JixiaoError(Code.EXPORT_WRITE, what=what,
                                                                               path=path, why=why))
        return result
    return work


def _draft_id(win: Any) -> str:
    path = win.session.path
    if path is None:
        return ""
    try:
        from desktop.store.loading import draft_versions

        win.flush()
        return draft_versions(path)[0]
    except (ImportError, JixiaoError, OSError):
        return ""


def export_pdf(win: Any, final: bool = False) -> Path | None:
    _check_all(win)
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
    if final and not _final_despite_warnings(win, state):
        return None
    path = _ask_path(win, "导出正式版 PDF" if final else "导出 PDF", ".pdf", "PDF 文件 (*.pdf)")
    if path is None:
        return None
    font = user_settings.get("print_font") or None
    draft_id = _draft_id(win)
    result = _run(win, "导出 PDF", "导出 PDF 失败",
                  _to_file(path, "PDF 文件", lambda out: do_export(state, out, final=final, font=font, draft_id=draft_id)),
                  cancelled=Cancelled(Code.EXPORT_CANCELLED, name=path.name))
    if result is None:
        return None
    if final and win.session.draft is not None and not win.session.readonly:
        try:
            win.flush()
            win.session.draft.snapshot("export", "导出正式版 PDF")
        except JixiaoError:
            pass
    kind = "正式版" if final else ("草稿副本（有错误，带“草稿”水印）" if state.has_errors else "副本")
    for warning in result.warnings:  # e.g. 仿宋_GB2312 is not installed: say which file was used instead
        QMessageBox.information(win, "导出 PDF", warning)
    win.statusBar().showMessage(f"已导出 {path.name}：{kind}，共 {result.pages} 页，校验码 {result.code}，"
                                f"字体 {result.font}", 15000)
    return path


def _final_despite_warnings(win: Any, state: Any) -> bool:
    """A final copy prints a 提示 nobody explained with no mark at all: the clerk says so knowingly."""
    from desktop.export.printed_problems import unexplained_warnings

    warnings = unexplained_warnings(state)
    if not warnings:
        return True
    listed = "\n".join(f"· {text}" for text in warnings[:5]) + ("\n……" if len(warnings) > 5 else "")
    box = QMessageBox(QMessageBox.Icon.Question, "导出正式版",
                      message(Code.FINAL_UNEXPLAINED, count=len(warnings), listed=listed), parent=win)
    go = box.addButton("仍然导出正式版", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("先去写说明", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is go


def print_preview(win: Any) -> None:
    _check_all(win)
    try:
        from ui.print_preview import FormPrinter
    except ImportError as exc:
        _missing(win, "打印预览", exc)
        return
    font = user_settings.get("print_font") or None

    def printed(job: Any) -> None:  # a printed copy is a version of the draft, like an exported one
        draft = win.session.draft
        if draft is not None and not win.session.readonly:
            try:
                win.flush()
                draft.snapshot("print", "打印")
            except JixiaoError:
                pass

    try:
        FormPrinter(win, lambda: win.session.state, font=font, draft_id=_draft_id(win), after_print=printed).preview()
    except JixiaoError as exc:
        QMessageBox.warning(win, "打印预览", exc.text)


def export_xlsx(win: Any) -> Path | None:
    _check_all(win)
    try:
        from desktop.export.xlsx import export_xlsx as do_export
    except ImportError as exc:
        _missing(win, "导出 Excel", exc)
        return None
    path = _ask_path(win, "导出 Excel", ".xlsx", "Excel 文件 (*.xlsx)")
    if path is None:
        return None
    state = win.session.state
    result = _run(win, "导出 Excel", "导出 Excel 失败", _to_file(path, "Excel 文件", lambda out: do_export(state, out)),
                  cancelled=Cancelled(Code.EXPORT_CANCELLED, name=path.name))
    if result is None:
        return None
    if result.warnings:
        QMessageBox.information(win, "导出 Excel", "\n\n".join(result.warnings))
    win.statusBar().showMessage(f"已导出 {path.name}", 15000)
    return path


def import_xlsx(win: Any) -> str | None:
    """从 Excel 导入…: our own export back, or a clerk's sheet through the column mapping."""
    from ui.xlsx_import_dialog import import_xlsx as do_import

    return do_import(win)


def ask_recipients(win: Any, direct: bool) -> str | None:
    """The recipient address(es), the default from the settings; None when cancelled."""
    label = ("收件人邮箱（多个地址用逗号分开）：" if direct
             else "收件人邮箱（多个地址用逗号分开；可留空，在邮件程序中再填）：")
    while True:
        to, ok = QInputDialog.getText(win, "发送邮件", label, QLineEdit.EchoMode.Normal, user_settings.get("mail_to"))
        if not ok:
            return None
        if to.strip() or not direct:
            return to.strip()
        QMessageBox.information(win, "发送邮件", "直接发送需要填写收件人邮箱。")


def ask_how(win: Any, server: str) -> str | None:
    """'client' (the default mail program) or 'smtp' (the intranet server); None when cancelled."""
    box = QMessageBox(win)
    box.setWindowTitle("发送邮件")
    box.setText("怎样发送？")
    box.setInformativeText(f"直接发送：通过设置中的内网邮件服务器 {server} 发出，不需要邮件程序。")
    client = box.addButton("用默认邮件程序打开", QMessageBox.ButtonRole.AcceptRole)
    direct = box.addButton("直接发送（内网邮件服务器）", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(direct)
    box.exec()
    clicked = box.clickedButton()
    return "client" if clicked is client else "smtp" if clicked is direct else None


def ask_password(win: Any, user: str, server: str) -> tuple[str, bool] | None:
    """(password, remember for this session) for ``user`` on ``server``; None when cancelled."""
    from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLabel

    dlg = QDialog(win)
    dlg.setWindowTitle("邮件服务器密码")
    dlg.setMinimumWidth(380)
    form = QFormLayout(dlg)
    form.addRow(QLabel(f"登录邮件服务器 {server} 的用户 {user}："))
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    form.addRow("密码", edit)
    keep = QCheckBox("本次运行期间记住（不保存到电脑上）")
    form.addRow(keep)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText("发送")
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
    buttons.accepted.connect(dlg.accept)
    buttons.rejected.connect(dlg.reject)
    form.addRow(buttons)
    if dlg.exec() != QDialog.DialogCode.Accepted:
        return None
    return edit.text(), keep.isChecked()


def _attachments(state: Any, base: str, draft_id: str, tmp: str) -> tuple[Path, Path]:
    """The PDF and the workbook written into ``tmp`` (on the worker thread: no window here)."""
    from desktop.export.pdf import export_pdf as do_pdf
    from desktop.export.xlsx import export_xlsx as do_xlsx

    pdf, xlsx = Path(tmp) / f"{base}.pdf", Path(tmp) / f"{base}.xlsx"
    do_pdf(state, pdf, draft_id=draft_id)
    do_xlsx(state, xlsx)
    return pdf, xlsx


def send_mail(win: Any) -> Path | None:
    """发送邮件: an .eml opened in the default mail program, or sent through the intranet server when set up."""
    _check_all(win)
    try:
        from importlib import import_module

        from desktop.export.eml import keeps_attachments, open_in_mail_client, subject_vars_of, write_eml

        for name in ("desktop.export.pdf", "desktop.export.xlsx", "desktop.export.smtp"):
            import_module(name)
    except ImportError as exc:
        _missing(win, "发送邮件", exc)
        return None
    smtp = user_settings.smtp_settings()
    how = "client"
    if smtp is not None:
        how = ask_how(win, f"{smtp.host}:{smtp.port}")
        if how is None:
            return None
        if how == "smtp":
            send_direct(win, smtp)
            return None
    to = ask_recipients(win, direct=False)
    if to is None:
        return None
    state = win.session.state
    folder = user_settings.export_folder()
    base = _basename(win)
    sender = smtp.sender if smtp is not None else ""
    draft_id = _draft_id(win)

    def make(token: CancelToken) -> tuple[Path, list[Path]]:
        if keeps_attachments():  # Windows: the compose window (or Explorer) needs the files to stay
            from desktop.export.filenames import free_path

            where = free_path(folder, f"{base}_邮件", "")
            where.mkdir(parents=True)
            pdf, xlsx = _attachments(state, base, draft_id, str(where))
            token.check()
            return write_eml(where / f"{base}.eml", pdf, xlsx, to=to, subject_vars=subject_vars_of(state),
                             sender=sender), [pdf, xlsx]
        with tempfile.TemporaryDirectory(prefix="jixiao-eml-", ignore_cleanup_errors=True) as tmp:
            pdf, xlsx = _attachments(state, base, draft_id, tmp)
            token.check()
            return write_eml(folder / f"{base}.eml", pdf, xlsx, to=to, subject_vars=subject_vars_of(state),
                             sender=sender), []
    made = _run(win, "发送邮件", "发送邮件", make)
    if made is None:
        return None
    out, files = made
    try:
        how = open_in_mail_client(out, files)
    except JixiaoError as exc:
        QMessageBox.warning(win, "发送邮件", exc.text)
        return None
    except OSError as exc:
        _os_failed(win, "发送邮件", exc)
        return None
    if how == "windows":
        text = (f"正在打开邮件程序的新邮件窗口（附件在 {out.parent}）；没有邮件程序时会打开该文件夹并选中附件，"
                "可拖到网页邮箱中")
    else:
        text = f"已生成邮件 {out}（带 PDF 和 Excel 附件）"
    win.statusBar().showMessage(text, 20000)
    return out


def send_direct(win: Any, smtp: Any) -> list[str] | None:
    """Send through the intranet mail server; returns the accepted recipients (None when not sent)."""
    from desktop.export.eml import build_eml, subject_vars_of
    from desktop.export.smtp import SmtpError, send

    to = ask_recipients(win, direct=True)
    if not to:
        return None
    server = f"{smtp.host}:{smtp.port}"
    password = ""
    if smtp.user:
        password = user_settings.session_password(smtp.host, smtp.user)
        if password is None:
            answer = ask_password(win, smtp.user, server)
            if answer is None:
                return None
            password, keep = answer
            if keep:
                user_settings.remember_password(smtp.host, smtp.user, password)
    state, base, draft_id = win.session.state, _basename(win), _draft_id(win)

    def make_and_send(token: CancelToken) -> list[str]:
        with tempfile.TemporaryDirectory(prefix="jixiao-mail-", ignore_cleanup_errors=True) as tmp:
            pdf, xlsx = _attachments(state, base, draft_id, tmp)
            msg = build_eml(pdf, xlsx, to=to, subject_vars=subject_vars_of(state), sender=smtp.sender)
        return send(msg, smtp.host, smtp.port, smtp.user, password, use_tls=smtp.use_tls, use_ssl=smtp.use_ssl,
                    timeout=smtp.timeout, sender=smtp.sender, cancel=token)

    def forget_password(exc: JixiaoError) -> None:
        if isinstance(exc, SmtpError) and exc.code is Code.SMTP_LOGIN:
            user_settings.remember_password(smtp.host, smtp.user, None)
    accepted = _run(win, "发送邮件", "邮件未发出", make_and_send, on_error=forget_password,
                    cancelled=Cancelled(Code.MAIL_CANCELLED, server=server))
    if accepted is None:
        return None
    win.statusBar().showMessage(f"已通过 {server} 发送给 {'、'.join(accepted)}（带 PDF 和 Excel 附件）", 20000)
    return accepted


def bundle(win: Any) -> Path | None:
    _check_all(win)
    try:
        from desktop.export.bundle import make_bundle
    except ImportError as exc:
        _missing(win, "打包", exc)
        return None
    folder = QFileDialog.getExistingDirectory(win, "选择存放的文件夹（如 U 盘）", str(user_settings.export_folder()))
    if not folder:
        return None
    win.flush()
    state, draft = win.session.state, win.session.path
    path = _run(win, "打包", "打包失败", lambda token: make_bundle(state, draft, folder), cancellable=False)
    if path is None:  # a bundle cannot be stopped half-way: no 取消 that would not stop it
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
    from desktop.core.document import Document
    from desktop.core.hashing import document_hash
    from desktop.export.pdf_verify import verify_against
    from desktop.store.loading import Version, draft_versions

    win.flush()
    doc = Document.from_dict(win.session.state.doc.to_dict())  # what is on screen, printed again on the worker
    font = user_settings.get("print_font") or None

    def work(token: CancelToken) -> Any:
        draft_id, versions = draft_versions(path)
        current = Version("当前内容", lambda: document_hash(doc), lambda: doc.form_id, lambda: doc)
        token.progress("正在重新打印草稿并逐页比较…")
        return verify_against(chosen, [current] + versions[1:], draft_id, Path(path).name, font)

    try:
        result = run_with_progress(win, "核对 PDF", "核对 PDF", work, label=f"正在核对 {Path(chosen).name}…")
    except Cancelled:
        return None
    except JixiaoError as exc:
        QMessageBox.warning(win, "核对 PDF", exc.text)
        return None
    except Exception as exc:  # noqa: BLE001 - a damaged PDF must not take the window down
        log.warning("核对 PDF 失败：%s", chosen, exc_info=True)
        QMessageBox.warning(win, "核对 PDF", f"无法核对 {Path(chosen).name}（{exc.__class__.__name__}）")
        return None
    (QMessageBox.information if result.ok else QMessageBox.warning)(win, "核对 PDF", result.text)
    return result.text
