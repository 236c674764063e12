"""Goals through the chat: a client makes a goal step by step, answers the prompts, gets a gentle message when
it stalls, pauses, resumes and reaches it; forged buttons are refused; a restart keeps the answers so far.

The Dutch catalog does not have these texts yet, so each client switches to English first (/taal)."""
from datetime import UTC, datetime, time

import pytest
from sqlalchemy import select, update

from bot import outbox
from bot.db.models import Goal, GoalCheckin, Person
from bot.domain.goals import Answer, Domain, GoalStatus
from bot.i18n import translator
from bot.render.goal_chart import goals_png
from bot.scheduler import tick
from bot.services import goals
from bot.services.goals import GoalView
from tests.flows.test_checkin import client_and_worker
from tests.flows.test_onboarding import onboard_client


async def english(sam):
    await sam.send("/taal")
    await sam.press("English")
    return sam


async def client(chat, user_id=501, name="Sam"):
    return await english(await onboard_client(chat(user_id, name), name=name))


async def goal_rows(harness):
    async with harness.services.unit() as session:
        return list((await session.execute(select(Goal).order_by(Goal.id))).scalars())


async def checkins(harness, goal_id):
    async with harness.services.unit() as session:
        return list((await session.execute(
            select(GoalCheckin).where(GoalCheckin.goal_id == goal_id).order_by(GoalCheckin.id))).scalars())


async def quick_goal(harness, telegram_id=501, title="Walk every day", step="Walk to the corner", **extra):
    return await goals.create_goal(harness.services, telegram_id, domain=Domain.GEZONDHEID, title=title,
                                   step=step, weekday=1, at=time(10), **extra)


async def test_a_client_makes_a_goal_step_by_step_and_answers_the_prompt(chat, harness):
    sam = await client(chat)
    replies = await sam.send("/doelen")
    assert "You have no goals yet" in replies[-1].text and "➕ New goal" in sam.buttons()
    replies = await sam.press("New goal")
    assert "Which part of your life" in replies[-1].text and "💶 Money" in sam.buttons()
    replies = await sam.send("money please")  # a question with buttons only
    assert "Please choose a button" in replies[-1].text and "Which part of your life" in replies[-1].text
    replies = await sam.press("Money")
    assert "What do you want to reach? In your own words." in replies[-1].text
    replies = await sam.send_kind("sticker")
    assert "short text" in replies[-1].text
    replies = await sam.send(
        "Get my debts in order. " * 250
    )  # 5,749 characters after the last space: the first part is kept
    assert "has 5,749 characters. An answer can have at most 500." in replies[-1].text
    assert "Why does it matter to you?" in replies[-1].text
    replies = await sam.press("Back")
    assert "What do you want to reach" in replies[-1].text and "Now: Get my debts in order." in replies[-1].text
    assert {"⬅️ Back", "Next ➡️", "💾 Continue later"} <= set(sam.buttons())
    replies = await sam.send("Get my debts in order")
    assert "Why does it matter to you?" in replies[-1].text and "⏭ Skip" in sam.buttons()
    replies = await sam.send_kind("photo")
    assert "short text" in replies[-1].text
    replies = await sam.send("skip")  # the label of a button on screen, typed: the same as tapping it
    assert "What is a first small step?" in replies[-1].text and "⏭ Skip" in sam.buttons()
    replies = await sam.send("Open my post")
    assert "By when" in replies[-1].text and "like 27-6-2026" in replies[-1].text  # 91 days from Saturday 28 March
    replies = await sam.send("31-02-2027")
    assert "I do not understand that date" in replies[-1].text
    replies = await sam.send("01-01-2020")
    assert "already passed" in replies[-1].text
    replies = await sam.send("12 maart 2027")
    assert "On which day" in replies[-1].text and "Monday" in sam.buttons()
    replies = await sam.press_data(sam.last().message_id, "goal:dom:wonen")  # an earlier question's button
    assert "another question" in replies[-1].text and "On which day" in replies[-1].text
    replies = await sam.press("Monday")
    assert "At what time?" in replies[-1].text and "09:00" in sam.buttons()
    replies = await sam.send("25:00")
    assert "did not understand that time" in replies[-1].text
    replies = await sam.send("10:00")
    assert "How often shall I ask?" in replies[-1].text
    replies = await sam.press("Every week")
    # Sam is on their own: no household question. Saturday 28 March: the first check-in is Monday 10:00.
    assert "Saved! Your goal: Get my debts in order" in replies[-1].text
    assert "Monday 30 March at 10:00" in replies[-1].text
    [goal] = await goal_rows(harness)
    assert (goal.domain, goal.title, goal.why, goal.step) == (
        Domain.FINANCIEN,
        "Get my debts in order",
        None,
        "Open my post",
    )
    assert goal.target_date.isoformat() == "2027-03-12" and goal.client_id is not None
    assert (goal.checkin_weekday, goal.checkin_time, goal.every_weeks) == (1, time(10), 1)

    replies = await sam.send("/doelen")
    assert "💶 Money" in replies[-1].text and "Step now: Open my post" in replies[-1].text

    harness.clock.advance(days=2)  # Monday 30 March, 10:00 in Amsterdam
    await tick(harness.services, harness.app)
    assert any('How did it go with your step "Open my post"?' in text for text in sam.texts())
    replies = await sam.press("✅ It worked")
    assert "Great that it worked" in replies[-1].text and "short note" in replies[-1].text
    replies = await sam.send("I opened three letters")
    assert "I saved your note" in replies[-1].text and "What is your next small step?" in replies[-1].text
    replies = await sam.send("Call the bank")
    assert "Your new step: Call the bank" in replies[-1].text
    [answered] = await checkins(harness, goal.id)
    assert (answered.answer, answered.note, answered.voice_file_id) == (Answer.DONE, "I opened three letters", None)
    [goal] = await goal_rows(harness)
    assert goal.step == "Call the bank"
    replies = await sam.send("Some words nobody asked for")  # the conversation ended: no note, no step
    assert "did not understand" in replies[-1].text
    assert (await checkins(harness, goal.id))[0].note == "I opened three letters"


