"""Odd input never meets silence or a crash: a short friendly answer and the menu."""
import pytest

from tests.flows.test_onboarding import onboard_client


@pytest.mark.parametrize("kind", ["sticker", "photo", "voice", "location"])
async def test_odd_messages_get_an_answer_and_the_menu(chat, kind):
    sam = await onboard_client(chat(501, "Sam"))
    replies = await sam.send_kind(kind)
    assert "dat begrijp ik niet" in replies[-1].text.lower()
    assert "❓ Hulp" in sam.buttons()


async def test_unknown_text_gets_the_menu(chat):
    sam = await onboard_client(chat(501, "Sam"))
    replies = await sam.send("blablabla")
    assert "begrijp ik niet" in replies[-1].text and "❓ Hulp" in sam.buttons()


async def test_a_stranger_is_pointed_to_start(chat):
    replies = await chat(9, "Nieuw").send("hoi")
    assert "/start" in replies[-1].text


async def test_an_odd_message_during_a_question_keeps_the_question_open(chat):
    sam = chat(501, "Sam")
    await sam.send("/start")
    await sam.press("Verder")
    replies = await sam.send_kind("sticker")
    assert "korte tekst" in replies[-1].text
    replies = await sam.send("Sam")
    assert "Hoe laat" in replies[-1].text


async def test_an_edited_message_is_answered(chat, api, harness):
    sam = await onboard_client(chat(501, "Sam"))
    before = len(sam.messages())
    await api.process(harness.app, api.edit_user_message(501, 1, "anders"))
    assert "aangepast" in sam.messages()[before:][-1].text


async def test_a_forged_button_is_refused_and_audited(chat, harness):
    from sqlalchemy import select

    from bot.db.models import AuditEntry, Person

    sam = await onboard_client(chat(501, "Sam"))
    replies = await sam.press_data(sam.last().message_id, "inv:member:1")
    assert "werkt niet" in replies[-1].text
    replies = await sam.press_data(sam.last().message_id, "totally:bogus")
    assert "werkt niet meer" in replies[-1].text
    async with harness.services.unit() as session:
        pseudonym = (await session.execute(select(Person.pseudonym).where(Person.telegram_id == 501))).scalar_one()
        refused = (await session.execute(
            select(AuditEntry.actor, AuditEntry.scope, AuditEntry.outcome)
            .where(AuditEntry.action == "button.refused").order_by(AuditEntry.id))).all()
    # One row per forged button, naming Sam by pseudonym only; the invite button by what it tried.
    assert [tuple(row) for row in refused] == [(pseudonym, "invite", "denied"), (pseudonym, None, "denied")]


async def test_stop_pauses_reminders_and_start_resumes(chat):
    sam = await onboard_client(chat(501, "Sam"))
    replies = await sam.send("/stop")
    assert "geen herinneringen" in replies[-1].text
    assert "🔔 Herinneringen weer aan" in sam.buttons()
    replies = await sam.send("/start")
    assert "staan weer aan" in replies[-1].text


async def test_menu_and_stop_work_in_the_middle_of_a_flow(chat):
    sam = await onboard_client(chat(501, "Sam"))
    await sam.press("Mijn begeleider koppelen")
    replies = await sam.send("/menu")
    assert "Wat wil je doen" in replies[-1].text
    replies = await sam.send("ABCDEFGHJKMN")  # no longer in the code step: just unknown text
    assert "begrijp ik niet" in replies[-1].text


async def test_language_switch(chat):
    sam = await onboard_client(chat(501, "Sam"))
    await sam.send("/taal")
    replies = await sam.press("English")
    assert "speak English" in replies[-1].text
    assert "❓ Help" in sam.buttons()
    await sam.send("/taal")
    replies = await sam.press("Nederlands")
    assert "Nederlands" in replies[-1].text


async def test_a_group_chat_shows_nothing(chat, api, harness):
    await onboard_client(chat(501, "Sam"))
    await api.process(harness.app, api.send_text(501, "/menu", chat_id=-100123, chat_type="group"))
    group_messages = api.messages(-100123)
    assert len(group_messages) == 1 and "eigen gesprek" in group_messages[0].text
    assert group_messages[0].reply_markup is None


async def test_flooding_gets_a_friendly_slow_down(chat, harness):
    from bot.domain.ratelimit import TokenBucket

    sam = await onboard_client(chat(501, "Sam"))
    harness.app.bot_data["rate_window"] = TokenBucket(per_minute=60, burst=20)
    answers = []
    for _ in range(25):  # the clock stands still: the bucket does not refill
        answers += await sam.send("hoi")
    assert sum("veel berichten" in m.text for m in answers) == 1


async def test_a_button_pressed_in_a_flood_is_still_answered(chat, harness, api):
    from bot.config import Settings
    from bot.domain.ratelimit import TokenBucket

    sam = await onboard_client(chat(501, "Sam"))
    fields = Settings.model_fields  # the limit as it is in production; the test settings switch it off
    harness.app.bot_data["rate_window"] = TokenBucket(fields["rate_limit_per_minute"].default,
                                                      fields["rate_limit_burst"].default)
    for _ in range(40):  # on a frozen clock: forty messages in no time at all
        await sam.send("hoi")
    answered = len(api.callback_answers)
    replies = await sam.press("Hoe gaat het met mij")
    assert replies == []  # the flood stops the button's work...
    [answer] = api.callback_answers[answered:]  # ...but not its answer: the spinner stops, with a short line
    assert answer["text"] == "Te snel. Wacht even en tik dan opnieuw."
