"""Peer support through the bot: a client asks for a peer expert (ervaringsdeskundige), they talk through
Houvast without seeing each other's Telegram details, and fill in the crisis card or signaleringsplan together.

- Client: /maatje or the menu: theme, an optional wish, a proposal (first name and story), yes or someone else.
- Talking: /praten (or a "Talk" button) turns the relay on; from then on text, voice messages and photos are
  copied to the other side with who it comes from. /menu, any other command or a menu button turns it off.
- Peer expert: /mijnpeers (their peers, with only what each shares), /profiel (story, themes, pause).
- Worker: /maatjevoorstel proposes a peer expert to a client of their caseload; the client decides.
- Helpers (peer expert or worker): /samen proposes the text of one step; the client confirms, changes or
  rejects it, and only then is it saved.
- Admin: /wachtlijst, misuse reports with a button to suspend a peer expert.

The relay is a separate handler (`relay_handler()`) that must run before group 0 (see its docstring).
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import callbacks
from bot.callbacks import BadCallback
from bot.domain import forms
from bot.domain.consent import SCOPES, Scope
from bot.domain.dates import numeric, parse_day
from bot.domain.forms import Refused, Tool
from bot.domain.peers import THEME_NAMES, THEMES, Theme
from bot.domain.roles import Role
from bot.i18n import N_, Translator, translator
from bot.render.text import safety_text, split
from bot.services import caseload, peers, together, tools
from bot.services.base import NotAllowed, NotFound
from bot.services.consent import SCOPE_NAMES
from bot.services.peers import ContactView, FindResult, Profile, peer_label
from bot.services.people import PersonView
from conversations import common, keyboards, menu
from conversations.common import Context
from conversations.forms import refusal_text, step_label
from bot.domain.forms import TOOL_NAMES
from conversations.safetyplan import hoopbox
from conversations.tools import view_text

PEER_GUIDANCE = N_(
    "⚠️ {name} may be in crisis. Stay calm and stay with {name}. Point to 113 (or 0800-0113, free, day and "
    'night) and, in danger, to 112.\nYou are not alone: tap "Share my worry" to let {name}\'s worker know.'
)
PEER_SELF_GUIDANCE = N_(
    "What you wrote sounds heavy. Your own safety comes first.\nThinking about suicide? Call 113 or 0800-0113, "
    "free, day and night. In danger? Call 112.\nTalk to someone you trust, or to your own coordinator. "
    "You can stop talking any time with /menu."
)
WORRY_REPLIES = {
    "told": N_(
        "I have let {worker} know that you are worried about {name}. {name} is told too. "
        "Stay with {name} if you can."
    ),
    "ask_client": N_(
        "{name} does not share alerts with their worker. Ask {name} first if you may tell their worker. "
        "In danger, call 112."
    ),
    "away": N_("{worker} is away right now, so I could not let anyone know. Point {name} to 113 (0800-0113) or, "
               "in danger, 112."),
    "no_worker": N_("{name} has no worker in Houvast. Point {name} to 113 (0800-0113) or, in danger, 112."),
}
VIEWABLE = {Scope.SIGNALING_PLAN: Tool.PLAN, Scope.CRISIS_CARD: Tool.CARD, Scope.SAFETY_PLAN: Tool.SAFETY}
OTHER_VIEWS = (Scope.HOPE_BOX,)  # not a tool with versions: conversations/safetyplan/hoopbox.show_to
# Buttons of these flows do not end a conversation through the relay: they belong to it (end, report, worry),
# or answer the safety message ("ja, laat het weten").
KEEP_TALKING = ("peer:", "tog:", "sos:")
TEXT_ONLY = common.TEXT  # new text messages only: an edit gets common.edited, a caption odd_input


# What an admin sees of a client on the waiting list (bot/services/peers.WaitRow), told when asking.
WAITING_LIST_SEES = N_(
    "If nobody is free, you go on a waiting list. The admin who looks for a peer expert then sees your first "
    "name and the theme, nothing more."
)
ADMIN_SEES = N_("The admin who looks for a peer expert for you sees only your first name and the theme.")


class State(StrEnum):
    REPORT = "peers.report"
    FEEDBACK = "peers.feedback"
    STORY = "peers.story"
    AVAILABILITY = "peers.availability"
    PAUSE = "peers.pause"
    TOGETHER = "peers.together"  # a helper types a proposal
    OWN_VERSION = "peers.own_version"  # the client types their own version of a proposal


# --- small helpers -----------------------------------------------------------------------------------


def _parse(update: Update, flow: str) -> callbacks.Callback:
    return callbacks.parse(update.callback_query.data if update.callback_query else None, flow)


async def _refuse(update: Update, context: Context, person: PersonView | None) -> None:
    await common.refuse(update, context, common.tr(context, person))


def _theme_name(t: Translator, theme: str | None) -> str:
    return t.gettext(THEME_NAMES[Theme(theme)]) if theme else t.gettext("any theme")


async def _quiet_stop(context: Context, telegram_id: int) -> None:
    """Typing for a question (a report, a proposal) must not go to the other side: talking stops first."""
    await peers.stop_talking(common.services(context), telegram_id)


# --- a client asks for a peer expert -----------------------------------------------------------------


async def ask_peer(update: Update, context: Context) -> int:
    """menu:peer, /maatje: the client's peer expert (if any), an open proposal, or a new request."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT)
    if person is None:
        return ConversationHandler.END
    svc = common.services(context)
    t = common.tr(context, person)
    mine = await peers.my_contacts(svc, person.telegram_id)
    if mine:
        await _client_home(update, context, t, mine[0])
        return ConversationHandler.END
    proposal = await peers.open_proposal(svc, person.telegram_id)
    if proposal is not None:
        await common.say(
            update, context, peers.proposal_text(t, proposal), keyboards.as_markup(peers.proposal_buttons(t, proposal))
        )
        return ConversationHandler.END
    text = "\n\n".join(
        [
            t.gettext("🤝 Talk to a peer expert"),
            t.gettext(
                "A peer expert went through hard times too, and knows how it feels. You talk through Houvast: "
                "your phone number and username stay private. You can stop at any time."
            ),
            t.gettext("What would you like to talk about?"),
            t.gettext(WAITING_LIST_SEES),
        ]
    )
    await common.say(update, context, text, keyboards.peer_themes(t))
    return ConversationHandler.END