async def test_a_voice_note_is_stored_as_its_file_id(chat, harness):
    sam = await client(chat)
    goal = await quick_goal(harness)
    await sam.send("/doelen")
    replies = await sam.press("Walk every day")
    assert "Step now: Walk to the corner" in replies[-1].text and "✅ Check in now" in sam.buttons()
    replies = await sam.press("Check in now")
    assert 'How did it go with your step "Walk to the corner"?' in replies[-1].text
    replies = await sam.press("A little")
    assert "A little is also a step" in replies[-1].text
    replies = await sam.send_kind("voice")
    assert "I saved your voice message" in replies[-1].text
    assert "What is your next small step" not in replies[-1].text  # that question is only after "done"
    [answered] = await checkins(harness, goal.id)
    assert answered.answer == Answer.PARTLY and answered.note is None
    assert answered.voice_file_id and len(answered.voice_file_id) > 5


async def test_not_yet_three_times_brings_a_gentle_message_and_a_smaller_step(chat, harness):
    sam = await client(chat)
    goal = await quick_goal(harness)
    for _ in range(3):
        await sam.send("/doelen")
        await sam.press("Walk every day")
        await sam.press("Check in now")
        replies = await sam.press("Not yet")
        assert "That is okay" in replies[-1].text
        assert not any(word in replies[-1].text.lower() for word in ("fail", "should", "must"))
        await sam.press("Skip")
        harness.clock.advance(hours=1)
    assert len(await goals.sweep_stalls(harness.services)) == 1
    await outbox.deliver_due(harness.services, harness.app.bot)
    assert "is not moving right now. That happens, and it is normal." in sam.last().text
    replies = await sam.send("/doelen")
    assert "⚠️" in replies[-1].text and "⚠️ Walk every day" in sam.buttons()
    replies = await sam.press("Make the step smaller")
    assert "What is a smaller step?" in replies[-1].text and "Step now: Walk to the corner" in replies[-1].text
    replies = await sam.send("Put on my shoes")
    assert "Your new step: Put on my shoes" in replies[-1].text
    [row] = await goal_rows(harness)
    assert row.step == "Put on my shoes" and row.stall_since is None
    assert [c.answer for c in await checkins(harness, goal.id)] == [Answer.NOT_YET] * 3


