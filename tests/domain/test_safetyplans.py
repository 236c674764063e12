"""The rules of the safety plans, the hoopbox, the noodbericht and "Wis dit gesprek": pure, no Telegram, no SQL."""
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from telegram.constants import BulkRequestLimit, FileSizeLimit, MessageLimit

from bot.domain import forms
from bot.domain import safetyplans as rules
from bot.domain.consent import SCOPES, Relation, Scope, may_view, scopes_for
from bot.domain.forms import Kind, Tool
from bot.domain.plans import Contact
from bot.domain.roles import CareRole, Role
from bot.domain.safetyplans import HopeRefusal, Route

NOW = datetime(2026, 3, 28, 8, 0, tzinfo=UTC)


def test_both_plans_are_forms_with_a_name_for_every_part():
    safety, home = forms.STEPS[Tool.SAFETY], forms.STEPS[Tool.HOME]
    assert [step.path[0] for step in safety] == list(rules.SAFETY_PARTS)  # the Stanley-Brown order
    assert [step.path[0] for step in home] == list(rules.HOME_PARTS)
    assert all(step.label for step in (*safety, *home))
    assert {step.path[0] for step in (*safety, *home) if step.kind == Kind.CONTACTS} == rules.CONTACT_PARTS
    assert next(step for step in home if step.path == ("code_word",)).kind == Kind.TEXT
    # Answers offered from the client's other plans: signs from the signaleringsplan, people from the crisis card.
    offers = {step.path[0]: step.offer for step in (*safety, *home) if step.offer}
    assert offers == {"warning_signs": rules.OFFER_SIGNS, "coping": rules.OFFER_COPING,
                      "people": rules.OFFER_CONTACTS, "professionals": rules.OFFER_CARE,
                      "safe_people": rules.OFFER_CONTACTS}


def test_a_plan_says_what_is_still_missing():
    plan = rules.to_safety_plan({"warning_signs": ["Ik slaap niet"], "people": [{"name": "Mam", "phone": "06"}],
                                 "reasons": [], "junk": 3}, "Sam")
    assert plan.warning_signs == ("Ik slaap niet",) and plan.people == (Contact("Mam", "06"),)
    assert plan.missing == ("coping", "distraction", "professionals", "safe_surroundings", "reasons")
    home = rules.to_home_plan({"code_word": "  paraplu ", "take_along": ["Sleutels"]}, "Sam")
    assert home.code_word == "paraplu" and home.take_along == ("Sleutels",)
    assert rules.to_home_plan({"code_word": "  "}, "Sam").code_word is None
    assert rules.to_safety_plan({}, "Sam").missing == rules.SAFETY_PARTS


def test_the_same_person_from_two_plans_is_listed_once():
    mam = Contact("Mam", "06 12345678", "moeder")
    assert rules.unique_contacts([mam], [Contact("mam", "06-12345678")], [Contact("Kees")]) == (mam, Contact("Kees"))


@pytest.mark.parametrize(("in_houvast", "consented", "reachable", "home_plan", "expected"), [
    (True, True, True, False, Route.HOUVAST),
    (True, False, True, False, Route.SHARE),  # the client did not agree that Houvast messages them
    (True, True, False, False, Route.SHARE),  # they blocked the bot
    (True, True, True, True, Route.SHARE),  # someone in the household has a thuisplan: never from the bot
    (False, True, True, False, Route.SHARE),  # not in Houvast: a ready message the client forwards
])
def test_who_gets_the_noodbericht_from_the_bot(in_houvast, consented, reachable, home_plan, expected):
    assert rules.route(in_houvast=in_houvast, consented=consented, reachable=reachable,
                       home_plan_in_household=home_plan) == expected


@pytest.mark.parametrize(("last", "may"), [
    (None, True), (NOW - timedelta(seconds=59), False), (NOW - timedelta(minutes=1), True),
    (NOW + timedelta(minutes=5), True),  # a clock that went back does not block the noodbericht
])
def test_at_most_one_noodbericht_a_minute(last, may):
    assert rules.may_send(last, NOW) is may