async def on_theme(update: Update, context: Context) -> int:
    """peer:theme:<theme|any>: look for a peer expert at once."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT)
    if person is None:
        return ConversationHandler.END
    try:
        arg = _parse(update, "peer").arg or ""
        theme = None if arg == "any" else Theme(arg).value
    except (BadCallback, ValueError):
        await _refuse(update, context, person)
        return ConversationHandler.END
    await _quiet_stop(context, person.telegram_id)
    context.user_data["peer_request"] = {"theme": theme}
    return await _find(update, context)


async def on_preference_skip(update: Update, context: Context) -> int:
    """peer:nopref: a button from before the wish question was dropped (nobody read the wish): look now."""
    await common.answer_button(update)
    return await _find(update, context)


async def _find(update: Update, context: Context) -> int:
    person = await common.acting_as(update, context, Role.CLIENT)
    if person is None:
        return ConversationHandler.END
    request = (context.user_data or {}).pop("peer_request", None)
    if request is None:
        return await common.menu_or_welcome(update, context)
    result = await peers.find_peer(common.services(context), person.telegram_id, request.get("theme"))
    await _show_result(update, context, person, result)
    return ConversationHandler.END


async def _show_result(update: Update, context: Context, person: PersonView, result: FindResult) -> None:
    t = common.tr(context, person)
    if result.outcome == "proposed" and result.proposal is not None:
        await common.say(
            update,
            context,
            peers.proposal_text(t, result.proposal),
            keyboards.as_markup(peers.proposal_buttons(t, result.proposal)),
        )
    elif result.outcome == "active" and result.contact is not None:
        await _client_home(update, context, t, result.contact)
    else:
        await common.say(
            update,
            context,
            t.gettext(
                "Right now no peer expert is free for this. You are on the waiting list. "
                "I will let you know as soon as someone is free."
            ) + "\n\n" + t.gettext(ADMIN_SEES),
            keyboards.menu_button(t),
        )


async def _client_home(
    update: Update, context: Context, t: Translator, view: ContactView, note: str | None = None
) -> None:
    lines = [note] if note else []
    lines.append(t.gettext("Your peer expert is {name}.").format(name=view.peer_name))
    if view.started_at:
        lines.append(t.gettext("You talk since {day}.").format(day=t.day(view.started_at)))
    await common.say(update, context, "\n".join(lines), keyboards.peer_client_contact(t, view))


async def on_accept(update: Update, context: Context) -> None:
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT)
    if person is None:
        return
    try:
        result = await peers.accept(
            common.services(context), person.telegram_id, _parse(update, "peer").int_arg()
        )
    except (BadCallback, NotAllowed, NotFound):
        await _refuse(update, context, person)
        return
    if result.outcome == "active" and result.contact is not None:
        t = common.tr(context, person)
        note = t.gettext("Good! {name} now knows about you. Tap Talk to start.").format(
            name=result.contact.peer_name
        )
        await _client_home(update, context, t, result.contact, note)
    else:
        t = common.tr(context, person)
        await common.say(update, context, t.gettext("Sorry, this peer expert is no longer free."))
        await _show_result(update, context, person, result)
    await common.deliver_now(context)


async def on_other(update: Update, context: Context) -> None:
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT)
    if person is None:
        return
    try:
        result = await peers.someone_else(
            common.services(context), person.telegram_id, _parse(update, "peer").int_arg()
        )
    except (BadCallback, NotAllowed, NotFound):
        await _refuse(update, context, person)
        return
    await _show_result(update, context, person, result)


async def on_decline(update: Update, context: Context) -> None:
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT)
    if person is None:
        return
    try:
        await peers.decline(common.services(context), person.telegram_id, _parse(update, "peer").int_arg())
    except (BadCallback, NotAllowed, NotFound):
        await _refuse(update, context, person)
        return
    t = common.tr(context, person)
    await common.show_menu(
        update, context, person, t.gettext("Okay. Nothing changes. You can ask again any time.")
    )
    await common.deliver_now(context)


# --- talking -----------------------------------------------------------------------------------------


async def talk(update: Update, context: Context) -> None:
    """/praten or peer:talk:<contact_id>: turn the relay on for one contact."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT, Role.PEER)
    if person is None:
        return
    svc = common.services(context)
    t = common.tr(context, person)
    try:
        if update.callback_query is not None:
            contact_id = _parse(update, "peer").int_arg()
        else:
            mine = await peers.my_contacts(svc, person.telegram_id)
            if not mine:
                await common.say(
                    update, context, t.gettext("You have no peer contact right now."), keyboards.menu_button(t)
                )
                return
            if len(mine) > 1:
                await common.say(
                    update,
                    context,
                    t.gettext("With whom do you want to talk?"),
                    keyboards.peer_choose_contact(t, [(c.contact_id, c.client_name) for c in mine], "talk"),
                )
                return
            contact_id = mine[0].contact_id
        view = await peers.start_talking(svc, person.telegram_id, contact_id)
    except (BadCallback, NotAllowed, NotFound):
        await _refuse(update, context, person)
        return
    other = view.client_name if person.role == Role.PEER else peer_label(t, view.peer_name)
    name = view.client_name if person.role == Role.PEER else view.peer_name
    await common.say(
        update,
        context,
        "\n\n".join(
            [
                t.gettext("💬 You are now talking with {other}.").format(other=other),
                t.gettext(
                    "What you send now goes to {name}: text, voice messages and photos. "
                    "{name} does not see your phone number or username."
                ).format(name=name),
                t.gettext("To stop, tap the button or type /menu."),
            ]
        ),
        keyboards.peer_stop_talking(t),
    )


async def stop(update: Update, context: Context) -> None:
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT, Role.PEER)
    if person is None:
        return
    name = await peers.stop_talking(common.services(context), person.telegram_id)
    t = common.tr(context, person)
    text = t.gettext("⏹ You stopped talking with {name}.").format(name=name) if name else None
    await common.show_menu(update, context, person, text)