async def test_pause_resume_stop_and_reached(chat, harness):
    sam = await client(chat)
    await quick_goal(harness)
    await quick_goal(harness, title="Meet a friend", step="Send Kim a message")
    await sam.send("/doelen")
    await sam.press("Walk every day")
    replies = await sam.press("Pause")
    assert "Paused" in replies[-1].text and "▶️ Resume" in sam.buttons() and "✅ Check in now" not in sam.buttons()
    replies = await sam.send("/doelen")
    assert "⏸ Paused" in replies[-1].text
    await sam.press("Walk every day")
    replies = await sam.press("Resume")
    assert "Good to have this goal back" in replies[-1].text and "Next time:" in replies[-1].text
    replies = await sam.press("Reached")
    assert "You reached your goal" in replies[-1].text and "🏁 Reached" in replies[-1].text
    assert "⏸ Pause" not in sam.buttons()
    replies = await sam.press_data(sam.last().message_id, f"goal:pause:{(await goal_rows(harness))[0].id}")
    assert "This goal is closed" in replies[-1].text

    await sam.send("/doelen")
    await sam.press("Meet a friend")
    replies = await sam.press("Stop")
    assert "Do you want to stop" in replies[-1].text
    replies = await sam.press("No, keep it")
    assert "Status: ▶️ Active" in replies[-1].text
    await sam.press("Stop")
    replies = await sam.press("Yes, stop it")
    assert "I stopped this goal" in replies[-2].text and "You have no goals yet" in replies[-1].text
    assert [g.status for g in await goal_rows(harness)] == [GoalStatus.REACHED, GoalStatus.STOPPED]

    replies = await sam.press("Chart")
    assert replies[-1].kind == "photo" and replies[-1].file_bytes.startswith(b"\x89PNG")


async def test_forged_buttons_of_another_client_are_refused(chat, harness):
    sam = await client(chat)
    await onboard_client(chat(502, "Kim"), name="Kim")
    kims = await quick_goal(harness, telegram_id=502, title="Kim's own goal")
    kims_checkin = await goals.open_checkin(harness.services, 502, kims.id)
    replies = await sam.press_data(sam.last().message_id, f"goal:open:{kims.id}")
    assert "This button no longer works" in replies[-1].text and "Kim's own goal" not in replies[-1].text
    replies = await sam.press_data(sam.last().message_id, f"gchk:done:{kims_checkin}")
    assert "This button no longer works" in replies[-1].text
    replies = await sam.press_data(sam.last().message_id, f"gstall:pause:{kims.id}")
    assert "This button no longer works" in replies[-1].text
    replies = await sam.press_data(sam.last().message_id, "gchk:maybe:1")
    assert "This button no longer works" in replies[-1].text
    [row] = await checkins(harness, kims.id)
    assert row.answer is None
    [kim_goal] = await goal_rows(harness)
    assert kim_goal.status == GoalStatus.ACTIVE


