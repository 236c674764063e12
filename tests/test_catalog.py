"""Every text the code shows has a Dutch translation, and the catalogs are in step with the code."""
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}


def code_msgids() -> set[str]:
    found = set()
    for folder in ("bot", "conversations"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def catalog(language: str):
    with open(ROOT / "locales" / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=language)


def test_every_text_in_the_code_is_in_the_dutch_catalog():
    nl = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog("nl") if m.id}
    missing = code_msgids() - nl
    assert not missing, f"run `make extract` and translate: {sorted(missing)[:5]}"


def test_the_dutch_catalog_is_complete_and_not_fuzzy():
    for message in catalog("nl"):
        if not message.id:
            continue
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert all(s.strip() for s in strings), f"untranslated: {message.id!r}"
        assert not message.fuzzy, f"fuzzy: {message.id!r}"


def test_no_stale_texts_in_the_catalogs():
    in_code = code_msgids()
    for language in ("nl", "en"):
        stale = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog(language) if m.id} - in_code
        assert not stale, f"{language}: texts no longer in the code, run `make extract`: {sorted(stale)[:5]}"


def test_placeholders_survive_translation():
    import re

    for message in catalog("nl"):
        if not message.id or not isinstance(message.id, str):
            continue
        assert set(re.findall(r"\{\w+\}", message.id)) == set(re.findall(r"\{\w+\}", message.string)), message.id


def test_dates_are_dutch():
    from datetime import date

    from bot.i18n import translator

    assert translator("nl").day(date(2026, 11, 23)) == "maandag 23 november"
    assert translator("en").day(date(2026, 11, 23)) == "Monday 23 November"
