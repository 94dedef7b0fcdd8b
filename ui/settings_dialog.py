"""设置: unit name, usual people and phone, default folders, print font, the intranet mail server
(kept in settings.json in the data folder, see desktop/settings.py; the mail password is never stored: it is
asked for when sending)."""
from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton, QSpinBox, QWidget)

from desktop.core.errors import JixiaoError
from ui import settings as user_settings

FIELDS = [
    ("unit", "单位名称", "新建表单时自动填入"),
    ("leader", "单位负责人", ""),
    ("people", "常用填报人", "多个人名用顿号分开"),
    ("phone", "联系电话", ""),
]
FOLDERS = [("draft_folder", "草稿默认文件夹"), ("export_folder", "导出默认文件夹")]


class SettingsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("设置")
        form = QFormLayout(self)
        self.edits: dict[str, QLineEdit] = {}
        for key, label, hint in FIELDS:
            edit = QLineEdit(user_settings.get(key))
            edit.setPlaceholderText(hint)
            self.edits[key] = edit
            form.addRow(label, edit)
        for key, label in FOLDERS:
            form.addRow(label, self._chooser(key, folder=True))
        form.addRow("打印字体", self._chooser("print_font", folder=False))
        self.edits["print_font"].setPlaceholderText("留空：使用程序自带的思源宋体；或填 宋体、仿宋、仿宋_GB2312、黑体、楷体")
        self.font_file = QLabel()
        self.font_file.setObjectName("fontFile")
        self.font_file.setWordWrap(True)
        form.addRow("", self.font_file)
        self.edits["print_font"].textChanged.connect(self._show_font_file)
        self._show_font_file(self.edits["print_font"].text())
        mail_to = QLineEdit(user_settings.get("mail_to"))
        mail_to.setPlaceholderText("发送邮件时默认的收件人，多个地址用逗号分开")
        self.edits["mail_to"] = mail_to
        form.addRow("默认收件人", mail_to)
        form.addRow(self._mail_server())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(620, 0)

    def _show_font_file(self, text: str) -> None:
        """Say which font file the setting means (仿宋_GB2312 may be absent and replaced by 仿宋)."""
        try:
            from desktop.export.pdf_font import FontError, resolve_font
        except ImportError:
            return
        try:
            choice = resolve_font(text or None)
            shown = f"将使用：{choice.label}" + (f"\n{choice.warning}" if choice.warning else "")
        except FontError as exc:
            shown = exc.text
        self.font_file.setText(shown)

    def _chooser(self, key: str, folder: bool) -> QWidget:
        box = QWidget()
        lay = QHBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        edit = QLineEdit(user_settings.get(key))
        self.edits[key] = edit
        button = QPushButton("选择…")
        lay.addWidget(edit, 1)
        lay.addWidget(button)

        def choose() -> None:
            if folder:
                path = QFileDialog.getExistingDirectory(self, "选择文件夹", edit.text())
            else:
                path, _ = QFileDialog.getOpenFileName(self, "选择字体文件", edit.text(), "字体 (*.ttf *.ttc *.otf)")
            if path:
                edit.setText(path)

        button.clicked.connect(choose)
        return box

    def _mail_server(self) -> QGroupBox:
        box = QGroupBox("邮件服务器（内网）")
        lay = QFormLayout(box)
        hint = QLabel("填写后，“发送邮件”可以不经邮件程序直接发出；不填则用电脑上的默认邮件程序。\n"
                      "密码不保存，发送时询问。")
        hint.setStyleSheet("color: #555;")
        lay.addRow(hint)
        for key, label, placeholder in (("smtp_host", "服务器地址", "如 mail.czj.gov.cn 或 10.1.2.3"),
                                        ("smtp_user", "登录用户名", "留空：服务器不要求登录"),
                                        ("smtp_sender", "发件人地址", "如 jxb@unit.gov.cn")):
            edit = QLineEdit(user_settings.get(key))
            edit.setPlaceholderText(placeholder)
            self.edits[key] = edit
            lay.addRow(label, edit)
            if key == "smtp_host":
                lay.addRow("连接方式", self._connection_row())
        return box

    def _connection_row(self) -> QWidget:
        row = QWidget()
        h = QHBoxLayout(row)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(QLabel("端口"))
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(user_settings._int(user_settings.get("smtp_port"), 25, 1, 65535))
        h.addWidget(self.port)
        h.addWidget(QLabel("加密"))
        self.security = QComboBox()
        for key, label in user_settings.SMTP_SECURITY:
            self.security.addItem(label, key)
        self.security.setCurrentIndex(max(self.security.findData(user_settings.get("smtp_security") or "none"), 0))
        self.security.currentIndexChanged.connect(self._security_changed)
        h.addWidget(self.security)
        h.addWidget(QLabel("超时"))
        self.timeout = QSpinBox()
        self.timeout.setRange(1, 300)
        self.timeout.setSuffix(" 秒")
        self.timeout.setValue(user_settings._int(user_settings.get("smtp_timeout"), 20, 1, 300))
        h.addWidget(self.timeout)
        h.addStretch(1)
        return row

    def _security_changed(self) -> None:
        usual = {"none": 25, "starttls": 587, "ssl": 465}
        if self.port.value() in usual.values():
            self.port.setValue(usual.get(str(self.security.currentData()), 25))

    def accept(self) -> None:
        values = {key: edit.text().strip() for key, edit in self.edits.items()}
        values.update(smtp_port=str(self.port.value()), smtp_security=str(self.security.currentData() or "none"),
                      smtp_timeout=str(self.timeout.value()))
        try:
            user_settings.put_many(values)
        except JixiaoError as exc:  # a value the file cannot take: say which, keep the dialog open
            QMessageBox.warning(self, "设置", exc.text)
            return
        super().accept()