async def test_a_restart_in_the_middle_keeps_the_answers(chat, harness):
    sam = await client(chat)
    await sam.send("/doelen")
    await sam.press("New goal")
    await sam.press("Housing")
    replies = await sam.send("A quiet home")
    assert "Why does it matter" in replies[-1].text
    await harness.restart()
    replies = await sam.send("I need rest")
    assert "What is a first small step?" in replies[-1].text
    replies = await sam.send("/menu")  # walk away ...
    replies = await sam.send("/doelen")
    replies = await sam.press("New goal")  # ... and come back
    assert "Do you want to go on where you stopped?" in replies[-1].text
    replies = await sam.press("Go on")
    assert "What is a first small step?" in replies[-1].text
    await sam.send("Look at one room")
    await sam.press("Skip")
    await sam.press("Thursday")
    await sam.press("20:00")
    replies = await sam.press("Every two weeks")
    assert "Saved! Your goal: A quiet home" in replies[-1].text
    [goal] = await goal_rows(harness)
    assert (goal.title, goal.why, goal.step, goal.target_date) == (
        "A quiet home",
        "I need rest",
        "Look at one room",
        None,
    )
    assert (goal.checkin_weekday, goal.checkin_time, goal.every_weeks) == (4, time(20), 2)
    await sam.send("/doelen")
    replies = await sam.press("New goal")
    assert "Which part of your life" in replies[-1].text  # the answers were used up: a fresh start


async def test_a_household_goal_is_asked_when_others_live_there(chat, harness):
    sam = await client(chat)
    await onboard_client(chat(502, "Kim"), name="Kim")
    async with harness.services.unit() as session:
        sam_row = (await session.execute(select(Person).where(Person.telegram_id == 501))).scalar_one()
        await session.execute(update(Person).where(Person.telegram_id == 502).values(household_id=sam_row.household_id))
        await session.commit()
    await sam.send("/doelen")
    await sam.press("New goal")
    await sam.press("Safety and justice")
    await sam.send("No more fines")
    await sam.press("Skip")
    await sam.send("Pay one fine")
    await sam.press("Skip")
    await sam.press("Friday")
    await sam.press("12:00")
    replies = await sam.press("Every week")
    assert "question 9 of 9" in replies[-1].text and "just for you, or for the whole household?" in replies[-1].text
    replies = await sam.press("For the whole household")
    assert "Saved! Your goal: No more fines" in replies[-1].text
    [goal] = await goal_rows(harness)
    assert goal.client_id is None and goal.domain == Domain.VEILIGHEID
    replies = await chat(502, "Kim").send("/doelen")  # Kim sees the household's goal too
    assert "No more fines" in replies[-1].text


async def test_asking_the_worker_to_get_in_touch(chat, harness):
    sam, anna = await client_and_worker(chat, harness, share_alerts=False)
    await english(sam)
    goal = await quick_goal(harness)
    before = len(anna.messages())
    replies = await sam.press_data(sam.last().message_id, f"gstall:worker:{goal.id}")
    assert "I have asked Anna to get in touch with you" in replies[-1].text
    assert anna.messages()[before:] == []  # Saturday: a contact request waits for working hours
    harness.clock.current = datetime(2026, 3, 30, 7, 30, tzinfo=UTC)  # Monday 09:30: working hours
    await outbox.deliver_due(harness.services, harness.app.bot)
    assert any("Sam" in m.text for m in anna.messages()[before:])  # in Anna's own language

    await onboard_client(chat(502, "Kim"), name="Kim")
    kim = await english(chat(502, "Kim"))
    kims = await quick_goal(harness, telegram_id=502)
    replies = await kim.press_data(kim.last().message_id, f"gstall:worker:{kims.id}")
    assert "no worker linked" in replies[-1].text and "🪜 Make the step smaller" in kim.buttons()


