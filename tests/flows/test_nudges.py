"""A stalled goal reaches the care team through the chat: the nudge, its buttons, the ladder, /overzicht, /afwezig."""
from datetime import UTC, datetime, time

import pytest
from sqlalchemy import select

from bot import outbox
from bot.db.models import Nudge
from bot.domain.consent import Scope
from bot.domain.goals import Answer, Domain
from bot.domain.roles import CareRole, Role
from bot.services import consent, goals, invites, nudges, people, team

ANNA, BRAM, DIRK, SAM = 900, 901, 904, 501
MONDAY_10 = datetime(2026, 4, 13, 8, 0, tzinfo=UTC)  # Monday 13 April 2026, 10:00 in Amsterdam


async def in_english(chat, telegram_id, name):
    person = chat(telegram_id, name)
    await person.send("/taal")
    await person.press("English")
    return person


async def worker(svc, telegram_id, name):
    code = (await invites.create_invite(svc, role=Role.WORKER)).code
    await invites.redeem_invite(svc, code=code, telegram_id=telegram_id, chat_id=telegram_id, locale="nl")
    await people.set_name(svc, telegram_id, name)
    await people.finish_onboarding(svc, telegram_id)


@pytest.fixture
async def team_of_sam(chat, harness, clock):
    """Anna (coordinating) and Bram (backup) around Sam; Dirk works elsewhere. The workers speak English."""
    svc = harness.services
    clock.current = MONDAY_10
    for telegram_id, name in ((ANNA, "Anna"), (BRAM, "Bram"), (DIRK, "Dirk")):
        await worker(svc, telegram_id, name)
    code = (await invites.create_invite(svc, role=Role.CLIENT, by_telegram_id=ANNA)).code
    await invites.redeem_invite(svc, code=code, telegram_id=SAM, chat_id=SAM, locale="nl")
    await people.set_name(svc, SAM, "Sam")
    await people.finish_onboarding(svc, SAM)
    household = await team.household_of(svc, SAM)
    await team.add_to_team(
        svc, by_telegram_id=ANNA, household_id=household, worker_telegram_id=BRAM, role=CareRole.BACKUP
    )
    chat(SAM, "Sam")
    return {name: await in_english(chat, tid, name) for tid, name in ((ANNA, "Anna"), (BRAM, "Bram"), (DIRK, "Dirk"))}


async def stall(harness, title="Schulden op een rij"):
    svc = harness.services
    goal = await goals.create_goal(
        svc, SAM, domain=Domain.FINANCIEN, title=title, step="Post openen", weekday=1, at=time(10)
    )
    for _ in range(3):
        checkin_id = await goals.open_checkin(svc, SAM, goal.id)
        await goals.answer_checkin(svc, SAM, checkin_id, Answer.NOT_YET)


async def share_goals(harness):
    svc = harness.services
    anna = await people.whoami(svc, ANNA)
    await consent.set_consent(svc, client_telegram_id=SAM, viewer_id=anna.id, scope=Scope.GOALS, granted=True)


async def tick(harness):
    svc = harness.services
    await goals.sweep_stalls(svc)
    await nudges.notify_nudges(svc)
    await outbox.deliver_due(svc, harness.app.bot)


async def the_nudge(harness) -> Nudge:
    async with harness.services.unit() as session:
        return (await session.execute(select(Nudge))).scalar_one()


async def test_the_coordinating_worker_gets_one_nudge_and_marks_it_seen(team_of_sam, harness):
    anna, bram = team_of_sam["Anna"], team_of_sam["Bram"]
    before, before_bram = len(anna.messages()), len(bram.messages())
    await stall(harness)
    await tick(harness)
    await tick(harness)  # the next minute: nothing new
    [nudge] = anna.messages()[before:]
    assert "A goal of Sam is stuck" in nudge.text and "not shared goal details" in nudge.text
    assert "Schulden" not in nudge.text  # Sam shares no goals with Anna
    assert {"📞 I will get in touch", "👀 Seen", "📂 Open dossier"} <= set(anna.api.buttons(nudge))
    assert bram.messages()[before_bram:] == []
    replies = await anna.press("Seen")
    assert "It is noted that you have seen this" in replies[-1].text
    row = await the_nudge(harness)
    assert row.acknowledgement == "seen" and row.acknowledged_at is not None


