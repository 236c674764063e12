"""/mijngegevens and /verwijderen through the real Application, as a client would use them (in English)."""
import json

from sqlalchemy import select

from bot.db.models import Person
from bot.domain.forms import Tool
from bot.domain.roles import Role
from bot.services import invites, people, tools

CLIENT = 501


async def english_client(svc, telegram_id=CLIENT, name="Sam"):
    await people.start_as_client(svc, telegram_id=telegram_id, chat_id=telegram_id, locale="en")
    await people.set_name(svc, telegram_id, name)
    await people.finish_onboarding(svc, telegram_id)
    await tools.update_draft(svc, telegram_id, Tool.CARD, {"what_helps": ["A quiet room"]}, 2)
    await tools.save_version(svc, telegram_id, Tool.CARD, finished=True)


async def due_at(harness, telegram_id=CLIENT):
    async with harness.services.unit() as session:
        return (
            await session.execute(select(Person.deletion_due_at).where(Person.telegram_id == telegram_id))
        ).scalar_one()


async def test_my_data_sends_a_json_file_and_a_pdf(chat, harness):
    await english_client(harness.services)
    sam = chat(CLIENT, "Sam")
    replies = await sam.send("/mijngegevens")
    documents = [m for m in replies if m.kind == "document"]
    assert [d.filename for d in documents] == ["houvast-gegevens.json", "houvast-gegevens.pdf"]
    data = json.loads(documents[0].file_bytes)
    assert data["person"]["name"] == "Sam"
    assert data["tables"]["tool_versions"][0]["content"] == {"what_helps": ["A quiet room"]}
    assert documents[1].file_bytes.startswith(b"%PDF")
    assert "🏠 Menu" in sam.buttons()


async def test_delete_confirm_then_undo(chat, harness, clock):
    await english_client(harness.services)
    sam = chat(CLIENT, "Sam")
    replies = await sam.send("/verwijderen")
    assert "7 days" in replies[-1].text and "not told" in replies[-1].text
    assert [row[0]["callback_data"] for row in replies[-1].reply_markup["inline_keyboard"]] == [
        "gdpr:confirm",
        "gdpr:cancel",
    ]
    assert await due_at(harness) is None  # asking deletes nothing

    replies = await sam.press("Yes, delete my account")
    due = await due_at(harness)
    assert due is not None and (due - clock.now()).days == 7
    assert "Saturday 4 April" in sam.last().text  # the date, in words
    assert "Undo" in " ".join(sam.buttons())

    replies = await sam.send("/verwijderen")  # again, while pending: offers to undo
    assert "Saturday 4 April" in replies[-1].text
    assert "↩️ Undo: keep my account" in sam.buttons()
    await sam.press("Undo")
    assert await due_at(harness) is None
    assert "Your account stays" in " ".join(sam.texts()[-2:])


async def test_no_keeps_the_account(chat, harness):
    await english_client(harness.services)
    sam = chat(CLIENT, "Sam")
    await sam.send("/verwijderen")
    await sam.press("No, keep it")
    assert await due_at(harness) is None
    assert "Nothing will be deleted" in " ".join(sam.texts()[-2:])


async def test_only_clients_get_their_data_this_way(chat, harness):
    created = await invites.create_invite(harness.services, role=Role.WORKER)
    await invites.redeem_invite(harness.services, code=created.code, telegram_id=900, chat_id=900, locale="en")
    await people.set_name(harness.services, 900, "Anna")
    await people.finish_onboarding(harness.services, 900)
    anna = chat(900, "Anna")
    for command in ("/mijngegevens", "/verwijderen"):
        replies = await anna.send(command)
        assert all(m.kind == "text" for m in replies)
        assert "➕ Invite a new client" in anna.buttons()  # just the menu
    stranger = chat(777, "Kim")
    replies = await stranger.send("/mijngegevens")
    assert all(m.kind == "text" for m in replies) and "/start" in replies[-1].text


async def test_a_forged_gdpr_button_is_refused(chat, harness):
    await english_client(harness.services)
    sam = chat(CLIENT, "Sam")
    replies = await sam.send("/verwijderen")
    await sam.press_data(replies[-1].message_id, "gdpr:nuke")
    assert await due_at(harness) is None
    assert "no longer works" in " ".join(sam.texts()[-2:])
