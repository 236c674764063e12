"""The worker's side of a stalled goal: the ladder in working time, digests, acknowledging, snoozing, absence,
handover and the caseload overview."""
import asyncio
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select
from telegram import Bot

from bot import outbox
from bot.db.models import (
    AuditEntry,
    CareTeamMember,
    Goal,
    GoalCheckin,
    GoalEvent,
    Nudge,
    NudgeDelivery,
    OutboxMessage,
    Person,
)
from bot.domain.consent import Scope
from bot.domain.goals import Answer, Domain
from bot.domain.plans import Phase
from bot.domain.roles import CareRole, Role
from bot.i18n import translator
from bot.local.botapi import LocalBotApi, LocalRequest
from bot.services import checkins, consent, goals, invites, nudges, people, team
from bot.services.base import NotAllowed, NotFound
from bot.services.nudges import BadDates

ANNA, BRAM, CARLA, DIRK = 900, 901, 903, 904  # coordinating, backup, procesregisseur, a worker outside the team
SAM = 501


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


MONDAY_10 = utc(2026, 4, 13, 8, 0)  # Monday 13 April 2026, 10:00 in Amsterdam (CEST): working time


async def worker(svc, telegram_id, name):
    code = (await invites.create_invite(svc, role=Role.WORKER)).code
    await invites.redeem_invite(svc, code=code, telegram_id=telegram_id, chat_id=telegram_id, locale="en")
    await people.set_name(svc, telegram_id, name)
    await people.finish_onboarding(svc, telegram_id)


async def client_of(svc, telegram_id, name, by=ANNA):
    code = (await invites.create_invite(svc, role=Role.CLIENT, by_telegram_id=by)).code
    await invites.redeem_invite(svc, code=code, telegram_id=telegram_id, chat_id=telegram_id, locale="nl")
    await people.set_name(svc, telegram_id, name)
    await people.finish_onboarding(svc, telegram_id)
    return (await people.whoami(svc, telegram_id)).id


async def person_id(svc, telegram_id):
    async with svc.unit() as session:
        return (await session.execute(select(Person.id).where(Person.telegram_id == telegram_id))).scalar_one()


async def share_goals(svc, client=SAM, viewer=ANNA, scope=Scope.GOALS):
    await consent.set_consent(svc, client_telegram_id=client, viewer_id=await person_id(svc, viewer), scope=scope,
                              granted=True)


@pytest.fixture
async def world(svc, clock):
    clock.current = MONDAY_10
    await worker(svc, ANNA, "Anna de Vries")
    await worker(svc, BRAM, "Bram")
    await worker(svc, CARLA, "Carla")
    await worker(svc, DIRK, "Dirk")
    await client_of(svc, SAM, "Sam Jansen")
    household = await team.household_of(svc, SAM)
    await team.add_to_team(
        svc, by_telegram_id=ANNA, household_id=household, worker_telegram_id=BRAM, role=CareRole.BACKUP
    )
    await team.add_to_team(svc, by_telegram_id=ANNA, household_id=household, worker_telegram_id=CARLA,
                           role=CareRole.PROCESREGISSEUR)
    await clear_outbox(svc)
    return svc


async def clear_outbox(svc):
    """Consent notices and the like are not what these tests look at."""
    async with svc.unit() as session:
        for row in (await session.execute(select(OutboxMessage))).scalars():
            await session.delete(row)
        await session.commit()


async def stall(svc, title="Schulden op een rij", step="Post openen", client=SAM) -> int:
    """A goal of the client, three times 'not yet' now, swept: one nudge. Returns its id."""
    goal = await goals.create_goal(svc, client, domain=Domain.FINANCIEN, title=title, step=step, weekday=1, at=time(10))
    for _ in range(3):
        checkin_id = await goals.open_checkin(svc, client, goal.id)
        await goals.answer_checkin(svc, client, checkin_id, Answer.NOT_YET)
    [found] = [s for s in await goals.sweep_stalls(svc) if s.goal_id == goal.id]
    return found.nudge_id


