"""The worker's side: my clients, and per client only what that client shares with me."""
from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot import callbacks
from bot.callbacks import BadCallback
from bot.domain.consent import SCOPES, Scope
from bot.domain.forms import Tool
from bot.domain.roles import Role
from bot.services import caseload, tools
from bot.services.base import NotAllowed, NotFound
from bot.services.consent import SCOPE_NAMES
from conversations import common, keyboards
from conversations.common import Context
from conversations.tools import view_text

VIEWABLE = {Scope.SIGNALING_PLAN: Tool.PLAN, Scope.CRISIS_CARD: Tool.CARD}


async def list_clients(update: Update, context: Context) -> None:
    await common.answer_button(update)
    worker = await common.acting_as(update, context, Role.WORKER)
    if worker is None:
        return
    t = common.tr(context, worker)
    rows = await caseload.my_clients(common.services(context), worker.telegram_id)
    if not rows:
        await common.say(update, context, t.gettext("You have no clients yet."), keyboards.menu_button(t))
        return
    await common.say(update, context, t.gettext("Your clients:"), keyboards.clients(t, [(r.client_id, r.name) for r in rows]))


async def show_client(update: Update, context: Context) -> None:
    await common.answer_button(update)
    worker = await common.acting_as(update, context, Role.WORKER)
    if worker is None:
        return
    t = common.tr(context, worker)
    try:
        row = await caseload.client_row(common.services(context), worker.telegram_id, callbacks.parse(update.callback_query.data, "wk").int_arg())
    except (BadCallback, NotAllowed):
        await common.say(update, context, t.gettext("This button does not work for you."), keyboards.menu_button(t))
        return
    shared = [s for s in SCOPES if s in row.shared]
    text = t.gettext("{name} shares with you: {what}.").format(
        name=row.name, what=", ".join(t.gettext(SCOPE_NAMES[s]) for s in shared) or t.gettext("nothing")
    )
    choices = [(f"{row.client_id}.{SCOPES.index(s)}", t.gettext(SCOPE_NAMES[s])) for s in shared if s in VIEWABLE]
    await common.say(update, context, text, keyboards.client_views(t, row.client_id, choices))


async def view(update: Update, context: Context) -> None:
    """wk:view:<client_id>.<scope>: every look goes through the consent check and is audited."""
    await common.answer_button(update)
    worker = await common.acting_as(update, context, Role.WORKER)
    if worker is None:
        return
    t = common.tr(context, worker)
    try:
        client_part, scope_part = (callbacks.parse(update.callback_query.data, "wk").arg or "").split(".")
        tool = VIEWABLE[SCOPES[int(scope_part)]]
        saved = await tools.current(common.services(context), worker.telegram_id, tool, client_id=int(client_part))
    except (BadCallback, ValueError, IndexError, KeyError, NotAllowed, NotFound):
        await common.say(update, context, t.gettext("You cannot see this. The client has not shared it with you."),
                         keyboards.menu_button(t))
        return
    if saved is None:
        await common.say(update, context, t.gettext("There is nothing saved yet."), keyboards.menu_button(t))
        return
    for chunk in view_text(t, saved):
        await common.say(update, context, chunk)
    await common.say(update, context, t.gettext("What would you like to do?"), keyboards.menu_button(t))


def handlers() -> list:
    return [
        CallbackQueryHandler(list_clients, pattern=r"^menu:clients$"),
        CallbackQueryHandler(show_client, pattern=callbacks.pattern("wk", "client")),
        CallbackQueryHandler(view, pattern=callbacks.pattern("wk", "view")),
    ]
