"""What the progress flows share: their states, the payload and sending a file."""
from __future__ import annotations

import io
from enum import StrEnum

from telegram import InputFile, Update

from bot.i18n import N_
from bot.render import herstelplan as plan_render
from bot.services import caseload
from bot.services.herstelplan import Part
from bot.services.people import PersonView
from conversations import callbacks, common, keyboards
from conversations.callbacks import BadCallback
from conversations.common import Context
from conversations.progress import keyboards as progress_keyboards

NOT_SHARED = N_("You cannot see this. The client has not shared it with you.")


DECISION_KEY = "progress_decision"


PART_KEYS = {"g": Part.GOALS, "p": Part.PHASE, "s": Part.SCAN, "c": Part.CONTACTS, "w": Part.SUPPORT,
             "v": Part.SAFETY, "t": Part.HOME}


HOUSEHOLD_KEY = "h"


class Step(StrEnum):
    REASON = "progress.reason"


def payload_arg(update: Update) -> str:
    return callbacks.parse(update.callback_query.data, "prg").arg or ""


def payload_parts(update: Update, count: int) -> list[str]:
    """prg:<action>:<a>.<b>...: the `count` parts of the argument, or BadCallback."""
    parts = payload_arg(update).split(".")
    if len(parts) != count:
        raise BadCallback(f"expected {count} parts")
    return parts


def payload_int(update: Update, text: str | None = None) -> int:
    """prg:<action>:<number> (or one part of it, `text`): the number, or BadCallback."""
    try:
        return int(payload_arg(update) if text is None else text)
    except ValueError as exc:
        raise BadCallback("expected a number") from exc


async def send_file(update: Update, context: Context, data: bytes, filename: str, *, photo: bool = False,
                     caption: str | None = None) -> None:
    chat_id = update.effective_chat.id
    if photo and int.from_bytes(data[20:24], "big") <= 2560:  # PNG height; taller pictures go as a document
        await context.bot.send_photo(chat_id, InputFile(io.BytesIO(data), filename=filename), caption=caption)
    else:
        await context.bot.send_document(chat_id, InputFile(io.BytesIO(data), filename=filename), caption=caption)


def no_emoji(label: str) -> str:
    return plan_render.plain(label)


async def client_list(update: Update, context: Context, worker: PersonView) -> None:
    t = common.tr(context, worker)
    rows = await caseload.my_clients(common.services(context), worker.telegram_id)
    if not rows:
        await common.say(update, context, t.gettext("You have no clients yet."), keyboards.menu_button(t))
        return
    await common.say(
        update,
        context,
        t.gettext("Choose a client:"),
        progress_keyboards.progress_clients(t, [(r.client_id, r.name) for r in rows]),
    )
