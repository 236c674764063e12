"""Het noodbericht: up to three trusted people and a short text chosen in advance; in a crisis one button sends it.

Someone in the client's household who uses Houvast gets it from the bot (when the client agreed, and never while
anyone in the household has a thuisplan: bot/domain/safetyplans.route); everyone else gets a ready message the
client forwards with one tap (a Telegram share link), since a bot cannot text a phone number. The client then
sees who got it. At most once a minute: a second press shows who got the first, and sends nothing.
"""
from __future__ import annotations

import contextlib

from telegram.constants import MessageLimit

from bot.domain.phones import parse_contact
from bot.domain.roles import Role
from bot.domain.safetyplans import MAX_SOS_TEXT, MAX_TRUSTED, SOS_TEXTS, Route
from bot.i18n import N_, Translator
from bot.services import safetyplans
from bot.services.base import NotFound
from bot.services.safetyplans import SosSetup, SosStatus
from conversations.safetyplan import keyboards
from conversations.safetyplan.states import State
from conversations.safetyplan.turn import END, Turn, handler

REFUSALS = {
    "empty": N_("I got an empty message. Please type a few words."),
    "too_long": N_("That is too long. The message can have at most {max} characters."),
    "full": N_("You have {max} people already. Take someone off first."),
}
ASK_PERSON = N_("Who do you want to add? Type a name and a phone number, like: Anna 06 12345678. "
                "Or share a contact: tap 📎 and then Contact.")
FORWARDED = N_("From a forwarded message I cannot tell who someone is. Type the name and the phone number, "
               "or share a contact: tap 📎 and then Contact.")


def setup_text(t: Translator, setup: SosSetup) -> str:
    lines = [t.gettext("📣 Emergency message"), "",
             t.gettext("With one button you let up to three people know that things are not going well."), "",
             t.gettext("Your message:"), f"\"{setup.text or t.gettext(SOS_TEXTS[0])}\"", "", t.gettext("To:")]
    if not setup.trusted:
        lines.append(t.gettext("Nobody yet. Tap Add someone."))
    for person in setup.trusted:
        if person.in_houvast and person.consented and not setup.own_home_plan:
            how = t.gettext("gets it from Houvast")
        else:
            how = t.gettext("you send it yourself, with one tap")
        who = person.name + (f", {person.phone}" if person.phone else "")
        lines.append(f"• {who} ({how})")
    return "\n".join(lines)


async def _show_setup(turn: Turn, note: str | None = None) -> None:
    setup = await safetyplans.sos_setup(turn.svc, turn.tid)
    text = setup_text(turn.t, setup)
    await turn.say(f"{note}\n\n{text}" if note else text, keyboards.sos_setup(turn.t, setup.trusted))


@handler(Role.CLIENT)
async def setup(turn: Turn) -> int:
    """nood:setup: the message, who gets it and how; send, change, add, take off."""
    await _show_setup(turn)
    return END


# --- sending ---------------------------------------------------------------------------------------------------


def status_text(t: Translator, status: SosStatus) -> tuple[str, list[str]]:
    """Who got it, in words, and the names to give a share button (they send it themselves)."""
    when = t.clock_time(status.at)
    if status.too_soon:
        lines = [t.gettext("Your emergency message went just now, at {time}. You can send a new one from {next}.")
                 .format(time=when, next=t.clock_time(status.next_at))]
    else:
        lines = [t.gettext("📣 Your emergency message, {time}:").format(time=when)]
    lines += [f"\"{status.text}\"", ""]
    share: list[str] = []
    if not status.lines:
        lines.append(t.gettext(
            "You have not chosen anyone yet. Send it yourself to someone you trust: tap the button."))
    for line in status.lines:
        name = line.name or t.gettext("someone who left Houvast")
        if line.state == "sent":
            lines.append("✅ " + t.gettext("{name} got it from Houvast ({time}).").format(
                name=name, time=t.clock_time(line.sent_at)))
        elif line.state == "waiting":
            lines.append("⏳ " + t.gettext("Houvast is sending it to {name} now.").format(name=name))
        elif line.state == "failed":
            lines.append("❌ " + t.gettext("{name} did not get it from Houvast. Send it yourself: tap the button.")
                         .format(name=name))
            share.append(name)
        else:
            lines.append("📤 " + t.gettext("{name}: send it yourself, tap the button.").format(name=name))
            share.append(name)
    if any(line.route == Route.HOUVAST for line in status.lines):
        lines += ["", t.gettext("Tap Who got it? to see it again.")]
    return "\n".join(lines)[:MessageLimit.MAX_TEXT_LENGTH], share


