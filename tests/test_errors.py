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


# ---------------------------------------------------------------------------------- no error built from text
# Files another change is moving (their raises are converted there); the list only ever shrinks.
# a first argument built from text: a literal, an f-string, a concatenation, message(...)/str.format(...), x.text
_TEXTUAL = (ast.JoinedStr, ast.BinOp)


def _sources() -> dict[str, ast.Module]:
    return {p.relative_to(ROOT).as_posix(): ast.parse(p.read_text(encoding="utf-8"))
            for d in ("desktop", "ui") for p in sorted((ROOT / d).rglob("*.py"))}


def _error_classes(trees, seeds: frozenset[str] = frozenset({"JixiaoError"})) -> set[str]:
    """Names of JixiaoError and every class that derives from it (by the names written in the sources)."""
    family, grown = set(seeds), True
    while grown:
        grown = False
        for tree in trees:
            for n in ast.walk(tree):
                if isinstance(n, ast.ClassDef) and n.name not in family and any(
                        getattr(b, "id", getattr(b, "attr", None)) in family for b in n.bases):
                    family.add(n.name)
                    grown = True
    return family


def _name(func: ast.expr) -> str | None:
    return getattr(func, "id", getattr(func, "attr", None))


def _built_from_text(arg: ast.expr) -> bool:
    if isinstance(arg, ast.Constant):
        return isinstance(arg.value, str)
    if isinstance(arg, _TEXTUAL):
        return True
    if isinstance(arg, ast.Call):
        return _name(arg.func) in {"message", "format", "join", "str"}
    return isinstance(arg, ast.Attribute) and arg.attr in {"text", "problem", "notice"}


def textual_errors(trees: dict[str, ast.Module], family: set[str]) -> list[str]:
    """``file:line`` of every error of the family constructed from text instead of a catalogue code."""
    found = []
    for path, tree in trees.items():
        for n in ast.walk(tree):
            if isinstance(n, ast.Call) and _name(n.func) in family and n.args and _built_from_text(n.args[0]):
                found.append(f"{path}:{n.lineno}: {ast.unparse(n)[:90]}")
    return found


def test_every_error_is_raised_with_a_catalogue_code():
    trees = _sources()
    family = _error_classes(trees.values())
    assert {"DraftError", "XlsxRefused", "NotOwnExport", "RulesConfigError", "PrintUnavailable"} <= family
    found = textual_errors(trees, family)
    assert not found, "raise with Code.X and the values, wording in desktop/core/errors.py:\n" + "\n".join(found)


@pytest.mark.parametrize("source", [
    'raise XlsxRefused(f"{name} 坏了")',
    'raise DocumentError("坏了")',
    'raise self.Sub(message("doc_bad", why=1))',
    'raise UnreadableFile(exc.text) from None',
    'return LibraryError("一" + name)',
])
def test_the_scan_finds_an_error_built_from_text(source):
    tree = ast.parse(f"class Sub(DocumentError): pass\ndef f(self, name, exc):\n    {source}\n")
    family = _error_classes([tree], frozenset({"XlsxRefused", "LibraryError", "DocumentError", "UnreadableFile"}))
    assert len(textual_errors({"planted.py": tree}, family)) == 1


def test_the_scan_lets_codes_and_variables_through():
    tree = ast.parse("def f(code, exc):\n    raise DocumentError(Code.DOC_BAD, why='x')\n"
                     "    raise DraftError(code)\n    raise Cancelled()\n    raise exc.as_(UnreadableFile)\n")
    assert textual_errors({"ok.py": tree}, {"DocumentError", "DraftError", "Cancelled", "UnreadableFile"}) == []


def test_every_catalogue_entry_is_used():
    """A code nobody raises is dead wording: each is named (Code.X) or keyed ("x") outside the catalogue lists."""
    lists = {"MESSAGES", "DRAFT_KEYS", "NOT_UNREADABLE"}
    words: set[str] = set()
    for tree in _sources().values():
        skip = {id(x) for n in tree.body if isinstance(n, (ast.Assign, ast.AnnAssign))
                and any(getattr(t, "id", "") in lists for t in getattr(n, "targets", [getattr(n, "target", None)]))
                for x in ast.walk(n)}
        for n in ast.walk(tree):
            if id(n) in skip:
                continue
            if isinstance(n, ast.Constant) and isinstance(n.value, str):
                words.add(n.value)
            elif isinstance(n, ast.Attribute):
                words.add(n.attr)
    assert [c.value for c in Code if c.name not in words and c.value not in words] == []


