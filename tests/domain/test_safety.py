from datetime import UTC, datetime, timedelta

from bot.domain.crisis import CrisisKind
from bot.domain.safety import ASK_EVERY, FULL_EVERY, Reply, SafetyPacer, scan_help_kind, scan_needs_help

NOW = datetime(2026, 4, 13, 8, 0, tzinfo=UTC)
SUICIDE, OTHERS = CrisisKind.SUICIDE, CrisisKind.DANGER_FROM_OTHERS


def test_someone_who_keeps_typing_gets_the_full_message_once_every_few_minutes_and_short_lines_between():
    pacer = SafetyPacer()
    replies = [pacer.reply(1, SUICIDE, NOW + timedelta(seconds=20 * n)) for n in range(31)]  # 10 minutes
    assert replies[0] == Reply.FULL
    assert replies.count(Reply.FULL) == 3  # at 0, 5 and 10 minutes
    assert all(reply in (Reply.FULL, Reply.SHORT) for reply in replies)  # never nothing


def test_a_new_kind_gets_its_own_full_message_at_once():
    pacer = SafetyPacer()
    assert pacer.reply(1, SUICIDE, NOW) == Reply.FULL
    assert pacer.reply(1, SUICIDE, NOW + timedelta(seconds=5)) == Reply.SHORT
    assert pacer.reply(1, OTHERS, NOW + timedelta(seconds=10)) == Reply.FULL
    assert pacer.reply(1, OTHERS, NOW + timedelta(seconds=15)) == Reply.SHORT
    assert pacer.reply(2, SUICIDE, NOW) == Reply.FULL  # someone else


def test_after_the_pause_the_full_message_comes_again():
    pacer = SafetyPacer()
    pacer.reply(1, SUICIDE, NOW)
    assert pacer.reply(1, SUICIDE, NOW + FULL_EVERY - timedelta(seconds=1)) == Reply.SHORT
    assert pacer.reply(1, SUICIDE, NOW + FULL_EVERY) == Reply.FULL


def test_the_question_comes_at_most_once_an_hour():
    pacer = SafetyPacer()
    pacer.reply(1, SUICIDE, NOW)
    assert pacer.may_ask(1, NOW)
    assert not pacer.may_ask(1, NOW + FULL_EVERY)
    assert pacer.reply(1, SUICIDE, NOW + FULL_EVERY) == Reply.FULL  # a new full message keeps the ask time
    assert not pacer.may_ask(1, NOW + FULL_EVERY)
    assert pacer.may_ask(1, NOW + ASK_EVERY)


def test_idle_people_are_forgotten():
    pacer = SafetyPacer()
    pacer.reply(1, SUICIDE, NOW)
    pacer.reply(2, SUICIDE, NOW + ASK_EVERY)
    pacer.forget_idle(NOW + ASK_EVERY)
    assert len(pacer) == 1


def test_a_scan_answer_of_one_gets_help_once_per_scan():
    assert scan_needs_help({"wonen": 1}, "wonen", 1)
    assert not scan_needs_help({"wonen": 2}, "wonen", 2)
    assert not scan_needs_help({"wonen": 1, "financien": 1}, "financien", 1)  # help came with "wonen"
    assert scan_needs_help({"wonen": 3, "financien": 1}, "financien", 1)
    assert scan_needs_help({"wonen": None}, "wonen", 1)  # answering the same part again counts again
    assert not scan_needs_help({}, "wonen", None)  # skipped


def test_an_acute_problem_with_safety_or_children_gets_the_help_for_danger_from_others():
    assert scan_help_kind("veiligheid_recht") == OTHERS
    assert scan_help_kind("kinderen") == OTHERS
    assert scan_help_kind("wonen") is None
