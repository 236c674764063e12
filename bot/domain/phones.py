"""Phone numbers as people type them: Dutch and international. When in doubt, keep what was typed."""
from __future__ import annotations

from dataclasses import dataclass

import phonenumbers


@dataclass(frozen=True)
class ParsedContact:
    name: str
    phone: str | None
    relation: str | None
    phone_checked: bool  # False: no number, or kept exactly as typed because it did not check out


def _find_number(text: str) -> tuple[str | None, str, bool]:
    """(formatted number or raw digits, the text without it, whether it is a valid number)."""
    for match in phonenumbers.PhoneNumberMatcher(text, "NL", leniency=phonenumbers.Leniency.POSSIBLE):
        number = match.number
        valid = phonenumbers.is_valid_number(number)
        rest = (text[: match.start] + text[match.end :]).strip(" ,;:-")
        if not valid:
            return match.raw_string.strip(), rest, False
        fmt = (
            phonenumbers.PhoneNumberFormat.NATIONAL
            if number.country_code == 31
            else phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
        return phonenumbers.format_number(number, fmt), rest, True
    # No number recognised: keep a run of digits as typed, so nothing the client wrote is lost.
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 3:
        start = next(i for i, ch in enumerate(text) if ch.isdigit() or ch == "+")
        raw = text[start:].strip()
        return raw, text[:start].strip(" ,;:-"), False
    return None, text.strip(), False


def parse_contact(text: str) -> ParsedContact:
    """'Mam, moeder, 06-12345678' -> name Mam, relation moeder, phone 06 12345678."""
    phone, rest, valid = _find_number(" ".join(text.split()))
    parts = [part.strip() for part in rest.replace(";", ",").split(",") if part.strip()]
    name = parts[0] if parts else rest
    relation = ", ".join(parts[1:]) or None
    return ParsedContact(name=name, phone=phone, relation=relation, phone_checked=valid)
