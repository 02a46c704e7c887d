"""Files on public forms: an anonymous upload gives a short-lived reference signed for that link,
only that link's submit accepts it (once), limits and sniffing apply, the file is never served
back to the stranger, and uploads nobody claimed are swept."""
import datetime as dt
import io

from PIL import Image

from tests.integration.data_io.conftest import post_file

CLAIM = {
    "key": "claim", "name": {"zh": "售后申请", "en": "After-sales claim"},
    "fields": [
        {"key": "name", "type": "text", "label": {"zh": "姓名", "en": "Name"}, "required": True},
        {"key": "photo", "type": "image", "label": {"zh": "照片", "en": "Photo"}, "max_files": 3},
        {"key": "doc", "type": "file", "label": {"zh": "附件", "en": "Attachment"}},
        {"key": "small", "type": "file", "label": {"zh": "小附件", "en": "Small"},
         "max_size": 1000},
        {"key": "internal", "type": "file", "label": {"zh": "内部文件", "en": "Internal"}},
    ],
    "settings": {"public": {"enabled": True, "fields": ["name", "photo", "doc", "small"]}},
}


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def _link(api, form_id) -> str:
    r = api.post(f"/api/v1/forms/{form_id}/public", json={})
    assert r.status_code == 200, r.json
    return r.json["token"]


def _upload(client, token, field, data, name):
    return post_file(client, f"/api/v1/public/{token}/files", data, name, field=field)


def _file_row(file_id):
    from app.extensions import unit_of_work
    from app.models import File

    with unit_of_work() as s:
        row = s.get(File, file_id)
        return None if row is None else {"purpose": row.purpose, "key": row.storage_key}


def _unclaimed_keys():
    from app.extensions import unit_of_work
    from app.models import File

    with unit_of_work() as s:
        return [r.storage_key for r in s.query(File).filter(File.purpose == "public")]


def _records(form_id):
    from app.extensions import unit_of_work
    from app.models import Record

    with unit_of_work() as s:
        return [r.data for r in s.query(Record).filter(Record.form_id == form_id)]


def test_a_public_upload_attaches_to_the_submission_and_only_members_can_open_it(
        api, make_client, make_form):
    _app, form_id = make_form(CLAIM)
    token = _link(api, form_id)
    anon = make_client(signup=False)
    page = anon.get(f"/api/v1/public/{token}").json
    assert [f["key"] for f in page["form"]["fields"]] == ["name", "photo", "doc", "small"]
    up = _upload(anon, token, "photo", _png(), "../../我的 <照片>.png")
    assert up.status_code == 201, up.json
    assert set(up.json) == {"ref", "name", "size", "content_type"}  # no file id to fetch
    assert up.json["content_type"] == "image/png" and "/" not in up.json["name"]
    r = anon.post(f"/api/v1/public/{token}/submit",
                  json={"data": {"name": "李雷", "photo": [up.json]}})
    assert r.status_code == 201, r.json
    [data] = _records(form_id)
    [ref] = data["photo"]
    assert ref["name"] == up.json["name"] and ref["content_type"] == "image/png"
    assert set(ref) == {"id", "name", "size", "content_type"}
    assert _file_row(ref["id"])["purpose"] == "field"
    got = api.get(f"/api/v1/files/{ref['id']}")
    assert got.status_code == 200 and got.data == _png()
    assert anon.get(f"/api/v1/files/{ref['id']}").status_code == 401
    again = anon.post(f"/api/v1/public/{token}/submit",
                      json={"data": {"name": "韩梅梅", "photo": [up.json]}})
    assert again.status_code == 422 and "photo" in again.json["error"]["details"]["fields"]
    assert len(_records(form_id)) == 1


def test_too_large_files_are_refused_by_the_field_and_by_the_public_cap(app, api, make_client,
                                                                        make_form):
    _app, form_id = make_form(CLAIM)
    token = _link(api, form_id)
    anon = make_client(signup=False)
    assert _upload(anon, token, "small", b"x" * 900, "ok.txt").status_code == 201
    assert _upload(anon, token, "small", b"x" * 2000, "big.txt").status_code == 413
    app.config["PUBLIC_MAX_UPLOAD_BYTES"] = 5000
    assert _upload(anon, token, "doc", b"x" * 4000, "fits.txt").status_code == 201
    r = _upload(anon, token, "doc", b"x" * 6000, "over.txt")
    assert r.status_code == 413 and r.json["error"]["details"]["max_bytes"] == 5000
    r = _upload(anon, token, "doc", b"x" * 40_000, "far-over.txt")
    assert r.status_code == 413


