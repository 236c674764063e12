"""A client asks for a peer expert (/maatje): a theme, a proposal (first name and story), yes or someone else;
after a contact ends, a rating and a few words."""
from __future__ import annotations

from telegram import Update
from telegram.ext import (
    ConversationHandler,
)

from bot.domain.peers import Theme
from bot.domain.roles import Role
from bot.i18n import Translator
from bot.services import peers
from bot.services.base import NotAllowed, NotFound
from bot.services.peers import ContactView, FindResult
from bot.services.people import PersonView
from conversations import common, keyboards
from conversations.callbacks import BadCallback
from conversations.common import Context
from conversations.handler import Turn, handler, with_draft
from conversations.peers import keyboards as peer_keyboards
from conversations.peers.shared import ADMIN_SEES, WAITING_LIST_SEES, State, proposal_text, quiet_stop


@handler(Role.CLIENT)
async def ask_peer(turn: Turn) -> int:
    """menu:peer, /maatje: the client's peer expert (if any), an open proposal, or a new request."""
    svc = turn.svc
    t = turn.t
    mine = await peers.my_contacts(svc, turn.tid)
    if mine:
        await client_home(turn.update, turn.context, t, mine[0])
        return ConversationHandler.END
    proposal = await peers.open_proposal(svc, turn.tid)
    if proposal is not None:
        await turn.say(proposal_text(t, proposal), peer_keyboards.peer_proposal(t, proposal))
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
    await turn.say(text, peer_keyboards.peer_themes(t))
    return ConversationHandler.END


@handler(Role.CLIENT, flow="peer")
async def on_theme(turn: Turn) -> int:
    """peer:theme:<theme|any>: look for a peer expert at once."""
    try:
        arg = turn.arg or ""
        theme = None if arg == "any" else Theme(arg).value
    except (BadCallback, ValueError):
        await turn.refuse()
        return ConversationHandler.END
    await quiet_stop(turn.context, turn.tid)
    turn.user_data["peer_request"] = {"theme": theme}
    return await _find(turn.update, turn.context)


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
    await show_result(update, context, person, result)
    return ConversationHandler.END


async def show_result(update: Update, context: Context, person: PersonView, result: FindResult) -> None:
    t = common.tr(context, person)
    if result.outcome == "proposed" and result.proposal is not None:
        await common.say(
            update,
            context,
            proposal_text(t, result.proposal),
            peer_keyboards.peer_proposal(t, result.proposal),
        )
    elif result.outcome == "active" and result.contact is not None:
        await client_home(update, context, t, result.contact)
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


async def client_home(
    update: Update, context: Context, t: Translator, view: ContactView, note: str | None = None
) -> None:
    lines = [note] if note else []
    lines.append(t.gettext("Your peer expert is {name}.").format(name=view.peer_name))
    if view.started_at:
        lines.append(t.gettext("You talk since {day}.").format(day=t.day(view.started_at)))
    await common.say(update, context, "\n".join(lines), peer_keyboards.peer_client_contact(t, view))


@handler(Role.CLIENT, flow="peer", stop=None)
async def on_accept(turn: Turn) -> None:
    result = await peers.accept(
        turn.svc, turn.tid, turn.int_arg()
    )
    if result.outcome == "active" and result.contact is not None:
        t = turn.t
        note = t.gettext("Good! {name} now knows about you. Tap Talk to start.").format(
            name=result.contact.peer_name
        )
        await client_home(turn.update, turn.context, t, result.contact, note)
    else:
        t = turn.t
        await turn.say(t.gettext("Sorry, this peer expert is no longer free."))
        await show_result(turn.update, turn.context, turn.person, result)
    await turn.deliver_now()


@handler(Role.CLIENT, flow="peer", stop=None)
async def on_other(turn: Turn) -> None:
    result = await peers.someone_else(
        turn.svc, turn.tid, turn.int_arg()
    )
    await show_result(turn.update, turn.context, turn.person, result)


@handler(Role.CLIENT, flow="peer", stop=None)
async def on_decline(turn: Turn) -> None:
    await peers.decline(turn.svc, turn.tid, turn.int_arg())
    t = turn.t
    await turn.menu(t.gettext("Okay. Nothing changes. You can ask again any time."))
    await turn.deliver_now()


@handler(Role.CLIENT, flow="peer")
async def on_rating(turn: Turn) -> State | int:
    """peer:rate:<contact_id>.<1-5> -> an optional few words."""
    try:
        contact_id, rating = turn.ints(2)
        await peers.rate(turn.svc, turn.tid, contact_id, rating)
    except (BadCallback, ValueError, NotAllowed, NotFound):
        await turn.refuse()
        return ConversationHandler.END
    await quiet_stop(turn.context, turn.tid)
    turn.user_data["peer_feedback"] = contact_id
    t = turn.t
    await turn.say(t.gettext("Thank you. Want to add something? Type it, or tap Skip."),
        peer_keyboards.peer_skip(t, "fbskip", contact_id),
    )
    return State.FEEDBACK


@handler(Role.CLIENT)
@with_draft("peer_feedback", quiet=True)
async def on_feedback_text(turn: Turn, contact_id: int) -> State | int:
    """The few words after a rating."""
    try:
        saved = await peers.give_feedback(turn.svc, turn.tid, contact_id, turn.update.message.text or "")
    except (NotAllowed, NotFound):
        return await turn.menu_or_welcome()
    t = turn.t
    if not saved:
        await turn.say(t.gettext("That is too long for me. Please make it shorter."))
        return State.FEEDBACK
    turn.user_data.pop("peer_feedback", None)
    await turn.menu(t.gettext("Thank you for telling me."))
    return ConversationHandler.END


async def on_feedback_skip(update: Update, context: Context) -> int:
    await common.answer_button(update)
    if context.user_data is not None:
        context.user_data.pop("peer_feedback", None)
    person = await common.acting_as(update, context, Role.CLIENT)
    if person is not None:
        await common.show_menu(update, context, person, common.tr(context, person).gettext("Thank you."))
    return ConversationHandler.END
