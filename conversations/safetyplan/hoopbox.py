"""De hoopbox: photos, short texts, voice messages and links that give hope. View, add, take out; a viewer the
client shares it with (their care team, their peer expert) sees it too, each look audited.

Adding is the state `HOPE_ADD` of this package's conversation: every photo, text, voice message or link sent
then is kept at once, until "Klaar". Photos and voice messages stay on Telegram; Houvast keeps their file id,
encrypted like other free content, and sends them back by it.
"""
from __future__ import annotations

import logging

from telegram import LinkPreviewOptions, Message, MessageEntity, Update
from telegram.constants import MessageLimit
from telegram.error import BadRequest

from bot.domain.forms import first_part
from bot.domain.roles import Role
from bot.domain.safetyplans import (
    MAX_CAPTION,
    MAX_HOPE_FILE_BYTES,
    MAX_HOPE_ITEMS,
    MAX_HOPE_TEXT,
    HopeKind,
    HopeRefusal,
    as_link,
)
from bot.i18n import N_, Translator
from bot.services import safetyplans
from bot.services.base import NotAllowed, NotFound
from bot.services.safetyplans import HopeBox, HopeView
from conversations import common
from conversations import keyboards as shared_keyboards
from conversations.common import Context
from conversations.safetyplan import keyboards
from conversations.safetyplan.states import State
from conversations.safetyplan.turn import END, Turn, handler

log = logging.getLogger(__name__)
PAGE = 10  # items per look: the chat stays readable, and Telegram's one message a second per chat is respected
EMPTY = N_("💛 Your hope box is still empty. Put in what gives you hope: a photo, a few words, a voice message, "
           "or a link to music or a video. Nobody else sees it, unless you share it with /privacy.")
ASK = N_("Send what you want to keep: a photo, a text, a voice message or a link. You can send several things, "
         "one after the other. Tap Done when you are ready.")
KEPT = N_("💛 Kept. Send something else, or tap Done.")
REFUSALS = {
    HopeRefusal.FULL: N_("Your hope box is full: {max} things. Take something out first."),
    HopeRefusal.TOO_BIG: N_("This file is too big: {size} MB. Houvast can keep up to {max} MB. Send a picture as a "
                            "photo, not as a file: Telegram makes it smaller."),
    HopeRefusal.DUPLICATE: N_("That is already in your hope box."),
    HopeRefusal.EMPTY: N_("I got an empty message. Please send a photo, a text, a voice message or a link."),
}
NOT_THIS = N_("That cannot go in your hope box. Send a photo, a text, a voice message, or a link to music or a video.")
AS_PHOTO = N_("Please send this picture as a photo, not as a file.")
FORWARDED = N_("I kept it. Who sent it first, I do not keep.")


def _label(t: Translator, item: HopeView) -> str:
    """One line for the list to take something out: what it is, and its first words."""
    kind = {HopeKind.PHOTO: t.gettext("Photo"), HopeKind.VOICE: t.gettext("Voice message"),
            HopeKind.LINK: t.gettext("Link"), HopeKind.TEXT: t.gettext("Text")}[item.kind]
    return f"{kind}: {item.text}" if item.text else kind


async def _send_item(turn: Turn, item: HopeView) -> bool:
    chat_id = turn.update.effective_chat.id
    bot = turn.context.bot
    try:
        if item.kind == HopeKind.PHOTO:
            await bot.send_photo(chat_id, item.file_id, caption=(item.text or None) and item.text[:MAX_CAPTION])
        elif item.kind == HopeKind.VOICE:
            await bot.send_voice(chat_id, item.file_id, caption=(item.text or None) and item.text[:MAX_CAPTION])
        elif item.kind == HopeKind.LINK:
            preview = LinkPreviewOptions(prefer_large_media=True)
            await bot.send_message(chat_id, item.text or "", link_preview_options=preview)
        else:
            await turn.say(item.text or "")
    except BadRequest as exc:  # a file Telegram no longer has (another bot token, an old file)
        log.info("hope item not shown: %s", type(exc).__name__)
        return False
    return True