async def nudges_to(svc, telegram_id):
    """(kind, message) of every nudge message queued for this person, oldest first, as it would go out now (the
    reference rendered; nothing committed, so the render's audit rows are not kept)."""
    async with svc.unit() as session:
        rows = (await session.execute(
            select(OutboxMessage).join(Person, Person.id == OutboxMessage.person_id)
            .where(Person.telegram_id == telegram_id, OutboxMessage.kind.in_(["nudge", "nudge_digest"]))
            .order_by(OutboxMessage.id)
        )).scalars().all()
        return [(row.kind, await outbox.render_row(svc, session, row)) for row in rows]


def callback_data(payload):
    return [data for row in payload["buttons"] for _, data in row]


async def opened(svc, worker_telegram_id, nudge_id):
    """`ndg:open` as the chat writes it (workers here read English): the facts, in words and buttons."""
    from conversations.notices.nudges import nudge_text
    from conversations.notices.shared import rows
    from conversations.worker_keyboards import nudge_keyboard

    facts = await nudges.nudge_message(svc, worker_telegram_id, nudge_id)
    t = translator("en", svc.settings.zone)
    return {"text": nudge_text(t, facts), "buttons": rows(nudge_keyboard(t, facts.nudge_id, facts.client_id))}


async def nudge_row(svc, nudge_id) -> Nudge:
    async with svc.unit() as session:
        return await session.get(Nudge, nudge_id)


