"""The project's own errors and its one catalogue of messages.

Every message a clerk or an IT person can see is Chinese and comes from
``MESSAGES``; code raises with a key and the values to fill in, so the wording
lives in one place (the pyxform way).
"""
from __future__ import annotations

from typing import Iterable

MESSAGES: dict[str, str] = {
    # --- reading what the clerk typed -------------------------------------------------
    "not_number": "“{text}”不是有效的数字",
    "not_integer": "“{text}”不是整数",
    "not_percent": "“{text}”不是有效的百分比",
    "not_date": "“{text}”不是有效的日期（可写 2021-12-31、2021年12月31日、2021.12 等）",
    "not_year": "“{text}”不是有效的年度（如 2023）",
    "not_phone": "“{text}”不是有效的电话号码（8 位本地号码、区号加号码，或 11 位手机号）",
    "not_option": "“{text}”不是可选项（可选：{options}）",
    "not_yesno": "“{text}”应为“是”或“否”",
    "bad_pattern": "“{text}”格式不对（{hint}）",
    "too_many_decimals": "“{text}”小数位过多（最多 {decimals} 位）",
    "wrong_unit": "“{text}”的单位“{unit}”与本栏单位“{expected}”不符",
    "too_long": "内容过长（{length} 字，最多 {limit} 字）",
    # --- checks -----------------------------------------------------------------------
    "required": "必须填写",
    "below_min": "不应小于 {limit}（现为 {value}）",
    "above_max": "不应大于 {limit}（现为 {value}）",
    "override_differs": "手工填写的 {value} 与计算值 {computed} 不同",
    # --- definitions ------------------------------------------------------------------
    "def_file": "表单定义 {file}：{problem}",
    "def_at": "{where}：{problem}",
    "def_not_json": "不是有效的 JSON（第 {line} 行第 {col} 列：{msg}）",
    "def_missing": "缺少“{key}”",
    "def_bad_value": "“{key}”的值 {value!r} 无效：{why}",
    "def_unknown_key": "不认识的键“{key}”{hint}",
    "def_bad_type": "{block}的“{key}”的值 {value!r} 无效：应为{expected}",
    "def_did_you_mean": "，您是不是想写“{guess}”？",
    "def_no_such": "“{key}”引用了不存在的{what}“{ref}”{hint}",
    "def_unknown_type": "未知的字段类型“{type}”（可用：{types}）{hint}",
    "def_duplicate": "标识“{id}”重复",
    "def_bad_id": "标识“{id}”只能由字母、数字、下划线组成，且不能以数字开头",
    "def_unknown_ref": "公式引用了不存在的“{ref}”{hint}",
    "def_cycle": "公式循环引用：{cycle}",
    "def_unknown_rules": "未知的评分规则“{rules}”（可用：{known}）{hint}",
    "def_example": "示例“{example}”不能按本栏类型读取：{why}",
    # --- form workbooks (desktop/forms) ------------------------------------------------
    "wb_file": "表单工作簿 {file}：{problem}",
    "wb_at_cell": "工作表“{sheet}”第 {row} 行“{column}”列（{letter} 列）：{problem}",
    "wb_at_row": "工作表“{sheet}”第 {row} 行：{problem}",
    "wb_at_sheet": "工作表“{sheet}”：{problem}",
    "wb_unknown_sheet": "不认识的工作表“{name}”{hint}",
    "wb_no_sheet": "缺少工作表“{name}”",
    "wb_unknown_heading": "不认识的列标题“{heading}”{hint}",
    "wb_bad_cell": "“{value}”无效：应为{expected}",
    "wb_required": "不能为空",
    "wb_unknown_item": "不认识的项目“{item}”{hint}",
    "wb_twice": "“{item}”只能写一行",
    "wb_no_such": "不存在的{what}“{ref}”{hint}",
    "wb_not_listed": "{what}“{ref}”没有列在工作表“{sheet}”中",
    "wb_no_fields": "分节“{id}”没有字段（请在工作表“字段”中填写）",
    "wb_no_columns": "表格“{id}”没有列（请在工作表“列”中填写）",
    "wb_too_many_rows": "超过 {limit} 行，其余的行没有读取",
    "wb_problems": "共 {count} 个问题",
    "form_installed": "已安装表单“{title}”（{id}，版本 {version}）",
    "form_upgraded": "已把表单“{title}”（{id}）由版本 {old} 升级到 {version}；旧版本仍保留，用它填写的草稿照常打开",
    "form_same_version": "表单“{title}”（{id}）已有版本 {there}，不再安装相同的版本 {version}",
    "form_older_version": "表单“{title}”（{id}）已有更新的版本 {there}，不安装较旧的版本 {version}",
    "form_bad_name": "表单标识或版本“{value}”只能由字母、数字、下划线、点和短横组成",
    "form_write_failed": "无法写入 {path}：{why}",
    "form_shipped": "表单 {id} 是程序内置的表单，不能删除",
    "form_removed": "已删除表单 {id} 的已安装版本：{versions}",
    "form_origin_shipped": "内置",
    "form_origin_installed": "由 {source} 安装于 {date}",
    "form_upgrade_ask": "已有表单“{title}”（{id}）版本 {old}。要升级到版本 {version} 吗？旧版本会保留，用它填写的草稿照常打开。",
    "form_refused": "未安装表单：\n{problems}",
    "form_lint_ok": "{file}：没有问题（表单 {id}，版本 {version}）",
    "written": "已写出 {path}",
    "form_source": "“{source}”既不是已有表单的标识，也不是表单定义（.json）或表单工作簿（.xlsx）文件",
    # --- expressions ------------------------------------------------------------------
    "expr_syntax": "公式“{source}”第 {pos} 个字符处有误：{why}",
    "expr_unknown_func": "未知的函数“{name}”",
    "expr_arity": "函数 {name} 需要 {expected} 个参数，给了 {got} 个",
    "expr_column_only_in_aggregate": "“{ref}”是整列，只能用在 sum、count、min、max 等函数中",
    "expr_row_only": "“{name}”只能用在表格行的公式中",
    # --- documents / interchange ------------------------------------------------------
    "doc_not_json": "文件不是有效的 JSON：{why}",
    "doc_bad": "文件内容不符合格式：{why}",
    "doc_unknown_form": "未知的表单“{form}”",
    "doc_newer_version": "文件由更新的表单定义版本 {version} 生成，本程序只认识到 {known}"
                         "（可安装该表单的新版本：文件 → 安装表单…）",
    "doc_unreadable": "无法读取文件 {path}：{why}",
}


