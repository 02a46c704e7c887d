"""Errors of the rule language: positioned, bilingual (zh-CN and en), never a bare Python error."""
from __future__ import annotations

from app.errors import ValidationFailed

# code -> (en, zh); {name} placeholders are filled from the error's params.
MESSAGES: dict[str, tuple[str, str]] = {
    "syntax": ("Syntax error: {detail}", "语法错误：{detail}"),
    "unexpected_char": ("Unexpected character '{char}'", "无法识别的字符“{char}”"),
    "unterminated_string": ("Text is missing its closing quote", "文本缺少结束引号"),
    "unexpected_token": ("Unexpected '{token}'", "此处不应出现“{token}”"),
    "unexpected_end": ("The expression ends too early", "表达式不完整"),
    "unclosed_paren": ("Missing closing parenthesis", "缺少右括号"),
    "empty": ("The expression is empty", "表达式为空"),
    "underscore_name": ("Names may not start with '_': {name}", "名称不能以“_”开头：{name}"),
    "attribute": ("Only field references may use '.', e.g. customer.name", "只有字段引用可以使用“.”，如 customer.name"),
    "method_call": ("Method calls are not allowed: {name}", "不允许调用方法：{name}"),
    "subscript": ("Indexing with [ ] is not allowed", "不允许使用 [ ] 取下标"),
    "assignment": ("Use '=' to compare; assignments are not allowed", "不允许赋值"),
    "unknown_function": ("Unknown function {name}", "未知函数 {name}"),
    "arity": ("{name} takes {expected} argument(s), got {got}", "{name} 需要 {expected} 个参数，实际为 {got} 个"),
    "unknown_field": ("Unknown field '{name}'", "未知字段“{name}”"),
    "type_mismatch": ("{where} expects {expected}, got {got}", "{where}需要{expected}，实际为{got}"),
    "too_long": ("The expression is longer than {limit} characters", "表达式超过 {limit} 个字符"),
    "too_many_nodes": ("The expression is too complex (more than {limit} parts)", "表达式过于复杂（超过 {limit} 个部分）"),
    "too_deep": ("The expression is nested deeper than {limit} levels", "表达式嵌套超过 {limit} 层"),
    "text_too_long": ("Text result longer than {limit} characters", "文本结果超过 {limit} 个字符"),
    "list_too_long": ("List longer than {limit} items", "列表超过 {limit} 项"),
    "timeout": ("Evaluation took longer than {limit} ms", "计算超过 {limit} 毫秒"),
}

TYPE_NAMES = {
    "number": ("a number", "数字"), "text": ("text", "文本"), "date": ("a date", "日期"),
    "datetime": ("a date-time", "日期时间"), "boolean": ("TRUE/FALSE", "真假值"),
    "list": ("a list", "列表"), "object": ("a record", "记录"), "any": ("any value", "任意值"),
    "blank": ("blank", "空值"),
}


def _lang_index(lang: str | None) -> int:
    return 1 if (lang or "en").lower().startswith("zh") else 0


def type_name(t: str, lang: str | None) -> str:
    return TYPE_NAMES.get(t, (t, t))[_lang_index(lang)]


class _Message(str):
    """The English message as text (what FormloomError.message holds), callable for another language."""

    def __new__(cls, error: "RuleError"):
        inst = super().__new__(cls, error.message_in("en"))
        inst._error = error
        return inst

    def __call__(self, lang: str | None = "en") -> str:
        return self._error.message_in(lang)


class RuleError(ValidationFailed):
    """A refused or failed expression, with its position in the expression text."""

    kind = "rule"

    def __init__(self, code: str, offset: int = 0, expression: str = "", length: int = 1, **params):
        self.code_name = code
        self.params = params
        self.offset = offset
        self.length = length
        self.expression = expression
        self.line, self.column = line_column(expression, offset)
        super().__init__(self.message_in("en"), {"expression": self.to_dict("en")})
        self.message = _Message(self)

    def message_in(self, lang: str | None = "en") -> str:
        templates = MESSAGES.get(self.code_name, (self.code_name, self.code_name))
        params = dict(self.params)
        for key in ("expected", "got"):
            if key in params and isinstance(params[key], str) and params[key] in TYPE_NAMES:
                params[key] = type_name(params[key], lang)
        if "where" in params and isinstance(params["where"], tuple):
            params["where"] = params["where"][_lang_index(lang)]
        return templates[_lang_index(lang)].format(**params)

    def to_dict(self, lang: str | None = "en") -> dict:
        return {"message": self.message_in(lang), "offset": self.offset, "line": self.line,
                "column": self.column}

    def relocated(self, shift: int, text: str) -> "RuleError":
        """The same error positioned inside a larger text (a template around the expression)."""
        clone = type(self)(self.code_name, self.offset + shift, text, self.length, **self.params)
        return clone

    def __str__(self) -> str:
        return self.message_in("en")


class RuleSyntaxError(RuleError):
    kind = "syntax"


class RuleLimitError(RuleError):
    kind = "limit"


class RuleNameError(RuleError):
    """Unknown function or wrong number of arguments, found when parsing."""

    kind = "name"


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a 0-based character offset."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1