async def relay(update: Update, context: Context) -> None:
    """While a person talks with their peer (Person.relay_contact_id), copy what they send to the other side.

    Sees every update in a group of its own, after the crisis check and the guards and BEFORE group 0:
    - a relayed message is consumed (ApplicationHandlerStop), so the catch-all does not answer it; on crisis
      language the client has had the safety message from the crisis check already, then the copy goes to
      the peer expert, then the peer expert gets guidance and "Share my worry"; a peer expert writing crisis
      language gets guidance about themselves first;
    - a command (except /praten) or a button of another flow turns talking off and goes on as usual;
    - for anyone not talking it does nothing.
    """
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or chat.type != "private":
        return
    svc = common.services(context)
    if update.callback_query is not None:
        if not (update.callback_query.data or "").startswith(KEEP_TALKING):
            await _stopped_by_leaving(update, context, user.id)
        return
    message = update.message
    if message is None:
        return
    if message.text is not None and message.text.startswith("/"):
        command = message.text.split()[0][1:].split("@")[0].lower()
        if command != "praten":
            await _stopped_by_leaving(update, context, user.id)
        return
    if await peers.relay_state(svc, user.id) is None:
        return
    kind, text, file_id = _relayable(message)
    sender = await common.current(update, context)
    t = common.tr(context, sender)
    if kind is None:
        await common.say(
            update, context, t.gettext("I can pass on text, voice messages and photos. Not this, sorry.")
        )
        raise ApplicationHandlerStop
    out = await peers.relay(svc, user.id, kind=kind, text=text, file_id=file_id)
    if out is None:
        return
    # First, before anything else. A client's safety message came already from the crisis check, which runs
    # before the relay (conversations/safety.py); it is sent here only if that check did not answer.
    if out.crisis and not out.from_client:
        await common.say(update, context, t.gettext(PEER_SELF_GUIDANCE))
    elif out.crisis and not common.safety_shown(context):
        await common.say(update, context, safety_text(t, out.safety_contacts))
    t_other = translator(out.to_locale, svc.settings.zone)
    label = out.sender_name if out.from_client else peer_label(t_other, out.sender_name)
    prefix = t_other.gettext("💬 {name}:").format(name=label)
    answer = None if out.recipient_talking else keyboards.peer_answer_markup(t_other, out.contact_id, out.sender_name)
    try:
        if kind == "text":
            chunks = split(f"{prefix}\n{text}", 4000)
            for index, chunk in enumerate(chunks):
                await context.bot.send_message(
                    out.to_chat_id, chunk, reply_markup=answer if index == len(chunks) - 1 else None
                )
        else:
            caption = prefix if not text else f"{prefix}\n{text}"
            if len(caption) > 1024:
                caption = caption[:1023] + "…"
            await context.bot.copy_message(
                out.to_chat_id, chat.id, message.message_id, caption=caption, reply_markup=answer
            )
        if out.crisis and out.from_client:
            await context.bot.send_message(
                out.to_chat_id,
                t_other.gettext(PEER_GUIDANCE).format(name=out.sender_name),
                reply_markup=keyboards.peer_worry_button(t_other, out.contact_id),
            )
    except TelegramError:
        await common.say(
            update,
            context,
            t.gettext("I could not deliver your message to {name}. Please try again later.").format(
                name=out.other_name
            ),
        )
    raise ApplicationHandlerStop


def _relayable(message: Message) -> tuple[str | None, str | None, str | None]:
    """(kind, text or caption, file_id); kind None for what is not passed on (stickers, files, locations)."""
    if message.text is not None:
        return "text", message.text, None
    if message.voice is not None:
        return "voice", message.caption, message.voice.file_id
    if message.photo:
        return "photo", message.caption, message.photo[-1].file_id
    return None, None, None


async def _stopped_by_leaving(update: Update, context: Context, telegram_id: int) -> None:
    name = await peers.stop_talking(common.services(context), telegram_id)
    if name:
        t = common.tr(context, await common.current(update, context))
        await common.say(update, context, t.gettext("⏹ You stopped talking with {name}.").format(name=name))


# --- the peer expert's own view ----------------------------------------------------------------------


async def my_peers(update: Update, context: Context) -> None:
    """menu:peers, /mijnpeers: each peer with only what that client shares."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.PEER)
    if person is None:
        return
    t = common.tr(context, person)
    mine = await peers.my_contacts(common.services(context), person.telegram_id)
    if not mine:
        await common.say(update, context, t.gettext("You have no peers right now."), keyboards.peer_home(t, []))
        return
    lines = [t.gettext("Your peers:")]
    for view in mine:
        lines.append(f"• {view.client_name} · {_theme_name(t, view.theme)}")
        lines.append("  " + _shares_line(t, view))
    await common.say(
        update, context, "\n".join(lines), keyboards.peer_home(t, [(v.contact_id, v.client_name) for v in mine])
    )


def _shares_line(t: Translator, view: ContactView) -> str:
    what = ", ".join(t.gettext(SCOPE_NAMES[s]) for s in SCOPES if s in view.shared) or t.gettext("nothing")
    return t.gettext("Shares with you: {what}").format(what=what)


async def open_contact(update: Update, context: Context) -> None:
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.PEER)
    if person is None:
        return
    t = common.tr(context, person)
    try:
        view = await peers.contact(
            common.services(context), person.telegram_id, _parse(update, "peer").int_arg()
        )
        if view.status != "active" or view.peer_id != person.id:
            raise NotFound("not active")
    except (BadCallback, NotAllowed, NotFound):
        await _refuse(update, context, person)
        return
    lines = [f"{view.client_name} · {_theme_name(t, view.theme)}"]
    if view.started_at:
        lines.append(t.gettext("You talk since {day}.").format(day=t.day(view.started_at)))
    if view.last_message_at:
        lines.append(t.gettext("Last message: {when}.").format(when=t.moment(view.last_message_at)))
    lines.append(_shares_line(t, view))
    viewable = [
        (SCOPES.index(s), t.gettext(SCOPE_NAMES[s])) for s in SCOPES
        if s in view.shared and (s in VIEWABLE or s in OTHER_VIEWS)
    ]
    await common.say(update, context, "\n".join(lines), keyboards.peer_contact(t, view, viewable))


async def view_shared(update: Update, context: Context) -> None:
    """peer:view:<contact_id>.<scope>: through tools.current, i.e. the consent check, audited."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.PEER)
    if person is None:
        return
    svc = common.services(context)
    t = common.tr(context, person)
    try:
        contact_id, scope_index = callbacks.ints(_parse(update, "peer").arg, 2)
        view = await peers.contact(svc, person.telegram_id, contact_id)
        if SCOPES[scope_index] == Scope.HOPE_BOX and await hoopbox.show_to(update, context, view.client_id):
            return
        tool = VIEWABLE[SCOPES[scope_index]]
        saved = await tools.current(svc, person.telegram_id, tool, client_id=view.client_id)
    except (BadCallback, IndexError, KeyError, NotAllowed, NotFound):
        await common.say(
            update, context, t.gettext("You cannot see this. It has not been shared with you."), keyboards.menu_button(t)
        )
        return
    if saved is None:
        await common.say(update, context, t.gettext("There is nothing saved yet."), keyboards.menu_button(t))
        return
    for chunk in view_text(t, saved):
        await common.say(update, context, chunk)
    await common.say(update, context, t.gettext("What would you like to do?"), keyboards.menu_button(t))


