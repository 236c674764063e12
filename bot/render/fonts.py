"""Fonts and text handling shared by the PDF and image renderers.

We use the DejaVu Sans that ships inside matplotlib, so rendering needs no system fonts. DejaVu has no emoji;
characters it cannot draw are dropped (`drawable`) instead of showing as empty boxes or failing.

This module stays light: the conversations import it, and the bot must start without loading matplotlib,
fontTools or Pillow (issue 15). They are imported where a font is read or a picture is drawn; the PDF base
class, which needs fpdf2 to exist, is in bot/render/pdf.py.
"""
from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont

# matplotlib's own data folder (what matplotlib.get_data_path() says), found without importing matplotlib.
FONT_DIR = Path(find_spec("matplotlib").origin).parent / "mpl-data" / "fonts" / "ttf"  # type: ignore[union-attr,arg-type]
REGULAR = FONT_DIR / "DejaVuSans.ttf"
BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
FAMILY = "DejaVu"
ELLIPSIS = "…"
DASH = "–"  # an empty part

RGB = tuple[int, int, int]
BLACK: RGB = (20, 20, 20)
WHITE: RGB = (255, 255, 255)
GREY: RGB = (110, 110, 110)


@lru_cache(maxsize=1)
def _coverage() -> frozenset[int]:
    """Codepoints both the regular and the bold face can draw."""
    from fontTools.ttLib import TTFont

    maps = [TTFont(str(path), lazy=True).getBestCmap() for path in (REGULAR, BOLD)]
    return frozenset(maps[0]) & frozenset(maps[1])


class _Drawable(dict[int, int | None]):
    """A str.translate table, filled in per character on first sight: itself, or a marker when undrawable."""

    def __missing__(self, codepoint: int) -> int | None:
        char = chr(codepoint)
        if char == "\t":
            value: int | None = ord(" ")
        elif char in "\n\r" or (codepoint in _coverage() and unicodedata.category(char) not in ("Cc", "Cf")):
            value = codepoint
        else:
            value = ord(_GONE)
        self[codepoint] = value
        return value


_GONE = "\x00"
_TABLE = _Drawable()
_GONE_WORD = re.compile(r"(?:^|(?<=[ \n]))\x00+ ?")  # "🟢 Groen" becomes "Groen", not " Groen"


def drawable(text: str) -> str:
    """`text` with only characters DejaVu can draw; an emoji is dropped together with the space after it."""
    text = unicodedata.normalize("NFC", text).translate(_TABLE)
    return _GONE_WORD.sub("", text).replace(_GONE, "") if _GONE in text else text


def unadorned(label: str) -> str:
    """A label without its leading emoji ("💶 Geld" -> "Geld")."""
    words = label.split()
    while words and not any(ch.isalnum() for ch in words[0]):
        words.pop(0)
    return " ".join(words)


def plain(label: str) -> str:
    """A button label as a PDF or chart draws it: no leading emoji, and only what DejaVu can draw (it draws
    some emoji and not others: drop them all)."""
    return drawable(unadorned(label))


def rgb(colour: str) -> RGB:
    from PIL import ImageColor

    red, green, blue = ImageColor.getrgb(colour)[:3]
    return red, green, blue


def tint(colour: str, amount: float) -> RGB:
    """The colour mixed with white: a light background that still says which phase it is."""
    return tuple(round(255 - (255 - c) * amount) for c in rgb(colour))  # type: ignore[return-value]