def test_the_share_link_carries_the_message_and_nothing_else():
    url = rules.share_url("Het gaat niet goed met mij. Wil je me bellen? 🙏 & meer")
    parsed = urlparse(url)
    assert parsed.netloc == "t.me" and parsed.path == "/share/url"
    assert parse_qs(parsed.query) == {"url": ["Het gaat niet goed met mij. Wil je me bellen? 🙏 & meer"]}


@pytest.mark.parametrize(("text", "link"), [
    ("https://www.youtube.com/watch?v=abc", "https://www.youtube.com/watch?v=abc"),
    ("www.muziek.nl/lied", "https://www.muziek.nl/lied"),
    (" http://x.nl ", "http://x.nl"),
    ("kijk eens https://x.nl", None),
    ("hallo", None),
    ("https://", None),
])
def test_a_link_is_one_link_and_nothing_else(text, link):
    assert rules.as_link(text) == link


def test_what_cannot_go_into_the_hoopbox():
    assert rules.hope_refusal(count=0) is None
    assert rules.hope_refusal(count=0, empty=True) == HopeRefusal.EMPTY
    assert rules.hope_refusal(count=rules.MAX_HOPE_ITEMS) == HopeRefusal.FULL
    assert rules.hope_refusal(count=3, size=rules.MAX_HOPE_FILE_BYTES + 1) == HopeRefusal.TOO_BIG
    assert rules.hope_refusal(count=3, size=rules.MAX_HOPE_FILE_BYTES) is None
    assert rules.hope_refusal(count=3, duplicate=True) == HopeRefusal.DUPLICATE


def test_wiping_goes_down_from_the_newest_message_in_batches_telegram_takes():
    batches = rules.wipe_batches(250)
    assert [len(b) for b in batches] == [100, 100, 50]
    assert batches[0][0] == 250 and batches[-1][-1] == 1
    assert rules.wipe_batches(5000, reach=300)[-1][-1] == 4701
    newer, older = rules.halves([9, 8, 7, 6, 5])
    assert newer == [9, 8, 7] and older == [6, 5]
    assert rules.kept_before(NOW) == NOW - timedelta(hours=48)


def test_the_limits_are_telegrams_own():
    assert rules.WIPE_BATCH == BulkRequestLimit.MAX_LIMIT
    assert rules.MAX_HOPE_FILE_BYTES == FileSizeLimit.FILESIZE_DOWNLOAD
    assert rules.MAX_CAPTION == MessageLimit.CAPTION_LENGTH
    assert rules.MAX_HOPE_TEXT < MessageLimit.MAX_TEXT_LENGTH


def test_the_plans_share_their_name_with_their_consent_scope():
    assert Tool.SAFETY.value == Scope.SAFETY_PLAN.value == rules.SAFETY  # a look names the version it saw
    assert Tool.HOME.value == Scope.HOME_PLAN.value == rules.HOME
    assert SCOPES[:4] == (Scope.SIGNALING_PLAN, Scope.CRISIS_CARD, Scope.GOALS, Scope.ALERTS)  # old buttons still work


WORKER = Relation(Role.WORKER, care_role=CareRole.INVOLVED)
PEER = Relation(Role.PEER, peer_contact=True)
HOUSEHOLD = Relation(Role.CLIENT, household_member=True)


def test_the_thuisplan_can_only_be_shared_with_the_care_team():
    assert Scope.HOME_PLAN in scopes_for(WORKER)
    assert Scope.HOME_PLAN not in scopes_for(PEER) and Scope.HOPE_BOX in scopes_for(PEER)
    assert Scope.HOME_PLAN not in scopes_for(HOUSEHOLD) and Scope.HOPE_BOX not in scopes_for(HOUSEHOLD)
    assert Scope.SAFETY_PLAN in scopes_for(HOUSEHOLD)
    assert scopes_for(Relation(Role.ADMIN)) == ()


@pytest.mark.parametrize("relation", [PEER, HOUSEHOLD])
def test_a_consent_row_for_the_thuisplan_counts_for_nothing_outside_the_care_team(relation):
    everything = frozenset(SCOPES)
    assert not may_view(is_self=False, relation=relation, granted=everything, scope=Scope.HOME_PLAN)
    assert may_view(is_self=False, relation=WORKER, granted=everything, scope=Scope.HOME_PLAN)
    assert may_view(is_self=True, relation=None, granted=frozenset(), scope=Scope.HOME_PLAN)