async def hand_over(update: Update, context: Context) -> None:
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.PEER)
    if person is None:
        return
    t = common.tr(context, person)
    try:
        contact_id = _parse(update, "peer").int_arg()
        options = await peers.handover_options(common.services(context), person.telegram_id, contact_id)
    except (BadCallback, NotAllowed, NotFound):
        await _refuse(update, context, person)
        return
    if not options:
        await common.say(update, context, t.gettext("No other peer expert is free right now."), keyboards.menu_button(t))
        return
    await common.say(
        update,
        context,
        t.gettext("Who may take over? Your peer is asked first, and decides."),
        keyboards.peer_handover_choices(t, contact_id, options),
    )


async def hand_over_to(update: Update, context: Context) -> None:
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.PEER)
    if person is None:
        return
    t = common.tr(context, person)
    svc = common.services(context)
    try:
        contact_id, to_peer = callbacks.ints(_parse(update, "peer").arg, 2)
        proposal = await peers.propose_handover(svc, person.telegram_id, contact_id, to_peer)
        view = await peers.contact(svc, person.telegram_id, contact_id)
    except (BadCallback, NotAllowed, NotFound):
        await _refuse(update, context, person)
        return
    await common.say(
        update,
        context,
        t.gettext("I asked {client} if {new} may take over. Nothing changes until {client} says yes.").format(
            client=view.client_name, new=proposal.peer_name
        ),
        keyboards.menu_button(t),
    )
    await common.deliver_now(context)


async def end(update: Update, context: Context) -> None:
    """peer:end:<contact_id>: either side, with one question first."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT, Role.PEER)
    if person is None:
        return
    t = common.tr(context, person)
    try:
        view = await peers.contact(
            common.services(context), person.telegram_id, _parse(update, "peer").int_arg()
        )
    except (BadCallback, NotAllowed, NotFound):
        await _refuse(update, context, person)
        return
    name = view.client_name if person.role == Role.PEER else view.peer_name
    await common.say(
        update,
        context,
        t.gettext("Do you want to end your contact with {name}?").format(name=name),
        keyboards.peer_confirm_end(t, view.contact_id),
    )


async def end_confirmed(update: Update, context: Context) -> None:
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT, Role.PEER)
    if person is None:
        return
    try:
        await peers.end_contact(
            common.services(context), person.telegram_id, _parse(update, "peer").int_arg()
        )
    except (BadCallback, NotAllowed, NotFound):
        await _refuse(update, context, person)
        return
    t = common.tr(context, person)
    await common.say(
        update,
        context,
        t.gettext("The contact has ended."),
        keyboards.menu_button(t) if person.role == Role.PEER else None,
    )
    await common.deliver_now(context)  # the other side is told; the client gets the short question


async def on_rating(update: Update, context: Context) -> State | int:
    """peer:rate:<contact_id>.<1-5> -> an optional few words."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT)
    if person is None:
        return ConversationHandler.END
    try:
        contact_id, rating = callbacks.ints(_parse(update, "peer").arg, 2)
        await peers.rate(common.services(context), person.telegram_id, contact_id, rating)
    except (BadCallback, ValueError, NotAllowed, NotFound):
        await _refuse(update, context, person)
        return ConversationHandler.END
    await _quiet_stop(context, person.telegram_id)
    context.user_data["peer_feedback"] = contact_id
    t = common.tr(context, person)
    await common.say(
        update,
        context,
        t.gettext("Thank you. Want to add something? Type it, or tap Skip."),
        keyboards.peer_skip(t, "fbskip", contact_id),
    )
    return State.FEEDBACK


async def on_feedback_text(update: Update, context: Context) -> State | int:
    person = await common.acting_as(update, context, Role.CLIENT)
    contact_id = (context.user_data or {}).get("peer_feedback")
    if person is None or contact_id is None:
        return ConversationHandler.END
    t = common.tr(context, person)
    try:
        saved = await peers.give_feedback(
            common.services(context), person.telegram_id, contact_id, update.message.text or ""
        )
    except (NotAllowed, NotFound):
        return await common.menu_or_welcome(update, context)
    if not saved:
        await common.say(update, context, t.gettext("That is too long for me. Please make it shorter."))
        return State.FEEDBACK
    context.user_data.pop("peer_feedback", None)
    await common.show_menu(update, context, person, t.gettext("Thank you for telling me."))
    return ConversationHandler.END


async def on_feedback_skip(update: Update, context: Context) -> int:
    await common.answer_button(update)
    if context.user_data is not None:
        context.user_data.pop("peer_feedback", None)
    person = await common.acting_as(update, context, Role.CLIENT)
    if person is not None:
        await common.show_menu(update, context, person, common.tr(context, person).gettext("Thank you."))
    return ConversationHandler.END


# --- safety and misuse -------------------------------------------------------------------------------


async def worry(update: Update, context: Context) -> None:
    """peer:worry:<contact_id>: "Share my worry" (Zorg melden)."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.PEER)
    if person is None:
        return
    try:
        result = await peers.report_worry(
            common.services(context), person.telegram_id, _parse(update, "peer").int_arg()
        )
    except (BadCallback, NotAllowed, NotFound):
        await _refuse(update, context, person)
        return
    t = common.tr(context, person)
    await common.say(
        update,
        context,
        t.gettext(WORRY_REPLIES[result.outcome]).format(
            name=result.client_name, worker=result.worker_name or ""
        ),
    )
    await common.deliver_now(context)


async def report(update: Update, context: Context) -> State | int:
    """peer:report:<contact_id>: either side, then a short text for the admin."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT, Role.PEER)
    if person is None:
        return ConversationHandler.END
    try:
        view = await peers.contact(
            common.services(context), person.telegram_id, _parse(update, "peer").int_arg()
        )
    except (BadCallback, NotAllowed, NotFound):
        await _refuse(update, context, person)
        return ConversationHandler.END
    await _quiet_stop(context, person.telegram_id)
    context.user_data["peer_report"] = view.contact_id
    t = common.tr(context, person)
    name = view.client_name if person.role == Role.PEER else view.peer_name
    await common.say(
        update,
        context,
        t.gettext("What happened? Type a short message for the admin. {name} does not see it.").format(
            name=name
        ),
        keyboards.menu_button(t),
    )
    return State.REPORT