def test_scripts_are_refused_as_images_and_kept_as_plain_text_attachments(api, make_client,
                                                                          make_form):
    _app, form_id = make_form(CLAIM)
    token = _link(api, form_id)
    anon = make_client(signup=False)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    html = b"<html><body><script>alert(document.cookie)</script></body></html>"
    assert _upload(anon, token, "photo", svg, "cat.svg").status_code == 422
    assert _upload(anon, token, "photo", html, "cat.png").status_code == 422
    kept = _upload(anon, token, "doc", html, "page.html")
    assert kept.status_code == 201 and kept.json["content_type"] == "text/plain"
    r = anon.post(f"/api/v1/public/{token}/submit", json={"data": {"name": "x", "doc": [kept.json]}})
    assert r.status_code == 201, r.json
    [data] = _records(form_id)
    served = api.get(f"/api/v1/files/{data['doc'][0]['id']}")
    assert served.headers["Content-Disposition"].startswith("attachment;")
    assert served.mimetype == "text/plain"
    assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_a_reference_works_only_on_its_own_link_and_question(api, make_client, make_form):
    app_id, form_id = make_form(CLAIM)
    _same_app, other_id = make_form({**CLAIM, "key": "claim_two"}, app_id=app_id)
    token, other = _link(api, form_id), _link(api, other_id)
    anon = make_client(signup=False)
    up = _upload(anon, token, "doc", b"receipt", "receipt.txt").json
    on_other = anon.post(f"/api/v1/public/{other}/submit", json={"data": {"name": "x", "doc": [up]}})
    assert on_other.status_code == 422 and _records(other_id) == []
    other_question = anon.post(f"/api/v1/public/{token}/submit",
                               json={"data": {"name": "x", "small": [up]}})
    assert other_question.status_code == 422
    rotated = api.post(f"/api/v1/forms/{form_id}/public", json={"rotate": True}).json["token"]
    stale = anon.post(f"/api/v1/public/{rotated}/submit", json={"data": {"name": "x", "doc": [up]}})
    assert stale.status_code == 422 and _records(form_id) == []


def test_a_stranger_cannot_name_stored_files_or_upload_to_private_questions(api, make_client,
                                                                           make_form):
    _app, form_id = make_form(CLAIM)
    token = _link(api, form_id)
    member_file = post_file(api, "/api/v1/files", b"payroll", "payroll.txt").json
    anon = make_client(signup=False)
    forged = {k: member_file[k] for k in ("id", "name", "size", "content_type")}
    r = anon.post(f"/api/v1/public/{token}/submit", json={"data": {"name": "x", "doc": [forged]}})
    assert r.status_code == 422 and _records(form_id) == []
    assert _upload(anon, token, "internal", b"x", "x.txt").status_code == 422
    assert _upload(anon, token, "name", b"x", "x.txt").status_code == 422


def test_public_uploads_are_rate_limited_per_ip(app, api, make_client, make_form):
    app.config["PUBLIC_SUBMIT_RATE_LIMIT"] = "3 per minute"
    _app, form_id = make_form(CLAIM)
    token = _link(api, form_id)
    anon = make_client(signup=False)
    codes = [_upload(anon, token, "doc", b"abc", f"{i}.txt") for i in range(4)]
    assert [c.status_code for c in codes[:3]] == [201, 201, 201]
    assert codes[3].status_code == 429 and int(codes[3].headers["Retry-After"]) >= 1
    # Uploads keep their own count: the submit that uses them is still allowed.
    r = anon.post(f"/api/v1/public/{token}/submit",
                  json={"data": {"name": "x", "doc": [codes[0].json]}})
    assert r.status_code == 201, r.json


def test_references_expire_and_unclaimed_uploads_are_swept(api, make_client, make_form, clock):
    from app.files.storage import get_storage
    from app.form_engine.public_uploads import sweep_unclaimed

    _app, form_id = make_form(CLAIM)
    token = _link(api, form_id)
    anon = make_client(signup=False)
    kept = _upload(anon, token, "doc", b"kept", "kept.txt").json
    assert anon.post(f"/api/v1/public/{token}/submit",
                     json={"data": {"name": "x", "doc": [kept]}}).status_code == 201
    late = _upload(anon, token, "doc", b"late", "late.txt").json
    clock.advance(dt.timedelta(hours=2, minutes=1))
    r = anon.post(f"/api/v1/public/{token}/submit", json={"data": {"name": "y", "doc": [late]}})
    assert r.status_code == 422 and "expired" in r.json["error"]["details"]["fields"]["doc"][0]
    [data] = _records(form_id)
    kept_id = data["doc"][0]["id"]
    assert sweep_unclaimed() == 0  # not old enough yet: a submission may still be on its way
    [late_key] = _unclaimed_keys()
    assert get_storage().exists(late_key)
    clock.advance(dt.timedelta(hours=1))
    assert sweep_unclaimed() == 1
    assert _unclaimed_keys() == [] and not get_storage().exists(late_key)
    assert _file_row(kept_id)["purpose"] == "field"
    assert api.get(f"/api/v1/files/{kept_id}").status_code == 200
