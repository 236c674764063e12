"""A worker proposes a goal through the chat from the client's page; the client decides. Forged buttons are
refused, odd input keeps the question, and a restart keeps the answers so far.

The Dutch catalog does not have these texts yet, so everyone switches to English first (/taal)."""
from sqlalchemy import select

from bot.db.models import Goal, Person
from bot.domain.goals import Domain, GoalStatus
from bot.domain.roles import Role
from bot.services import goals, invites, people
from tests.flows.test_checkin import client_and_worker

DIRK = 904


async def english(person):
    await person.send("/taal")
    await person.press("English")
    return person


async def linked(chat, harness):
    sam, anna = await client_and_worker(chat, harness, share_alerts=False)
    return await english(sam), await english(anna)


async def person_id(harness, telegram_id):
    async with harness.services.unit() as session:
        return (await session.execute(select(Person.id).where(Person.telegram_id == telegram_id))).scalar_one()


async def goal_rows(harness):
    async with harness.services.unit() as session:
        return list((await session.execute(select(Goal).order_by(Goal.id))).scalars())


async def open_propose(anna):
    await anna.send("/menu")
    await anna.press("My clients")
    replies = await anna.press("Sam")
    assert "Sam shares with you" in replies[-1].text and "🎯 Propose a goal" in anna.buttons()
    replies = await anna.press("Propose a goal")
    assert "A goal proposal for Sam" in replies[-1].text
    assert "Which part of life is this goal about?" in replies[-1].text and "💶 Money" in anna.buttons()
    return replies


async def test_the_worker_proposes_and_the_client_accepts(chat, harness):
    sam, anna = await linked(chat, harness)
    await open_propose(anna)
    replies = await anna.send("money please")  # a question with buttons only
    assert "Please choose a button" in replies[-1].text and "Which part of life" in replies[-1].text
    replies = await anna.press_data(anna.last().message_id, "wkp:skip")  # a later question's button
    assert "another question" in replies[-1].text and "Which part of life" in replies[-1].text
    replies = await anna.press("Money")
    assert "Write the goal as the client would say it." in replies[-1].text
    replies = await anna.send_kind("sticker")
    assert "short text" in replies[-1].text and "Write the goal as the client would say it." in replies[-1].text
    replies = await anna.send("   ")
    assert "empty answer" in replies[-1].text and "Write the goal" in replies[-1].text
    replies = await anna.send("x" * 501)
    assert "at most 500 characters" in replies[-1].text and "Write the goal" in replies[-1].text
    replies = await anna.press_data(anna.last().message_id, "wkp:dom:wonen")  # an earlier question's button
    assert "another question" in replies[-1].text and "Write the goal" in replies[-1].text
    replies = await anna.send("I want my  debts in order")
    assert "first small step" in replies[-1].text and "⏭ Skip" in anna.buttons()
    replies = await anna.send_kind("photo")
    assert "short text" in replies[-1].text and "first small step" in replies[-1].text
    assert await goal_rows(harness) == []
    before = len(sam.messages())
    replies = await anna.send("Open the post once a week")
    assert "I sent the proposal to Sam. It becomes active only when Sam accepts it." in replies[-1].text
    assert "I want my debts in order" in replies[-1].text and "Open the post once a week" in replies[-1].text
    assert "⬅️ Back to the client" in anna.buttons()

    [proposal] = sam.messages()[before:]  # delivered at once, not at the next tick
    assert "Anna proposes a goal for you" in proposal.text and "I want my debts in order" in proposal.text
    assert sam.api.buttons(proposal) == ["👍 Yes, I want it", "👎 No, thank you"]
    [goal] = await goals.my_goals(harness.services, 501)
    assert goal.status == GoalStatus.PROPOSED
    replies = await sam.press("Yes, I want it")
    assert "The goal is yours now" in replies[-1].text
    [goal] = await goals.my_goals(harness.services, 501)
    assert (goal.status, goal.domain, goal.title, goal.step) == (
        GoalStatus.ACTIVE, Domain.FINANCIEN, "I want my debts in order", "Open the post once a week")
    assert goal.next_checkin_at is not None
    [row] = await goal_rows(harness)
    assert row.proposed_by_id == await person_id(harness, 900)

    replies = await anna.send("Hello")  # the proposal is over: no question is waiting any more
    assert "Write the goal" not in replies[-1].text and "first small step" not in replies[-1].text