async def on_report_text(update: Update, context: Context) -> State | int:
    person = await common.acting_as(update, context, Role.CLIENT, Role.PEER)
    contact_id = (context.user_data or {}).get("peer_report")
    if person is None or contact_id is None:
        return ConversationHandler.END
    t = common.tr(context, person)
    try:
        await peers.report_misuse(
            common.services(context), person.telegram_id, contact_id, update.message.text or ""
        )
    except ValueError:
        await common.say(update, context, t.gettext("That is too long for me. Please make it shorter."))
        return State.REPORT
    except (NotAllowed, NotFound):
        return await common.menu_or_welcome(update, context)
    context.user_data.pop("peer_report", None)
    await common.show_menu(update, context, person, t.gettext("Thank you. The admin has your report."))
    await common.deliver_now(context)
    return ConversationHandler.END


async def suspend(update: Update, context: Context) -> None:
    """peer:suspend:<peer_id> (from a misuse report): asks once more."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.ADMIN)
    if person is None:
        return
    t = common.tr(context, person)
    try:
        peer_id = _parse(update, "peer").int_arg()
    except BadCallback:
        await _refuse(update, context, person)
        return
    await common.say(
        update,
        context,
        t.gettext("Suspend this peer expert? Their contacts stop at once, and they get no new peers."),
        keyboards.peer_confirm_suspend(t, peer_id),
    )


async def suspend_confirmed(update: Update, context: Context) -> None:
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.ADMIN)
    if person is None:
        return
    t = common.tr(context, person)
    try:
        ended = await peers.suspend_peer(
            common.services(context), person.telegram_id, _parse(update, "peer").int_arg()
        )
    except (BadCallback, NotAllowed, NotFound):
        await _refuse(update, context, person)
        return
    await common.say(
        update,
        context,
        t.ngettext(
            "Suspended. {n} contact has stopped.", "Suspended. {n} contacts have stopped.", ended
        ).format(n=ended),
        keyboards.menu_button(t),
    )
    await common.deliver_now(context)


async def waiting(update: Update, context: Context) -> None:
    """menu:waiting, /wachtlijst: clients waiting for a peer expert."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.ADMIN)
    if person is None:
        return
    t = common.tr(context, person)
    rows = await peers.waiting_list(common.services(context), person.telegram_id)
    if not rows:
        await common.say(update, context, t.gettext("Nobody is waiting for a peer expert."), keyboards.menu_button(t))
        return
    lines = [t.gettext("Waiting for a peer expert:")]
    for row in rows:
        lines.append(f"• {row.client_name} · {_theme_name(t, row.theme)} · " + t.gettext("since {day}").format(
            day=t.day(row.since)))
    for chunk in split("\n".join(lines)):
        await common.say(update, context, chunk)
    await common.say(
        update,
        context,
        t.gettext("A client gets a proposal as soon as a fitting peer expert is free."),
        keyboards.menu_button(t),
    )


# --- a worker proposes a peer expert -----------------------------------------------------------------


async def worker_clients(update: Update, context: Context) -> None:
    """/maatjevoorstel: which client?"""
    person = await common.acting_as(update, context, Role.WORKER)
    if person is None:
        return
    t = common.tr(context, person)
    rows = await caseload.my_clients(common.services(context), person.telegram_id)
    if not rows:
        await common.say(update, context, t.gettext("You have no clients yet."), keyboards.menu_button(t))
        return
    await common.say(
        update,
        context,
        t.gettext("For whom do you want to propose a peer expert?"),
        keyboards.peer_choose_client(t, [(r.client_id, r.name) for r in rows], "peer", "wprop"),
    )


