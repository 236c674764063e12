"""/privacy: the client chooses per person what they may see. /wiezietwat: who looked at what, and when."""
from __future__ import annotations

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.callbacks import BadCallback
from bot.domain.consent import SCOPES
from bot.domain.disclosure import STATUS_SCOPE, gets_signal
from bot.domain.roles import Role
from bot.i18n import N_
from bot.services import consent, security
from bot.services.base import NotAllowed, NotFound
from bot.services.consent import CARE_ROLE_NAMES, SCOPE_NAMES, ViewerShare
from conversations import common, keyboards
from conversations.common import Context

SCOPE_LABELS = [(scope, SCOPE_NAMES[scope]) for scope in SCOPES]
# What "alerts on orange and red" covers, said where it is ticked (bot/services/alerts.py raises them).
ALERTS_NOTE = N_("Alerts on orange and red also go when you write something that sounds like a crisis, or choose "
                 "\"acute problem\" in the self-scan. Your worker never sees what you wrote.")
# What the care team hears without consent (bot/domain/disclosure.py), said in the same words everywhere.
WITHOUT_CONSENT = N_(
    "Without your consent, your worker hears only this: that a goal is stuck, or that you have not responded "
    "for a while. Not which goal, and not why. If your worker does not respond or is away, the backup worker "
    "hears it, and later the procesregisseur."
)
# Only with peer_red_policy "notify" (the default): "Zorg melden" on a red day needs no alerts consent.
PEER_WORRY_ON_RED = N_(
    "One more thing: if you chose red today and your peer expert is worried about you, your peer expert may ask "
    "your worker to get in touch with you. You are told when that happens."
)


def _label(t, share: ViewerShare) -> str:
    return f"{share.name} ({t.gettext(CARE_ROLE_NAMES[share.relation])})"


async def overview(update: Update, context: Context) -> None:
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT)
    if person is None:
        return
    t = common.tr(context, person)
    shares = await consent.viewers(common.services(context), person.telegram_id)
    if not shares:
        await common.say(update, context, t.gettext(
            "Nobody can see your data. When you link a worker, you choose what they may see."), keyboards.menu_button(t))
        return
    lines = [t.gettext("Who may see what? Tap a name to change it.")]
    for share in shares:
        what = ", ".join(t.gettext(SCOPE_NAMES[s]) for s in SCOPES if s in share.scopes) or t.gettext("nothing")
        lines.append(f"• {_label(t, share)}: {what}")
    if any(gets_signal(share.relation) for share in shares):
        lines += ["", t.gettext(WITHOUT_CONSENT)]
        if any(share.relation == "peer" for share in shares) and common.services(context).settings.peer_red_policy == "notify":
            lines.append(t.gettext(PEER_WORRY_ON_RED))
    await common.say(update, context, "\n".join(lines), keyboards.viewers(t, [(s.viewer_id, _label(t, s)) for s in shares]))


async def show_toggles(update: Update, context: Context, share: ViewerShare, *, intro: str | None = None, edit: bool = False) -> None:
    person = await common.current(update, context)
    t = common.tr(context, person)
    text = intro or t.gettext("What may {name} see? Tap to switch it on or off.").format(name=share.name)
    text += "\n\n" + t.gettext(ALERTS_NOTE)
    markup = keyboards.consent_toggles(t, share.viewer_id, frozenset(share.scopes), SCOPE_LABELS)
    if edit and update.callback_query is not None:
        try:
            await update.callback_query.edit_message_text(text, reply_markup=markup)
            return
        except BadRequest:
            pass  # too old to edit, or unchanged: send it fresh
    await common.say(update, context, text, markup)


