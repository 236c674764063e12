"""Invites in the chat: a worker invites a client (new household or a member), an admin invites staff,
and a client on their own links a worker with the worker's code."""
from __future__ import annotations

from enum import StrEnum

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler

from bot.domain import invites as invite_rules
from bot.domain.roles import Role
from bot.i18n import N_, Translator
from bot.render.qr import qr_png
from bot.services import invites, people, security
from bot.services.base import NotAllowed
from conversations import callbacks, common, keyboards, menu, privacy
from conversations.callbacks import BadCallback
from conversations.common import Context
from conversations.onboarding import REDEEM_PROBLEMS

NEVER_IN_A_CODE = "0O1IL"  # left out of codes on purpose, so they cannot be mixed up
STAFF_ACTIONS = {"invite_worker": Role.WORKER, "invite_peer": Role.PEER, "invite_admin": Role.ADMIN}
ROLE_NAMES = {
    Role.CLIENT: N_("a client"),
    Role.WORKER: N_("a worker"),
    Role.PEER: N_("a peer expert"),
    Role.ADMIN: N_("an admin"),
}


class Step(StrEnum):
    CODE = "link.code"


async def _send_invite(update: Update, context: Context, created: invites.InviteCreated) -> None:
    person = await common.current(update, context)
    t = common.tr(context, person)
    days = common.services(context).settings.invite_days
    text = t.gettext(
        "An invite for {who}. Give this link, or let them scan the QR code:\n{link}\n\n"
        "Or they type this code in Houvast: {code}"
    ).format(who=t.gettext(ROLE_NAMES[created.role]), link=created.link, code=invite_rules.pretty(created.code))
    text += "\n" + t.ngettext(
        "The invite works once, for {n} day, until {day}.", "The invite works once, for {n} days, until {day}.", days
    ).format(n=days, day=t.day(created.expires_at))
    await context.bot.send_photo(
        update.effective_chat.id, qr_png(created.link), caption=t.gettext("QR code of the invite")
    )
    await common.say(update, context, text, keyboards.menu_button(t))


async def invite_new_client(update: Update, context: Context) -> int:
    await common.answer_button(update)
    try:
        created = await invites.create_invite(
            common.services(context), role=Role.CLIENT, by_telegram_id=update.effective_user.id
        )
    except NotAllowed:
        return await common.unknown(update, context)
    await _send_invite(update, context, created)
    return ConversationHandler.END


async def choose_household(update: Update, context: Context) -> int:
    await common.answer_button(update)
    person = await common.current(update, context)
    t = common.tr(context, person)
    households = await people.coordinated_households(common.services(context), update.effective_user.id)
    if not households:
        await common.say(update, context, t.gettext("You have no households yet. Invite a new client first."),
                         keyboards.menu_button(t))
        return ConversationHandler.END
    choices = [(h.household_id, ", ".join(h.member_names)[:60]) for h in households]
    await common.say(update, context, t.gettext("Which household gets a new member?"), keyboards.households(t, choices))
    return ConversationHandler.END


async def invite_member(update: Update, context: Context) -> int:
    await common.answer_button(update)
    svc = common.services(context)
    try:
        household_id = callbacks.parse(update.callback_query.data, "inv").int_arg()
        created = await invites.create_invite(
            svc, role=Role.CLIENT, by_telegram_id=update.effective_user.id, household_id=household_id
        )
    except (BadCallback, NotAllowed):
        await security.record_refused_button(svc, update.effective_user.id, "invite")
        return await common.menu_or_welcome(
            update, context, common.tr(context).gettext("This button does not work for you.")
        )
    await _send_invite(update, context, created)
    return ConversationHandler.END


async def invite_staff(update: Update, context: Context) -> int:
    await common.answer_button(update)
    action = callbacks.parse(update.callback_query.data, "menu").action
    try:
        created = await invites.create_invite(
            common.services(context), role=STAFF_ACTIONS[action], by_telegram_id=update.effective_user.id
        )
    except NotAllowed:
        return await common.unknown(update, context)
    await _send_invite(update, context, created)
    return ConversationHandler.END


