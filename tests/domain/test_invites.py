from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import invites

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_codes_are_random_and_in_the_alphabet():
    codes = {invites.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == invites.CODE_LENGTH and set(c) <= set(invites.ALPHABET) for c in codes)


@pytest.mark.parametrize(
    "typed",
    ["abcd-efgh-jkmn", " ABCD EFGH JKMN ", "https://t.me/houvast_bot?start=ABCDEFGHJKMN", "ABCDEFGHJKMN"],
)
def test_a_typed_code_is_normalised_before_hashing(typed):
    assert invites.normalize(typed) == "ABCDEFGHJKMN"
    assert invites.hash_code(typed) == invites.hash_code("ABCDEFGHJKMN")
    assert invites.looks_like_code(typed)


@pytest.mark.parametrize("typed", ["", "hallo", "ABCDEFGHJKM", "ABCDEFGHJKMN1", "ABCDEFGHJKM0"])
def test_other_text_does_not_look_like_a_code(typed):
    assert not invites.looks_like_code(typed)


@pytest.mark.parametrize(
    ("typed", "length", "odd"),
    [
        ("hallo", 5, "LO"),
        ("ABCDEFGHJKM", 11, ""),  # one short
        ("ABCD-EFGH-JKMN-P", 13, ""),  # one too many
        ("ABCDEFGHJKM0", 12, "0"),  # the right length, a zero in it
        ("abcd efgh jkmo", 12, "O"),
        ("1BCDEFGHIKLN", 12, "1IL"),  # each sign once, in the order typed
        ("ABCDÉFGHJKMN", 12, "É"),
    ],
)
def test_what_is_wrong_with_a_code_is_named(typed, length, odd):
    problem = invites.code_problem(typed)
    assert problem is not None and (problem.length, problem.odd) == (length, odd)
    assert problem.wrong_length == (length != invites.CODE_LENGTH)


def test_a_good_code_has_no_problem():
    assert invites.code_problem("abcd-efgh-jkmn") is None


def test_the_hash_is_not_the_code():
    assert invites.hash_code("ABCDEFGHJKMN") != "ABCDEFGHJKMN"
    assert len(invites.hash_code("ABCDEFGHJKMN")) == 64


def test_why_an_invite_is_unusable():
    fresh = invites.InviteState(expires_at=NOW + timedelta(days=1), used_at=None)
    assert invites.why_unusable(fresh, NOW) is None
    assert invites.why_unusable(None, NOW) == "unknown"
    assert invites.why_unusable(invites.InviteState(NOW + timedelta(days=1), NOW), NOW) == "used"
    assert invites.why_unusable(invites.InviteState(NOW, None), NOW) == "expired"
    assert invites.why_unusable(invites.InviteState(NOW + timedelta(seconds=1), None), NOW) is None


def test_five_wrong_codes_within_an_hour_is_guessing():
    four = [NOW - timedelta(minutes=m) for m in (1, 2, 3, 4)]
    assert not invites.is_guessing(four, NOW)
    assert invites.is_guessing(four + [NOW - timedelta(minutes=59)], NOW)
    assert not invites.is_guessing(four + [NOW - timedelta(minutes=60)], NOW)
