"""Babel catalogs (locales/<lang>/LC_MESSAGES/messages.po) and Dutch dates.

Msgids are short English source texts; `nl` carries the product's real wording. Compiled .mo files are not
committed: `make` compiles them, and if one is missing or older than its .po we compile it in memory, so a
forgotten compile step never shows English to a Dutch client.
"""
from __future__ import annotations

import gettext
import io
import logging
from datetime import date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
LANGUAGES = ("nl", "en")
log = logging.getLogger(__name__)


def N_(message: str) -> str:
    """Mark a text for extraction where it is defined; translate it later where it is shown."""
    return message


@cache
def translation(locale: str) -> gettext.NullTranslations:
    if locale not in LANGUAGES:
        locale = "nl"
    folder = LOCALES_DIR / locale / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    if po.exists():
        log.warning("catalog %s not compiled; compiling in memory (run `make catalogs`)", locale)
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return gettext.GNUTranslations(buffer)
    return gettext.NullTranslations()


class Translator:
    """What flows use: `t.gettext`, `t.ngettext` and Dutch (or English) dates in the configured zone."""

    def __init__(self, locale: str, zone: ZoneInfo | None = None) -> None:
        self.locale = locale if locale in LANGUAGES else "nl"
        self.zone = zone or ZoneInfo("Europe/Amsterdam")
        self._t = translation(self.locale)

    def gettext(self, message: str) -> str:
        return self._t.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._t.ngettext(singular, plural, n)

    def day(self, value: date | datetime) -> str:
        """'maandag 23 november'."""
        if isinstance(value, datetime):
            value = value.astimezone(self.zone).date()
        return format_date(value, "EEEE d MMMM", locale=self.locale)

    def weekday(self, iso_weekday: int) -> str:
        """ISO weekday 1..7 as a word: 'maandag'."""
        return format_date(date(2024, 1, iso_weekday), "EEEE", locale=self.locale)  # 1 January 2024: a Monday

    def moment(self, value: datetime) -> str:
        """'maandag 23 november om 14:05'."""
        local = value.astimezone(self.zone)
        return self.gettext("{day} at {time}").format(
            day=self.day(local), time=format_time(local, "HH:mm", locale=self.locale)
        )

    def clock_time(self, value: datetime) -> str:
        return format_datetime(value.astimezone(self.zone), "HH:mm", locale=self.locale)


def translator(locale: str | None, zone: ZoneInfo | None = None) -> Translator:
    return Translator(locale or "nl", zone)


def join_names(t: Translator, names: tuple[str, ...] | list[str]) -> str:
    """"Anna", "Anna en Bram", "Anna, Bram en Carla"."""
    names = list(names)
    if len(names) < 2:
        return "".join(names)
    return t.gettext("{first} and {last}").format(first=", ".join(names[:-1]), last=names[-1])
