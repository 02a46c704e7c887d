"""Platform functions: the record being evaluated, the signed-in user, the record's tags, links
to public forms."""
from __future__ import annotations

from app.rule_engine.functions import rule_function
from app.rule_engine.values import NA, VALUE, fold, to_plain


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


@rule_function("text", variadic="any", min_variadic=0, contextual=True, result="text")
def PUBLIC_LINK(ev, form_key, *pairs):
    """PUBLIC_LINK(form_key, [field, value, ...]) -> text

    en: The address of a form's public fill-in link with the given fields filled in, signed so the person cannot change them; for messages and flow steps (server only); #N/A when the form has no public link.
    zh: 表单公开填写链接的地址，可预填字段（签名保护，填写人无法修改）；用于消息和流程步骤（仅服务器端）；表单没有开启公开链接时为 #N/A。

    Example: IFERROR(PUBLIC_LINK("survey", "ticket", RECORD_ID()), "no link") => "no link"
    示例: IFERROR(PUBLIC_LINK("survey"), "未开启") => "未开启"
    """
    if len(pairs) % 2:
        return VALUE
    prefill = {}
    for key, value in zip(pairs[::2], pairs[1::2]):
        if type(key) is not str or not key:
            return VALUE
        prefill[key] = to_plain(value)
    resolve = ev.env.public_link
    url = resolve(form_key, prefill) if resolve is not None else None
    return NA if url is None else url