async def test_a_declined_proposal_is_stopped(chat, harness):
    sam, anna = await linked(chat, harness)
    await open_propose(anna)
    await anna.press("Social relations")
    await anna.send("See my sister again")
    before = len(sam.messages())
    replies = await anna.press("Skip")
    assert "I sent the proposal to Sam" in replies[-1].text
    assert "Step now" not in replies[-1].text
    assert len(sam.messages()[before:]) == 1
    replies = await sam.press("No, thank you")
    assert "I did not add this goal" in replies[-1].text
    assert await goals.my_goals(harness.services, 501) == []
    [goal] = await goals.my_goals(harness.services, 501, include_closed=True)
    assert (goal.status, goal.domain, goal.title, goal.step) == (
        GoalStatus.STOPPED, Domain.SOCIAAL, "See my sister again", None)


async def test_a_forged_proposal_button_is_refused(chat, harness):
    sam, anna = await linked(chat, harness)
    svc = harness.services
    code = (await invites.create_invite(svc, role=Role.WORKER)).code
    await invites.redeem_invite(svc, code=code, telegram_id=DIRK, chat_id=DIRK, locale="en")
    await people.set_name(svc, DIRK, "Dirk")
    await people.finish_onboarding(svc, DIRK)
    dirk = chat(DIRK, "Dirk")
    replies = await dirk.send("/menu")
    sam_id = await person_id(harness, 501)
    replies = await dirk.press_data(replies[-1].message_id, f"wk:propose:{sam_id}")  # Sam is not Dirk's client
    assert "This button does not work for you." in replies[-1].text
    replies = await dirk.send("Get a job")  # no question was opened
    assert "Write the goal" not in replies[-1].text
    replies = await dirk.press_data(dirk.last().message_id, "wk:propose:abc")
    assert "This button does not work for you." in replies[-1].text
    replies = await sam.press_data(sam.last().message_id, f"wk:propose:{sam_id}")  # a client is no worker
    assert "Write the goal" not in replies[-1].text and "Which part of life" not in replies[-1].text
    replies = await anna.press_data(anna.last().message_id, f"wk:propose:{await person_id(harness, 900)}")
    assert "This button does not work for you." in replies[-1].text  # Anna's own id is no client of hers
    replies = await anna.press_data(anna.last().message_id, "wkp:dom:wonen")  # outside a proposal: a stale button
    assert "This button no longer works" in replies[-1].text
    await open_propose(anna)
    replies = await anna.press_data(anna.last().message_id, "wkp:dom:castle")
    assert "This button no longer works" in replies[-1].text
    assert await goal_rows(harness) == []


async def test_a_restart_in_the_middle_keeps_the_answers(chat, harness):
    sam, anna = await linked(chat, harness)
    await open_propose(anna)
    await anna.press("Housing")
    await harness.restart()
    replies = await anna.send("A quiet home")
    assert "first small step" in replies[-1].text
    await harness.restart()
    before = len(sam.messages())
    replies = await anna.send("Look at one room")
    assert "I sent the proposal to Sam" in replies[-1].text
    [proposal] = sam.messages()[before:]
    assert "A quiet home" in proposal.text
    [goal] = await goals.my_goals(harness.services, 501)
    assert (goal.status, goal.domain, goal.title, goal.step) == (
        GoalStatus.PROPOSED, Domain.WONEN, "A quiet home", "Look at one room")


async def test_walking_away_ends_the_proposal_and_pressing_again_starts_fresh(chat, harness):
    _, anna = await linked(chat, harness)
    await open_propose(anna)
    await anna.press("Health")
    replies = await anna.press("Menu")
    assert "What would you like to do?" in replies[-1].text
    replies = await anna.send("Walk every day")  # not taken as the goal any more
    assert "first small step" not in replies[-1].text
    await open_propose(anna)  # a fresh start: the leefdomein is asked again
    await anna.press("Health")
    await anna.send("Walk every day")
    await anna.send("/menu")
    replies = await anna.send("Walk to the corner")
    assert "I sent the proposal" not in replies[-1].text
    assert await goal_rows(harness) == []