def ink(colour: str) -> RGB:
    """Black or white text, whichever contrasts most with the background (WCAG relative luminance)."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb(colour))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return BLACK if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else WHITE


@lru_cache(maxsize=32)
def pil_font(size: int, bold: bool = False) -> FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(str(BOLD if bold else REGULAR), size)


def wrap_px(text: str, font: FreeTypeFont, width: float, limit: int | None = None) -> list[str]:
    """Word-wrap to a width in pixels; keeps the text's own line breaks and splits words wider than a line.

    With `limit`, stops after limit + 1 lines: enough to know the text must be cut, without measuring all of
    a 4,000-character answer.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if font.getlength(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            room = len(word) if limit is None else limit + 1 - len(lines)
            pieces = _split_word(word, font, width, room) if font.getlength(word) > width else [word]
            lines += pieces[:-1]
            line = pieces[-1]
            if limit is not None and len(lines) > limit:
                return lines
        lines.append(line)
        if limit is not None and len(lines) > limit:
            return lines
    return lines


def _split_word(word: str, font: FreeTypeFont, width: float, count: int) -> list[str]:
    """A word too wide for one line in pieces that fit (by bisection); after `count` pieces, the rest as is."""
    most = int(width / (font.size * 0.2)) + 1  # no DejaVu letter is narrower than a fifth of its size
    pieces: list[str] = []
    while word and len(pieces) < count:
        low, high = 1, min(len(word), most)
        while low < high:
            middle = (low + high + 1) // 2
            if font.getlength(word[:middle]) <= width:
                low = middle
            else:
                high = middle - 1
        pieces.append(word[:low])
        word = word[low:]
    return pieces + [word] if word else pieces


def fit_ellipsis(line: str, width: float, measure: Callable[[str], float]) -> str:
    """The longest start of `line` that fits `width` with "…" after it, by `measure(text) -> width`."""
    low, high = 0, len(line)
    while low < high:  # bisection: a 4,000-character name is measured a dozen times, not 4,000
        middle = (low + high + 1) // 2
        if measure(line[:middle].rstrip() + ELLIPSIS) <= width:
            low = middle
        else:
            high = middle - 1
    return line[:low].rstrip() + ELLIPSIS


# Telegram refuses photos over 10 MB, with width + height > 10000 or a side ratio above 20.
MAX_PHOTO_HEIGHT = 8800
# Image: (lines per entry, entries per part), from generous to tight, until the picture fits Telegram.
PNG_LIMITS = ((6, 20), (3, 10), (2, 6), (1, 4))


class Sheet:
    """A phone-sized portrait image, laid out top to bottom and drawn once its height is known."""

    def __init__(self, width: int = 1080, margin: int = 48) -> None:
        self.width, self.margin = width, margin
        self.left, self.right = margin, width - margin  # the text column; panels narrow it
        self.y = margin
        self._rects: list[tuple[tuple[int, int, int, int], RGB]] = []
        self._texts: list[tuple[int, int, str, FreeTypeFont, RGB]] = []

    def text(self, text: str, size: int, *, bold: bool = False, fill: RGB = BLACK, bullet: bool = False,
             max_lines: int | None = None, after: float = 0.3) -> None:
        font = pil_font(size, bold)
        step = round(size * 1.3)
        x = self.left
        if bullet:
            self._texts.append((x, self.y, "•", font, fill))
            x += round(size * 0.9)
        width = self.right - x
        if max_lines is not None:  # no need to clean and measure what can never be shown
            text = text[: (max_lines + 1) * (int(width / (size * 0.2)) + 1)]
        lines = wrap_px(drawable(text), font, width, max_lines)
        if max_lines is not None and len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] = fit_ellipsis(lines[-1], width, font.getlength)
        for line in lines:
            self._texts.append((x, self.y, line, font, fill))
            self.y += step
        self.y += round(size * after)

    def band(self, text: str, colour: str, size: int, *, subtitle: str = "") -> None:
        """A full-width coloured bar with a bold title and an optional smaller line under it."""
        top, pad = self.y, round(size * 0.45)
        left, right = self.left, self.right
        self.left, self.right = self.margin + 28, self.width - self.margin - 28
        self.y += pad
        self.text(text, size, bold=True, fill=ink(colour), max_lines=2, after=0)
        if subtitle:
            self.text(subtitle, round(size * 0.7), fill=ink(colour), max_lines=2, after=0)
        self.y += pad
        self.left, self.right = left, right
        self._rects.append(((self.margin, top, self.width - self.margin, self.y), rgb(colour)))

    def panel(self, top: int, colour: str, *, padding: int = 28) -> None:
        """A light tinted area with a stripe in `colour` behind what was written since `top`."""
        self.y += padding // 2
        self._rects.append(((self.margin, top, self.width - self.margin, self.y), tint(colour, 0.12)))
        self._rects.append(((self.margin, top, self.margin + 10, self.y), rgb(colour)))

    def space(self, px: int) -> None:
        self.y += px

    @property
    def height(self) -> int:
        return self.y + self.margin

    def png(self, overflow_note: str) -> bytes:
        """The image; cut off with `overflow_note` if it would be too tall for Telegram."""
        height = min(self.height, MAX_PHOTO_HEIGHT)
        texts = self._texts
        if self.height > MAX_PHOTO_HEIGHT:
            limit = height - self.margin - 80
            texts = [item for item in texts if item[1] + item[3].size * 1.3 <= limit]
            texts.append((self.margin, limit + 20, f"{ELLIPSIS} {drawable(overflow_note)}",
                          pil_font(34, True), BLACK))
        from PIL import Image, ImageDraw

        image = Image.new("RGB", (self.width, height), WHITE)
        draw = ImageDraw.Draw(image)
        for box, fill in self._rects:
            if box[1] >= height:
                continue
            draw.rectangle((box[0], box[1], box[2] - 1, min(box[3], height) - 1), fill=fill)
        for x, y, line, font, fill in texts:
            draw.text((x, y), line, font=font, fill=fill)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=False)
        return buffer.getvalue()


def fitted_png(sheet_for: Callable[[int, int], Sheet], note: str) -> bytes:
    """The photo of `sheet_for(lines, entries)` with the most of PNG_LIMITS that fits Telegram's photo height;
    `note` says where the rest is when even the least does not fit."""
    for lines, entries in PNG_LIMITS:
        sheet = sheet_for(lines, entries)
        if sheet.height <= MAX_PHOTO_HEIGHT:
            break
    return sheet.png(note)
