"""Missing tools say so: a skip on a developer's machine, a failure in CI (where bootstrap installs them)."""
from __future__ import annotations

import pytest
from conftest import require


def test_a_missing_tool_is_a_skip_without_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no-such-tool-jx is not installed"):
        require("no-such-tool-jx")


def test_a_missing_tool_is_a_failure_in_ci(monkeypatch):
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        require("no-such-tool-jx")
    with pytest.raises(pytest.fail.Exception, match="no_such_module_jx"):
        require("no_such_module_jx", module="no_such_module_jx")


def test_a_present_tool_or_module_is_returned(monkeypatch):
    monkeypatch.setenv("CI", "1")
    assert require("python-stdlib", module="json").dumps([1]) == "[1]"
