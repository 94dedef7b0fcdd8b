"""The project's own errors and its one catalogue of messages.

Every message a clerk or an IT person can see is Chinese and comes from
``MESSAGES``; code raises with a key and the values to fill in, so the wording
lives in one place (the pyxform way).
"""
from __future__ import annotations

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
    "negative_money": "金额不能为负数（现为 {value}）",
    "rate_nonsense": "算得 {rate}，不合常理，请核对{sources}",
    "glyph_missing": "打印字体缺少{chars}，打印时会漏掉这些字，请换一种写法或在设置中改用其他打印字体",
    # --- definitions ------------------------------------------------------------------
    "def_file": "表单定义 {file}：{problem}",
    "def_at": "{where}：{problem}",
    "def_not_json": "不是有效的 JSON（第 {line} 行第 {col} 列：{msg}）",
    "def_missing": "缺少“{key}”",
    "def_bad_value": "“{key}”的值 {value!r} 无效：{why}",
    "def_unknown_key": "不认识的键“{key}”",
    "def_unknown_type": "未知的字段类型“{type}”（可用：{types}）",
    "def_duplicate": "标识“{id}”重复",
    "def_bad_id": "标识“{id}”只能由字母、数字、下划线组成，且不能以数字开头",
    "def_unknown_ref": "公式引用了不存在的“{ref}”",
    "def_cycle": "公式循环引用：{cycle}",
    "def_unknown_rules": "未知的评分规则“{rules}”（可用：{known}）",
    "def_example": "示例“{example}”不能按本栏类型读取：{why}",
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
    "doc_newer_version": "文件由更新的表单定义版本 {version} 生成，本程序只认识到 {known}",
    "doc_unreadable": "无法读取文件 {path}：{why}",
}


def message(msg_id: str, /, **values: object) -> str:
    return MESSAGES[msg_id].format(**values)


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