async def _say_status(turn: Turn, status: SosStatus) -> None:
    text, share = status_text(turn.t, status)
    await turn.say(text, keyboards.sos_sent(turn.t, status, share))


@handler(Role.CLIENT)
async def send(turn: Turn) -> int:
    """nood:send: one tap, nothing to type. What Houvast sends goes out at once; then who got it."""
    status = await safetyplans.send_sos(turn.svc, turn.tid)
    if not status.too_soon and any(line.route == Route.HOUVAST for line in status.lines):
        await turn.deliver_now()
        status = await safetyplans.sos_status(turn.svc, turn.tid, status.send_id)
    await _say_status(turn, status)
    return END


@handler(Role.CLIENT, flow="nood")
async def status(turn: Turn) -> None:
    """nood:status:<send_id>: who got it, now."""
    await _say_status(turn, await safetyplans.sos_status(turn.svc, turn.tid, turn.int_arg()))


# --- the message -------------------------------------------------------------------------------------------------


@handler(Role.CLIENT)
async def choose_text(turn: Turn) -> State:
    """nood:text: a ready text, the thuisplan's code word, or typed."""
    setup = await safetyplans.sos_setup(turn.svc, turn.tid)
    await turn.say(turn.t.gettext("Which message do you want to send? Tap one, or type your own."),
                   keyboards.sos_texts(turn.t, setup.code_word))
    return State.SOS_TEXT


@handler(Role.CLIENT, flow="nood")
async def on_text_button(turn: Turn) -> int:
    """nood:tx:<index|code>."""
    if turn.arg == "code":
        text = (await safetyplans.sos_setup(turn.svc, turn.tid)).code_word
    else:
        index = turn.int_arg()
        text = turn.t.gettext(SOS_TEXTS[index]) if index < len(SOS_TEXTS) else None
    if not text:
        return await turn.stale()
    await safetyplans.set_sos_text(turn.svc, turn.tid, text)
    await _show_setup(turn, turn.t.gettext("Saved."))
    return END


@handler(Role.CLIENT, stop=State.SOS_TEXT)
async def on_typed_text(turn: Turn) -> State | int:
    message = turn.update.message
    if message is None or not message.text:
        await turn.say(turn.t.gettext("Please type the message, or tap one above."))
        return State.SOS_TEXT
    try:
        await safetyplans.set_sos_text(turn.svc, turn.tid, message.text)
    except safetyplans.Refused as refusal:
        await turn.say(turn.t.gettext(REFUSALS[str(refusal)]).format(max=MAX_SOS_TEXT))
        return State.SOS_TEXT
    await _show_setup(turn, turn.t.gettext("Saved."))
    return END


# --- trusted people ----------------------------------------------------------------------------------------------


@handler(Role.CLIENT)
async def add(turn: Turn) -> State | int:
    """nood:add: type a name and number, share a contact, or tap someone of the household who uses Houvast."""
    setup = await safetyplans.sos_setup(turn.svc, turn.tid)
    if setup.full:
        await _show_setup(turn, turn.t.gettext(REFUSALS["full"]).format(max=MAX_TRUSTED))
        return END
    await turn.say(turn.t.gettext(ASK_PERSON), keyboards.sos_add(turn.t, setup.candidates))
    return State.SOS_PERSON