async def worker_theme(update: Update, context: Context) -> None:
    """peer:wprop:<client_id> (also a button on the worker's client page)."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.WORKER)
    if person is None:
        return
    t = common.tr(context, person)
    try:
        row = await caseload.client_row(
            common.services(context), person.telegram_id, _parse(update, "peer").int_arg()
        )
    except (BadCallback, NotAllowed):
        await _refuse(update, context, person)
        return
    await common.say(
        update,
        context,
        t.gettext("What should the peer expert know about, for {name}?").format(name=row.name),
        keyboards.peer_worker_themes(t, row.client_id),
    )


async def worker_propose(update: Update, context: Context) -> None:
    """peer:wtheme:<client_id>.<theme|any>"""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.WORKER)
    if person is None:
        return
    t = common.tr(context, person)
    try:
        client_part, _, theme_part = (_parse(update, "peer").arg or "").partition(".")
        if not client_part.isdigit():
            raise BadCallback("client")
        theme = None if theme_part == "any" else Theme(theme_part).value
        result = await peers.worker_propose(
            common.services(context), person.telegram_id, int(client_part), theme
        )
    except (BadCallback, ValueError, NotAllowed, NotFound):
        await _refuse(update, context, person)
        return
    if result.outcome == "proposed":
        text = t.gettext("I asked your client if they want to talk with {name}. Your client decides.").format(
            name=result.proposal.peer_name if result.proposal else "?"
        )
    elif result.outcome == "active":
        text = t.gettext("Your client already has a peer expert.")
    else:
        text = t.gettext("No peer expert is free for this right now.")
    await common.say(update, context, text, keyboards.menu_button(t))
    await common.deliver_now(context)


# --- the peer expert's profile -----------------------------------------------------------------------


async def show_profile(update: Update, context: Context, note: str | None = None) -> int:
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.PEER)
    if person is None:
        return ConversationHandler.END
    t = common.tr(context, person)
    data = await peers.profile(common.services(context), person.telegram_id)
    await common.say(update, context, _profile_text(t, data, note), keyboards.peer_profile_menu(t, data))
    return ConversationHandler.END


def _profile_text(t: Translator, data: Profile, note: str | None) -> str:
    themes_text = ", ".join(t.gettext(THEME_NAMES[theme]) for theme in THEMES if theme.value in data.themes)
    lines = [note, ""] if note else []
    lines += [
        t.gettext("Your profile as a peer expert. Peers see your first name and your story."),
        "",
        t.gettext("Your story:"),
        data.story or "–",
        "",
        t.gettext("Themes: {themes}").format(themes=themes_text or "–"),
        t.gettext("When you are available: {when}").format(when=data.availability or "–"),
        t.gettext("At most {n} peers at a time. Now: {active}.").format(
            n=data.max_peers, active=data.active_contacts
        ),
    ]
    if data.suspended:
        lines.append(t.gettext("Your role is suspended by an admin."))
    elif data.paused_until:
        lines.append(t.gettext("Away until {day}: no new peers.").format(day=t.day(data.paused_until)))
    return "\n".join(lines)


async def profile_command(update: Update, context: Context) -> int:
    return await show_profile(update, context)


async def ask_story(update: Update, context: Context) -> State | int:
    return await _ask_profile_text(
        update,
        context,
        State.STORY,
        N_(
            "Tell peers a little about yourself, in a few sentences. What did you go through? What helped you? "
            "A peer reads this before they choose."
        ),
    )


async def ask_availability(update: Update, context: Context) -> State | int:
    return await _ask_profile_text(
        update,
        context,
        State.AVAILABILITY,
        N_("When are you available? For example: weekdays in the evening."),
    )


async def ask_pause(update: Update, context: Context) -> State | int:
    return await _ask_profile_text(
        update,
        context,
        State.PAUSE,
        N_(
            "From which day are you back? Type a date, like {example}, or words, like \"in two weeks\". "
            "Until then you get no new peers; your peers are told when you are back."
        ),
    )


def _example_day(context: Context) -> str:
    return numeric(common.today(context) + timedelta(days=14))


async def _ask_profile_text(update: Update, context: Context, state: State, question: str) -> State | int:
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.PEER)
    if person is None:
        return ConversationHandler.END
    await _quiet_stop(context, person.telegram_id)
    t = common.tr(context, person)
    await common.say(update, context, t.gettext(question).format(example=_example_day(context)),
                     keyboards.peer_back_to_profile(t))
    return state


async def on_story(update: Update, context: Context) -> State | int:
    person = await common.acting_as(update, context, Role.PEER)
    if person is None:
        return ConversationHandler.END
    if await peers.set_story(common.services(context), person.telegram_id, update.message.text or "") is None:
        await common.say(
            update,
            context,
            common.tr(context, person).gettext("That is too long for me. Please make it shorter."),
        )
        return State.STORY
    return await show_profile(update, context, common.tr(context, person).gettext("Saved."))


async def on_availability(update: Update, context: Context) -> State | int:
    person = await common.acting_as(update, context, Role.PEER)
    if person is None:
        return ConversationHandler.END
    if (
        await peers.set_availability(common.services(context), person.telegram_id, update.message.text or "")
        is None
    ):
        await common.say(
            update,
            context,
            common.tr(context, person).gettext("That is too long for me. Please make it shorter."),
        )
        return State.AVAILABILITY
    return await show_profile(update, context, common.tr(context, person).gettext("Saved."))


async def on_pause_date(update: Update, context: Context) -> State | int:
    person = await common.acting_as(update, context, Role.PEER)
    if person is None:
        return ConversationHandler.END
    t = common.tr(context, person)
    day = parse_day(common.text_of(update), today=common.today(context), direction="future")
    try:
        if day is None:
            raise ValueError("date")
        told = await peers.pause(common.services(context), person.telegram_id, day)
    except ValueError:
        await common.say(update, context, t.gettext("Please type a day after today, like {example}.").format(
            example=_example_day(context)))
        return State.PAUSE
    await common.deliver_now(context)
    note = t.ngettext(
        "Okay. {n} peer is told when you are back.", "Okay. {n} peers are told when you are back.", told
    ).format(n=told)
    return await show_profile(update, context, note)


async def come_back(update: Update, context: Context) -> int:
    person = await common.acting_as(update, context, Role.PEER)
    if person is None:
        return ConversationHandler.END
    await peers.come_back(common.services(context), person.telegram_id)
    await common.deliver_now(context)
    return await show_profile(update, context, common.tr(context, person).gettext("Welcome back!"))


async def edit_themes(update: Update, context: Context) -> None:
    """peer:pthemes shows the toggles; peer:ptheme:<theme> flips one."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.PEER)
    if person is None:
        return
    svc = common.services(context)
    t = common.tr(context, person)
    try:
        parsed = _parse(update, "peer")
        data = (
            await peers.toggle_theme(svc, person.telegram_id, parsed.arg or "")
            if parsed.action == "ptheme"
            else await peers.profile(svc, person.telegram_id)
        )
    except (BadCallback, ValueError):
        await _refuse(update, context, person)
        return
    markup = keyboards.peer_theme_toggles(t, data.themes)
    text = t.gettext("About which themes can you support peers? Tap to switch on or off.")
    if parsed.action == "ptheme":
        await common.edit_or_say(update, context, text, markup)
    else:
        await common.say(update, context, text, markup)


async def ask_max(update: Update, context: Context) -> None:
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.PEER)
    if person is None:
        return
    t = common.tr(context, person)
    await common.say(update, context, t.gettext("How many peers at most, at the same time?"), keyboards.peer_max_peers(t))


async def on_max(update: Update, context: Context) -> int:
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.PEER)
    if person is None:
        return ConversationHandler.END
    try:
        await peers.set_max_peers(
            common.services(context), person.telegram_id, _parse(update, "peer").int_arg()
        )
    except (BadCallback, ValueError):
        await _refuse(update, context, person)
        return ConversationHandler.END
    return await show_profile(update, context, common.tr(context, person).gettext("Saved."))


# --- samen invullen ----------------------------------------------------------------------------------


