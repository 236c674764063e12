import pytest

from bot.domain.phones import parse_contact


@pytest.mark.parametrize(
    ("typed", "name", "relation", "phone"),
    [
        ("Mam, moeder, 06-12345678", "Mam", "moeder", "06 12345678"),
        ("Anna 0612345678", "Anna", None, "06 12345678"),
        ("Huisarts: 020 123 4567", "Huisarts", None, "020 123 4567"),
        ("Oom Ali +32 470 12 34 56", "Oom Ali", None, "+32 470 12 34 56"),
        ("Tante, +31 6 1234 5678", "Tante", None, "06 12345678"),
    ],
)
def test_dutch_and_international_numbers(typed, name, relation, phone):
    parsed = parse_contact(typed)
    assert (parsed.name, parsed.relation, parsed.phone, parsed.phone_checked) == (name, relation, phone, True)


def test_an_odd_number_is_kept_as_typed():
    parsed = parse_contact("Buurman 12-34")
    assert parsed.name == "Buurman" and parsed.phone == "12-34" and not parsed.phone_checked


def test_no_number_keeps_the_name():
    parsed = parse_contact("Mijn zus")
    assert parsed.name == "Mijn zus" and parsed.phone is None