async def _added(turn: Turn, name: str, phone: str | None) -> State | int:
    try:
        person = await safetyplans.add_trusted(turn.svc, turn.tid, name=name, phone=phone)
    except safetyplans.Refused as refusal:
        if str(refusal) == "full":
            await _show_setup(turn, turn.t.gettext(REFUSALS["full"]).format(max=MAX_TRUSTED))
            return END
        await turn.say(turn.t.gettext(ASK_PERSON))
        return State.SOS_PERSON
    note = turn.t.gettext("Added: {name}.").format(name=person.name)
    if not person.phone:
        note += " " + turn.t.gettext("Without a phone number: you send the message with Telegram.")
    await _show_setup(turn, note)
    return END


@handler(Role.CLIENT, stop=State.SOS_PERSON)
async def on_person(turn: Turn) -> State | int:
    """A typed "Anna 06 12345678", or a shared contact. A forwarded message does not say who someone is."""
    message = turn.update.message
    if message is None:
        return State.SOS_PERSON
    if message.contact is not None:
        contact = message.contact
        name = " ".join(part for part in (contact.first_name, contact.last_name) if part)
        parsed = parse_contact(f"{name} {contact.phone_number or ''}")
        return await _added(turn, name or parsed.name, parsed.phone)
    if message.forward_origin is not None:
        await turn.say(turn.t.gettext(FORWARDED))
        return State.SOS_PERSON
    if not message.text:
        await turn.say(turn.t.gettext(ASK_PERSON))
        return State.SOS_PERSON
    parsed = parse_contact(message.text[:200])
    return await _added(turn, parsed.name, parsed.phone)


@handler(Role.CLIENT, flow="nood")
async def member(turn: Turn) -> int:
    """nood:member:<person_id>: someone of the household in Houvast. May Houvast send it to them itself?"""
    person_id = turn.int_arg()
    setup = await safetyplans.sos_setup(turn.svc, turn.tid)
    candidate = setup.candidate(person_id)
    if candidate is None:
        return await turn.stale()
    if setup.own_home_plan:  # the client's own thuisplan: said to them, and only to them
        await safetyplans.add_trusted_member(turn.svc, turn.tid, person_id, consent=False)
        await _show_setup(turn, turn.t.gettext(
            "Added: {name}. While you have a home plan, Houvast sends nobody in your home a message. "
            "You send it yourself, with one tap.").format(name=candidate.name))
        return END
    await turn.say(turn.t.gettext(
        "{name} uses Houvast. May Houvast send your emergency message to {name} itself? {name} then reads your "
        "message and your first name.").format(name=candidate.name),
        keyboards.sos_consent(turn.t, person_id, candidate.name))
    return END


@handler(Role.CLIENT, flow="nood")
async def on_consent(turn: Turn) -> None:
    """nood:consent:<person_id>.<1|0>."""
    person_id, yes = turn.ints(2)
    person = await safetyplans.add_trusted_member(turn.svc, turn.tid, person_id, consent=yes == 1)
    await _show_setup(turn, turn.t.gettext("Added: {name}.").format(name=person.name))


@handler(Role.CLIENT)
async def pick(turn: Turn) -> None:
    setup = await safetyplans.sos_setup(turn.svc, turn.tid)
    await turn.say(turn.t.gettext("Who do you want to take off?"), keyboards.sos_pick(turn.t, setup.trusted))


@handler(Role.CLIENT, flow="nood")
async def remove(turn: Turn) -> None:
    """nood:del:<trusted_id>."""
    with contextlib.suppress(NotFound):  # a double tap: already gone
        await safetyplans.remove_trusted(turn.svc, turn.tid, turn.int_arg())
    await _show_setup(turn, turn.t.gettext("Taken off."))
