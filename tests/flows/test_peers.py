"""Peer support through the chat: asking for a peer expert, talking through the relay without either side
seeing the other's Telegram details, safety in both directions, and filling in a crisis card together."""

import re

import pytest

from bot.domain.consent import Scope
from bot.domain.forms import Tool
from bot.domain.roles import Role
from bot.services import consent, invites, peers, people, tools
from tests.chat import Chat

SAM, JOOST, ANNA = 48151623, 42424242, 31337000
SECRETS = {  # what the other side must never see
    SAM: (str(SAM), "sam_secret_handle", "0612345678"),
    JOOST: (str(JOOST), "joost_hidden_name", "0687654321"),
}


async def onboarded(svc, telegram_id, role, name, *, by=None):
    code = (await invites.create_invite(svc, role=role, by_telegram_id=by)).code
    await invites.redeem_invite(svc, code=code, telegram_id=telegram_id, chat_id=telegram_id, locale="en")
    await people.set_name(svc, telegram_id, name)
    await people.finish_onboarding(svc, telegram_id)
    return (await people.whoami(svc, telegram_id)).id


@pytest.fixture
def chat(harness):
    """Like the shared fixture, but keeps the Telegram user registered below (username, phone-like last name):
    chat(user_id) talks as that user."""

    def make(user_id, _first_name=None):
        return Chat(harness, user_id)

    return make


@pytest.fixture
async def people_(harness, api):
    svc = harness.services
    api.add_user(SAM, "Sam", username="sam_secret_handle", last_name="0612345678")
    api.add_user(JOOST, "Joost", username="joost_hidden_name", last_name="0687654321")
    api.add_user(ANNA, "Anna", username="anna_worker")
    await onboarded(svc, ANNA, Role.WORKER, "Anna")
    anna = (await people.whoami(svc, ANNA)).id
    sam = await onboarded(svc, SAM, Role.CLIENT, "Sam", by=ANNA)
    await onboarded(svc, JOOST, Role.PEER, "Joost")
    await peers.set_themes(svc, JOOST, {"wonen", "schulden"})
    await peers.set_story(svc, JOOST, "I lived on the street for two years. Now I help others find a home.")
    return {"sam": sam, "anna": anna}


def leaks(messages, secrets):
    found = []
    for message in messages:
        seen = " ".join([message.text or "", message.raw_text or "", str(message.reply_markup or "")])
        found += [s for s in secrets if re.search(re.escape(s), seen)]
    return found


async def connect(chat):
    sam, joost = chat(SAM, "Sam"), chat(JOOST, "Joost")
    replies = await sam.send("/maatje")
    # The bot speaks as itself: a title, not a sentence in the client's mouth.
    assert replies[-1].text.startswith("🤝 Talk to a peer expert\n\nA peer expert went through hard times too")
    assert "sees your first name and the theme, nothing more" in replies[-1].text  # told before asking
    replies = await sam.press("Housing")
    assert "Joost could be your peer expert" in replies[-1].text
    assert "I lived on the street" in replies[-1].text
    replies = await sam.press("Yes, talk with Joost")
    assert "Your peer expert is Joost" in replies[-1].text
    assert "You have a new peer: Sam" in joost.last().text
    return sam, joost


async def test_a_client_finds_a_peer_and_they_talk_privately_through_the_bot(chat, harness, people_):
    sam, joost = await connect(chat)
    replies = await sam.press("Talk with Joost")
    assert "You are now talking with Joost (peer expert)" in replies[-1].text
    before = len(joost.messages())
    replies = await sam.send("Hoi Joost, ik heb morgen een gesprek bij de woningcorporatie.")
    assert replies == []  # consumed: no "I did not understand"
    [copy] = joost.messages()[before:]
    assert copy.text == "💬 Sam:\nHoi Joost, ik heb morgen een gesprek bij de woningcorporatie."
    assert joost.api.buttons(copy) == ["💬 Answer Sam"]

    await joost.press("Answer Sam")
    before = len(sam.messages())
    await joost.send_kind("voice")
    [voice] = sam.messages()[before:]
    assert voice.kind == "voice" and voice.text == "💬 Joost (peer expert):"
    assert joost.api.buttons(voice) == []  # Sam is talking with Joost: no extra button
    assert not [name for name, _ in harness.api.calls if name.lower() == "forwardmessage"]
    await joost.send("Succes morgen! Wil je na afloop vertellen hoe het ging?")
    assert sam.last().text.startswith("💬 Joost (peer expert):\nSucces morgen!")
    await sam.send_kind("photo")
    assert joost.last().kind == "photo" and joost.last().text == "💬 Sam:"

    # Another command stops talking; the next text is the bot's again.
    replies = await sam.send("/menu")
    assert "You stopped talking with Joost" in replies[0].text
    before = len(joost.messages())
    replies = await sam.send("hallo?")
    assert "did not understand" in replies[-1].text and joost.messages()[before:] == []

    assert leaks(joost.messages(), SECRETS[SAM]) == []
    assert leaks(sam.messages(), SECRETS[JOOST]) == []