# ---------------------------------------------------------------------------------- converted raise sites
def test_workbook_refusals_carry_code_and_data(tmp_path):
    from desktop.export.xlsx_safety import XlsxRefused, check_xlsx

    bad = tmp_path / "预算.xlsx"
    bad.write_bytes(b"not a workbook at all")
    with pytest.raises(XlsxRefused) as info:
        check_xlsx(bad)
    assert info.value.code is Code.XLSX_NOT_XLSX and info.value.data == {"name": "预算.xlsx"}
    assert info.value.text == "预算.xlsx 不是 Excel 工作簿（.xlsx）文件"


def test_a_missing_sheet_is_named_with_a_suggestion(tmp_path):
    from openpyxl import Workbook

    from desktop.export.xlsx_import import read_sheet_table
    from desktop.export.xlsx_mapping import XlsxImportError

    wb = Workbook()
    wb.active.title = "绩效指标"
    wb.active["A1"] = "指标名称"
    wb.save(tmp_path / "表.xlsx")
    with pytest.raises(XlsxImportError) as info:
        read_sheet_table(tmp_path / "表.xlsx", sheet="绩效指")
    assert info.value.code is Code.XLSX_NO_SHEET and info.value.data["sheet"] == "绩效指"
    assert info.value.text == "表.xlsx 中没有名为“绩效指”的工作表，您是不是想写“绩效指标”？"


def test_the_store_names_the_draft_when_a_part_or_row_is_missing(tmp_path):
    from desktop.store import Draft

    form = load_form("suzhou-project-selfeval-2023")
    path = tmp_path / "自评表.jxd"
    draft = Draft.create(path, DocumentState.new(form).doc)
    try:
        with pytest.raises(DraftError) as info:
            draft.set_value("no-such-part", "a_initial", "1")
        assert info.value.code is Code.NO_PART and info.value.data["part"] == "no-such-part"
        assert info.value.text == "草稿“自评表.jxd”中没有这个项目（no-such-part）"
    finally:
        draft.close()


def test_option_errors_are_value_errors_with_code_and_place():
    from desktop.core.definition import parse_definition
    from desktop.core.errors import DefinitionError, OptionError
    from desktop.core.types import make_type

    with pytest.raises(OptionError) as info:
        make_type("integer", {"max_lenght": 3})
    assert isinstance(info.value, ValueError) and info.value.code is Code.DEF_UNKNOWN_KEY
    assert info.value.data["key"] == "max_lenght"
    data = {"id": "f", "version": "1", "title": "表", "scoring": {"rules": "proportional", "placse": 2},
            "sections": [{"id": "s", "title": "节", "fields": [{"id": "a", "label": "甲"}]}]}
    with pytest.raises(DefinitionError) as info:
        parse_definition(data, "表.json")
    assert info.value.code is Code.DEF_UNKNOWN_KEY and info.value.where == "scoring"
    assert "表.json" in info.value.text and "您是不是想写“places”" in info.value.text


def test_an_error_keeps_code_and_data_when_it_changes_class():
    from desktop.core.errors import UnreadableFile

    err = DocumentError(Code.DOC_UNKNOWN_FORM, form="x", suggestion="").as_(UnreadableFile)
    assert isinstance(err, UnreadableFile) and err.code is Code.DOC_UNKNOWN_FORM and err.data["form"] == "x"


def test_formula_errors_say_the_place_and_the_reason_by_code():
    scope = Scope({"a"}, {})
    with pytest.raises(ExprError) as info:
        compile_expr("a +", scope)
    assert info.value.code is Code.EXPR_SYNTAX and info.value.data["reason"] is Code.EXPR_UNEXPECTED
    assert info.value.data["pos"] == 4 and "公式结尾" in info.value.text
    with pytest.raises(ExprError) as info:
        compile_expr("  ", scope)
    assert info.value.data["reason"] is Code.EXPR_EMPTY and info.value.text.endswith("公式为空")
