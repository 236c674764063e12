"""QR codes for invite links (segno), as PNG bytes."""
from __future__ import annotations

import io

import segno


def qr_png(link: str, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
