"""A day as people type it, in Dutch or English: "vandaag", "morgen", "maandag", "over twee weken", "14 juli",
"14-7", "14-07-2027", "1990-07-14". Pure: `today` comes in, a `date` (or None) goes out.

`direction` says which way a question looks when the text leaves it open: "future" (until when are you away,
by when do you want to reach it), "past" (your date of birth) or "any". It decides the year of "14 juli" and of
"14-7", the century of "14-7-90", and whether "maandag" is the coming or the last Monday. It never turns a
date with a full year around: a flow that needs a day in the future checks that itself and says so.
"""
from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, timedelta
from typing import Literal

Direction = Literal["future", "past", "any"]

FIRST_YEAR, LAST_YEAR = 1900, 2100

MONTHS = {
    **dict.fromkeys(("januari", "jan", "january"), 1),
    **dict.fromkeys(("februari", "feb", "febr", "february"), 2),
    **dict.fromkeys(("maart", "mrt", "maa", "mar", "march"), 3),
    **dict.fromkeys(("april", "apr"), 4),
    **dict.fromkeys(("mei", "may"), 5),
    **dict.fromkeys(("juni", "jun", "june"), 6),
    **dict.fromkeys(("juli", "jul", "july"), 7),
    **dict.fromkeys(("augustus", "aug", "august"), 8),
    **dict.fromkeys(("september", "sep", "sept"), 9),
    **dict.fromkeys(("oktober", "okt", "oct", "october"), 10),
    **dict.fromkeys(("november", "nov"), 11),
    **dict.fromkeys(("december", "dec"), 12),
}
WEEKDAYS = {  # ISO: 1 is Monday
    **dict.fromkeys(("maandag", "ma", "monday", "mon"), 1),
    **dict.fromkeys(("dinsdag", "di", "tuesday", "tue", "tues"), 2),
    **dict.fromkeys(("woensdag", "wo", "wednesday", "wed"), 3),
    **dict.fromkeys(("donderdag", "do", "thursday", "thu", "thurs"), 4),
    **dict.fromkeys(("vrijdag", "vr", "vrij", "friday", "fri"), 5),
    **dict.fromkeys(("zaterdag", "za", "saturday", "sat"), 6),
    **dict.fromkeys(("zondag", "zo", "sunday", "sun"), 7),
}
NUMBERS = {
    **dict.fromkeys(("een", "één", "eén", "1", "a", "an", "one"), 1),
    **dict.fromkeys(("twee", "two"), 2), **dict.fromkeys(("drie", "three"), 3),
    **dict.fromkeys(("vier", "four"), 4), **dict.fromkeys(("vijf", "five"), 5), **dict.fromkeys(("zes", "six"), 6),
    **dict.fromkeys(("zeven", "seven"), 7), **dict.fromkeys(("acht", "eight"), 8),
    **dict.fromkeys(("negen", "nine"), 9), **dict.fromkeys(("tien", "ten"), 10),
    **dict.fromkeys(("elf", "eleven"), 11), **dict.fromkeys(("twaalf", "twelve"), 12),
    **dict.fromkeys(("veertien", "fourteen"), 14), **dict.fromkeys(("twintig", "twenty"), 20),
    **dict.fromkeys(("dertig", "thirty"), 30),
}
UNITS = {
    **dict.fromkeys(("dag", "dagen", "day", "days"), "days"),
    **dict.fromkeys(("week", "weken", "weeks"), "weeks"),
    **dict.fromkeys(("maand", "maanden", "month", "months"), "months"),
    **dict.fromkeys(("jaar", "jaren", "year", "years"), "years"),
}
RELATIVE_DAYS = {
    "vandaag": 0, "today": 0, "morgen": 1, "tomorrow": 1, "overmorgen": 2,
    "gisteren": -1, "yesterday": -1, "eergisteren": -2,
}
# Words around a day that do not change it: "tot en met vrijdag", "vanaf morgen", "op 14 juli", "until Friday".
FILLER = frozenset({
    "op", "tot", "en", "met", "t/m", "tm", "vanaf", "van", "per", "de", "het", "om", "rond", "uiterlijk", "voor",
    "on", "until", "till", "from", "by", "the", "of", "aanstaande", "as", "a.s.", "komende", "coming", "this", "deze",
})
NEXT = frozenset({"volgende", "next"})
_SPLIT = re.compile(r"[\s,]+")
_NUMERIC = re.compile(r"^(\d{1,4})[-/.](\d{1,2})(?:[-/.](\d{2}|\d{4}))?$")
_ORDINAL = re.compile(r"^(\d{1,2})(?:e|ste|de|st|nd|rd|th)?$")
_YEAR = re.compile(r"^'?(\d{2}|\d{4})$")


