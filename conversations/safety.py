"""The safety net in the chat: crisis language in anything a client sends, what the client hears about who
was told, the client's "ja, laat het weten", and the worker's "Ik pak het op".

`crisis_language` runs first of all handlers (bot/app.py), before the flood limit, so a person in crisis is
answered even in a flood: the full safety message at most once every few minutes, a short line with 113 and
112 in between (bot/domain/safety.py). It never stops the update: the form step, the relay or the menu goes on
where it was, and the catch-all then offers the menu gently instead of "Sorry, I did not understand that".
"""
from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.domain.crisis import CrisisKind, detect
from bot.domain.roles import Role
from bot.domain.safety import Reply, SafetyPacer
from bot.i18n import N_, Translator
from bot.render.text import join_names, safety_line, safety_text
from bot.services import alerts, safety
from bot.services.alerts import AlertNotice
from bot.services.safety import CrisisHelp
from conversations import callbacks, common, keyboards, safetyplan, worker_keyboards
from conversations.common import Context
from conversations.handler import Turn, handler

# Text and captions of new and edited messages in a private chat: everything a person can type.
CRISIS_INPUT = (
    (filters.TEXT | filters.CAPTION)
    & filters.ChatType.PRIVATE
    & (filters.UpdateType.MESSAGE | filters.UpdateType.EDITED_MESSAGE)
)
ASK = N_("Do you want {name} to know that things are not going well right now?")
NEED_HELP_NOW = N_("Need help now? Call 113 or 0800-0113. In danger? Call 112.")
PACER_FORGET_ABOVE = 10_000


def _pacer(context: Context) -> SafetyPacer:
    data = context.application.bot_data
    if "safety_pacer" not in data:
        data["safety_pacer"] = SafetyPacer()
    return data["safety_pacer"]


def notice_text(t: Translator, notice: AlertNotice | None, *, ask: bool) -> tuple[str, InlineKeyboardMarkup | None]:
    """What the client hears about who knows: who was told, who is away, whether anyone reads it before
    tomorrow; or that nobody was told, with 113 and 112, and (when `ask`) whether a worker may be told now."""
    if notice is None:
        return "", None
    lines: list[str] = []
    if notice.told:
        lines.append(t.gettext("I have let {names} know.").format(names=join_names(t, notice.told)))
    if notice.away:
        lines.append(t.ngettext("{names} is away right now.", "{names} are away right now.", len(notice.away))
                     .format(names=join_names(t, notice.away)))
    if notice.told:
        if notice.unread_until is not None:
            lines += [t.gettext("It is outside working hours now. Probably nobody reads this before {moment}.")
                      .format(moment=t.moment(notice.unread_until)), t.gettext(NEED_HELP_NOW)]
        return "\n".join(lines), None
    if notice.ask_name is None:
        if not notice.away:
            return "", None  # no worker in Houvast at all: the client knows; the numbers are in the message
        lines += [t.gettext("There is nobody else in Houvast I can tell right now."), t.gettext(NEED_HELP_NOW)]
        return "\n".join(lines), None
    if not ask:
        return "\n".join(lines), None
    lines += [
        t.gettext("I have not told anyone: you do not share messages on red with anyone who is there now."),
        t.gettext(NEED_HELP_NOW),
        "",
        t.gettext(ASK).format(name=notice.ask_name),
    ]
    markup = InlineKeyboardMarkup([
        [InlineKeyboardButton(t.gettext("✅ Yes, let {name} know").format(name=notice.ask_name)[:60],
                              callback_data=callbacks.make("sos", "yes"))],
        [InlineKeyboardButton(t.gettext("No"), callback_data=callbacks.make("sos", "no"))],
    ])
    return "\n".join(lines), markup


async def send_help(
    update: Update, context: Context, t: Translator, help_: CrisisHelp, kind: CrisisKind | None, *, ask: bool,
) -> None:
    """The full safety message for this kind, with who was told (or the question) at its end, in one message."""
    common.mark_safety_shown(context)
    text = safety_text(t, help_.contacts, kind, help_.worker_name)
    extra, markup = notice_text(t, help_.notice, ask=ask)
    await common.say(update, context, f"{text}\n\n{extra}" if extra else text, markup)
    await safetyplan.offer_after_crisis(update, context, t, kind)  # then one tap: what now, who to call, ...
    if help_.notice is not None and help_.notice.told:
        await common.deliver_now(context)  # a rood alert does not wait for the tick


async def crisis_language(update: Update, context: Context) -> None:
    """Every text or caption a person sends, new or edited, in any flow. Only a client's own words count."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    text = message.text or message.caption
    if not text:
        return
    hit = detect(text)
    if hit is None:
        return
    svc = common.services(context)
    now = svc.now()
    pacer = _pacer(context)
    if len(pacer) > PACER_FORGET_ABOVE:
        pacer.forget_idle(now)
    reply = pacer.reply(user.id, hit.kind, now)
    help_ = await safety.crisis_language(svc, user.id, hit.kind, full=reply == Reply.FULL)
    if help_ is None:
        return  # workers and peer experts write about clients
    t = common.tr(context, await common.current(update, context))
    if reply == Reply.SHORT:
        common.mark_safety_shown(context)
        await common.say(update, context, safety_line(t, hit.kind))
        return
    ask = help_.notice is not None and help_.notice.ask_name is not None and pacer.may_ask(user.id, now)
    await send_help(update, context, t, help_, hit.kind, ask=ask)


@handler(Role.CLIENT, stop=None)
async def on_allow(turn: Turn) -> None:
    """sos:yes: nobody had consent, and the client says: let my worker know, this once."""
    t = turn.t
    notice = await alerts.allow_once(turn.svc, turn.tid)
    text, _ = notice_text(t, notice, ask=False)
    await turn.say(text or t.gettext(NEED_HELP_NOW), keyboards.menu_button(t))
    if notice.told:
        await turn.deliver_now()


@handler(Role.CLIENT, stop=None)
async def on_decline(turn: Turn) -> None:
    """sos:no: nobody is told; the numbers once more, and the way back."""
    t = turn.t
    await turn.say(t.gettext("Okay. I have not told anyone.") + "\n" + t.gettext(NEED_HELP_NOW),
                     keyboards.menu_button(t))


@handler(Role.WORKER, flow="red", stop=None)
async def on_take(turn: Turn) -> None:
    """red:take:<alert_id>, "Ik pak het op": the first worker has it; the others and the client hear who."""
    t = turn.t
    alert_id = turn.int_arg()
    result = await alerts.take(turn.svc, turn.tid, alert_id)
    if result.outcome == "ok":
        text = t.gettext("Thank you. {name} hears that you will get in touch. The others who were told hear "
                         "that you picked it up.").format(name=result.client_name)
    elif result.by_me:
        text = t.gettext("You already picked this up.")
    else:
        text = t.gettext("{worker} already picked this up.").format(worker=result.by_name)
    await turn.say(text, worker_keyboards.after_nudge(t, result.client_id))
    if result.outcome == "ok":
        await turn.deliver_now()


def crisis_handler() -> MessageHandler:
    """For bot/app.py, in the first group of all (see the module docstring)."""
    return MessageHandler(CRISIS_INPUT, crisis_language)


def handlers() -> list:
    return [
        CallbackQueryHandler(on_allow, pattern=callbacks.pattern("sos", "yes")),
        CallbackQueryHandler(on_decline, pattern=callbacks.pattern("sos", "no")),
        CallbackQueryHandler(on_take, pattern=callbacks.pattern("red", "take")),
    ]