async def test_an_unanswered_nudge_reaches_the_backup_after_two_working_days(team_of_sam, harness, clock):
    bram = team_of_sam["Bram"]
    before = len(bram.messages())
    await stall(harness)
    await tick(harness)
    clock.current = datetime(2026, 4, 14, 8, 0, tzinfo=UTC)  # Tuesday: one working day
    await tick(harness)
    assert bram.messages()[before:] == []
    clock.current = datetime(2026, 4, 15, 8, 0, tzinfo=UTC)  # Wednesday 10:00: two
    await tick(harness)
    [nudge] = bram.messages()[before:]
    assert "A goal of Sam is stuck" in nudge.text and "comes to you as well" in nudge.text
    replies = await bram.press("I will get in touch")
    assert "you will get in touch with Sam" in replies[-1].text
    replies = await team_of_sam["Anna"].press("Seen")  # Anna's own, older nudge
    assert "Bram already responded to this" in replies[-1].text


async def test_the_morning_digest_opens_each_nudge(team_of_sam, harness, clock):
    anna = team_of_sam["Anna"]
    await share_goals(harness)
    clock.current = datetime(2026, 4, 11, 10, 0, tzinfo=UTC)  # Saturday
    before = len(anna.messages())
    await stall(harness, "Schulden op een rij")
    await stall(harness, "Elke dag wandelen")
    await tick(harness)
    assert anna.messages()[before:] == []
    clock.current = datetime(2026, 4, 13, 7, 0, tzinfo=UTC)  # Monday 09:00
    await tick(harness)
    [digest] = anna.messages()[before:]
    assert "2 messages about your clients" in digest.text and "Sam: Elke dag wandelen" in digest.text
    assert anna.api.buttons(digest) == ["📂 1. Sam", "📂 2. Sam"]
    replies = await anna.press("1. Sam")
    assert "A goal of Sam has stalled" in replies[-1].text and "Goal: Schulden op een rij" in replies[-1].text
    replies = await anna.press("Later: 3 days")
    assert "bring this up again on Thursday 16 April" in replies[-1].text


async def test_the_overview_shows_the_caseload_and_opens_a_dossier(team_of_sam, harness, chat):
    anna = team_of_sam["Anna"]
    await stall(harness)
    await tick(harness)
    replies = await anna.send("/overzicht")
    assert "Your clients, most urgent first (page 1 of 1)" in replies[-1].text
    assert "⚪ Sam: a goal is stuck" in replies[-1].text  # Sam shares no goals: no numbers
    assert "1 stalled goal" not in replies[-1].text and "1 open nudge" not in replies[-1].text
    await share_goals(harness)
    replies = await anna.send("/overzicht")
    assert "Sam: in contact today · 1 stalled goal · 1 open nudge" in replies[-1].text
    assert "⚪ Sam" in anna.buttons()
    replies = await anna.press("⚪ Sam")
    assert "Sam shares with you: goals and check-ins" in replies[-1].text
    sam = chat(SAM, "Sam")
    replies = await sam.send("/overzicht")  # not for clients: their own menu
    assert "Sam" not in replies[-1].text and "Mijn signaleringsplan" in " ".join(sam.buttons())


async def test_a_forged_button_from_another_worker_is_refused(team_of_sam, harness, chat):
    dirk = team_of_sam["Dirk"]
    await stall(harness)
    await tick(harness)
    nudge = await the_nudge(harness)
    for data in (f"ndg:seen:{nudge.id}", f"ndg:open:{nudge.id}", f"ndg:later:{nudge.id}.1", "ndg:later:x.y"):
        replies = await dirk.press_data(dirk.last().message_id, data)
        assert replies[-1].text == "This button does not work for you."
    assert (await the_nudge(harness)).acknowledged_at is None
    sam = chat(SAM, "Sam")  # a client pressing a worker's button: only their own menu
    replies = await sam.press_data(sam.last().message_id, f"ndg:seen:{nudge.id}")
    assert "Mijn signaleringsplan" in " ".join(sam.buttons())
    assert (await the_nudge(harness)).acknowledged_at is None


