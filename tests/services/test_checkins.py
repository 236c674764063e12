from datetime import UTC, datetime, time

from sqlalchemy import func, select

from bot.db.models import OutboxMessage, PhaseCheckin
from bot.domain.consent import Scope
from bot.domain.plans import Phase
from bot.domain.roles import Role
from bot.domain.schedule import Rhythm
from bot.services import checkins, consent, invites, people


async def client_with_worker(svc, *, alerts: bool):
    created = await invites.create_invite(svc, role=Role.WORKER)
    await invites.redeem_invite(svc, code=created.code, telegram_id=900, chat_id=900, locale="nl")
    await people.set_name(svc, 900, "Anna")
    code = (await invites.create_invite(svc, role=Role.CLIENT, by_telegram_id=900)).code
    result = await invites.redeem_invite(svc, code=code, telegram_id=501, chat_id=501, locale="nl")
    await people.set_name(svc, 501, "Sam")
    await people.finish_onboarding(svc, 501)
    worker = (await consent.viewers(svc, 501))[0]
    if alerts:
        await consent.set_consent(
            svc, client_telegram_id=501, viewer_id=worker.viewer_id, scope=Scope.ALERTS, granted=True
        )
    return result.person


async def outbox_kinds(svc, kind):
    async with svc.unit() as session:
        return (
            await session.execute(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == kind))
        ).scalar_one()


async def test_red_alerts_the_worker_only_with_consent(svc):
    await client_with_worker(svc, alerts=False)
    result = await checkins.record_phase(svc, 501, Phase.RED)
    assert result.alerted == () and await outbox_kinds(svc, "alert") == 0


async def test_red_alerts_the_worker_at_once_with_consent(svc, clock):
    await client_with_worker(svc, alerts=True)
    clock.current = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)  # a Sunday night: red does not wait
    result = await checkins.record_phase(svc, 501, Phase.RED)
    assert result.alerted == ("Anna",) and await outbox_kinds(svc, "alert") == 1
    await checkins.record_phase(svc, 501, Phase.RED)  # a second red the same day does not ring twice
    assert await outbox_kinds(svc, "alert") == 1


async def test_orange_asks_before_telling_without_consent(svc):
    await client_with_worker(svc, alerts=False)
    result = await checkins.record_phase(svc, 501, Phase.ORANGE)
    assert not result.alerts_allowed and await outbox_kinds(svc, "orange") == 0
    assert await checkins.tell_worker(svc, 501, Phase.ORANGE, this_once=False) is None
    assert await checkins.tell_worker(svc, 501, Phase.ORANGE, this_once=True) == "Anna"
    assert await outbox_kinds(svc, "orange") == 1


async def test_prompts_come_from_the_database_once_per_slot(svc, clock):
    await people.start_as_client(svc, telegram_id=501, chat_id=501, locale="nl")
    await people.set_checkin_time(svc, 501, time(10))
    await people.finish_onboarding(svc, 501)
    assert await checkins.queue_due_prompts(svc) == 0  # 08:00 UTC on 28 March is 09:00 local: not yet
    clock.advance(hours=1)
    assert await checkins.queue_due_prompts(svc) == 1
    assert await checkins.queue_due_prompts(svc) == 0  # a tick run twice queues nothing new
    clock.advance(days=1)  # over the DST change: 10:00 local is now 08:00 UTC
    assert await checkins.queue_due_prompts(svc) == 1
    async with svc.unit() as session:
        from bot.db.models import Person

        person = (await session.execute(select(Person).where(Person.telegram_id == 501))).scalar_one()
    assert person.next_checkin_at == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)


async def test_paused_or_off_gets_no_prompt(svc, clock):
    await people.start_as_client(svc, telegram_id=501, chat_id=501, locale="nl")
    await people.set_checkin_time(svc, 501, time(10))
    await people.set_reminders_paused(svc, 501, True)
    clock.advance(days=1)
    assert await checkins.queue_due_prompts(svc) == 0
    await people.set_reminders_paused(svc, 501, False)
    await checkins.set_rhythm(svc, 501, rhythm=Rhythm.OFF)
    clock.advance(days=1)
    assert await checkins.queue_due_prompts(svc) == 0


async def test_history_keeps_every_check_in(svc, clock):
    await people.start_as_client(svc, telegram_id=501, chat_id=501, locale="nl")
    for phase in (Phase.GREEN, Phase.YELLOW, Phase.RED):
        await checkins.record_phase(svc, 501, phase)
        clock.advance(days=1)
    assert [p for _, p in await checkins.history(svc, 501)] == [Phase.GREEN, Phase.YELLOW, Phase.RED]
    clock.advance(days=30)
    assert await checkins.history(svc, 501) == []
    async with svc.unit() as session:
        assert (await session.execute(select(func.count()).select_from(PhaseCheckin))).scalar_one() == 3
