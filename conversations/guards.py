"""Guards that see every update before the flows do: a flood limit and the private-chat rule."""
from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.domain.crisis import detect
from bot.domain.ratelimit import SlidingWindow
from bot.render.text import safety_text
from bot.services import checkins
from conversations import common
from conversations.common import Context


def _window(context: Context) -> SlidingWindow:
    data = context.application.bot_data
    if "rate_window" not in data:
        data["rate_window"] = SlidingWindow(common.services(context).settings.rate_limit_per_minute)
    return data["rate_window"]


async def rate_limit(update: Update, context: Context) -> None:
    if update.effective_user is None:
        return
    svc = common.services(context)
    verdict = _window(context).check(update.effective_user.id, svc.now())
    if verdict == "ok":
        return
    if verdict == "warn" and update.effective_chat is not None and update.effective_chat.type == "private":
        await common.answer_button(update)
        t = common.tr(context, await common.current(update, context))
        await common.say(update, context, t.gettext("You are sending a lot of messages at once. Please wait a minute, then go on."))
    raise ApplicationHandlerStop


async def private_only(update: Update, context: Context) -> None:
    chat = update.effective_chat
    if chat is not None and chat.type != "private":
        await common.refuse_group(update, context)


async def crisis_language(update: Update, context: Context) -> None:
    """Every free text a client sends, in any flow: on crisis language the safety message comes first.
    It never stops the update, so the flow goes on where it was (the form step, the relay, the menu)."""
    message = update.message
    if message is None or not message.text or message.text.startswith("/"):
        return
    if detect(message.text) is None:
        return
    contacts = await checkins.safety_contacts(common.services(context), update.effective_user.id)
    if contacts is None:
        return  # workers and peer experts write about clients; only a client's own words trigger this
    t = common.tr(context, await common.current(update, context))
    await common.say(update, context, safety_text(t, contacts))
