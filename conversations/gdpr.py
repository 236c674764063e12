"""/mijngegevens: all your data as a JSON file and a PDF. /verwijderen: delete your account, 7 days to undo."""
from __future__ import annotations

import asyncio
import io
import json

from telegram import InlineKeyboardMarkup, InputFile, Update
from telegram.ext import CallbackQueryHandler

from bot.domain.roles import Role
from bot.services import gdpr
from conversations import callbacks, common, keyboards
from conversations.common import Context
from conversations.handler import Turn, handler, opened

JSON_NAME = "houvast-gegevens.json"
PDF_NAME = "houvast-gegevens.pdf"


@handler(Role.CLIENT, stop=None)
async def my_data(turn: Turn) -> None:
    t = turn.t
    data = await gdpr.export_data(turn.svc, turn.tid)
    chat_id = turn.update.effective_chat.id
    await turn.say(t.gettext(
        "Here is everything Houvast keeps about you: a file for computers (JSON) and a PDF to read."))
    raw = json.dumps(data, ensure_ascii=False, indent=2).encode()
    await turn.context.bot.send_document(chat_id, InputFile(io.BytesIO(raw), filename=JSON_NAME))
    from bot.render.export import export_pdf  # fpdf2 loads on first use, not at start-up

    pdf = await asyncio.to_thread(export_pdf, data, t)  # a long history makes a long PDF: off the event loop
    await turn.context.bot.send_document(chat_id, InputFile(io.BytesIO(pdf), filename=PDF_NAME))
    await turn.say(t.gettext(
        "Keep these files in a safe place: they hold your plans and your name."), keyboards.menu_button(t))


@handler(Role.CLIENT, stop=None)
async def delete_account(turn: Turn) -> None:
    """/verwijderen: explain and ask; while a deletion is pending, offer to undo it."""
    t = turn.t
    due = await gdpr.deletion_due(turn.svc, turn.tid)
    if due is not None:
        await turn.say(t.gettext(
            "Your account will be deleted on {day}. Do you want to keep it after all?").format(day=t.day(due)),
            keyboards.undo_deletion(t))
        return
    await turn.say(t.gettext(
        "Do you want to delete your account?\n\n"
        "Everything goes: your name, your plans and crisis card, your goals and check-ins, your talks with a peer "
        "expert, what you share with whom, and the messages Houvast sent you or others about you. Messages about "
        "you that are still waiting are not sent. Your worker is not told what was in it.\n\n"
        "You have 7 days to change your mind. Until then nothing is deleted and you get no reminders. "
        "Type /verwijderen again to undo it.\n\n"
        "Want to keep a copy first? Type /mijngegevens.\n\n"
        "What stays: a list of who did what and when, without your name. "
        "This chat itself stays in your Telegram; you can delete it there. "
        "What others already received from Houvast stays in their Telegram."), keyboards.confirm_deletion(t))


async def _edit_or_say(update: Update, context: Context, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Replace the question with the answer, so its buttons cannot be pressed twice."""
    await common.edit_or_say(update, context, text, markup)


@handler(Role.CLIENT, flow="gdpr", stop=None)
async def on_button(turn: Turn) -> None:
    """gdpr:confirm, gdpr:cancel, gdpr:undo."""
    svc = turn.svc
    t = turn.t
    try:
        action = turn.data.action
    except callbacks.BadCallback:
        await turn.stale()
        return
    if action == "confirm":
        due = await gdpr.request_deletion(svc, turn.tid)
        await _edit_or_say(turn.update, turn.context, t.gettext(
            "Okay. Your account will be deleted on {day}. Until then you can undo it with /verwijderen."
        ).format(day=t.day(due)), keyboards.undo_deletion(t))
    elif action in ("undo", "cancel"):
        # "No, keep it" on an older question also undoes a deletion that was confirmed since.
        undone = await gdpr.cancel_deletion(svc, turn.tid)
        text = (
            t.gettext("Good. Your account stays. Nothing will be deleted.") if undone or action == "undo"
            else t.gettext("Okay. Nothing will be deleted.")
        )
        await _edit_or_say(turn.update, turn.context, text, None)
        await turn.menu()
    else:
        await turn.stale()


def handlers() -> list:
    return [
        *opened(my_data, command="mijngegevens", menu="mydata"),
        # The client menu has "menu:mydata"; deleting is a typed command, so no one taps it by accident.
        *opened(delete_account, command="verwijderen", menu="delete"),
        CallbackQueryHandler(on_button, pattern=callbacks.pattern("gdpr")),
    ]