async def _show(turn: Turn, box: HopeBox, page: int, *, own: bool, client_id: int | None = None) -> None:
    t = turn.t
    items = box.items[page * PAGE:(page + 1) * PAGE]
    if not box.items:
        text = t.gettext(EMPTY) if own else t.gettext("The hope box of {name} is empty.").format(name=box.owner_name)
        await turn.say(text, keyboards.hope_box(t, count=0) if own else shared_keyboards.menu_button(t))
        return
    if not own:
        await turn.say(t.gettext("💛 The hope box of {name}:").format(name=box.owner_name))
    missing = 0
    for item in items:
        missing += not await _send_item(turn, item)
    lines = [t.ngettext("💛 Your hope box: {n} thing.", "💛 Your hope box: {n} things.", len(box.items))
             .format(n=len(box.items))] if own else []
    if missing:
        lines.append(t.ngettext("{n} thing I cannot show any more.", "{n} things I cannot show any more.", missing)
                     .format(n=missing))
    more = (page + 1) * PAGE < len(box.items)
    if more:
        lines.append(t.gettext("There is more: tap Show more."))
    markup = keyboards.hope_box(t, count=len(box.items)) if own else shared_keyboards.menu_button(t)
    if more:
        arg = f"{page + 1}" if own else f"{client_id}.{page + 1}"
        markup = keyboards.with_more(t, markup, "show" if own else "of", arg)
    await turn.say("\n".join(lines) or t.gettext("That was all."), markup)


@handler(Role.CLIENT, flow="hope")
async def show(turn: Turn) -> int:
    """hope:show[:<page>], also from the menu of the hub and after a crisis: the client's own box."""
    page = turn.int_arg() if turn.data is not None and turn.arg else 0
    box = await safetyplans.hope_box(turn.svc, turn.tid)
    await _show(turn, box, page, own=True)
    return END


@handler(Role.WORKER, Role.PEER, flow="hope")
async def show_shared(turn: Turn) -> None:
    """hope:of:<client_id>.<page>: a client's box, for someone they share it with (audited; refused without).
    The first page comes from the worker's client page or the peer expert's contact (`show_to`)."""
    client_id, page = turn.ints(2)
    box = await safetyplans.hope_box(turn.svc, turn.tid, client_id)
    await _show(turn, box, page, own=False, client_id=client_id)


async def show_to(update: Update, context: Context, client_id: int) -> bool:
    """The first page of a client's box for the worker or peer expert asking; False when it is not shared with
    them (the refused look is audited), so the caller says so in its own words."""
    person = await common.current(update, context)
    if person is None:
        return False
    turn = Turn(update, context, person, common.tr(context, person))
    try:
        box = await safetyplans.hope_box(turn.svc, turn.tid, client_id)
    except (NotAllowed, NotFound):
        return False
    await _show(turn, box, 0, own=False, client_id=client_id)
    return True


@handler(Role.CLIENT, flow="hope")
async def start_adding(turn: Turn) -> State:
    await turn.say(turn.t.gettext(ASK), keyboards.hope_adding(turn.t))
    return State.HOPE_ADD


def _link_of(message: Message, text: str) -> str | None:
    """The message as a link: Telegram's own url entity covering the whole text, or a text that is one link."""
    for entity in message.entities or ():
        if entity.type == MessageEntity.URL and entity.offset == 0 and entity.length >= len(text.strip()) - 1:
            return as_link(text) or text.strip()
    return as_link(text)


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.0f}"


