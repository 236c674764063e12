"""Talking through Houvast: /praten (or a Talk button) turns the relay on; from then on text, voice messages and
photos are copied to the other side with who it comes from. /menu, any other command or a menu button turns it
off. The relay is a handler of its own (relay_handler()) that must run before group 0 (see relay())."""
from __future__ import annotations

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    TypeHandler,
)

from bot.domain.roles import Role
from bot.i18n import translator
from bot.render.text import safety_text, split
from bot.services import peers
from conversations import common
from conversations.common import Context
from conversations.handler import Turn, handler
from conversations.peers import keyboards as peer_keyboards
from conversations.peers.shared import (
    KEEP_TALKING,
    PEER_GUIDANCE,
    PEER_SELF_GUIDANCE,
    peer_label,
    stop_talking,
    talking,
)


@handler(Role.CLIENT, Role.PEER, flow="peer", stop=None)
async def talk(turn: Turn) -> None:
    """/praten or peer:talk:<contact_id>: turn the relay on for one contact."""
    svc = turn.svc
    t = turn.t
    if turn.update.callback_query is not None:
        contact_id = turn.int_arg()
    else:
        mine = await peers.my_contacts(svc, turn.tid)
        if not mine:
            return await turn.note(t.gettext("You have no peer contact right now."))
        if len(mine) > 1:
            await turn.say(t.gettext("With whom do you want to talk?"),
                peer_keyboards.peer_choose_contact(t, [(c.contact_id, c.client_name) for c in mine], "talk"),
            )
            return
        contact_id = mine[0].contact_id
    view = await peers.start_talking(svc, turn.tid, contact_id)
    (await talking(turn.context)).add(turn.tid)
    other = view.client_name if turn.person.role == Role.PEER else peer_label(t, view.peer_name)
    name = view.client_name if turn.person.role == Role.PEER else view.peer_name
    await turn.say("\n\n".join(
            [
                t.gettext("💬 You are now talking with {other}.").format(other=other),
                t.gettext(
                    "What you send now goes to {name}: text, voice messages and photos. "
                    "{name} does not see your phone number or username."
                ).format(name=name),
                t.gettext("To stop, tap the button or type /menu."),
            ]
        ),
        peer_keyboards.peer_stop_talking(t),
    )


@handler(Role.CLIENT, Role.PEER, stop=None)
async def stop(turn: Turn) -> None:
    name = await stop_talking(turn.context, turn.tid)
    t = turn.t
    text = t.gettext("⏹ You stopped talking with {name}.").format(name=name) if name else None
    await turn.menu(text)


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
    if user.id not in await talking(context):
        return  # not talking: no database query for this update
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
        (await talking(context)).discard(user.id)  # the contact ended meanwhile
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
    if not await _deliver(context, message, out, kind, text):
        await common.say(
            update,
            context,
            t.gettext("I could not deliver your message to {name}. Please try again later.").format(
                name=out.other_name
            ),
        )
    raise ApplicationHandlerStop


async def _deliver(context: Context, message: Message, out: peers.RelayOut, kind: str, text: str | None) -> bool:
    """The copy to the other side, in their language, with their answer button (unless they are talking
    too); after a client's crisis language, the peer expert's guidance. False when Telegram refused it."""
    t_other = translator(out.to_locale, common.services(context).settings.zone)
    label = out.sender_name if out.from_client else peer_label(t_other, out.sender_name)
    prefix = t_other.gettext("💬 {name}:").format(name=label)
    answer = (
        None if out.recipient_talking else peer_keyboards.peer_answer_markup(t_other, out.contact_id, out.sender_name)
    )
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
                out.to_chat_id, message.chat_id, message.message_id, caption=caption, reply_markup=answer
            )
        if out.crisis and out.from_client:
            await context.bot.send_message(
                out.to_chat_id,
                t_other.gettext(PEER_GUIDANCE).format(name=out.sender_name),
                reply_markup=peer_keyboards.peer_worry_button(t_other, out.contact_id),
            )
    except TelegramError:
        return False
    return True


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
    name = await stop_talking(context, telegram_id)
    if name:
        t = common.tr(context, await common.current(update, context))
        await common.say(update, context, t.gettext("⏹ You stopped talking with {name}.").format(name=name))


def relay_handler() -> TypeHandler:
    """Register in a group of its own after the crisis check and the guards and before group 0 (see `relay`):
    it stops the update when it relays, and does nothing for anyone not talking."""
    return TypeHandler(Update, relay)
