"""Image thumbnails with Pillow, bounded so a crafted image cannot exhaust memory."""
from __future__ import annotations

import io
from typing import BinaryIO

THUMBNAIL_SIZE = (320, 320)
MAX_PIXELS = 50_000_000


def make_thumbnail(source: BinaryIO) -> bytes | None:
    """A JPEG or PNG thumbnail, or None when the image cannot be read (it is still stored)."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(source) as image:
            image.thumbnail(THUMBNAIL_SIZE)
            out = io.BytesIO()
            if image.mode in ("RGBA", "LA", "P"):
                image.save(out, format="PNG")
            else:
                image.convert("RGB").save(out, format="JPEG", quality=85)
            return out.getvalue()
    except Exception:  # Pillow raises many types for broken or hostile images
        return None
