"""One error handler: log with a reference id (no message text, no names), tell the user calmly, go on."""
from __future__ import annotations

import logging
import secrets

from telegram import Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.i18n import translator
from bot.ops import runtime
from bot.ops.logs import describe

log = logging.getLogger("houvast.errors")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    # Outside an update (polling, a job, a persistence flush): a 409 Conflict, or an error already logged
    # this minute, is dealt with there (one line a minute while the database is away).
    if not isinstance(update, Update) and runtime.background_error(context.application, context.error,
                                                                   describe(context.error)):
        return
    reference, fresh = runtime.shared_reference(context.application, context.error, secrets.token_hex(4))
    update_id = update.update_id if isinstance(update, Update) else None
    if fresh:  # the database away: one line a minute, its reference shared by every apology meanwhile
        log.error("error ref=%s update=%s %s", reference, update_id, describe(context.error))
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    # When several handler groups fail on one update (the database is down), one apology, not one per group.
    first = runtime.update_error(context.application, update.update_id)
    if not first or update.effective_chat.type != "private" or isinstance(context.error, Forbidden):
        return
    svc = context.application.bot_data.get("services")
    locale = svc.settings.default_language if svc else "nl"
    try:
        from bot.services import people

        person = await people.whoami(svc, update.effective_user.id) if svc and update.effective_user else None
        locale = person.locale if person else locale
    except Exception:  # the database may be what failed; the apology must still go out
        pass
    t = translator(locale)
    text = t.gettext("Sorry, something went wrong on my side. Please try again. Reference: {ref}").format(ref=reference)
    try:
        await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError:
        log.warning("could not send error notice ref=%s", reference)