async def test_afwezig_understands_days_in_words(team_of_sam, harness):
    anna = team_of_sam["Anna"]  # Monday 13 April 2026
    replies = await anna.send("/afwezig morgen tot vrijdag")
    assert "You are away from Tuesday 14 April to Friday 17 April" in replies[-1].text
    replies = await anna.send("/afwezig")
    replies = await anna.send("next week")
    assert "From Monday 20 April." in replies[-1].text and "like 27-4-2026" in replies[-1].text
    replies = await anna.send("over twee weken")
    assert "You are away from Monday 20 April to Monday 27 April" in replies[-1].text


async def test_afwezig_asks_two_dates_checks_them_and_can_be_ended(team_of_sam, harness):
    anna = team_of_sam["Anna"]
    replies = await anna.send("/afwezig 20-4-2026 24-4-2026")
    assert "You are away from Monday 20 April to Friday 24 April" in replies[-1].text
    replies = await anna.send("/afwezig")
    assert "You are away from Monday 20 April to Friday 24 April" in replies[-1].text
    assert "From which day" in replies[-1].text
    example = replies[-1].text.split("like ")[1].split(".")[0]  # the example lies ahead: a week from today
    assert example == "20-4-2026" and '"tomorrow" or "Monday"' in replies[-1].text
    replies = await anna.send("some day")
    assert "could not read that date" in replies[-1].text and "like 20-4-2026" in replies[-1].text
    await anna.send("30-4-2026")
    replies = await anna.send("28-4-2026")
    assert "The first day is after the last day" in replies[-1].text
    await anna.send("1-1-2026")
    replies = await anna.send("2-1-2026")
    assert "already passed" in replies[0].text and "Until which day" in replies[-1].text
    replies = await anna.send("2-5-2026")
    assert "1 January to Saturday 2 May" in replies[-1].text
    replies = await anna.press("I am back")
    assert "Welcome back" in replies[-1].text
    replies = await anna.press_data(anna.last().message_id, "afw:end")
    assert "You have no absence planned" in replies[-1].text


async def test_a_replayed_button_after_revoke_or_deletion_shows_nothing_more(team_of_sam, harness, chat, clock):
    from bot.services import gdpr

    anna = team_of_sam["Anna"]
    await share_goals(harness)
    await stall(harness, "Schulden op een rij")
    await tick(harness)
    nudge = await the_nudge(harness)
    sam_id = (await people.whoami(harness.services, SAM)).id
    message = anna.last().message_id
    assert "Schulden op een rij" in anna.last().text  # shared when it was sent
    anna_id = (await people.whoami(harness.services, ANNA)).id
    await consent.set_consent(harness.services, client_telegram_id=SAM, viewer_id=anna_id, scope=Scope.GOALS,
                              granted=False)
    replies = await anna.press_data(message, f"ndg:open:{nudge.id}")  # the old button, after the revoke
    assert "A goal of Sam is stuck" in replies[-1].text and "Schulden" not in replies[-1].text
    await gdpr.request_deletion(harness.services, SAM)
    clock.advance(days=7)
    assert await gdpr.purge_due(harness.services) == 1
    for data in (f"ndg:open:{nudge.id}", f"ndg:seen:{nudge.id}", f"wk:client:{sam_id}", f"wk:view:{sam_id}.1"):
        replies = await anna.press_data(message, data)
        assert "Sam" not in replies[-1].text and "Schulden" not in replies[-1].text, data
        assert "does not work for you" in replies[-1].text or "cannot see this" in replies[-1].text, data