async def ask_for_new_worker(update: Update, context: Context, client_telegram_id: int) -> None:
    """Right after a worker is linked: ask, in plain words, what this worker may see. Nothing is ticked."""
    shares = await consent.viewers(common.services(context), client_telegram_id)
    if not shares:
        return
    t = common.tr(context, await common.current(update, context))
    share = shares[0]
    intro = t.gettext(
        "{name} is now your worker. You choose what {name} may see. Right now {name} sees nothing of your plan. "
        "If a goal gets stuck, or you have not responded for a while, {name} hears only that: not which goal, "
        "and not why. Tap what you want to share. You can change this any time with /privacy."
    ).format(name=share.name)
    await show_toggles(update, context, share, intro=intro)


async def choose_viewer(update: Update, context: Context) -> None:
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT)
    if person is None:
        return
    try:
        viewer_id = callbacks.parse(update.callback_query.data, "priv").int_arg()
    except BadCallback:
        await common.unknown(update, context)
        return
    share = next((s for s in await consent.viewers(common.services(context), person.telegram_id) if s.viewer_id == viewer_id), None)
    if share is None:
        await security.record_refused_button(common.services(context), person.telegram_id, "consent")
        await common.unknown(update, context)
        return
    await show_toggles(update, context, share, edit=True)


async def toggle(update: Update, context: Context) -> None:
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT)
    if person is None:
        return
    svc = common.services(context)
    try:
        viewer_part, index_part = (callbacks.parse(update.callback_query.data, "priv").arg or "").split(".")
        viewer_id, scope = int(viewer_part), SCOPES[int(index_part)]
        current = next(s for s in await consent.viewers(svc, person.telegram_id) if s.viewer_id == viewer_id)
        share = await consent.set_consent(
            svc, client_telegram_id=person.telegram_id, viewer_id=viewer_id, scope=scope, granted=scope not in current.scopes
        )
    except (BadCallback, ValueError, IndexError, StopIteration, NotAllowed, NotFound):
        await security.record_refused_button(svc, person.telegram_id, "consent")
        await common.unknown(update, context)
        return
    await show_toggles(update, context, share, edit=True)
    await common.deliver_now(context)


async def done(update: Update, context: Context) -> None:
    await common.answer_button(update)
    person = await common.current(update, context)
    if person is None:
        await common.menu_or_welcome(update, context)
        return
    await common.show_menu(update, context, person, common.tr(context, person).gettext("Saved. It works right away."))


async def who_saw_what(update: Update, context: Context) -> None:
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT)
    if person is None:
        return
    t = common.tr(context, person)
    records = await consent.views_of_my_data(common.services(context), person.telegram_id)
    if not records:
        await common.say(update, context, t.gettext("Nobody has looked at your data yet."), keyboards.menu_button(t))
        return
    lines = [t.gettext("Who looked at your data:")]
    for record in records:
        who = record.viewer_name or t.gettext("someone who no longer works here")
        role = f" ({t.gettext(CARE_ROLE_NAMES[record.relation])})" if record.relation else ""
        if record.scope == STATUS_SCOPE:  # the one thing seen without consent
            lines.append(t.gettext("{who}{role} saw on {day} whether a goal of yours is stuck or you have not "
                                   "responded for a while.").format(who=who, role=role, day=t.day(record.at)))
            continue
        scope = SCOPE_NAMES.get(record.scope)
        lines.append(
            t.gettext("{who}{role} looked at your {what} on {day}.").format(
                who=who, role=role, what=t.gettext(scope) if scope else record.scope, day=t.day(record.at)
            )
        )
    await common.say(update, context, "\n".join(lines), keyboards.menu_button(t))


def handlers() -> list:
    return [
        CommandHandler("privacy", overview),
        CommandHandler("wiezietwat", who_saw_what),
        CallbackQueryHandler(overview, pattern=callbacks.pattern("menu", "privacy")),
        CallbackQueryHandler(who_saw_what, pattern=callbacks.pattern("menu", "views")),
        CallbackQueryHandler(choose_viewer, pattern=callbacks.pattern("priv", "who")),
        CallbackQueryHandler(toggle, pattern=callbacks.pattern("priv", "tog")),
        CallbackQueryHandler(done, pattern=callbacks.pattern("priv", "done")),
    ]
