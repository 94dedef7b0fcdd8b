"""The app entry: ``jixiao-gui`` (``main``) and ``jixiao gui [file]`` / plain ``jixiao`` (``run_from_cli``).

Creates the QApplication, loads the bundled Chinese font (so the windows render
on a machine without Chinese fonts) and shows the main window, or a draft's
form window.  Only Qt and the core are imported at start; SQLAlchemy loads when a
draft is first written, ReportLab and openpyxl when something is exported.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Sequence

APP_NAME = "绩效填报"


def make_app(argv: Sequence[str] | None = None) -> Any:
    """The QApplication with the bundled font and the style sheet (reuses an existing one)."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QFont, QIcon
    from PySide6.QtWidgets import QApplication

    keep_no_module_sources()
    app = QApplication.instance()
    if app is None:
        # High DPI: Qt 6 scales by the screen's factor and does not round it (PassThrough) by default,
        # so 125 %/150 % Windows screens are sharp without any setting here.
        QCoreApplication.setOrganizationName("jixiao")
        QCoreApplication.setApplicationName("jixiao")
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    app.setApplicationDisplayName(APP_NAME)
    install_chinese(app)
    from ui.qt_font import load_qt_font
    from desktop.resources import resource_path

    family = load_qt_font()
    if family:
        font = QFont(family)
        font.setPointSize(10)
        font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
        app.setFont(font)
    icon = QIcon()
    for name in ("jixiao.svg", "jixiao.png"):  # the PNG where the SVG image plugin is missing
        path = resource_path("icons", name)
        if path.is_file():
            icon.addFile(str(path))
    if not icon.isNull():
        app.setWindowIcon(icon)
    from ui.theme import STYLE

    app.setStyleSheet(STYLE)
    return app


def keep_no_module_sources() -> None:
    """PySide6 looks at every module imported after it for the word “PySide6” (its ``__feature__``
    switches) with ``inspect.getsource``, which keeps each module's whole source in ``linecache``:
    about 14 MB for SQLAlchemy and the app, a sixth of the window's memory.  The same test, reading
    the source through the module's loader and letting it go."""
    try:
        from shibokensupport import feature  # type: ignore[import-not-found]
    except ImportError:
        return
    if getattr(feature, "_jixiao_light", False) or not hasattr(feature, "_mod_uses_pyside"):
        return

    def uses_pyside(module: Any) -> bool:
        spec = getattr(module, "__spec__", None)
        loader = getattr(spec, "loader", None)
        try:
            source = loader.get_source(spec.name) if loader is not None and spec is not None else None
        except (ImportError, OSError, SyntaxError, UnicodeDecodeError, AttributeError, TypeError):
            return False
        return bool(source) and "PySide6" in source

    feature._mod_uses_pyside = uses_pyside
    feature._jixiao_light = True


def install_chinese(app: Any) -> bool:
    """Qt's own buttons and dialogs (Yes/No, Cancel, the file dialog) in Chinese: the ``qtbase_zh_CN``
    translation PySide6 ships.  Installed once; False when it cannot be found (Qt stays in English)."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    if getattr(app, "_jixiao_translator", None) is not None:
        return True
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", folder):
        return False
    app.installTranslator(translator)
    app._jixiao_translator = translator  # kept alive with the app
    return True


def open_file_window(path: str | Path, parent_main: Any = None) -> Any:
    """A form window for a draft (read-only offered when it is open elsewhere)."""
    if parent_main is not None:
        return parent_main.open_path(path)
    from ui.new_draft import open_session
    from ui.form_window import FormWindow

    session = open_session(None, path)  # type: ignore[arg-type]
    if session is None:
        return None
    win = FormWindow(session)
    win.show()
    return win


def _no_console_streams() -> None:
    """A windowed program (no console) has no stdout/stderr: give stray prints somewhere to go."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))


def _show_crash(text: str) -> None:
    from PySide6.QtWidgets import QApplication, QMessageBox

    QMessageBox.critical(QApplication.activeWindow(), APP_NAME, text)


def run(file: str | None = None, argv: Sequence[str] | None = None) -> int:
    """The main window; or, for a draft (``jixiao gui 表.jxd``, a double click on a .jxd), that draft's
    window alone — the catalogue is one start of the app away, and a window fewer is a sixth less
    memory with a big form open.  The main window comes up when the draft cannot be opened."""
    _no_console_streams()
    from desktop import logs

    logs.install_excepthook(_show_crash)
    app = make_app(argv)
    opened = main_window = None
    draft = bool(file) and Path(file).suffix.lower() == ".jxd" and Path(file).is_file()  # type: ignore[arg-type]
    if draft:
        opened = open_file_window(file)  # type: ignore[arg-type]
        logs.log.info("打开 %s：%s", file, "成功" if opened is not None else "未打开")
    if opened is None:
        from ui.main_window import MainWindow

        main_window = MainWindow()
        main_window.show()
        if file and not draft:
            if not Path(file).is_file():
                from PySide6.QtWidgets import QMessageBox

                logs.log.info("找不到要打开的文件 %s", file)
                QMessageBox.warning(main_window, APP_NAME, f"找不到文件：{file}（U 盘是否已拔出？网络盘是否已连接？）")
            else:
                opened = main_window.open_path(file)
                logs.log.info("打开 %s：%s", file, "成功" if opened is not None else "未打开")
    if os.environ.get("JIXIAO_EXIT_AFTER_SHOWN"):
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, lambda: _smoke_exit(app, main_window, opened))
    return int(app.exec())


def _smoke_exit(app: Any, main_window: Any, opened: Any) -> None:
    """Build smoke test (``JIXIAO_EXIT_AFTER_SHOWN=1``): say the window is shown, export the open
    draft's PDF to ``JIXIAO_SMOKE_PDF`` if set, close everything and exit (1 if the export failed)."""
    code = 0
    print("shown", flush=True)
    target = os.environ.get("JIXIAO_SMOKE_PDF")
    if target:
        try:
            if opened is None:
                from desktop.core.errors import Code, JixiaoError

                raise JixiaoError(Code.NO_DRAFT_OPEN)
            from desktop.export.pdf import export_pdf

            export_pdf(opened.session.state, target)
        except Exception as exc:  # noqa: BLE001 - reported, and the exit code says so
            print(f"错误：{exc}", file=sys.stderr, flush=True)
            code = 1
    for window in (opened, main_window):
        if window is not None:
            window.close()
    app.exit(code)


def run_from_cli(args: Any) -> int:
    return run(getattr(args, "file", None))


def main() -> int:
    file = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else None
    return run(file)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
