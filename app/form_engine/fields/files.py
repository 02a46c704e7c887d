"""Uploaded files: file and image (lists of file references) and signature (one reference)."""
from __future__ import annotations

import json

from app.form_engine.fields import FieldType, add_error, field_type
from app.i18n import _

FILE_REF_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["id", "name", "size", "content_type"],
    "properties": {"id": {"type": "string", "minLength": 1, "maxLength": 64},
                   "name": {"type": "string", "maxLength": 255},
                   "size": {"type": "integer", "minimum": 0},
                   "content_type": {"type": "string", "maxLength": 255}},
}
_REF_KEYS = {"id", "name", "size", "content_type"}


def _is_file_ref(value) -> bool:
    return (isinstance(value, dict) and set(value) == _REF_KEYS
            and isinstance(value["id"], str) and 0 < len(value["id"]) <= 64
            and isinstance(value["name"], str) and len(value["name"]) <= 255
            and isinstance(value["size"], int) and not isinstance(value["size"], bool)
            and value["size"] >= 0 and isinstance(value["content_type"], str))


def _accepts(accept: list[str], ref: dict) -> bool:
    name, ctype = ref["name"].lower(), ref["content_type"].lower()
    for pattern in accept:
        pattern = pattern.lower()
        if pattern.startswith(".") and name.endswith(pattern):
            return True
        if pattern.endswith("/*") and ctype.startswith(pattern[:-1]):
            return True
        if pattern == ctype:
            return True
    return False


@field_type("file")
class FileField(FieldType):
    options = {"max_files": {"type": "integer", "minimum": 1, "maximum": 100},
               "max_size": {"type": "integer", "minimum": 1},
               "accept": {"type": "array", "items": {"type": "string", "maxLength": 100}}}
    rule_type = "list"
    sql_kind = "json"
    default_accept: list[str] | None = None

    def value_schema(self, field):
        return {"type": ["array", "null"], "items": FILE_REF_SCHEMA,
                "maxItems": field.get("max_files", 10)}

    def checker(self, field):
        most = field.get("max_files", 10)
        max_size = field.get("max_size")
        accept = field.get("accept") or self.default_accept

        def check(value, path, errors):
            if not isinstance(value, list) or not all(_is_file_ref(v) for v in value):
                add_error(errors, path, _("Must be a list of uploaded files",
                                          "必须是已上传文件的列表"))
                return value
            if len(value) > most:
                add_error(errors, path, _("At most {n} files", "最多 {n} 个文件", n=most))
            if max_size is not None and any(v["size"] > max_size for v in value):
                add_error(errors, path, _("A file is larger than {n} bytes",
                                          "有文件超过 {n} 字节", n=max_size))
            if accept and not all(_accepts(accept, v) for v in value):
                add_error(errors, path, _("A file type is not accepted", "有文件类型不被接受"))
            return value
        return check

    def to_text(self, value, field):
        return ", ".join(v["name"] for v in value or [])

    def from_text(self, text, field):
        text = text.strip()
        return json.loads(text) if text.startswith("[") else None


@field_type("image")
class ImageField(FileField):
    default_accept = ["image/*"]


@field_type("signature")
class SignatureField(FieldType):
    rule_type = "object"
    sql_kind = "json"

    def value_schema(self, field):
        return {"oneOf": [FILE_REF_SCHEMA, {"type": "null"}]}

    def checker(self, field):
        def check(value, path, errors):
            if not _is_file_ref(value):
                add_error(errors, path, _("Must be an uploaded signature image",
                                          "必须是已上传的签名图片"))
            return value
        return check

    def to_text(self, value, field):
        return value["name"] if value else ""

    def from_text(self, text, field):
        text = text.strip()
        return json.loads(text) if text.startswith("{") else None
