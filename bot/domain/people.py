"""Rules for what people tell us about themselves."""
from __future__ import annotations

import unicodedata
from datetime import time

MAX_NAME_LENGTH = 40
# Check-in times offered as buttons at onboarding; a person can also type e.g. "8:30".
SUGGESTED_CHECKIN_TIMES = (time(9, 0), time(12, 0), time(17, 0), time(20, 0))


def clean_name(raw: str) -> str | None:
    """The name to use, or None when it is not usable (empty, too long, only symbols)."""
    name = " ".join(unicodedata.normalize("NFC", raw).split())
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    if not name or len(name) > MAX_NAME_LENGTH:
        return None
    if not any(ch.isalpha() for ch in name):
        return None
    return name


def parse_clock_time(raw: str) -> time | None:
    """'9', '9:30', '09.30', '21u' -> a time; anything else None."""
    text = raw.strip().lower().rstrip("u").replace(".", ":").replace("h", ":")
    parts = text.split(":")
    if not 1 <= len(parts) <= 2 or not all(part.isdigit() and len(part) <= 2 for part in parts):
        return None
    hour, minute = int(parts[0]), int(parts[1]) if len(parts) == 2 else 0
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)
