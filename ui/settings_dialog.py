"""设置: unit name, usual people and phone, default folders, print font (kept with QSettings)."""
from __future__ import annotations

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLineEdit,
                               QPushButton, QWidget)

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
        self.edits["print_font"].setPlaceholderText("留空：使用程序自带的思源宋体")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(560, 0)

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

    def accept(self) -> None:
        for key, edit in self.edits.items():
            user_settings.put(key, edit.text().strip())
        super().accept()
