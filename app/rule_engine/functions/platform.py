"""Platform functions: the record being evaluated, the signed-in user, the record's tags."""
from __future__ import annotations

from app.rule_engine.functions import rule_function
from app.rule_engine.values import fold


@rule_function(contextual=True, result="text")
def RECORD_ID(ev):
    """RECORD_ID() -> text

    en: The id of the record being evaluated (blank before it is saved).
    zh: 当前记录的 ID（保存前为空）。

    Example: ISBLANK(RECORD_ID()) => true
    示例: LEN(RECORD_ID()) >= 0 => true
    """
    return ev.env.record_id


@rule_function(contextual=True, result="text")
def CURRENT_USER(ev):
    """CURRENT_USER() -> text

    en: The id of the signed-in user (blank in background jobs without a user).
    zh: 当前登录用户的 ID（无用户的后台任务中为空）。

    Example: ISBLANK(CURRENT_USER()) => true
    示例: CURRENT_USER() = "" => true
    """
    return ev.env.current_user


@rule_function("text", contextual=True, result="boolean")
def HAS_TAG(ev, tag):
    """HAS_TAG(tag) -> boolean

    en: TRUE when the record carries the tag (ignoring case).
    zh: 当前记录带有该标签时为 TRUE（不区分大小写）。

    Example: HAS_TAG("vip") => false
    示例: HAS_TAG("老客户") => false
    """
    tags = ev.env.tags
    if not tags:
        return False
    wanted = fold(tag)
    return any(fold(str(t)) == wanted for t in tags)