def message(msg_id: str, /, **values: object) -> str:
    if "{hint}" in MESSAGES[msg_id]:
        values.setdefault("hint", "")
    return MESSAGES[msg_id].format(**values)


def did_you_mean(word: object, candidates: "Iterable[str]") -> str:
    """``，您是不是想写“classes”？`` for a near miss among ``candidates``, else ''."""
    import difflib

    if not isinstance(word, str) or not word:
        return ""
    cutoff = 0.5 if len(word) <= 4 else 0.6  # 提式 → 提示: one character of two differs
    candidates = {c for c in candidates if isinstance(c, str)}
    scored = [(difflib.SequenceMatcher(None, word, c).ratio(), c[:1] == word[:1], c) for c in candidates]
    scored = [s for s in scored if s[0] >= cutoff]
    close = [max(scored)[2]] if scored else []
    if not close:
        low = {c.lower(): c for c in candidates}
        close = [low[word.lower()]] if word.lower() in low else []
    return message("def_did_you_mean", guess=close[0]) if close else ""


class JixiaoError(Exception):
    """Base of every error this project raises on purpose."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.text


class ReadError(JixiaoError, ValueError):
    """What the clerk typed cannot be read as the field's type.

    The one validation error every field reader and every expression raises.
    """

    def __init__(self, key: str, **values: object):
        super().__init__(message(key, **values))
        self.key = key
        self.values = values


class DefinitionError(JixiaoError):
    """A form definition is malformed; the text names the file, the place and the problem."""

    def __init__(self, problem: str, where: str = "", file: str = ""):
        text = problem
        if where:
            text = message("def_at", where=where, problem=text)
        if file:
            text = message("def_file", file=file, problem=text)
        super().__init__(text)
        self.problem = problem
        self.where = where
        self.file = file

    def located(self, where: str = "", file: str = "") -> "DefinitionError":
        """The same problem with an outer location prepended (innermost first)."""
        inner = self.where
        if where and inner:
            where = f"{where} › {inner}"
        elif inner:
            where = inner
        return DefinitionError(self.problem, where, file or self.file)


class ExprError(DefinitionError):
    """A formula cannot be parsed or refers to something that does not exist."""


class DocumentError(JixiaoError):
    """A filled-form file (JSON interchange or draft) cannot be used."""