@handler(Role.CLIENT, stop=State.HOPE_ADD)
async def on_item(turn: Turn) -> State:
    """A message while adding: kept at once, or a clear line why not. The state stays open."""
    t = turn.t
    message = turn.update.message
    if message is None:
        return State.HOPE_ADD
    note, size = None, 0
    if message.photo:
        photo = message.photo[-1]
        size = photo.file_size or 0
        added = await safetyplans.add_hope(
            turn.svc, turn.tid, HopeKind.PHOTO, text=(message.caption or "")[:MAX_CAPTION],
            file_id=photo.file_id, file_unique_id=photo.file_unique_id, size=photo.file_size)
    elif message.voice:
        size = message.voice.file_size or 0
        added = await safetyplans.add_hope(
            turn.svc, turn.tid, HopeKind.VOICE, text=(message.caption or "")[:MAX_CAPTION],
            file_id=message.voice.file_id, file_unique_id=message.voice.file_unique_id, size=message.voice.file_size)
    elif message.document and (message.document.mime_type or "").startswith("image/"):
        size = message.document.file_size or 0
        if size > MAX_HOPE_FILE_BYTES:
            await turn.say(t.gettext(REFUSALS[HopeRefusal.TOO_BIG]).format(
                size=_megabytes(size), max=_megabytes(MAX_HOPE_FILE_BYTES)), keyboards.hope_adding(t))
        else:
            await turn.say(t.gettext(AS_PHOTO), keyboards.hope_adding(t))
        return State.HOPE_ADD
    elif message.text:
        text = message.text
        link = _link_of(message, text)
        if link is not None:
            added = await safetyplans.add_hope(turn.svc, turn.tid, HopeKind.LINK, text=link)
        else:
            kept = first_part(text, MAX_HOPE_TEXT)
            if len(kept) < len(text.strip()):
                note = t.gettext("Your text has {n} characters. I kept the first {max}.").format(
                    n=len(text.strip()), max=MAX_HOPE_TEXT)
            added = await safetyplans.add_hope(turn.svc, turn.tid, HopeKind.TEXT, text=kept)
    else:
        await turn.say(t.gettext(NOT_THIS), keyboards.hope_adding(t))
        return State.HOPE_ADD
    if added.refusal is not None:
        limit = MAX_HOPE_ITEMS if added.refusal == HopeRefusal.FULL else _megabytes(MAX_HOPE_FILE_BYTES)
        await turn.say(t.gettext(REFUSALS[added.refusal]).format(max=limit, size=_megabytes(size)),
                       keyboards.hope_adding(t))
        return State.HOPE_ADD
    lines = [note] if note else []
    if message.forward_origin is not None:
        lines.append(t.gettext(FORWARDED))
    lines.append(t.gettext(KEPT))
    await turn.say("\n".join(lines)[:MessageLimit.MAX_TEXT_LENGTH], keyboards.hope_adding(t))
    return State.HOPE_ADD


@handler(Role.CLIENT)
async def done_adding(turn: Turn) -> int:
    """hope:done: the adding ends; the box as it is now."""
    box = await safetyplans.hope_box(turn.svc, turn.tid)
    await turn.say(turn.t.ngettext("💛 Your hope box: {n} thing.", "💛 Your hope box: {n} things.", len(box.items))
                   .format(n=len(box.items)), keyboards.hope_box(turn.t, count=len(box.items)))
    return END


@handler(Role.CLIENT)
async def pick(turn: Turn) -> None:
    """hope:pick: which item to take out."""
    box = await safetyplans.hope_box(turn.svc, turn.tid)
    if not box.items:
        await turn.say(turn.t.gettext(EMPTY), keyboards.hope_box(turn.t, count=0))
        return
    await turn.say(turn.t.gettext("What do you want to take out?"),
                   keyboards.hope_pick(turn.t, [(item, _label(turn.t, item)) for item in box.items]))


@handler(Role.CLIENT, flow="hope")
async def confirm_remove(turn: Turn) -> None:
    """hope:del:<id>: show it once more and ask."""
    box = await safetyplans.hope_box(turn.svc, turn.tid)
    item = box.item(turn.int_arg())
    if item is None:
        await turn.say(turn.t.gettext("That is not in your hope box (any more)."),
                       keyboards.hope_box(turn.t, count=len(box.items)))
        return
    await _send_item(turn, item)
    question = turn.t.gettext("Do you want to take this out of your hope box?")
    await turn.say(question, keyboards.hope_confirm(turn.t, item.id))


@handler(Role.CLIENT, flow="hope")
async def remove(turn: Turn) -> None:
    """hope:rm:<id>: out it goes (a double tap finds it gone, and says so)."""
    try:
        left = await safetyplans.remove_hope(turn.svc, turn.tid, turn.int_arg())
    except NotFound:
        box = await safetyplans.hope_box(turn.svc, turn.tid)
        await turn.say(turn.t.gettext("That is not in your hope box (any more)."),
                       keyboards.hope_box(turn.t, count=len(box.items)))
        return
    await turn.say(turn.t.ngettext("Taken out. Your hope box has {n} thing now.",
                                   "Taken out. Your hope box has {n} things now.", left).format(n=left),
                   keyboards.hope_box(turn.t, count=left))