async def together_start(update: Update, context: Context) -> None:
    """/samen, menu:together: a peer expert or a worker picks the client to fill in with."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.PEER, Role.WORKER)
    if person is None:
        return
    t = common.tr(context, person)
    rows = await together.clients_to_help(common.services(context), person.telegram_id)
    if not rows:
        await common.say(
            update, context, t.gettext("You have nobody to fill in with right now."), keyboards.menu_button(t)
        )
        return
    await common.say(
        update,
        context,
        t.gettext("Fill in together: with whom?"),
        keyboards.peer_choose_client(t, [(r.client_id, r.name) for r in rows], "tog", "client"),
    )


async def together_tool(update: Update, context: Context) -> None:
    """tog:client:<client_id>: which tool."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.PEER, Role.WORKER)
    if person is None:
        return
    t = common.tr(context, person)
    try:
        client_id = _parse(update, "tog").int_arg()
        row = await _helpable(context, person, client_id)
    except (BadCallback, NotAllowed):
        await _refuse(update, context, person)
        return
    await common.say(
        update,
        context,
        t.gettext("What do you fill in with {name}?").format(name=row.name),
        keyboards.together_tools(t, client_id, together.tools_for(person.role)),
    )


async def _helpable(context: Context, person: PersonView, client_id: int) -> together.Helpable:
    for row in await together.clients_to_help(common.services(context), person.telegram_id):
        if row.client_id == client_id:
            return row
    raise NotAllowed("not someone this helper helps")


async def together_step(update: Update, context: Context) -> None:
    """tog:tool:<client_id>.<tool>: which part."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.PEER, Role.WORKER)
    if person is None:
        return
    t = common.tr(context, person)
    try:
        client_id, tool_index = callbacks.ints(_parse(update, "tog").arg, 2)
        tool = together.TOOLS[tool_index]
        row = await _helpable(context, person, client_id)
    except (BadCallback, IndexError, NotAllowed):
        await _refuse(update, context, person)
        return
    labels = [step_label(t, tool, i) for i in range(len(forms.STEPS[tool]))]
    await common.say(
        update,
        context,
        t.gettext("Which part do you fill in with {name}?").format(name=row.name),
        keyboards.together_steps(t, client_id, tool_index, labels),
    )


async def together_ask(update: Update, context: Context) -> State | int:
    """tog:step:<client_id>.<tool>.<step> -> the helper types a proposal."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.PEER, Role.WORKER)
    if person is None:
        return ConversationHandler.END
    t = common.tr(context, person)
    try:
        client_id, tool_index, step = callbacks.ints(_parse(update, "tog").arg, 3)
        tool = together.TOOLS[tool_index]
        question = forms.STEPS[tool][step].question
        row = await _helpable(context, person, client_id)
    except (BadCallback, IndexError, NotAllowed):
        await _refuse(update, context, person)
        return ConversationHandler.END
    await _quiet_stop(context, person.telegram_id)
    context.user_data["together"] = {"client": client_id, "tool": tool_index, "step": step}
    await common.say(
        update,
        context,
        "\n\n".join(
            [
                step_label(t, tool, step),
                t.gettext(question),
                t.gettext(
                    "Type your proposal, in {name}'s words if you can. {name} sees it first and decides."
                ).format(name=row.name),
            ]
        ),
        keyboards.menu_button(t),
    )
    return State.TOGETHER


async def on_together_text(update: Update, context: Context) -> State | int:
    person = await common.acting_as(update, context, Role.PEER, Role.WORKER)
    data = (context.user_data or {}).get("together")
    if person is None or not data:
        return ConversationHandler.END
    t = common.tr(context, person)
    tool = together.TOOLS[data["tool"]]
    try:
        proposal = await together.propose(
            common.services(context),
            person.telegram_id,
            data["client"],
            tool,
            data["step"],
            update.message.text or "",
        )
    except Refused as refusal:
        await common.say(update, context, refusal_text(t, str(refusal)))
        return State.TOGETHER
    except (NotAllowed, NotFound, ValueError):
        await _refuse(update, context, person)
        return ConversationHandler.END
    context.user_data.pop("together", None)
    await common.say(
        update,
        context,
        t.gettext("Sent to {name}. Nothing is saved until {name} confirms.").format(
            name=proposal.client_name
        ),
        keyboards.together_next(t, data["client"], data["tool"]),
    )
    await common.deliver_now(context)
    return ConversationHandler.END


async def together_decide(update: Update, context: Context) -> None:
    """tog:ok:<id> and tog:no:<id>: only the client it was sent to; forged ids are refused."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT)
    if person is None:
        return
    t = common.tr(context, person)
    try:
        parsed = _parse(update, "tog")
        decision = await together.decide(
            common.services(context), person.telegram_id, parsed.int_arg(), parsed.action
        )
    except (BadCallback, NotAllowed, ValueError):
        await _refuse(update, context, person)
        return
    except NotFound:
        await common.say(update, context, t.gettext("You already answered this proposal."), keyboards.menu_button(t))
        return
    except Refused as refusal:
        await common.say(update, context, refusal_text(t, str(refusal)), keyboards.menu_button(t))
        return
    text = (
        t.gettext("✅ Saved in your {tool}.")
        if decision.status == "confirmed"
        else t.gettext("Okay. Nothing was saved.")
    )
    await common.say(update, context, text.format(tool=t.gettext(TOOL_NAMES[decision.tool])), keyboards.menu_button(t))
    await common.deliver_now(context)


async def together_edit(update: Update, context: Context) -> State | int:
    """tog:edit:<id>: the client types their own version."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT)
    if person is None:
        return ConversationHandler.END
    t = common.tr(context, person)
    try:
        proposal = await together.open_proposal(
            common.services(context), person.telegram_id, _parse(update, "tog").int_arg()
        )
    except (BadCallback, NotAllowed):
        await _refuse(update, context, person)
        return ConversationHandler.END
    except NotFound:
        await common.say(update, context, t.gettext("You already answered this proposal."), keyboards.menu_button(t))
        return ConversationHandler.END
    await _quiet_stop(context, person.telegram_id)
    context.user_data["own_version"] = proposal.proposal_id
    await common.say(
        update,
        context,
        t.gettext('Type it in your own words, for "{part}".').format(
            part=step_label(t, proposal.tool, proposal.step)
        ),
        keyboards.menu_button(t),
    )
    return State.OWN_VERSION


async def on_own_version(update: Update, context: Context) -> State | int:
    person = await common.acting_as(update, context, Role.CLIENT)
    proposal_id = (context.user_data or {}).get("own_version")
    if person is None or proposal_id is None:
        return ConversationHandler.END
    t = common.tr(context, person)
    try:
        decision = await together.decide(
            common.services(context), person.telegram_id, proposal_id, "edit", update.message.text or ""
        )
    except Refused as refusal:
        await common.say(update, context, refusal_text(t, str(refusal)))
        return State.OWN_VERSION
    except (NotAllowed, NotFound):
        context.user_data.pop("own_version", None)
        await common.say(update, context, t.gettext("You already answered this proposal."), keyboards.menu_button(t))
        return ConversationHandler.END
    context.user_data.pop("own_version", None)
    await common.say(
        update,
        context,
        t.gettext("✅ Saved your own words in your {tool}.").format(
            tool=t.gettext(TOOL_NAMES[decision.tool])
        ),
        keyboards.menu_button(t),
    )
    await common.deliver_now(context)
    return ConversationHandler.END