async def test_crisis_language_in_the_relay_brings_safety_first_and_a_worry_reaches_the_worker(
    chat, harness, people_
):
    svc = harness.services
    await consent.set_consent(
        svc, client_telegram_id=SAM, viewer_id=people_["anna"], scope=Scope.ALERTS, granted=True
    )
    anna = chat(ANNA, "Anna")
    sam, joost = await connect(chat)
    await sam.press("Talk with Joost")
    await joost.send("/praten")
    before_joost = len(joost.messages())
    replies = await sam.send("ik wil niet meer leven")
    assert (
        len(replies) == 2 and "113" in replies[0].text and "112" in replies[0].text
    )  # the safety message, once; then what Sam can do now, one tap each (conversations/safetyplan)
    assert "What can I do now?" in sam.api.buttons(replies[1])[0]
    copy, guidance = joost.messages()[before_joost:]
    assert copy.text == "💬 Sam:\nik wil niet meer leven"
    assert "Sam may be in crisis" in guidance.text and "113" in guidance.text
    assert joost.api.buttons(guidance) == ["📣 Share my worry"]

    before_anna, before_sam = len(anna.messages()), len(sam.messages())
    replies = await joost.press("Share my worry")
    assert "I have let Anna know" in replies[-1].text
    [alert] = anna.messages()[before_anna:]
    assert "Joost" in alert.text and "worried about Sam" in alert.text
    assert any("Joost was worried about you and let Anna know" in m.text for m in sam.messages()[before_sam:])

    # The same from the peer expert's side: guidance about themselves first; Sam gets the message itself.
    before_sam = len(sam.messages())
    replies = await joost.send("ik wil dood")
    assert "Your own safety comes first" in replies[0].text and "113" in replies[0].text
    assert [m.text for m in sam.messages()[before_sam:]] == ["💬 Joost (peer expert):\nik wil dood"]

    assert leaks(joost.messages() + anna.messages(), SECRETS[SAM]) == []
    assert leaks(sam.messages(), SECRETS[JOOST]) == []


async def test_without_consent_the_peer_expert_is_asked_to_check_with_the_client_first(
    chat, harness, people_
):
    anna = chat(ANNA, "Anna")
    sam, joost = await connect(chat)
    await sam.press("Talk with Joost")
    await sam.send("ik wil niet meer leven")
    before = len(anna.messages())
    replies = await joost.press("Share my worry")
    assert "Ask Sam first" in replies[-1].text
    assert anna.messages()[before:] == []


async def test_a_peer_expert_helps_fill_in_a_crisis_card_and_only_what_the_client_confirms_is_saved(
    chat, harness, people_
):
    svc = harness.services
    sam, joost = await connect(chat)
    await sam.press("Talk with Joost")  # talking does not take the answers: a question turns it off
    await joost.send("/samen")
    await joost.press("Sam")
    await joost.press("Crisis card")
    replies = await joost.press("What helps me")
    assert "What helps you in a crisis?" in replies[-1].text
    await joost.send("Een rustige stem en een kop thee")
    assert "Nothing is saved until Sam confirms" in joost.last().text
    proposal = sam.last()
    assert "Een rustige stem en een kop thee" in proposal.text and "Joost" in proposal.text
    assert sam.buttons() == ["✅ Confirm", "✏️ Change", "✖️ Reject"]
    assert await tools.current(svc, SAM, Tool.CARD) is None

    replies = await sam.press("Confirm")
    assert "Saved in your" in replies[-1].text
    assert "confirmed" in joost.last().text

    # A second proposal: Sam writes her own version; a third: rejected.
    await joost.press("Another part")
    await joost.press("What does not help")
    await joost.send("Drukte")
    await sam.press("Change")
    await sam.send("Veel mensen om me heen")
    await joost.press("Another part")
    await joost.press("Medication")
    await joost.send("Paracetamol")
    replies = await sam.press("Reject")
    assert "Nothing was saved" in replies[-1].text
    # A forged id is refused.
    replies = await sam.press_data(sam.last().message_id, "tog:ok:999")
    assert "does not work for you" in replies[-1].text

    saved = await tools.current(svc, SAM, Tool.CARD)
    assert saved.doc["what_helps"] == ["Een rustige stem en een kop thee"]
    assert saved.doc["what_does_not_help"] == ["Veel mensen om me heen"]
    assert "medication" not in saved.doc
    assert saved.doc["made_with"] == "Joost (peer expert)"
    assert leaks(joost.messages(), SECRETS[SAM]) == []
    assert leaks(sam.messages(), SECRETS[JOOST]) == []


async def test_the_peer_expert_sees_only_what_the_client_shares(chat, harness, people_):
    svc = harness.services
    await tools.update_draft(svc, SAM, Tool.CARD, {"what_helps": ["wandelen"]}, 0)
    await tools.save_version(svc, SAM, Tool.CARD, finished=True)
    sam, joost = await connect(chat)
    replies = await joost.send("/mijnpeers")
    assert "Shares with you: nothing" in replies[-1].text
    await joost.press("Sam")
    assert not any("crisis card" in b for b in joost.buttons())
    replies = await joost.press_data(joost.last().message_id, "peer:view:1.1")
    assert "You cannot see this" in replies[-1].text
    # Sam ticks the crisis card for Joost in /privacy.
    await sam.send("/privacy")
    await sam.press("Joost")
    await sam.press("crisis card")
    await joost.send("/mijnpeers")
    await joost.press("Sam")
    replies = await joost.press("crisis card")
    assert any("wandelen" in m.text for m in replies)
