"""The upload directory's disk is full (a real, tiny tmpfs): the upload is refused with 507
`storage_full` in the caller's language, and neither a partial file nor a file row is left."""
from __future__ import annotations

import io
import math
import os
import random
import subprocess

import pytest
import sqlalchemy as sa

from tests.faults.servers import unavailable

PAGE = 4096


@pytest.fixture
def small_disk(app, tmp_path):
    """UPLOAD_DIR on a 256 KiB tmpfs of its own."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs",
                           str(mount_point)], capture_output=True, text=True)
    if done.returncode:
        unavailable(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")
    app.config["UPLOAD_DIR"] = str(mount_point)
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=True)


def _free_pages(path) -> int:
    return os.statvfs(path).f_bavail


def _files_on(disk) -> list[str]:
    return sorted(os.path.relpath(os.path.join(d, f), disk)
                  for d, _dirs, files in os.walk(disk) for f in files)


def _file_rows(workspace_id: str) -> int:
    from app.extensions import unit_of_work
    from app.models import File

    with unit_of_work() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(File)
                        .where(File.workspace_id == workspace_id))


def _upload(api, data: bytes, name: str, lang: str = "en"):
    return api.post("/api/v1/files", data={"file": (io.BytesIO(data), name)},
                    content_type="multipart/form-data", headers={"Accept-Language": lang})


def _noise_png(side: int, seed: int) -> bytes:
    from PIL import Image

    pixels = random.Random(seed).randbytes(side * side * 3)   # incompressible on purpose
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), pixels).save(out, format="PNG")
    return out.getvalue()


def test_upload_larger_than_the_free_space_gets_507_and_leaves_nothing(api, small_disk):
    too_big = random.Random(1).randbytes(300 * 1024)
    for lang, message in (("en", "The file store is full; ask your administrator to free "
                                 "space, then upload again"),
                          ("zh-CN", "文件存储空间已满，请联系管理员清理空间后重新上传")):
        r = _upload(api, too_big, "big.bin", lang)
        assert r.status_code == 507, r.json
        assert r.json["error"] == {"code": "storage_full", "message": message, "details": {}}
    assert _files_on(small_disk) == []                      # no .part left behind
    assert _file_rows(api.workspace["id"]) == 0
    assert _free_pages(small_disk) == os.statvfs(small_disk).f_blocks

    small = _upload(api, b"fits" * 1000, "small.txt")       # the store still works
    assert small.status_code == 201, small.json
    assert api.get(f"/api/v1/files/{small.json['id']}").data == b"fits" * 1000


def test_image_whose_thumbnail_does_not_fit_is_refused_whole(api, small_disk):
    image = _noise_png(100, seed=2)
    image_pages = math.ceil(len(image) / PAGE)
    filler = small_disk / "filler"
    # Room for the image and one page more: its thumbnail (several pages) cannot be written.
    filler.write_bytes(b"\0" * (_free_pages(small_disk) - image_pages - 1) * PAGE)
    r = _upload(api, image, "photo.png")
    assert r.status_code == 507 and r.json["error"]["code"] == "storage_full", r.json
    assert _files_on(small_disk) == ["filler"]               # the stored image went too
    assert _file_rows(api.workspace["id"]) == 0

    filler.unlink()
    r = _upload(api, image, "photo.png")
    assert r.status_code == 201 and r.json["has_thumbnail"], r.json
    assert _file_rows(api.workspace["id"]) == 1
