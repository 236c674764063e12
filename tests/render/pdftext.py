"""What a PDF holds, read back with pypdf: its text per page, and the size of every text it draws."""
from __future__ import annotations

import io

from pypdf import PdfReader


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def text_sizes(pdf: bytes, page: int) -> list[tuple[float, str]]:
    """(size in pt, text) of every piece of text drawn on a page (0-based); fpdf2 sets sizes with Tf, unscaled."""
    found: list[tuple[float, str]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            scale = (tm[0] * cm[0]) or 1  # a scaled text matrix would change the size on paper
            found.append((round(font_size * abs(scale), 2), text))

    PdfReader(io.BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return found
