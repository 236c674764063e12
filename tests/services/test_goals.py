from datetime import UTC, datetime, time

import pytest
from sqlalchemy import func, select

from bot.db.models import GoalEvent, Nudge, OutboxMessage
from bot.domain.goals import Answer, Domain, GoalStatus, StallReason
from bot.domain.roles import Role
from bot.services import goals, invites, people
from bot.services.base import NotAllowed


async def client(svc, telegram_id=501, name="Sam"):
    await people.start_as_client(svc, telegram_id=telegram_id, chat_id=telegram_id, locale="nl")
    await people.set_name(svc, telegram_id, name)
    await people.finish_onboarding(svc, telegram_id)


async def count(svc, model, *where):
    async with svc.unit() as session:
        return (await session.execute(select(func.count()).select_from(model).where(*where))).scalar_one()


async def prompt_ids(svc):
    async with svc.unit() as session:
        rows = (
            await session.execute(
                select(OutboxMessage).where(OutboxMessage.kind == "goal_checkin").order_by(OutboxMessage.id)
            )
        ).scalars()
        from bot import outbox

        return [int((await outbox.render_row(svc, session, r))["buttons"][0][0][1].split(":")[2]) for r in rows]


async def test_a_goal_is_prompted_weekly_and_answered(svc, clock):
    await client(svc)
    # Saturday 28 March 2026 08:00 UTC; the check-in is on Mondays at 10:00 local.
    goal = await goals.create_goal(svc, 501, domain=Domain.FINANCIEN, title="Schulden op een rij", why="Rust",
                                   step="Post openen", weekday=1, at=time(10))
    assert goal.next_checkin_at == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # 10:00 CEST
    clock.current = datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    assert await goals.queue_goal_prompts(svc) == 1
    assert await goals.queue_goal_prompts(svc) == 0
    [checkin_id] = await prompt_ids(svc)
    answered = await goals.answer_checkin(svc, 501, checkin_id, Answer.DONE)
    assert answered.goal.status == GoalStatus.ACTIVE
    await goals.add_note(svc, 501, checkin_id, text="Ging goed", voice_file_id="voice-123")


async def test_three_times_not_yet_stalls_once_and_progress_ends_the_episode(svc, clock):
    await client(svc)
    goal = await goals.create_goal(svc, 501, domain=Domain.WONEN, title="Huis", step="Bellen", weekday=1, at=time(10))
    for _ in range(3):
        checkin_id = await goals.open_checkin(svc, 501, goal.id)
        await goals.answer_checkin(svc, 501, checkin_id, Answer.NOT_YET)
        clock.advance(days=1)
    [stall] = await goals.sweep_stalls(svc)
    assert stall.reasons == (StallReason.NOT_YET,)
    clock.advance(hours=1)
    assert await goals.sweep_stalls(svc) == []  # one episode, one nudge
    assert await count(svc, Nudge) == 1
    assert await count(svc, OutboxMessage, OutboxMessage.kind == "stall") == 1
    checkin_id = await goals.open_checkin(svc, 501, goal.id)
    await goals.answer_checkin(svc, 501, checkin_id, Answer.PARTLY)
    clock.advance(hours=1)
    assert await goals.sweep_stalls(svc) == []  # progress: no stall now
    for _ in range(3):
        checkin_id = await goals.open_checkin(svc, 501, goal.id)
        await goals.answer_checkin(svc, 501, checkin_id, Answer.NOT_YET)
    clock.advance(hours=1)  # each goal is looked at about once an hour
    assert len(await goals.sweep_stalls(svc)) == 1  # a new episode after progress
    assert await count(svc, Nudge) == 2


async def test_28_days_without_progress_stalls_not_27(svc, clock):
    await client(svc)
    await goals.create_goal(svc, 501, domain=Domain.GEZONDHEID, title="Bewegen", weekday=1, at=time(10))
    clock.advance(days=27, hours=23, minutes=59)
    assert await goals.sweep_stalls(svc) == []
    clock.advance(minutes=1)  # exactly 28 days: the goal's next look is due now, not within the hour
    [stall] = await goals.sweep_stalls(svc)
    assert StallReason.NO_PROGRESS in stall.reasons


async def test_paused_goals_do_not_stall_and_history_is_kept(svc, clock):
    await client(svc)
    goal = await goals.create_goal(svc, 501, domain=Domain.SOCIAAL, title="Vrienden", weekday=1, at=time(10))
    await goals.set_status(svc, 501, goal.id, GoalStatus.PAUSED)
    clock.advance(days=60)
    assert await goals.sweep_stalls(svc) == []
    await goals.set_status(svc, 501, goal.id, GoalStatus.ACTIVE)
    await goals.change_goal(svc, 501, goal.id, step="Eén vriend appen")
    await goals.set_status(svc, 501, goal.id, GoalStatus.REACHED)
    kinds = [e.kind async for e in _events(svc)]
    assert kinds == ["created", "paused", "active", "changed", "reached"]


async def _events(svc):
    async with svc.unit() as session:
        for event in (await session.execute(select(GoalEvent).order_by(GoalEvent.id))).scalars():
            yield event


async def test_a_proposed_goal_is_active_only_after_the_client_accepts(svc):
    created = await invites.create_invite(svc, role=Role.WORKER)
    await invites.redeem_invite(svc, code=created.code, telegram_id=900, chat_id=900, locale="nl")
    code = (await invites.create_invite(svc, role=Role.CLIENT, by_telegram_id=900)).code
    sam = (await invites.redeem_invite(svc, code=code, telegram_id=501, chat_id=501, locale="nl")).person
    proposed = await goals.propose_goal(svc, 900, sam.id, domain=Domain.FINANCIEN, title="Budgetcoach")
    assert proposed.status == GoalStatus.PROPOSED and proposed.next_checkin_at is None
    accepted = await goals.decide_proposal(svc, 501, proposed.id, accept=True)
    assert accepted.status == GoalStatus.ACTIVE and accepted.next_checkin_at is not None


async def test_a_forged_goal_id_is_refused(svc):
    await client(svc, 501, "Sam")
    await client(svc, 502, "Kim")
    kims = await goals.create_goal(svc, 502, domain=Domain.WONEN, title="Kim's doel", weekday=1, at=time(10))
    with pytest.raises(NotAllowed):
        await goals.set_status(svc, 501, kims.id, GoalStatus.STOPPED)
    with pytest.raises(NotAllowed):
        await goals.open_checkin(svc, 501, kims.id)


async def test_a_household_goal_is_shared_by_its_members(svc):
    created = await invites.create_invite(svc, role=Role.WORKER)
    await invites.redeem_invite(svc, code=created.code, telegram_id=900, chat_id=900, locale="nl")
    code = (await invites.create_invite(svc, role=Role.CLIENT, by_telegram_id=900)).code
    await invites.redeem_invite(svc, code=code, telegram_id=501, chat_id=501, locale="nl")
    [household] = await people.coordinated_households(svc, 900)
    code = (
        await invites.create_invite(svc, role=Role.CLIENT, by_telegram_id=900, household_id=household.household_id)
    ).code
    await invites.redeem_invite(svc, code=code, telegram_id=502, chat_id=502, locale="nl")
    shared = await goals.create_goal(
        svc, 501, domain=Domain.WONEN, title="Samen een huis", weekday=1, at=time(10), household=True
    )
    own = await goals.create_goal(svc, 501, domain=Domain.GEZONDHEID, title="Eigen doel", weekday=1, at=time(10))
    assert [g.id for g in await goals.my_goals(svc, 502)] == [shared.id]
    assert {g.id for g in await goals.my_goals(svc, 501)} == {shared.id, own.id}
