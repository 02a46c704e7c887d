"""Uploaded files: storage backends, content sniffing, limits, thumbnails and access checks."""
