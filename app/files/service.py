"""Uploading and reading files: limits from the field config, sniffed types, access checks."""
from __future__ import annotations

import fnmatch
import hashlib
import io
import os
from typing import BinaryIO

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from app.auth.actor import Actor
from app.auth.roles import Role
from app.errors import Forbidden, NotFound, TooLarge, ValidationFailed
from app.i18n import _
from app.ids import new_id
from app.models import File, Form, Record
from app.models.scope import get_scoped
from app.files.sniff import IMAGE_TYPES, sanitise_name, sniff_content_type
from app.files.storage import get_storage
from app.files.thumbnails import make_thumbnail
from app.form_engine import permissions

FILE_FIELD_TYPES = {"file", "image", "signature"}
_SNIFF_BYTES = 4096


def find_field(definition: dict, key: str) -> dict | None:
    """A field by key, including subform columns (`items.photo` or plain `photo`)."""
    parent, _dot, child = key.partition(".")
    for field in definition.get("fields", []):
        if field.get("key") == parent and not child:
            return field
        if field.get("type") == "subform":
            for sub in field.get("fields", []):
                if sub.get("key") == (child or parent):
                    return sub
    return None


def _field_limits(session: Session, actor: Actor, form_id: str | None, field_key: str | None):
    if not form_id:
        return None
    form = get_scoped(session, Form, form_id, actor.workspace_id, what="form")
    field = find_field(form.definition, field_key or "")
    if field is None or field.get("type") not in FILE_FIELD_TYPES:
        raise ValidationFailed(_("Not a file field", "不是文件字段"),
                               {"fields": {"field": [_("Choose a file or image field",
                                                       "请选择文件或图片字段")]}})
    return field


def _accepted(field: dict | None, name: str, content_type: str) -> bool:
    accept = (field or {}).get("accept")
    if (field or {}).get("type") in ("image", "signature") and not accept:
        accept = ["image/*"]
    if not accept:
        return True
    ext = os.path.splitext(name)[1].lower()
    for pattern in ([accept] if isinstance(accept, str) else accept):
        pattern = pattern.strip().lower()
        if pattern.startswith(".") and ext == pattern:
            return True
        if "/" in pattern and fnmatch.fnmatch(content_type, pattern):
            return True
    return False


def upload(session: Session, actor: Actor, stream: BinaryIO, filename: str | None, *,
           form_id: str | None = None, field_key: str | None = None,
           purpose: str = "field", max_bytes: int | None = None) -> File:
    """Store an upload and return its row; refuse it whole when a limit is broken
    (`max_bytes`: a caller's own cap, such as the one for anonymous uploads)."""
    field = _field_limits(session, actor, form_id, field_key)
    limit = current_app.config.get("MAX_UPLOAD_BYTES") or current_app.config["MAX_CONTENT_LENGTH"]
    if max_bytes:
        limit = min(limit, max_bytes)
    if field and field.get("max_size"):
        # Bytes, as the designer stores it and the field's value check reads it.
        limit = min(limit, int(field["max_size"]))
    name = sanitise_name(filename)
    spool = _spool(stream, limit)
    head = spool.read(_SNIFF_BYTES)
    spool.seek(0)
    content_type = sniff_content_type(head, name)
    if not _accepted(field, name, content_type):
        raise ValidationFailed(_("This type of file is not accepted here", "此处不接受该类型的文件"),
                               {"fields": {"file": [_("Type {type} is not accepted",
                                                      "不接受 {type} 类型", type=content_type)]}})
    digest = hashlib.sha256()
    size = 0
    for chunk in iter(lambda: spool.read(1024 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
    spool.seek(0)
    file_id = new_id()
    key = f"{actor.workspace_id}/{file_id[:4]}/{file_id}"
    storage = get_storage()
    storage.save(key, spool)
    thumbnail_key = None
    try:
        if content_type in IMAGE_TYPES:
            spool.seek(0)
            thumb = make_thumbnail(spool)
            if thumb is not None:
                thumbnail_key = key + ".thumb"
                storage.save(thumbnail_key, io.BytesIO(thumb))
        row = File(id=file_id, workspace_id=actor.workspace_id, name=name, size=size,
                   content_type=content_type, storage_key=key, thumbnail_key=thumbnail_key,
                   purpose=purpose, form_id=form_id, field_key=field_key,
                   sha256=digest.hexdigest(), created_by=actor.user_id)
        session.add(row)
        session.flush()
    except BaseException:
        # No row will point at the bytes already stored: remove them with the failed upload.
        for stored in (key, thumbnail_key):
            if stored:
                storage.delete(stored)
        raise
    return row


def _size_text(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"{round(limit / 1024 / 1024, 1):g} MB"
    return f"{max(1, round(limit / 1024))} KB"


def _spool(stream: BinaryIO, limit: int):
    """Copy the upload to a spooled temp file, failing as soon as it passes the limit."""
    import tempfile

    spool = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)
    size = 0
    for chunk in iter(lambda: stream.read(256 * 1024), b""):
        size += len(chunk)
        if size > limit:
            raise TooLarge(_("The file is larger than {size}", "文件超过 {size}",
                             size=_size_text(limit)), {"max_bytes": limit})
        spool.write(chunk)
    if size == 0:
        raise ValidationFailed(_("The file is empty", "文件为空"),
                               {"fields": {"file": [_("The file is empty", "文件为空")]}})
    spool.seek(0)
    return spool


def _referenced_by_visible_record(session: Session, actor: Actor, file: File) -> bool:
    if not file.form_id:
        return False
    form = session.get(Form, file.form_id)
    if form is None or form.workspace_id != actor.workspace_id:
        return False
    stmt = sa.select(Record.id).where(Record.form_id == form.id,
                                      sa.cast(Record.data, sa.Text).contains(file.id))
    stmt = stmt.where(permissions.scope_clause(actor, form))
    return session.scalar(stmt.limit(1)) is not None


def get_readable(session: Session, actor: Actor, file_id: str) -> File:
    """The file, if this actor may read it: its uploader, an admin, or anyone who can see a
    record of the file's form that refers to it. Others get 404 (no existence leak) or 403."""
    file = get_scoped(session, File, file_id, actor.workspace_id, what="file")
    if actor.is_system or file.created_by == actor.user_id:
        return file
    if Role.parse(actor.role) >= Role.ADMIN:
        return file
    if file.purpose == "field" and _referenced_by_visible_record(session, actor, file):
        return file
    raise Forbidden(_("You may not open this file", "您无权打开此文件"))


def open_file(file: File, *, thumbnail: bool = False) -> BinaryIO:
    key = file.thumbnail_key if thumbnail else file.storage_key
    if not key:
        raise NotFound(_("This file has no thumbnail", "此文件没有缩略图"))
    return get_storage().open(key)