def parse_day(text: str, *, today: date, direction: Direction = "any") -> date | None:
    """The day `text` names, or None when it names no day (or an impossible one, like 31-02)."""
    words = [w for w in _SPLIT.split(text.strip().lower().replace("’", "'")) if w]
    words = [w.rstrip(".") if w not in ("a.s.",) else w for w in words]
    words = [w for w in words if w and w not in FILLER]
    if not words:
        return None
    try:
        return _relative(words, today, direction) or _calendar(words, today, direction)
    except ValueError:  # a day that does not exist, or a year out of range
        return None


def _relative(words: list[str], today: date, direction: Direction) -> date | None:
    if len(words) == 1 and words[0] in RELATIVE_DAYS:
        return today + timedelta(days=RELATIVE_DAYS[words[0]])
    # "over twee weken", "over 3 dagen", "in two weeks", "over een half jaar"
    if words[0] in ("over", "in") and len(words) >= 2:
        return _shift(words[1:], today, +1)
    # "twee weken geleden", "3 days ago"
    if words[-1] in ("geleden", "ago") and len(words) >= 2:
        return _shift(words[:-1], today, -1)
    # "volgende week" (its Monday), "volgende week vrijdag", "next week", "next friday", "volgende maandag"
    if words[0] in NEXT:
        rest = words[1:]
        if rest[:1] == ["week"]:
            monday = today - timedelta(days=today.isoweekday() - 1) + timedelta(weeks=1)
            if len(rest) == 1:
                return monday
            if len(rest) == 2 and rest[1] in WEEKDAYS:
                return monday + timedelta(days=WEEKDAYS[rest[1]] - 1)
            return None
        if len(rest) == 1 and rest[0] in WEEKDAYS:
            return _weekday(WEEKDAYS[rest[0]], today, "future")
        return None
    # "maandag", "vrijdag over een week" is not common; a weekday alone is.
    if len(words) == 1 and words[0] in WEEKDAYS:
        return _weekday(WEEKDAYS[words[0]], today, direction)
    return None


def _shift(words: list[str], today: date, sign: int) -> date | None:
    if words == ["een", "half", "jaar"] or words == ["half", "jaar"] or words == ["half", "a", "year"]:
        return _add_months(today, sign * 6)
    if (
        len(words) == 1 and words[0] in UNITS
    ):  # "over een week" written as "over week" does not happen; "in a week" does
        amount, unit = 1, UNITS[words[0]]
    elif len(words) == 2 and words[1] in UNITS:
        amount = int(words[0]) if words[0].isdigit() else NUMBERS.get(words[0], 0)
        unit = UNITS[words[1]]
        if not 0 < amount <= 400:
            return None
    else:
        return None
    if unit == "days":
        return today + timedelta(days=sign * amount)
    if unit == "weeks":
        return today + timedelta(weeks=sign * amount)
    if unit == "months":
        return _add_months(today, sign * amount)
    return _add_months(today, sign * 12 * amount)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def _weekday(iso_weekday: int, today: date, direction: Direction) -> date:
    """The coming one (never today: that is "vandaag"), or for a question about the past the last one."""
    if direction == "past":
        back = (today.isoweekday() - iso_weekday) % 7 or 7
        return today - timedelta(days=back)
    ahead = (iso_weekday - today.isoweekday()) % 7 or 7
    return today + timedelta(days=ahead)


