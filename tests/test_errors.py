"""One error model: every message comes from one catalogue with a stable code, every error carries its code and
its data, and a name close to a known one gets a “您是不是想写…” suggestion."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from desktop.core import errors
from desktop.core.catalog import load_form
from desktop.core.engine import DocumentState, ReadOnlyCell
from desktop.core.errors import MESSAGES, Code, DocumentError, ExprError, ReadError, message, suggest
from desktop.core.expr import Scope, TableScope, compile_expr
from desktop.store.errors import MESSAGES as DRAFT_MESSAGES
from desktop.store.errors import DraftError, draft_error

ROOT = Path(__file__).resolve().parents[1]


def test_every_key_is_written_once_in_the_one_catalogue():
    """A dict literal keeps the last of two equal keys silently: the drafts' keys must not shadow the others'."""
    tree = ast.parse((ROOT / "desktop/core/errors.py").read_text(encoding="utf-8"))
    (catalogue,) = [n.value for n in ast.walk(tree) if isinstance(n, ast.AnnAssign)
                    and getattr(n.target, "id", "") == "MESSAGES"]
    keys = [k.value for k in catalogue.keys]
    assert len(keys) == len(set(keys)) == len(MESSAGES) == len(Code)
    assert {c.value for c in Code} == set(MESSAGES)


def test_the_drafts_catalogue_is_part_of_the_one_catalogue():
    assert DRAFT_MESSAGES and all(MESSAGES[k] == text for k, text in DRAFT_MESSAGES.items())


def test_draft_errors_keep_their_key_and_carry_code_and_data(tmp_path):
    err = draft_error("corrupt", tmp_path / "坏.jxd", why="磁盘 I/O 错误")
    assert isinstance(err, DraftError)
    assert err.key == "corrupt" and err.code is Code.CORRUPT
    assert err.data["why"] == "磁盘 I/O 错误" and err.data["name"] == "坏.jxd"
    assert err.text == message(Code.CORRUPT, **err.data)
    assert "坏.jxd" in err.text


def test_read_errors_carry_code_and_values():
    from desktop.core.types import make_type

    with pytest.raises(ReadError) as info:
        make_type("integer", {}).read("3.5")
    assert info.value.code is Code.NOT_INTEGER and info.value.key == "not_integer"
    assert info.value.data == {"text": "3.5"} and "3.5" in info.value.text


def test_engine_refusals_carry_code_and_data():
    form = load_form("suzhou-project-selfeval-2023")
    ps = DocumentState.new(form).parts[0]
    with pytest.raises(ReadOnlyCell) as info:
        ps.set_value("quota_balance", "1")
    assert info.value.code is Code.CELL_NOT_INPUT
    assert info.value.data["addr"] == "quota_balance"
    assert info.value.text.startswith(ps.describe("quota_balance"))
    c = DocumentState.new(load_form("shenzhen-project-selfeval-2021")).parts[0]
    with pytest.raises(ReadOnlyCell) as info:
        c.insert_row("funds")
    assert info.value.code is Code.ROWS_FIXED and info.value.data["table_id"] == "funds"


def test_document_errors_carry_code_and_data(tmp_path):
    from desktop.core.interchange import read_json

    bad = tmp_path / "坏.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(DocumentError) as info:
        read_json(bad)
    assert info.value.code is Code.DOC_NOT_JSON and "why" in info.value.data


@pytest.mark.parametrize("word,choices,expected", [
    ("a_intial", ["a_initial", "b_adjust"], "，您是不是想写“a_initial”？"),
    ("summ", ["sum", "count", "min", "max"], "，您是不是想写“sum”？"),
    ("zzz", ["sum", "count"], ""),
])
def test_suggest(word, choices, expected):
    assert suggest(word, choices) == expected


def test_unknown_names_get_a_suggestion():
    scope = Scope({"a_initial", "b_adjust"}, {"indicators": TableScope({"weight", "score"})})
    with pytest.raises(ExprError) as info:
        compile_expr("a_intial + 1", scope)
    assert "您是不是想写“a_initial”" in info.value.text
    assert info.value.code is Code.EXPR_SYNTAX and info.value.data["source"] == "a_intial + 1"
    assert info.value.data["pos"] == 1
    with pytest.raises(ExprError) as info:
        compile_expr("sum(indicators.wieght)", scope)
    assert "您是不是想写“weight”" in info.value.text
    with pytest.raises(ExprError) as info:
        compile_expr("summ(indicators.weight)", scope)
    assert "您是不是想写“sum”" in info.value.text
    with pytest.raises(DocumentError) as info:
        load_form("suzhou-project-selfeval-2032")
    assert info.value.code is Code.DOC_UNKNOWN_FORM and "您是不是想写“suzhou-project-selfeval-2023”" in info.value.text
    with pytest.raises(ValueError, match="您是不是想写“integer”"):
        __import__("desktop.core.types", fromlist=["make_type"]).make_type("integr", {})


def test_a_message_without_a_suggestion_has_no_placeholder_left():
    assert message("def_unknown_key", key="colour") == "不认识的键“colour”"
    assert "{" not in errors.JixiaoError(Code.DEF_UNKNOWN_REF, ref="x").text
