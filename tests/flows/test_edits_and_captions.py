"""Every step that waits for typed text also meets edited messages and photos with a caption. An edit carries
no `update.message` (it is `update.edited_message`), so a text handler that reads the message would crash: the
edit is answered with one line and the step stays open; a caption is not taken as the answer."""
import pytest

from bot.domain.roles import Role
from bot.services import invites
from tests.flows.test_onboarding import onboard_client

EDITED = "Je hebt een bericht aangepast. Ik lees alleen nieuwe berichten. Stuur het nog een keer."
FAILED = "iets mis"  # the error handler's line: must never appear


async def edit_and_caption(sam, api, harness):
    """Edit Sam's first message, then send a photo with a caption; return all replies."""
    first = next(m for m in api._raw.values() if m.get("from", {}).get("id") == sam.user_id)
    edited = await sam._feed(api.edit_user_message(sam.user_id, first["message_id"], "20:00"))
    captioned = await sam._feed(api.send_photo(sam.user_id, caption="20:00"))
    return edited, captioned


async def test_an_edit_during_the_check_in_time_question_does_not_crash(chat, api, harness):
    sam = chat(501, "Sam")
    await sam.send("/start")
    await sam.press("Verder")
    await sam.send("Sam")  # now the time question (onboarding.on_time_text) waits
    edited, captioned = await edit_and_caption(sam, api, harness)
    assert [m.text for m in edited] == [EDITED]
    assert "korte tekst" in captioned[-1].text
    assert not any(FAILED in m.text for m in sam.messages())
    replies = await sam.send("8:30")  # the question is still open
    assert "Klaar, Sam" in replies[-1].text


async def test_an_edit_or_caption_in_a_form_step_is_not_an_answer(chat, api, harness):
    sam = await onboard_client(chat(501, "Sam"))
    await sam.press("Mijn crisiskaart")
    await sam.press("Invullen")
    edited, captioned = await edit_and_caption(sam, api, harness)
    assert [m.text for m in edited] == [EDITED] and "korte tekst" in captioned[-1].text
    replies = await sam.send("Sam de Vries")
    assert "geboortedatum" in replies[-1].text  # the name question took the next real answer


@pytest.mark.parametrize("where", ["goal", "code", "absence"])
async def test_an_edit_in_other_text_steps_is_answered_and_the_step_stays(chat, api, harness, where):
    if where == "absence":
        anna = chat(900, "Anna")
        await anna.send(f"/start {(await invites.create_invite(harness.services, role=Role.WORKER)).code}")
        await anna.press("Verder")
        await anna.send("Anna")
        await anna.send("/afwezig")
        person, expected = anna, "Tot welke dag"
        answer = "morgen"
    else:
        person = await onboard_client(chat(501, "Sam"))
        if where == "goal":
            await person.send("/doelen")
            await person.press("Nieuw doel")
            await person.press("Geld")
            answer, expected = "Mijn schulden op een rij", "Waarom is het belangrijk"
        else:
            await person.send("/koppel")
            answer, expected = "hallo", "Je code heeft 5 letters"
    edited, captioned = await edit_and_caption(person, api, harness)
    assert [m.text for m in edited] == [EDITED]
    assert captioned and not any(FAILED in m.text for m in person.messages())
    replies = await person.send(answer)
    assert expected in replies[-1].text
