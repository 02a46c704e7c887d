"""Suggesting and checking which spreadsheet column fills which field."""
from __future__ import annotations

import re
import unicodedata

from app.errors import ValidationFailed
from app.form_engine import fields as registry
from app.i18n import _

_NOISE = re.compile(r"[\s*＊:：_\-（）()\[\]【】]+")


def _squash(text: str) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", text)).casefold()


def importable_fields(definition: dict) -> list[dict]:
    """Fields a spreadsheet may fill: stored, not computed by the engine, not layout."""
    out = []
    for field in definition.get("fields", []):
        kind = registry.all_types().get(field.get("type"))
        if kind is None or not kind.stores or kind.computed:
            continue
        out.append(field)
    return out


def _names(field: dict) -> set[str]:
    label = field.get("label")
    names = {field["key"]}
    if isinstance(label, str):
        names.add(label)
    elif isinstance(label, dict):
        names.update(v for v in label.values() if v)
    return {_squash(n) for n in names if n}


def suggest_mapping(headers: list[str], definition: dict) -> dict[str, str | None]:
    """{header: field key or None}, matching key, label, zh and en labels, loosely."""
    fields = importable_fields(definition)
    taken: set[str] = set()
    mapping: dict[str, str | None] = {}
    for header in headers:
        wanted = _squash(header)
        match = next((f["key"] for f in fields
                      if f["key"] not in taken and wanted in _names(f)), None)
        if match:
            taken.add(match)
        mapping[header] = match
    return mapping


def check_mapping(mapping: dict, headers: list[str], definition: dict) -> dict[str, dict]:
    """{header: field} for the mapped columns; refuses unknown headers, unknown or computed
    fields, and two columns for one field."""
    by_key = {f["key"]: f for f in importable_fields(definition)}
    problems: dict[str, list] = {}
    out: dict[str, dict] = {}
    used: dict[str, str] = {}
    for header, key in mapping.items():
        if not key:
            continue
        if header not in headers:
            problems.setdefault(f"mapping.{header}", []).append(
                _("No such column in the file", "文件中没有此列"))
        elif key not in by_key:
            problems.setdefault(f"mapping.{header}", []).append(
                _("{key} is not a field that can be imported", "{key} 不是可导入的字段", key=key))
        elif key in used:
            problems.setdefault(f"mapping.{header}", []).append(
                _("{key} is already filled by column {other}", "{key} 已由列 {other} 填写",
                  key=key, other=used[key]))
        else:
            used[key] = header
            out[header] = by_key[key]
    if problems:
        raise ValidationFailed(_("The column mapping is not valid", "列映射无效"),
                               {"fields": problems})
    if not out:
        raise ValidationFailed(_("Map at least one column to a field", "请至少将一列映射到字段"),
                               {"fields": {"mapping": [_("Nothing is mapped", "未映射任何列")]}})
    return out
