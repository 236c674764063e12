from datetime import time

import pytest

from bot.domain.people import clean_name, parse_clock_time


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Sam", "Sam"), ("  Zoë   de  Vries ", "Zoë de Vries"), ("Anna 🌷", "Anna 🌷"), ("x" * 40, "x" * 40)],
)
def test_usable_names_are_tidied(raw, expected):
    assert clean_name(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "x" * 41, "1234", "🙂🙂", "\u200b"])
def test_unusable_names_are_refused(raw):
    assert clean_name(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("9", time(9)), ("8:30", time(8, 30)), ("08.30", time(8, 30)), ("21u", time(21)), ("20h15", time(20, 15))],
)
def test_clock_times_in_common_spellings(raw, expected):
    assert parse_clock_time(raw) == expected


@pytest.mark.parametrize("raw", ["", "morgen", "24:00", "9:60", "9:30:00", "-1", "999"])
def test_not_a_clock_time(raw):
    assert parse_clock_time(raw) is None
