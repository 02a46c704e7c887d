"""Files in public submissions: a stranger's upload is stored unclaimed and answered with a
short-lived reference signed for that one public link; submit swaps each reference for the
stored file and claims it once; uploads no submission claimed are swept."""
from __future__ import annotations

import datetime as dt
import logging
from typing import BinaryIO

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import clock
from app.auth import signed
from app.auth.actor import Actor
from app.errors import ValidationFailed
from app.i18n import _
from app.jobs import periodic
from app.models import File, Form, PublicLink

log = logging.getLogger(__name__)

FILE_TYPES = {"file", "image"}
# File.purpose of an upload that no submission has claimed yet ("field" once claimed).
UNCLAIMED = "public"
REF_MAX_AGE = dt.timedelta(hours=2)
# Kept a little longer than a reference lives, so a submission in flight finds its files.
SWEEP_AFTER = REF_MAX_AGE + dt.timedelta(hours=1)


def _salt(link: PublicLink) -> str:
    # The token is part of the salt: a reference dies with a rotated or another link.
    return f"formloom.public-upload:{link.id}:{link.token}"


def store(session: Session, link: PublicLink, form: Form, field_key: str, stream: BinaryIO,
          filename: str | None, *, secret: str, max_bytes: int) -> dict:
    """Store one upload for a public file field (limits, sniffing and names as for members) and
    return its signed reference; the file itself is never served to the uploader."""
    from app.files import service as files

    actor = Actor(workspace_id=form.workspace_id, user_id=None, role="system", via="public")
    row = files.upload(session, actor, stream, filename, form_id=form.id, field_key=field_key,
                       purpose=UNCLAIMED, max_bytes=max_bytes)
    return {"ref": signed.sign(secret, _salt(link), {"f": row.id, "k": field_key}),
            "name": row.name, "size": row.size, "content_type": row.content_type}


def _refused(key: str, message) -> ValidationFailed:
    return ValidationFailed(_("Some files could not be attached", "部分文件无法附加"),
                            {"fields": {key: [message]}})


def _claim(session: Session, secret: str, link: PublicLink, key: str, value) -> list[dict] | None:
    """The file references for the references of one field, claimed for this submission."""
    if value is None or value == []:
        return None
    if not isinstance(value, list) or not all(isinstance(v, dict) and isinstance(v.get("ref"), str)
                                              for v in value):
        raise _refused(key, _("Upload the file first", "请先上传文件"))
    ids = []
    for item in value:
        try:
            payload = signed.unsign(secret, _salt(link), item["ref"], REF_MAX_AGE)
        except signed.InvalidSigned as exc:
            raise _refused(key, _("The upload expired: attach the file again",
                                  "上传已过期，请重新选择文件") if exc.expired else
                           _("This upload does not belong to this form", "该上传不属于此表单")
                           ) from None
        if not isinstance(payload, dict) or payload.get("k") != key:
            raise _refused(key, _("This upload does not belong to this question",
                                  "该上传不属于此问题"))
        ids.append(payload["f"])
    if len(set(ids)) != len(ids):
        raise _refused(key, _("The same file is attached twice", "同一文件被附加了两次"))
    # One conditional UPDATE: of two submissions racing with one reference, only one claims it.
    claimed = session.execute(
        sa.update(File).where(File.id.in_(ids), File.form_id == link.form_id,
                              File.workspace_id == link.workspace_id, File.field_key == key,
                              File.purpose == UNCLAIMED)
        .values(purpose="field").execution_options(synchronize_session=False)).rowcount
    if claimed != len(ids):
        raise _refused(key, _("This upload was already used or removed: attach the file again",
                              "该上传已被使用或已删除，请重新选择文件"))
    rows = {r.id: r for r in session.scalars(sa.select(File).where(File.id.in_(ids)))}
    return [{"id": i, "name": rows[i].name, "size": rows[i].size,
             "content_type": rows[i].content_type} for i in ids]


def claim_files(session: Session, secret: str, link: PublicLink, public_fields: list[dict],
                data: dict) -> dict:
    """`data` with every file value of the public fields (and of their subform columns) taken
    from signed upload references; anything else a stranger sends there is refused."""
    out = dict(data)
    for field in public_fields:
        key, kind = field["key"], field.get("type")
        if kind in FILE_TYPES and key in out:
            out[key] = _claim(session, secret, link, key, out[key])
        elif kind == "subform" and isinstance(out.get(key), list):
            rows = []
            for row in out[key]:
                if isinstance(row, dict):
                    row = dict(row)
                    for column in field.get("fields", []):
                        name = column["key"]
                        if column.get("type") in FILE_TYPES and name in row:
                            row[name] = _claim(session, secret, link, f"{key}.{name}", row[name])
                        elif column.get("type") == "signature":
                            row.pop(name, None)
                rows.append(row)
            out[key] = rows
    return out


def sweep_unclaimed(older_than: dt.timedelta = SWEEP_AFTER, batch: int = 500) -> int:
    """Delete public uploads that no submission claimed (their references have expired)."""
    from app.extensions import unit_of_work
    from app.files.storage import get_storage

    cutoff = clock.now() - older_than
    storage = get_storage()
    with unit_of_work() as session:
        rows = session.scalars(sa.select(File).where(File.purpose == UNCLAIMED,
                                                     File.created_at < cutoff).limit(batch)).all()
        for row in rows:
            for key in (row.storage_key, row.thumbnail_key):
                if key:
                    storage.delete(key)
            session.delete(row)
    if rows:
        log.info("swept %s unclaimed public upload(s)", len(rows))
    return len(rows)


@periodic("forms.public_uploads", every_seconds=600)
def _sweep() -> None:
    sweep_unclaimed()