def _calendar(words: list[str], today: date, direction: Direction) -> date | None:
    if words and words[0] in WEEKDAYS and len(words) > 1:
        words = words[1:]  # "zaterdag 14 juli": the date says it all
    if len(words) == 1:
        numeric = _NUMERIC.match(words[0])
        if numeric:
            a, b, c = numeric.groups()
            if len(a) == 4:  # 1990-07-14
                if c is None:
                    return None
                return _checked(int(a), int(b), int(c))
            if len(a) > 2:
                return None
            return _day_month(int(a), int(b), c, today, direction)
        if re.fullmatch(r"\d{8}", words[0]):  # 14071990
            return _day_month(int(words[0][:2]), int(words[0][2:4]), words[0][4:], today, direction)
        return None
    # "14 juli", "14 juli 2027", "14e juli", "july 14", "july 14 2027", "14 07 1990", "14 7"
    day = month = None
    year: str | None = None
    if len(words) in (2, 3):
        first, second = words[0], words[1]
        if _ORDINAL.match(first) and second in MONTHS:
            day, month = int(_ORDINAL.match(first).group(1)), MONTHS[second]
        elif first in MONTHS and _ORDINAL.match(second):
            day, month = int(_ORDINAL.match(second).group(1)), MONTHS[first]
        elif first.isdigit() and second.isdigit() and len(first) <= 2 and len(second) <= 2:
            day, month = int(first), int(second)
        else:
            return None
        if len(words) == 3:
            match = _YEAR.match(words[2])
            if not match:
                return None
            year = match.group(1)
    if day is None or month is None:
        return None
    return _day_month(day, month, year, today, direction)


def _day_month(day: int, month: int, year: str | None, today: date, direction: Direction) -> date | None:
    if year is not None:
        if len(year) == 4:
            return _checked(int(year), month, day)
        two = int(year)
        full = 2000 + two
        if direction == "past" and full > today.year:
            full -= 100
        return _checked(full, month, day)
    candidate = _checked(today.year, month, day)
    if candidate is None and (month, day) == (2, 29):  # 29 February without a year: the next or last leap year
        step = -1 if direction == "past" else 1
        year_ = today.year + step
        while _checked(year_, 2, 29) is None:
            year_ += step
        return date(year_, 2, 29)
    if candidate is None:
        return None
    if direction == "future" and candidate < today:
        return _checked(today.year + 1, month, day)
    if direction == "past" and candidate > today:
        return _checked(today.year - 1, month, day)
    return candidate


def _checked(year: int, month: int, day: int) -> date | None:
    if not FIRST_YEAR <= year <= LAST_YEAR or not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def numeric(day: date) -> str:
    """'14-07-2027': how the examples in questions write a day."""
    return f"{day.day}-{day.month}-{day.year}"


def parse_month(text: str, *, today: date) -> str | None:
    """A month as people name it: "2026-11", "11-2026", "november 2026", "nov 2026", "november" (the last one that
    has begun), "vorige maand", "deze maand". As "YYYY-MM", or None."""
    words = [w.rstrip(".") for w in _SPLIT.split(text.strip().lower()) if w]
    if words in (["vorige", "maand"], ["last", "month"]):
        return _month_key(_add_months(today.replace(day=1), -1))
    if words in (["deze", "maand"], ["this", "month"]):
        return _month_key(today)
    year = month = None
    if len(words) == 1 and (match := re.fullmatch(r"(\d{4})[-/.](\d{1,2})|(\d{1,2})[-/.](\d{4})", words[0])):
        year, month = (
            (int(match.group(1)), int(match.group(2))) if match.group(1) else (int(match.group(4)), int(match.group(3)))
        )
    elif len(words) in (1, 2) and words[0] in MONTHS:
        month = MONTHS[words[0]]
        if len(words) == 2:
            if not re.fullmatch(r"\d{4}", words[1]):
                return None
            year = int(words[1])
        else:
            year = today.year if month <= today.month else today.year - 1
    if year is None or month is None or not 1 <= month <= 12 or not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    return f"{year:04d}-{month:02d}"


def _month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"