async def odd_input(update: Update, context: Context) -> None:
    t = common.tr(context, await common.current(update, context))
    await common.say(update, context, t.gettext("Please answer with a short text, or use the buttons above."))


# --- registration ------------------------------------------------------------------------------------


def _plain() -> list[tuple[str, object]]:
    """(pattern, callback) of every button that works outside the conversation too."""
    return [
        (callbacks.pattern("menu", "peer"), ask_peer),
        (callbacks.pattern("peer", "nopref"), on_preference_skip),
        (callbacks.pattern("peer", "accept"), on_accept),
        (callbacks.pattern("peer", "other"), on_other),
        (callbacks.pattern("peer", "decline"), on_decline),
        (callbacks.pattern("peer", "talk"), talk),
        (callbacks.pattern("peer", "stoptalk"), stop),
        (callbacks.pattern("menu", "peers"), my_peers),
        (callbacks.pattern("peer", "list"), my_peers),
        (callbacks.pattern("peer", "open"), open_contact),
        (callbacks.pattern("peer", "view"), view_shared),
        (callbacks.pattern("peer", "hand"), hand_over),
        (callbacks.pattern("peer", "handto"), hand_over_to),
        (callbacks.pattern("peer", "end"), end),
        (callbacks.pattern("peer", "endok"), end_confirmed),
        (callbacks.pattern("peer", "fbskip"), on_feedback_skip),
        (callbacks.pattern("peer", "worry"), worry),
        (callbacks.pattern("peer", "suspend"), suspend),
        (callbacks.pattern("peer", "susok"), suspend_confirmed),
        (callbacks.pattern("menu", "waiting"), waiting),
        (callbacks.pattern("peer", "wprop"), worker_theme),
        (callbacks.pattern("peer", "wtheme"), worker_propose),
        (callbacks.pattern("menu", "profile"), show_profile),
        (callbacks.pattern("peer", "prof"), show_profile),
        (r"^peer:(pthemes|ptheme)(:|$)", edit_themes),
        (callbacks.pattern("peer", "pmaxask"), ask_max),
        (callbacks.pattern("peer", "pmax"), on_max),
        (callbacks.pattern("peer", "back"), come_back),
        (callbacks.pattern("menu", "together"), together_start),
        (callbacks.pattern("tog", "start"), together_start),
        (callbacks.pattern("tog", "client"), together_tool),
        (callbacks.pattern("tog", "tool"), together_step),
        (r"^tog:(ok|no):", together_decide),
    ]


def _ending(callback):  # type: ignore[no-untyped-def]
    """A plain button pressed in the middle of a question: do what it says and leave the question."""

    async def run(update: Update, context: Context) -> int:
        await callback(update, context)
        return ConversationHandler.END

    return run


def conversation() -> ConversationHandler:
    """The questions that wait for typed text; every other peer button also leaves them."""
    return ConversationHandler(
        name="peers",
        persistent=True,
        allow_reentry=True,
        entry_points=[
            CallbackQueryHandler(on_theme, pattern=callbacks.pattern("peer", "theme")),
            CallbackQueryHandler(on_rating, pattern=callbacks.pattern("peer", "rate")),
            CallbackQueryHandler(report, pattern=callbacks.pattern("peer", "report")),
            CallbackQueryHandler(ask_story, pattern=callbacks.pattern("peer", "pstory")),
            CallbackQueryHandler(ask_availability, pattern=callbacks.pattern("peer", "pavail")),
            CallbackQueryHandler(ask_pause, pattern=callbacks.pattern("peer", "pause")),
            CallbackQueryHandler(together_ask, pattern=callbacks.pattern("tog", "step")),
            CallbackQueryHandler(together_edit, pattern=callbacks.pattern("tog", "edit")),
        ],
        states={
            State.REPORT: [MessageHandler(TEXT_ONLY, common.text_answer(on_report_text))],
            State.FEEDBACK: [
                CallbackQueryHandler(on_feedback_skip, pattern=callbacks.pattern("peer", "fbskip")),
                MessageHandler(TEXT_ONLY, common.text_answer(on_feedback_text)),
            ],
            State.STORY: [MessageHandler(TEXT_ONLY, common.text_answer(on_story))],
            State.AVAILABILITY: [MessageHandler(TEXT_ONLY, common.text_answer(on_availability))],
            State.PAUSE: [MessageHandler(TEXT_ONLY, common.text_answer(on_pause_date))],
            State.TOGETHER: [MessageHandler(TEXT_ONLY, common.text_answer(on_together_text))],
            State.OWN_VERSION: [MessageHandler(TEXT_ONLY, common.text_answer(on_own_version))],
        },
        fallbacks=[
            *menu.global_commands(),
            CallbackQueryHandler(menu.show, pattern=callbacks.pattern("menu", "show")),
            *[CallbackQueryHandler(_ending(callback), pattern=pattern) for pattern, callback in _plain()],
            common.edit_fallback(),
            MessageHandler(filters.ALL & ~filters.COMMAND & ~filters.UpdateType.EDITED, odd_input),
        ],
    )


def handlers() -> list[BaseHandler]:
    """For group 0, before the catch-alls: the conversation first, then commands and buttons."""
    return [
        conversation(),
        CommandHandler("maatje", ask_peer),
        CommandHandler("praten", talk),
        CommandHandler("mijnpeers", my_peers),
        CommandHandler("profiel", profile_command),
        CommandHandler("wachtlijst", waiting),
        CommandHandler("maatjevoorstel", worker_clients),
        CommandHandler("samen", together_start),
        *[CallbackQueryHandler(callback, pattern=pattern) for pattern, callback in _plain()],  # type: ignore[arg-type]
    ]


def relay_handler() -> TypeHandler:
    """Register in a group of its own after the crisis check and the guards and before group 0 (see `relay`):
    it stops the update when it relays, and does nothing for anyone not talking."""
    return TypeHandler(Update, relay)