async def test_a_proposal_is_accepted_or_declined_by_the_client(chat, harness):
    sam, _anna = await client_and_worker(chat, harness, share_alerts=False)
    await english(sam)
    async with harness.services.unit() as session:
        sam_id = (await session.execute(select(Person.id).where(Person.telegram_id == 501))).scalar_one()
    first = await goals.propose_goal(
        harness.services, 900, sam_id, domain=Domain.DAGACTIVITEITEN, title="Join the garden group"
    )
    await goals.propose_goal(harness.services, 900, sam_id, domain=Domain.WONEN, title="Paint the kitchen")
    await outbox.deliver_due(harness.services, harness.app.bot)
    replies = await sam.press_data(sam.messages()[-2].message_id, f"goal:accept:{first.id}")
    assert "The goal is yours now" in replies[-1].text and "Join the garden group" in replies[-1].text
    replies = await sam.press("No, thank you")
    assert "I did not add this goal" in replies[-1].text
    replies = await sam.press_data(sam.last().message_id, f"goal:accept:{first.id}")
    assert "already answered" in replies[-1].text
    assert [g.status for g in await goal_rows(harness)] == [GoalStatus.ACTIVE, GoalStatus.STOPPED]


@pytest.mark.parametrize("count", [0, 1, 30])
def test_the_goals_chart_draws_any_number_of_goals(count):
    views = [
        GoalView(i, list(Domain)[i % 7], f"Goal {i}", None, None, None,
                 GoalStatus.REACHED if i % 4 == 0 else GoalStatus.ACTIVE, False, 1, 1, time(10), 1, None, False)
        for i in range(1, count + 1)
    ]
    histories = {v.id: [(datetime(2026, 3, d, 9, tzinfo=UTC), [Answer.DONE, None, Answer.NOT_YET][d % 3])
                        for d in range(1, 20, 6)] for v in views}
    png = goals_png(views, histories, translator("en"))
    assert png.startswith(b"\x89PNG")


async def test_every_question_of_the_goal_form_has_back_skip_where_it_fits_and_later(chat, harness):
    sam = await client(chat)
    await sam.send("/doelen")
    seen = {}
    replies = await sam.press("New goal")
    answers = [("press", "Money"), ("send", "Pay my rent on time"), ("send", "skip"), ("send", "skip"),
               ("send", "skip"), ("press", "Friday"), ("press", "17:00"), ("press", "Every two weeks")]
    for kind, answer in answers:
        question = replies[-1].text.split("\n")[0]
        seen[question] = set(sam.buttons())
        replies = await (sam.press(answer) if kind == "press" else sam.send(answer))
    assert len(seen) == 8 and all("💾 Continue later" in buttons for buttons in seen.values())
    assert [("⬅️ Back" in b) for b in seen.values()] == [False] + [True] * 7
    assert [("⏭ Skip" in b) for b in seen.values()] == [False, False, True, True, True, False, False, False]
    [goal] = await goal_rows(harness)
    assert (goal.title, goal.why, goal.step, goal.target_date, goal.checkin_weekday) == (
        "Pay my rent on time", None, None, None, 5)


async def test_continue_later_keeps_the_answers_and_back_changes_one(chat, harness):
    sam = await client(chat)
    await sam.send("/doelen")
    await sam.press("New goal")
    await sam.press("Housing")
    await sam.send("A quiet home")
    await sam.send("So I can sleep")
    replies = await sam.press("Back")
    assert "Why does it matter" in replies[-1].text and "Now: So I can sleep" in replies[-1].text
    replies = await sam.send("So I can rest")
    assert "first small step" in replies[-1].text
    replies = await sam.press("Continue later")
    assert "Saved what you have so far" in replies[-1].text
    await harness.restart()
    await sam.send("/doelen")
    replies = await sam.press("New goal")
    assert "go on where you stopped" in replies[-1].text
    replies = await sam.press("Go on")
    assert "question 4 of 8" in replies[-1].text and "first small step" in replies[-1].text
    replies = await sam.press_data(sam.last().message_id, "goal:back:title")  # Back of another question
    assert "another question" in replies[-1].text and "question 4 of 8" in replies[-1].text
    await sam.send("Buy earplugs")
    await sam.send("in three months")  # by when: 91 days after Saturday 28 March
    await sam.press("Monday")
    await sam.press("09:00")
    await sam.press("Every week")
    [goal] = await goal_rows(harness)
    assert (goal.why, goal.step, goal.target_date.isoformat()) == ("So I can rest", "Buy earplugs", "2026-06-28")
