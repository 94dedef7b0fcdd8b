"""The window's 提示 for characters the print font lacks follow the print-font setting (the font the PDF embeds),
not the bundled font; open windows follow a change of the setting."""
from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

import reportlab  # noqa: E402

from desktop.core.catalog import load_form  # noqa: E402
from desktop.core.glyphs import bundled_font_missing  # noqa: E402
from desktop.export.pdf_font import glyph_check  # noqa: E402
from desktop.session import FormSession  # noqa: E402

pytestmark = pytest.mark.gui
SZ = "shenzhen-project-selfeval-2021"
VERA = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"  # Latin only: no 预算
CHINESE = "城市道路养护"


def glyph_problems(session: FormSession) -> list:
    return [p for ps in session.state.parts for p in ps.problems.values() if p.check == "glyph"]


def test_the_check_follows_the_setting_one_check_per_font():
    assert glyph_check(None) is bundled_font_missing and glyph_check("") is bundled_font_missing
    assert glyph_check(str(VERA)) is glyph_check(str(VERA))
    assert glyph_check(str(VERA))(CHINESE) and not bundled_font_missing(CHINESE)
    assert glyph_check("/没有/这个字体.ttf") is bundled_font_missing  # exporting says what is wrong with it


def test_a_session_checks_against_the_font_it_is_given(tmp_path):
    from ui.new_draft import new_document

    form = load_form(SZ)
    s = FormSession.create(tmp_path / "苏州.jxd", new_document(form), missing_glyphs=glyph_check(str(VERA)))
    pid = s.state.doc.parts[0].id
    s.execute(s.set_cell_command(pid, "project_name", CHINESE))
    assert "project_name" in [p.addr for p in glyph_problems(s)]  # and the preset Chinese indicator rows
    s.close()
    again = FormSession.open(tmp_path / "苏州.jxd", missing_glyphs=glyph_check(str(VERA)))
    assert "project_name" in [p.addr for p in glyph_problems(again)]
    assert again.use_glyphs(glyph_check(None)) and glyph_problems(again) == []
    assert not again.use_glyphs(glyph_check(None))  # unchanged: nothing evaluated again
    again.close()


def _window_with_text(qtbot, tmp_path):
    """A new draft made as 新建 makes it (the save dialog answered), 项目名称 typed in Chinese."""
    from ui.form_window import FormWindow
    from ui.new_draft import create_session

    session = create_session(None, load_form(SZ))
    win = FormWindow(session)
    qtbot.addWidget(win)
    win.show()
    win.push(session.set_cell_command(session.state.doc.parts[0].id, "project_name", CHINESE))
    win.problems.refresh()
    return win


def glyph_lines(win) -> list[str]:
    return [text for _i, p, text, _q in win.problems.lines if p.check == "glyph"]


def test_the_window_uses_the_print_font_of_the_settings(app, qtbot, tmp_path, monkeypatch):
    from ui import settings as user_settings

    import ui.new_draft as nd

    monkeypatch.setattr(nd.QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "新.jxd"), ""))
    user_settings.put("print_font", str(VERA))
    win = _window_with_text(qtbot, tmp_path)
    assert glyph_lines(win) and "项目名称" in glyph_lines(win)[0]
    win.close()


def test_the_bundled_font_has_what_the_setting_lacks_not(app, qtbot, tmp_path, monkeypatch):
    import ui.new_draft as nd

    monkeypatch.setattr(nd.QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "新.jxd"), ""))
    win = _window_with_text(qtbot, tmp_path)  # no print font set: the bundled one
    assert glyph_lines(win) == []
    win.close()


def test_open_windows_follow_a_change_of_the_setting(app, qtbot, tmp_path, monkeypatch):
    from ui import settings as user_settings
    from ui.main_window import MainWindow
    from ui.settings_dialog import SettingsDialog

    import ui.new_draft as nd

    monkeypatch.setattr(nd.QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "新.jxd"), ""))
    win = _window_with_text(qtbot, tmp_path)
    assert glyph_lines(win) == []

    def choose_vera(dialog):
        user_settings.put("print_font", str(VERA))
        return 1

    monkeypatch.setattr(SettingsDialog, "exec", choose_vera)
    main = MainWindow()
    qtbot.addWidget(main)
    main.settings_dialog()
    qtbot.waitUntil(lambda: bool(glyph_lines(win)), timeout=2000)
    assert any("项目名称" in t for t in glyph_lines(win)) and "错误 0 个" in win.problems.summary.text()
    win.close()
