"""Content type from the bytes themselves (never trust the browser's claim), and safe names."""
from __future__ import annotations

import os
import re
import unicodedata

_MAGIC = [
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),  # old .xls/.doc
]
_ZIP_BY_EXTENSION = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_TEXT_BY_EXTENSION = {".csv": "text/csv", ".txt": "text/plain", ".json": "application/json"}
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}


def sniff_content_type(head: bytes, name: str) -> str:
    ext = os.path.splitext(name)[1].lower()
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"PK\x03\x04"):
        return _ZIP_BY_EXTENSION.get(ext, "application/zip")
    if _looks_like_text(head):
        # Text that a browser could run (HTML, SVG, scripts) is stored as plain text.
        return _TEXT_BY_EXTENSION.get(ext, "text/plain")
    return "application/octet-stream"


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if encoding == "utf-8" and exc.start >= len(head) - 4:
                return True  # a multi-byte character cut by the sniff window
    return False


_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


def sanitise_name(name: str | None) -> str:
    """A display/download name without paths, control characters or reserved characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    if not name:
        name = "file"
    stem, ext = os.path.splitext(name)
    return stem[: 200 - len(ext[:20])] + ext[:20]
