"""Uploads: sniffed types, sanitised names, limits, attachments with nosniff, thumbnails,
and no access from another workspace."""
import io

from PIL import Image


def _png(size=(600, 400)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _upload(api, data: bytes, name: str, **form):
    return api.post("/api/v1/files", data={"file": (io.BytesIO(data), name), **form},
                    content_type="multipart/form-data")


def test_upload_is_served_as_attachment_with_nosniff_and_a_thumbnail(api, other_api):
    r = _upload(api, _png(), "../../照片 <1>.png")
    assert r.status_code == 201, r.json
    ref = r.json
    assert ref["content_type"] == "image/png" and ref["has_thumbnail"]
    assert "/" not in ref["name"] and "<" not in ref["name"] and ref["name"].endswith(".png")
    got = api.get(f"/api/v1/files/{ref['id']}")
    assert got.status_code == 200 and got.data == _png()
    assert got.headers["Content-Disposition"].startswith("attachment;")
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    thumb = api.get(f"/api/v1/files/{ref['id']}/thumbnail")
    assert thumb.status_code == 200
    assert max(Image.open(io.BytesIO(thumb.data)).size) <= 320
    assert other_api.get(f"/api/v1/files/{ref['id']}").status_code == 404
    assert other_api.get(f"/api/v1/files/{ref['id']}/meta").status_code == 404


def test_html_claiming_to_be_an_image_is_stored_as_plain_text(api):
    r = _upload(api, b"<html><script>alert(1)</script></html>", "x.png")
    assert r.status_code == 201
    assert r.json["content_type"] == "text/plain" and not r.json["has_thumbnail"]


def test_size_limit_and_empty_files_are_refused(app, api):
    app.config["MAX_UPLOAD_BYTES"] = 1000
    assert _upload(api, b"x" * 2000, "big.txt").status_code == 413
    assert _upload(api, b"", "empty.txt").status_code == 422
    assert api.post("/api/v1/files", json={}).status_code == 400


def test_unauthenticated_upload_is_refused(make_client):
    anon = make_client(signup=False)
    assert _upload(anon, b"abc", "a.txt").status_code == 401
