"""Settings live in one JSON file in the data folder, typed and checked, read by the window and the command line;
the values an older version kept with QSettings are copied over once; the app logs to a rotating file there."""
from __future__ import annotations

import json
import logging
import logging.handlers

import pytest
from conftest import require

from desktop import settings
from desktop.cli import main as cli
from desktop.core.errors import Code


def test_values_are_typed_and_checked(jixiao_home):
    assert settings.get("smtp_port") == 25  # the default, as its type
    settings.put("smtp_port", " 587 ")
    assert settings.get("smtp_port") == 587 and settings.get_text("smtp_port") == "587"
    assert json.loads((jixiao_home / "settings.json").read_text(encoding="utf-8"))["smtp_port"] == "587"
    with pytest.raises(settings.SettingError) as info:
        settings.put("smtp_port", "七")
    assert info.value.code is Code.SETTING_INVALID_FOR and "邮件服务器端口" in info.value.text
    assert settings.get("smtp_port") == 587  # nothing saved
    with pytest.raises(settings.SettingError, match="您是不是想写“ssl”"):
        settings.put("smtp_security", "sssl")
    with pytest.raises(settings.SettingError, match="您是不是想写“smtp_host”"):
        settings.get("smtp_hots")


def test_put_many_saves_nothing_when_one_value_is_wrong(jixiao_home):
    settings.put("unit", "苏州市财政局")
    with pytest.raises(settings.SettingError):
        settings.put_many({"unit": "别的单位", "smtp_timeout": "9999"})
    assert settings.get("unit") == "苏州市财政局"


def test_a_hand_edited_file_falls_back_to_defaults_and_says_so(jixiao_home, caplog):
    (jixiao_home / "settings.json").write_text(json.dumps({"smtp_port": "abc", "unit": "某单位", "colour": "red"}),
                                               encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="desktop.settings"):
        values = settings.read_file()
    assert values["smtp_port"] == 25 and values["unit"] == "某单位"
    assert any("smtp_port" in r.getMessage() for r in caplog.records)
    assert any("colour" in r.getMessage() for r in caplog.records)
    (jixiao_home / "settings.json").write_text("{不是 JSON", encoding="utf-8")
    assert settings.read_file()["unit"] == ""


def test_the_command_line_reads_and_writes_the_same_file(jixiao_home, capsys):
    assert cli(["settings", "mail_to", "czj@example.gov.cn"]) == 0
    assert settings.get("mail_to") == "czj@example.gov.cn"
    capsys.readouterr()
    assert cli(["settings", "mail_to"]) == 0
    assert capsys.readouterr().out.strip() == "czj@example.gov.cn"
    assert cli(["settings", "smtp_port", "x"]) == 2
    assert "邮件服务器端口" in capsys.readouterr().err


def test_command_line_options_left_out_take_the_settings(jixiao_home):
    import argparse

    from desktop.cli import _defaults_from_settings

    settings.put_many({"print_font": "仿宋", "mail_to": "a@example.gov.cn"})
    args = argparse.Namespace(font=None, to="")
    _defaults_from_settings(args)
    assert (args.font, args.to) == ("仿宋", "a@example.gov.cn")
    args = argparse.Namespace(font="黑体")
    _defaults_from_settings(args)
    assert args.font == "黑体"


def test_old_qsettings_values_are_migrated_once(jixiao_home):
    QtCore = require("PySide6", module="PySide6.QtCore")
    old = QtCore.QSettings(str(jixiao_home / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    old.setValue("user/unit", "旧单位")
    old.setValue("user/smtp_port", "465")
    old.setValue("user/smtp_timeout", "不是数")
    old.setValue("main_window/geometry", QtCore.QByteArray(b"\x01\x02geo"))
    old.sync()
    from ui import settings as user_settings

    assert user_settings.get("unit") == "旧单位"
    assert settings.get("smtp_port") == 465 and settings.get("smtp_timeout") == 20
    assert user_settings.settings().value("main_window/geometry") == QtCore.QByteArray(b"\x01\x02geo")
    old.setValue("user/unit", "改过的旧值")
    old.sync()
    assert user_settings.get("unit") == "旧单位"  # once only: settings.json wins from now on


def test_the_log_is_a_rotating_file_in_the_data_folder(jixiao_home):
    from desktop.logs import setup_logging

    root = logging.getLogger()
    before = list(root.handlers)
    path = setup_logging()
    assert path == jixiao_home / "logs" / "jixiao.log"
    assert setup_logging() == path  # a second call adds no second handler
    added = [h for h in root.handlers if h not in before]
    assert len(added) == 1 and isinstance(added[0], logging.handlers.RotatingFileHandler)
    assert added[0].maxBytes > 0 and added[0].backupCount > 0
    logging.getLogger("desktop.test").warning("写入日志：%s", "草稿.jxd")
    added[0].flush()
    assert "写入日志：草稿.jxd" in path.read_text(encoding="utf-8")