async def audits(svc, action):
    async with svc.unit() as session:
        return list(
            (
                await session.execute(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
            ).scalars()
        )


async def test_the_coordinating_worker_is_nudged_at_once_in_working_hours(world, clock):
    svc = world
    nudge_id = await stall(svc)
    assert await nudges.notify_nudges(svc) == 1
    assert await nudges.notify_nudges(svc) == 0  # twice in a tick: nothing new
    [(kind, payload)] = await nudges_to(svc, ANNA)
    # Sam shares no goals with Anna: the one sentence a worker may read without consent, nothing more.
    assert kind == "nudge" and payload["text"].splitlines() == [
        "⏸ A goal of Sam is stuck. Ask how things are going.", "Sam has not shared goal details with you."]
    sam_id = await person_id(svc, SAM)
    assert callback_data(payload) == [
        f"ndg:contact:{nudge_id}", f"ndg:seen:{nudge_id}", f"ndg:later:{nudge_id}.1", f"ndg:later:{nudge_id}.3",
        f"ndg:later:{nudge_id}.7", f"wk:client:{sam_id}",
    ]
    assert await nudges_to(svc, BRAM) == [] and await nudges_to(svc, CARLA) == []
    assert (await nudge_row(svc, nudge_id)).rungs == "coordinating"
    assert [a.scope for a in await audits(svc, "nudge.escalated")] == ["coordinating"]


async def test_a_nudge_on_saturday_waits_for_monday_nine_as_the_full_message(world, clock):
    svc = world
    clock.current = utc(2026, 4, 11, 10, 0)  # Saturday
    await stall(svc)
    assert await nudges.notify_nudges(svc) == 0
    clock.current = utc(2026, 4, 13, 6, 59)  # Monday 08:59 in Amsterdam
    assert await nudges.notify_nudges(svc) == 0
    assert await nudges_to(svc, ANNA) == []
    clock.current = utc(2026, 4, 13, 7, 0)  # Monday 09:00
    assert await nudges.notify_nudges(svc) == 1
    [(kind, _)] = await nudges_to(svc, ANNA)
    assert kind == "nudge"


async def test_several_waiting_nudges_go_out_as_one_morning_digest(world, clock):
    svc = world
    await share_goals(svc)
    clock.current = utc(2026, 4, 11, 10, 0)  # Saturday
    first = await stall(svc, title="Schulden op een rij")
    second = await stall(svc, title="Elke dag wandelen")
    await nudges.notify_nudges(svc)
    clock.current = utc(2026, 4, 13, 7, 0)  # Monday 09:00
    assert await nudges.notify_nudges(svc) == 1
    [(kind, payload)] = await nudges_to(svc, ANNA)
    assert kind == "nudge_digest"
    assert (
        "2 messages" in payload["text"]
        and "Schulden op een rij" in payload["text"]
        and "Elke dag wandelen" in payload["text"]
    )
    assert callback_data(payload) == [f"ndg:open:{first}", f"ndg:open:{second}"]
    async with svc.unit() as session:
        assert all(d.notified_at == clock.current for d in (await session.execute(select(NudgeDelivery))).scalars())
    # "Open" shows the full nudge with its buttons.
    shown = await opened(svc, ANNA, first)
    assert "Schulden op een rij" in shown["text"] and f"ndg:seen:{first}" in callback_data(shown)


async def test_the_backup_after_two_working_days_and_the_procesregisseur_after_five(world, clock):
    svc = world
    nudge_id = await stall(svc)
    await nudges.notify_nudges(svc)
    clock.current = utc(2026, 4, 15, 7, 59)  # Wednesday, a minute before the two working days are up
    await nudges.notify_nudges(svc)
    assert await nudges_to(svc, BRAM) == []
    clock.current = utc(2026, 4, 15, 8, 0)
    await nudges.notify_nudges(svc)
    [(_, payload)] = await nudges_to(svc, BRAM)
    assert "comes to you as well" in payload["text"]
    assert len(await nudges_to(svc, ANNA)) == 1  # the coordinating worker is not told twice
    clock.current = utc(2026, 4, 18, 10, 0)  # the weekend does not count
    await nudges.notify_nudges(svc)
    assert await nudges_to(svc, CARLA) == []
    clock.current = utc(2026, 4, 20, 8, 0)  # Monday: 5 working days
    await nudges.notify_nudges(svc)
    assert len(await nudges_to(svc, CARLA)) == 1
    assert (await nudge_row(svc, nudge_id)).rungs == "coordinating,backup,procesregisseur"
    async with svc.unit() as session:
        rungs = dict((await session.execute(select(NudgeDelivery.worker_id, NudgeDelivery.rung))).all())
    assert rungs == {await person_id(svc, ANNA): "coordinating", await person_id(svc, BRAM): "backup",
                     await person_id(svc, CARLA): "procesregisseur"}
    assert [a.scope for a in await audits(svc, "nudge.escalated")] == ["coordinating", "backup", "procesregisseur"]


async def test_koningsdag_is_not_a_working_day(world, clock):
    svc = world
    clock.current = utc(2026, 4, 24, 8, 0)  # Friday 24 April, 10:00; Monday 27 April is Koningsdag
    await stall(svc)
    await nudges.notify_nudges(svc)
    clock.current = utc(2026, 4, 28, 8, 0)  # Tuesday: only one working day since
    await nudges.notify_nudges(svc)
    assert await nudges_to(svc, BRAM) == []
    clock.current = utc(2026, 4, 29, 8, 0)  # Wednesday
    await nudges.notify_nudges(svc)
    assert len(await nudges_to(svc, BRAM)) == 1


async def test_an_absent_coordinating_worker_s_nudges_go_to_the_backup(world, clock):
    svc = world
    await nudges.set_absence(svc, ANNA, date(2026, 4, 13), date(2026, 4, 17))
    await stall(svc)
    await nudges.notify_nudges(svc)
    assert await nudges_to(svc, ANNA) == []
    [(_, payload)] = await nudges_to(svc, BRAM)
    assert "coordinating worker is away" in payload["text"]
    # Back early: from then on the coordinating worker gets the nudge too.
    assert await nudges.clear_absence(svc, ANNA) is True
    assert await nudges.my_absences(svc, ANNA) == []
    await nudges.notify_nudges(svc)
    assert len(await nudges_to(svc, ANNA)) == 1


async def test_absence_dates_are_checked(world):
    svc = world
    with pytest.raises(BadDates) as wrong_order:
        await nudges.set_absence(svc, ANNA, date(2026, 5, 5), date(2026, 5, 1))
    assert wrong_order.value.reason == "order"
    with pytest.raises(BadDates) as past:
        await nudges.set_absence(svc, ANNA, date(2026, 4, 1), date(2026, 4, 3))
    assert past.value.reason == "past"
    await nudges.set_absence(svc, ANNA, date(2026, 5, 1), date(2026, 5, 5))
    await nudges.set_absence(svc, ANNA, date(2026, 5, 4), date(2026, 5, 8))  # overlaps: replaces
    assert [(a.starts_on, a.ends_on) for a in await nudges.my_absences(svc, ANNA)] == [
        (date(2026, 5, 4), date(2026, 5, 8))
    ]
    with pytest.raises(NotAllowed):
        await nudges.set_absence(svc, SAM, date(2026, 5, 1), date(2026, 5, 5))  # clients are not away from work


async def test_an_acknowledged_nudge_climbs_no_further(world, clock):
    svc = world
    nudge_id = await stall(svc)
    await nudges.notify_nudges(svc)
    result = await nudges.acknowledge(svc, ANNA, nudge_id, "contact")
    assert (result.outcome, result.by_name, result.client_name) == ("ok", "Anna de Vries", "Sam")
    clock.current = utc(2026, 4, 24, 8, 0)  # long after both deadlines
    assert await nudges.notify_nudges(svc) == 0
    assert await nudges_to(svc, BRAM) == [] and await nudges_to(svc, CARLA) == []
    row = await nudge_row(svc, nudge_id)
    assert (row.rungs, row.acknowledgement, row.acknowledged_by_id) == (
        "coordinating",
        "contact",
        await person_id(svc, ANNA),
    )
    assert [a.scope for a in await audits(svc, "nudge.acknowledged")] == ["contact"]
    again = await nudges.acknowledge(svc, ANNA, nudge_id, "seen")
    assert (again.outcome, again.by_me) == ("already", True)


async def test_two_acknowledgements_at_once_only_one_wins(world):
    svc = world
    nudge_id = await stall(svc)
    await nudges.notify_nudges(svc)
    results = await asyncio.gather(
        nudges.acknowledge(svc, ANNA, nudge_id, "contact"), nudges.acknowledge(svc, BRAM, nudge_id, "seen"))
    assert sorted(r.outcome for r in results) == ["already", "ok"]
    winner = next(r for r in results if r.outcome == "ok")
    loser = next(r for r in results if r.outcome == "already")
    assert loser.by_name == winner.by_name and not loser.by_me
    assert len(await audits(svc, "nudge.acknowledged")) == 1
    row = await nudge_row(svc, nudge_id)
    assert row.acknowledged_by_id == await person_id(svc, ANNA if winner.by_name == "Anna de Vries" else BRAM)


async def test_a_forged_acknowledgement_from_outside_the_team_is_refused_and_audited(world):
    svc = world
    nudge_id = await stall(svc)
    await nudges.notify_nudges(svc)
    with pytest.raises(NotAllowed):
        await nudges.acknowledge(svc, DIRK, nudge_id, "seen")
    with pytest.raises(NotAllowed):
        await nudges.nudge_message(svc, DIRK, nudge_id)
    with pytest.raises(NotAllowed):
        await nudges.snooze(svc, DIRK, nudge_id, 1)
    with pytest.raises(NotAllowed):
        await nudges.acknowledge(svc, SAM, nudge_id, "seen")  # not a worker at all
    with pytest.raises(NotFound):
        await nudges.acknowledge(svc, ANNA, nudge_id + 1000, "seen")
    forged = await audits(svc, "nudge.forged")
    assert len(forged) == 3 and all(a.outcome == "denied" for a in forged)
    assert forged[0].actor == (await _pseudonym(svc, DIRK))
    assert (await nudge_row(svc, nudge_id)).acknowledged_at is None


async def _pseudonym(svc, telegram_id):
    async with svc.unit() as session:
        return (await session.execute(select(Person.pseudonym).where(Person.telegram_id == telegram_id))).scalar_one()


async def test_later_snoozes_and_the_ladder_counts_again_from_then(world, clock):
    svc = world
    nudge_id = await stall(svc)
    await nudges.notify_nudges(svc)
    with pytest.raises(ValueError):
        await nudges.snooze(svc, ANNA, nudge_id, 2)
    result = await nudges.snooze(svc, ANNA, nudge_id, 3)
    assert result.outcome == "ok" and result.until == utc(2026, 4, 16, 8, 0)  # Thursday 10:00
    clock.current = utc(2026, 4, 15, 8, 0)  # the backup's deadline without the snooze
    await nudges.notify_nudges(svc)
    assert await nudges_to(svc, BRAM) == [] and len(await nudges_to(svc, ANNA)) == 1
    clock.current = utc(2026, 4, 16, 8, 0)  # the snooze ends: Anna gets it again
    await nudges.notify_nudges(svc)
    assert len(await nudges_to(svc, ANNA)) == 2
    clock.current = utc(2026, 4, 17, 8, 0)  # Friday: one working day since the snooze ended
    await nudges.notify_nudges(svc)
    assert await nudges_to(svc, BRAM) == []
    clock.current = utc(2026, 4, 20, 8, 0)  # Monday: two
    await nudges.notify_nudges(svc)
    assert len(await nudges_to(svc, BRAM)) == 1
    assert [a.scope for a in await audits(svc, "nudge.snoozed")] == ["3"]


async def test_progress_closes_the_episode_and_stops_the_ladder(world, clock):
    svc = world
    clock.current = utc(2026, 4, 11, 10, 0)  # Saturday: the nudge waits for Monday
    nudge_id = await stall(svc)
    await nudges.notify_nudges(svc)
    async with svc.unit() as session:
        goal_id = (await session.get(Nudge, nudge_id)).goal_id
    checkin_id = await goals.open_checkin(svc, SAM, goal_id)
    await goals.answer_checkin(svc, SAM, checkin_id, Answer.DONE)
    clock.current = utc(2026, 4, 20, 8, 0)
    assert await nudges.notify_nudges(svc) == 0
    assert await nudges_to(svc, ANNA) == [] and await nudges_to(svc, BRAM) == []


async def test_a_handover_moves_the_coordinating_role_and_keeps_all_history(world, clock):
    svc = world
    nudge_id = await stall(svc)
    await nudges.notify_nudges(svc)
    household = await team.household_of(svc, SAM)

    async def counts():
        async with svc.unit() as session:
            return [(await session.execute(select(func.count()).select_from(model))).scalar_one()
                    for model in (Goal, GoalCheckin, GoalEvent, Nudge, NudgeDelivery, AuditEntry)]

    before = await counts()
    with pytest.raises(NotAllowed):
        await nudges.handover(svc, household_id=household, to_worker_telegram_id=DIRK, by_telegram_id=BRAM)
    with pytest.raises(NotAllowed):
        await nudges.handover(svc, household_id=household, to_worker_telegram_id=DIRK, by_telegram_id=DIRK)
    with pytest.raises(NotFound):
        await nudges.handover(svc, household_id=household, to_worker_telegram_id=SAM, by_telegram_id=ANNA)
    result = await nudges.handover(svc, household_id=household, to_worker_telegram_id=DIRK, by_telegram_id=ANNA)
    assert result.from_worker_id == await person_id(svc, ANNA) and result.to_worker_id == await person_id(svc, DIRK)
    async with svc.unit() as session:
        roles = dict((await session.execute(
            select(Person.telegram_id, CareTeamMember.role).join(CareTeamMember, CareTeamMember.worker_id == Person.id)
            .where(CareTeamMember.household_id == household))).all())
    assert roles == {ANNA: "involved", BRAM: "backup", CARLA: "procesregisseur", DIRK: "coordinating"}
    after = await counts()
    assert after[:5] == before[:5]  # goals, check-ins, events, nudges, deliveries: all still there
    handovers = await audits(svc, "team.handover")
    assert [a.outcome for a in handovers] == ["denied", "denied", "ok"]
    assert await nudges.acknowledge(svc, ANNA, nudge_id, "seen")  # still told, still allowed to respond
    # The operator may hand over too; the previous worker can also leave the team.
    await nudges.handover(
        svc, household_id=household, to_worker_telegram_id=BRAM, by_telegram_id=None, keep_previous=False
    )
    async with svc.unit() as session:
        workers = set(
            (
                await session.execute(select(CareTeamMember.worker_id).where(CareTeamMember.household_id == household))
            ).scalars()
        )
    assert await person_id(svc, DIRK) not in workers
    assert [g.title for g in await goals.my_goals(svc, SAM)] == ["Schulden op een rij"]


async def test_after_a_handover_the_new_coordinating_worker_gets_the_open_nudge(world, clock):
    svc = world
    await stall(svc)
    await nudges.notify_nudges(svc)
    household = await team.household_of(svc, SAM)
    await nudges.handover(svc, household_id=household, to_worker_telegram_id=DIRK, by_telegram_id=ANNA)
    await nudges.notify_nudges(svc)
    assert len(await nudges_to(svc, DIRK)) == 1


async def test_the_overview_is_sorted_by_urgency_and_paged(world, clock):
    svc = world
    # Sam has a stalled goal with an open nudge.
    await stall(svc)
    await nudges.notify_nudges(svc)
    # Kim: red, shared with Anna. Lot: red too, but not shared: sorted as if no colour is known.
    clock.advance(days=1)
    await client_of(svc, 502, "Kim")
    await share_goals(svc, client=502, scope=Scope.ALERTS)
    await checkins.record_phase(svc, 502, Phase.RED)
    await client_of(svc, 503, "Lot")
    await checkins.record_phase(svc, 503, Phase.RED)
    # Mo: last seen long ago; Noor: today.
    today = clock.current
    clock.current = today - timedelta(days=20)
    await client_of(svc, 504, "Mo")
    clock.current = today
    await client_of(svc, 505, "Noor")
    await people.whoami(svc, 503)  # Lot talked to the bot today
    page = await nudges.overview(svc, ANNA, page=0, page_size=2)
    assert (page.total, page.pages, page.has_previous, page.has_next) == (5, 3, False, True)
    assert [r.name for r in page.rows] == ["Sam Jansen", "Kim"]
    sam, kim = page.rows
    assert (sam.signal, sam.open_nudges, sam.stalled_goals) == ("stuck", 0, 0)  # no goals consent: no counts
    assert kim.phase == Phase.RED
    second = await nudges.overview(svc, ANNA, page=1, page_size=2)
    assert [r.name for r in second.rows] == ["Mo", "Lot"]
    assert second.rows[1].phase is None  # Lot does not share alerts with Anna
    assert second.rows[0].signal == "quiet" and second.rows[1].signal is None  # 20 days against today
    assert second.rows[0].days_since_contact is None  # the number itself needs goals consent
    last = await nudges.overview(svc, ANNA, page=9, page_size=2)  # past the end: the last page
    assert ([r.name for r in last.rows], last.has_next, last.has_previous) == (["Noor"], False, True)
    # Only the worker's own caseload; the colour look is audited.
    assert (await nudges.overview(svc, DIRK)).total == 0
    looks = [a for a in await audits(svc, "view") if a.scope == Scope.ALERTS]
    assert looks and all(a.outcome == "ok" for a in looks)
    status = [a for a in await audits(svc, "view") if a.scope == "status"]
    assert len(status) >= 5  # every row that showed something without consent


async def test_without_goals_consent_the_nudge_names_no_goal(world, clock):
    svc = world
    nudge_id = await stall(svc, title="Schulden op een rij", step="Post openen")
    await nudges.notify_nudges(svc)
    [(_, payload)] = await nudges_to(svc, ANNA)
    for detail in ("Schulden", "Post openen", "Last check-ins", "not yet", "Not yet", "What happened", "3"):
        assert detail not in payload["text"], detail
    assert "Sam has not shared goal details with you" in payload["text"]
    assert await audits(svc, "view") == []  # queued as a reference: nobody has looked yet
    api = LocalBotApi(bot_username="houvast_bot")
    api.add_user(ANNA, "Anna")
    bot = Bot("123:TEST", request=LocalRequest(api))
    await bot.initialize()
    assert (await outbox.deliver_due(svc, bot)).sent == 1
    assert api.messages(ANNA)[0].text == payload["text"]
    assert [(a.outcome, a.scope) for a in await audits(svc, "view")] == [("ok", "status")]  # sending is the look
    await share_goals(svc)
    shown = (await opened(svc, ANNA, nudge_id))["text"]
    assert "Goal: Schulden op een rij" in shown and "Step: Post openen" in shown
    assert "Last check-ins:" in shown and shown.count("⏳ Not yet") == 3
    assert "not yet" in shown  # the rule that fired, in plain words
    looks = [a for a in await audits(svc, "view") if a.scope == Scope.GOALS]
    assert [a.outcome for a in looks] == ["ok"]


async def test_a_stall_of_unanswered_prompts_only_says_the_client_has_not_responded(world, clock):
    svc = world
    goal = await goals.create_goal(
        svc, SAM, domain=Domain.WONEN, title="Een kamer", step="Bellen", weekday=1, at=time(10)
    )
    clock.advance(days=1)
    for _ in range(2):  # two prompts, neither answered within 48 hours
        await goals.open_checkin(svc, SAM, goal.id)
        clock.advance(days=3)
    clock.current = utc(2026, 4, 20, 8, 0)  # a Monday morning, working time
    [stalled] = await goals.sweep_stalls(svc)
    assert set(stalled.reasons) == {"missed"}
    await nudges.notify_nudges(svc)
    [(_, payload)] = await nudges_to(svc, ANNA)
    assert payload["text"].splitlines()[0] == "⏸ Sam has not responded for a while."
    assert "Een kamer" not in payload["text"] and "Bellen" not in payload["text"]


async def test_a_digest_without_consent_names_each_client_once_and_counts_nothing(world, clock):
    svc = world
    clock.current = utc(2026, 4, 11, 10, 0)  # Saturday: everything waits for Monday's digest
    first = await stall(svc, title="Schulden op een rij")
    await stall(svc, title="Elke dag wandelen")
    await client_of(svc, 502, "Kim Bakker")
    await share_goals(svc, client=502)
    kims = await stall(svc, title="Kim haar doel", client=502)
    await nudges.notify_nudges(svc)
    clock.current = utc(2026, 4, 13, 7, 0)  # Monday 09:00
    await nudges.notify_nudges(svc)
    [(kind, payload)] = await nudges_to(svc, ANNA)
    assert kind == "nudge_digest"
    assert payload["text"].splitlines()[:3] == [
        "2 messages about your clients:",
        "1. A goal of Sam is stuck. Ask how things are going.",
        "2. Kim: Kim haar doel",
    ]
    assert "Schulden" not in payload["text"] and "wandelen" not in payload["text"]
    assert callback_data(payload) == [f"ndg:open:{first}", f"ndg:open:{kims}"]


async def test_the_overview_shows_numbers_only_with_goals_consent_and_nothing_to_an_involved_worker(world, clock):
    svc = world
    await stall(svc)
    await nudges.notify_nudges(svc)
    household = await team.household_of(svc, SAM)
    await team.add_to_team(svc, by_telegram_id=ANNA, household_id=household, worker_telegram_id=DIRK,
                           role=CareRole.INVOLVED)
    [sam] = (await nudges.overview(svc, ANNA)).rows
    assert (sam.shares_goals, sam.signal, sam.stalled_goals, sam.open_nudges, sam.days_since_contact) == (
        False, "stuck", 0, 0, None)
    [seen_by_dirk] = (await nudges.overview(svc, DIRK)).rows
    assert (seen_by_dirk.signal, seen_by_dirk.stalled_goals, seen_by_dirk.days_since_contact) == (None, 0, None)
    [seen_by_bram] = (await nudges.overview(svc, BRAM)).rows  # the backup: not before the nudge climbs to him
    assert seen_by_bram.signal is None
    clock.current = utc(2026, 4, 15, 8, 0)  # two working days without a response
    await nudges.notify_nudges(svc)
    [seen_by_bram] = (await nudges.overview(svc, BRAM)).rows
    assert seen_by_bram.signal == "stuck"
    await share_goals(svc)
    [sam] = (await nudges.overview(svc, ANNA)).rows
    assert (sam.shares_goals, sam.signal, sam.stalled_goals, sam.open_nudges, sam.days_since_contact) == (
        True, None, 1, 1, 2)  # Monday's answers, seen on Wednesday
    looks = [(a.actor, a.scope) for a in await audits(svc, "view")]
    anna, dirk = await _pseudonym(svc, ANNA), await _pseudonym(svc, DIRK)
    assert (anna, "status") in looks and (anna, Scope.GOALS) in looks
    assert all(actor != dirk for actor, _ in looks)  # Dirk was shown nothing of Sam, so nothing to audit


async def test_more_nudges_due_than_one_batch_all_climb_in_one_tick(world):
    """The ladder takes what is due in batches; a full batch means there may be more, so it goes on (a loop
    variable once shadowed the batch and ended the tick after the first one)."""
    svc = world
    ids = [await stall(svc, title=f"Doel {n}") for n in range(3)]
    await nudges.notify_nudges(svc, batch=2)  # two batches: 2, then 1
    for nudge_id in ids:
        assert (await nudge_row(svc, nudge_id)).rungs == "coordinating"
