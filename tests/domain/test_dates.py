"""Days as people type them (bot/domain/dates.py), on a fixed 'today': Wednesday 9 December 2026."""
from datetime import date

import pytest

from bot.domain.dates import numeric, parse_day

TODAY = date(2026, 12, 9)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("vandaag", date(2026, 12, 9)),
        ("Morgen", date(2026, 12, 10)),
        ("overmorgen", date(2026, 12, 11)),
        ("gisteren", date(2026, 12, 8)),
        ("maandag", date(2026, 12, 14)),  # the coming Monday
        ("woensdag", date(2026, 12, 16)),  # today is Wednesday: "woensdag" is next week's, today is "vandaag"
        ("vrijdag", date(2026, 12, 11)),
        ("aanstaande vrijdag", date(2026, 12, 11)),
        ("vrijdag a.s.", date(2026, 12, 11)),
        ("tot en met vrijdag", date(2026, 12, 11)),
        ("vanaf morgen", date(2026, 12, 10)),
        ("volgende maandag", date(2026, 12, 14)),
        ("volgende week", date(2026, 12, 14)),  # its Monday
        ("volgende week vrijdag", date(2026, 12, 18)),
        ("over twee weken", date(2026, 12, 23)),
        ("over 3 dagen", date(2026, 12, 12)),
        ("over een week", date(2026, 12, 16)),
        ("over veertien dagen", date(2026, 12, 23)),
        ("over een maand", date(2027, 1, 9)),
        ("over drie maanden", date(2027, 3, 9)),
        ("over een half jaar", date(2027, 6, 9)),
        ("over een jaar", date(2027, 12, 9)),
        ("twee weken geleden", date(2026, 11, 25)),
        ("14 juli", date(2027, 7, 14)),  # future: the next 14 July
        ("14 juli 2027", date(2027, 7, 14)),
        ("zaterdag 14 juli 2029", date(2029, 7, 14)),
        ("14e juli", date(2027, 7, 14)),
        ("op 1 maart", date(2027, 3, 1)),
        ("1 mrt", date(2027, 3, 1)),
        ("24 december", date(2026, 12, 24)),
        ("14-7", date(2027, 7, 14)),
        ("14-07-2027", date(2027, 7, 14)),
        ("14/7/27", date(2027, 7, 14)),
        ("14.07.2027", date(2027, 7, 14)),
        ("14 07 2027", date(2027, 7, 14)),
        ("2027-07-14", date(2027, 7, 14)),
        ("  12-03-1985 ", date(1985, 3, 12)),
        ("tomorrow", date(2026, 12, 10)),
        ("next friday", date(2026, 12, 11)),
        ("in two weeks", date(2026, 12, 23)),
        ("in a month", date(2027, 1, 9)),
        ("July 14", date(2027, 7, 14)),
        ("14th July 2027", date(2027, 7, 14)),
        ("Monday", date(2026, 12, 14)),
    ],
)
def test_common_ways_of_saying_a_day_in_the_future(text, expected):
    assert parse_day(text, today=TODAY, direction="future") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14 juli", date(2026, 7, 14)),  # past: the last 14 July
        ("14-7-90", date(1990, 7, 14)),
        ("14-07-1990", date(1990, 7, 14)),
        ("14 juli 1990", date(1990, 7, 14)),
        ("1-1-05", date(2005, 1, 1)),
        ("maandag", date(2026, 12, 7)),  # the last Monday
        ("14071990", date(1990, 7, 14)),
    ],
)
def test_a_question_about_the_past_reads_open_dates_backwards(text, expected):
    assert parse_day(text, today=TODAY, direction="past") == expected


@pytest.mark.parametrize(
    "text",
    ["", "   ", "ooit", "31-02-2027", "30 februari", "14-13", "32 juli", "maandag dinsdag", "over veel weken",
     "volgende maand vrijdag", "0-0", "14-07-2200", "14-07-1850", "12345", "iets 14 juli", "Verder ➡️"],
)
def test_what_names_no_day_gives_none(text):
    assert parse_day(text, today=TODAY, direction="future") is None


def test_29_february_without_a_year_is_the_next_leap_day():
    assert parse_day("29 februari", today=TODAY, direction="future") == date(2028, 2, 29)
    assert parse_day("29-2", today=TODAY, direction="past") == date(2024, 2, 29)


def test_a_month_later_stops_at_the_end_of_a_short_month():
    assert parse_day("over een maand", today=date(2027, 1, 31)) == date(2027, 2, 28)


def test_an_example_date_is_written_the_way_people_type_it():
    assert numeric(date(2027, 7, 4)) == "4-7-2027"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11", "2026-11"), ("11-2026", "2026-11"), ("3/2025", "2025-03"), ("november 2026", "2026-11"),
        ("Nov 2025", "2025-11"), ("november", "2026-11"), ("december", "2026-12"),  # the last one that began
        ("januari", "2026-01"), ("vorige maand", "2026-11"), ("deze maand", "2026-12"), ("last month", "2026-11"),
    ],
)
def test_a_month_as_people_name_it(text, expected):
    from bot.domain.dates import parse_month

    assert parse_month(text, today=TODAY) == expected


@pytest.mark.parametrize("text", ["", "2026-13", "13-2026", "november twintig", "ooit", "2026"])
def test_what_names_no_month_gives_none(text):
    from bot.domain.dates import parse_month

    assert parse_month(text, today=TODAY) is None
