"""Logic functions: IF, IFS, SWITCH, AND, OR, NOT, XOR, ISBLANK, ISERROR, IFERROR."""
from __future__ import annotations

from app.rule_engine.functions import flatten, rule_function
from app.rule_engine.values import NA, VALUE, ErrorValue, equals, is_blank, to_bool


def _same_type(types):
    concrete = [t for t in types if t not in ("any", "blank")]
    if concrete and all(t == concrete[0] for t in concrete):
        return concrete[0]
    return "any"


def _if_result(types):
    return _same_type(types[1:3])


@rule_function("boolean", "any", "any?", lazy=True, result=_if_result)
def IF(ev, nodes):
    """IF(condition, value_if_true, [value_if_false]) -> any

    en: Returns value_if_true when condition is TRUE, else value_if_false (FALSE when omitted). Only the chosen branch is evaluated.
    zh: 条件为真时返回第二个参数，否则返回第三个参数（省略时为 FALSE）。只计算被选中的分支。

    Example: IF(5 > 3, "yes", "no") => "yes"
    示例: IF(1 > 2, "是", "否") => "否"
    """
    cond = to_bool(ev._eval(nodes[0]))
    if type(cond) is ErrorValue:
        return cond
    if cond:
        return ev._eval(nodes[1])
    return ev._eval(nodes[2]) if len(nodes) > 2 else False


def _ifs_result(types):
    return _same_type(types[1::2])


@rule_function(variadic="any", lazy=True, result=_ifs_result, min_variadic=2)
def IFS(ev, nodes):
    """IFS(condition1, value1, [condition2, value2, ...]) -> any

    en: Returns the value paired with the first TRUE condition; #N/A when none is TRUE.
    zh: 返回第一个为真的条件所对应的值；都不为真时返回 #N/A。

    Example: IFS(2 > 3, "a", 2 = 2, "b") => "b"
    示例: IFS(80 >= 90, "优", 80 >= 60, "及格") => "及格"
    """
    if len(nodes) % 2:
        return VALUE
    for i in range(0, len(nodes), 2):
        cond = to_bool(ev._eval(nodes[i]))
        if type(cond) is ErrorValue:
            return cond
        if cond:
            return ev._eval(nodes[i + 1])
    return NA


def _switch_result(types):
    rest = types[1:]
    values = rest[1::2]
    if len(rest) % 2:
        values = values + [rest[-1]]
    return _same_type(values)


@rule_function("any", variadic="any", lazy=True, result=_switch_result, min_variadic=2)
def SWITCH(ev, nodes):
    """SWITCH(value, case1, result1, [case2, result2, ...], [default]) -> any

    en: Compares value with each case in turn and returns the matching result, else the default, else #N/A.
    zh: 依次比较值与各个情况，返回匹配项的结果；都不匹配时返回默认值，无默认值则为 #N/A。

    Example: SWITCH(2, 1, "one", 2, "two", "many") => "two"
    示例: SWITCH("已退款", "待付款", 1, "已完成", 2, 0) => 0
    """
    value = ev._eval(nodes[0])
    if type(value) is ErrorValue:
        return value
    rest = nodes[1:]
    for i in range(0, len(rest) - 1, 2):
        case = ev._eval(rest[i])
        if type(case) is ErrorValue:
            return case
        if equals(value, case):
            return ev._eval(rest[i + 1])
    if len(rest) % 2:
        return ev._eval(rest[-1])
    return NA


def _truth_values(values):
    for v, in_list in flatten(values):
        if type(v) is ErrorValue:
            yield v
            return
        if v is None or v == "":
            if in_list:
                continue
            v = False
        b = to_bool(v)
        yield b


@rule_function(variadic="values", result="boolean")
def AND(*values):
    """AND(logical1, [logical2, ...]) -> boolean

    en: TRUE when every argument is TRUE (a blank argument is FALSE, blank list items are skipped); an error argument is returned.
    zh: 所有参数都为真时返回 TRUE（空参数视为 FALSE，列表中的空项被忽略）；参数中有错误值时返回该错误。

    Example: AND(1 < 2, 3 > 2) => true
    示例: AND(TRUE, 1 > 2) => false
    """
    result = True
    for b in _truth_values(values):
        if type(b) is ErrorValue:
            return b
        result = result and b
    return result


@rule_function(variadic="values", result="boolean")
def OR(*values):
    """OR(logical1, [logical2, ...]) -> boolean

    en: TRUE when at least one argument is TRUE (a blank argument is FALSE, blank list items are skipped); an error argument is returned.
    zh: 任一参数为真时返回 TRUE（空参数视为 FALSE，列表中的空项被忽略）；参数中有错误值时返回该错误。

    Example: OR(1 > 2, 3 > 2) => true
    示例: OR(FALSE, 1 > 2) => false
    """
    result = False
    for b in _truth_values(values):
        if type(b) is ErrorValue:
            return b
        result = result or b
    return result


@rule_function(variadic="values", result="boolean")
def XOR(*values):
    """XOR(logical1, [logical2, ...]) -> boolean

    en: TRUE when an odd number of arguments are TRUE.
    zh: 为真的参数个数为奇数时返回 TRUE。

    Example: XOR(TRUE, FALSE) => true
    示例: XOR(TRUE, TRUE) => false
    """
    count = 0
    for b in _truth_values(values):
        if type(b) is ErrorValue:
            return b
        count += 1 if b else 0
    return count % 2 == 1


@rule_function("boolean", result="boolean")
def NOT(value):
    """NOT(logical) -> boolean

    en: Reverses a logical value.
    zh: 对真假值取反。

    Example: NOT(1 > 2) => true
    示例: NOT(TRUE) => false
    """
    return not value


@rule_function("any", result="boolean", accepts_errors=True)
def ISBLANK(value):
    """ISBLANK(value) -> boolean

    en: TRUE when the value is blank: missing, NULL, empty text or an empty list.
    zh: 值为空（缺失、NULL、空文本或空列表）时返回 TRUE。

    Example: ISBLANK("") => true
    示例: ISBLANK("张三") => false
    """
    return is_blank(value)


@rule_function("any", result="boolean", accepts_errors=True)
def ISERROR(value):
    """ISERROR(value) -> boolean

    en: TRUE when the value is an error such as #DIV/0! or #N/A.
    zh: 值为错误值（如 #DIV/0!、#N/A）时返回 TRUE。

    Example: ISERROR(1 / 0) => true
    示例: ISERROR(1 / 2) => false
    """
    return type(value) is ErrorValue


def _iferror_result(types):
    return _same_type(types[:2])


@rule_function("any", "any", lazy=True, result=_iferror_result)
def IFERROR(ev, nodes):
    """IFERROR(value, value_if_error) -> any

    en: Returns value, or value_if_error when value is an error (#DIV/0!, #VALUE!, #N/A, #NUM!).
    zh: 返回第一个参数；它是错误值（#DIV/0!、#VALUE!、#N/A、#NUM!）时返回第二个参数。

    Example: IFERROR(10 / 0, 0) => 0
    示例: IFERROR(VALUE("abc"), "无效") => "无效"
    """
    value = ev._eval(nodes[0])
    if type(value) is ErrorValue:
        return ev._eval(nodes[1])
    return value