async def ask_code(update: Update, context: Context) -> Step | int:
    await common.answer_button(update)
    person = await common.current(update, context)
    if person is None or person.role != Role.CLIENT or person.has_worker:
        return await common.menu_or_welcome(update, context)
    t = common.tr(context, person)
    ask = t.gettext("Type the code you got from your worker. It has 12 letters and numbers.")
    await common.say(update, context, ask, keyboards.menu_button(t))
    return Step.CODE


async def on_code(update: Update, context: Context) -> Step | int:
    svc = common.services(context)
    person = await common.current(update, context)
    t = common.tr(context, person)
    if person is None:
        return await common.menu_or_welcome(update, context)
    typed = common.text_of(update)
    problem = invite_rules.code_problem(typed)
    if problem is not None:
        await common.say(update, context, code_problem_text(t, problem), keyboards.menu_button(t))
        return Step.CODE
    result = await invites.redeem_invite(
        svc, code=invite_rules.normalize(typed), telegram_id=person.telegram_id,
        chat_id=update.effective_chat.id, locale=person.locale,
    )
    if result.outcome in ("linked", "ok") and result.person is not None:
        text = t.gettext("You are now linked to your worker {name}.").format(name=result.worker_name or "?")
        await common.show_menu(update, context, result.person, text)
        await privacy.ask_for_new_worker(update, context, result.person.telegram_id)
        return ConversationHandler.END
    await common.say(update, context, t.gettext(REDEEM_PROBLEMS[result.outcome]), keyboards.menu_button(t))
    return ConversationHandler.END if result.outcome == "guessing" else Step.CODE


def code_problem_text(t: Translator, problem: invite_rules.CodeProblem) -> str:
    """Exactly what is wrong with the code: how many signs it has, and which signs a code never has."""
    lines = []
    if problem.wrong_length:
        lines.append(t.ngettext(
            "Your code has {n} letter or number. A code has {length}.",
            "Your code has {n} letters and numbers. A code has {length}.", problem.length,
        ).format(n=problem.length, length=invite_rules.CODE_LENGTH))
    never = [ch for ch in problem.odd if ch in NEVER_IN_A_CODE]
    other = [ch for ch in problem.odd if ch not in NEVER_IN_A_CODE]
    if never:
        lines.append(t.gettext("A code never has a 0 (zero), O, 1 (one), I or L. Yours has: {signs}. "
                               "Look again: it may be a different letter or number.").format(signs=", ".join(never)))
    if other:
        lines.append(t.gettext("A code has only the letters A to Z and the numbers 2 to 9. Yours also has: {signs}.")
                     .format(signs=", ".join(other)))
    lines.append(t.gettext("Type the code again, or go back to the /menu."))
    return "\n".join(lines)


async def odd_input(update: Update, context: Context) -> None:
    t = common.tr(context, await common.current(update, context))
    await common.say(update, context, t.gettext("Please type the code as text."))


def link_conversation() -> ConversationHandler:
    entry = [
        CommandHandler("koppel", ask_code),
        CallbackQueryHandler(ask_code, pattern=callbacks.pattern("menu", "link")),
    ]
    return menu.conversation("link", entry, {Step.CODE: [common.typed(on_code)]}, odd=odd_input)


def handlers() -> list:
    return [
        CallbackQueryHandler(invite_new_client, pattern=callbacks.pattern("menu", "invite_new")),
        CallbackQueryHandler(choose_household, pattern=callbacks.pattern("menu", "invite_member")),
        CallbackQueryHandler(invite_member, pattern=callbacks.pattern("inv", "member")),
        CallbackQueryHandler(invite_staff, pattern=r"^menu:invite_(worker|peer|admin)$"),
    ]
