import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def jixiao_home(tmp_path, monkeypatch):
    """A private JIXIAO_HOME (recent drafts, settings) for one test."""
    home = tmp_path / "jixiao-home"
    home.mkdir()
    monkeypatch.setenv("JIXIAO_HOME", str(home))
    return home
