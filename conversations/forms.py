"""One engine for every step-by-step tool (signaleringsplan, crisiskaart).

A tool is a list of steps (bot/domain/forms.py). Each step shows its question, what is filled in so far,
example answers as buttons (pick several) and back / next-or-skip / continue-later. Every answer is stored
in the draft at once, so a restart or a walk-away loses nothing; the user's place is in the draft too.
"""
from __future__ import annotations

from enum import StrEnum

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from bot import callbacks
from bot.callbacks import BadCallback
from bot.domain import forms
from bot.domain.forms import TOOL_NAMES, Kind, Refused, Tool
from bot.i18n import N_, Translator
from bot.render.text import split
from bot.services import tools
from bot.services.base import NotAllowed
from bot.services.tools import Draft
from conversations import common, keyboards, menu
from conversations.common import Context

REFUSALS = {
    "empty": N_("I got an empty answer. Please type some words."),
    "too_long": N_("That answer is too long for me. Please make it shorter, or send it in parts."),
    "too_many": N_("This part is full. Remove something first with 🗑 Clear, or go on."),
    "date": N_("I do not understand that date. Type it like 12-03-1985."),
}


class State(StrEnum):
    FILLING = "form.filling"


def step_label(t: Translator, tool: Tool, index: int) -> str:
    step = forms.STEPS[tool][index]
    if tool == Tool.PLAN:
        return f"{t.gettext(forms.PHASE_NAMES[step.phase]).split(':')[0]}: {t.gettext(forms.PART_NAMES[step.path[-1]])}"
    return t.gettext(forms.CARD_PART_NAMES[step.path[-1]])


def _answer_lines(value: object) -> list[str]:
    if value is None or value == []:
        return []
    if isinstance(value, str):
        return [value]
    return [
        ", ".join(x for x in (item.get("name"), item.get("relation"), item.get("phone")) if x)
        if isinstance(item, dict) else str(item)
        for item in value  # type: ignore[union-attr]
    ]


def _render(t: Translator, draft: Draft) -> tuple[str, object]:
    steps = forms.STEPS[draft.tool]
    step = steps[draft.step]
    header = t.gettext("{tool} · step {n} of {total}").format(
        tool=t.gettext(TOOL_NAMES[draft.tool]), n=draft.step + 1, total=len(steps)
    )
    if step.phase is not None:
        header += "\n" + t.gettext(forms.PHASE_NAMES[step.phase])
    lines = [header, "", t.gettext(step.question)]
    answers = _answer_lines(forms.get(draft.doc, step.path))
    if answers:
        lines += ["", t.gettext("Filled in now:")] + [f"• {a}" for a in answers]
    hint = N_("Tap examples or type your own answer. Several answers are fine.") if step.kind in (Kind.LIST, Kind.CONTACTS) \
        else N_("Type your answer, or tap an example.") if step.examples else N_("Type your answer.")
    lines += ["", t.gettext(hint)]
    picked = set(answers)
    examples = [(t.gettext(ex), t.gettext(ex) in picked) for ex in step.examples]
    markup = keyboards.form_step(
        t, examples, answered=bool(answers), first=draft.step == 0, last=draft.step == len(steps) - 1,
        can_clear=bool(answers),
    )
    text = split("\n".join(lines), 3800)[0]  # one message: answers past the limit are in the draft, not lost
    return text, markup


async def _show(update: Update, context: Context, draft: Draft, *, edit: bool = False, note: str | None = None) -> State:
    t = common.tr(context, await common.current(update, context))
    text, markup = _render(t, draft)
    if note:
        text = note + "\n\n" + text
    if edit and update.callback_query is not None:
        try:
            await update.callback_query.edit_message_text(text, reply_markup=markup)  # type: ignore[arg-type]
            return State.FILLING
        except BadRequest:
            pass  # too old, or unchanged: send it fresh below
    await common.say(update, context, text, markup)  # type: ignore[arg-type]
    return State.FILLING


def _form(context: Context) -> tuple[Tool, bool] | None:
    data = context.user_data.get("form") if context.user_data is not None else None
    if not data:
        return None
    return Tool(data["tool"]), bool(data.get("single"))


async def start(update: Update, context: Context) -> State | int:
    """form:start:<tool> (from the beginning or where the draft was), form:edit:<tool>.<step> (one part)."""
    await common.answer_button(update)
    person = await common.current(update, context)
    try:
        parsed = callbacks.parse(update.callback_query.data, "form")
        if parsed.action == "edit":
            tool_name, _, index = (parsed.arg or "").partition(".")
            tool, step, single = Tool(tool_name), int(index), True
            if not 0 <= step < len(forms.STEPS[tool]):
                raise ValueError(index)
        else:
            tool, step, single = Tool(parsed.arg or ""), None, False
        if person is None:
            raise NotAllowed("unknown")
        draft = await tools.open_draft(common.services(context), person.telegram_id, tool, step=step)
    except (BadCallback, ValueError, NotAllowed):
        return await common.unknown(update, context)
    context.user_data["form"] = {"tool": tool.value, "single": single}
    return await _show(update, context, draft)


async def on_text(update: Update, context: Context) -> State | int:
    form = _form(context)
    person = await common.current(update, context)
    if form is None or person is None:
        return await common.menu_or_welcome(update, context)
    tool, _single = form
    svc = common.services(context)
    t = common.tr(context, person)
    draft = await tools.open_draft(svc, person.telegram_id, tool)
    step = forms.STEPS[tool][draft.step]
    try:
        doc, understood = forms.add_answer(draft.doc, step, update.message.text)
    except Refused as refusal:
        await common.say(update, context, t.gettext(REFUSALS[str(refusal)]))
        return await _show(update, context, draft)
    note = None
    contact = understood.get("contact")
    if contact is not None and contact.phone and not contact.phone_checked:
        note = t.gettext("I could not check the number {phone}. I kept it as you typed it.").format(phone=contact.phone)
    elif contact is not None and not contact.phone:
        note = t.gettext("I saved {name} without a phone number. You can add one later.").format(name=contact.name)
    draft = await tools.update_draft(svc, person.telegram_id, tool, doc, draft.step)
    if step.kind in (Kind.TEXT, Kind.DATE):
        return await _move(update, context, draft, +1, edit=False, note=note)
    return await _show(update, context, draft, note=note or t.gettext("Saved. Type more, or tap Next."))


async def _move(update: Update, context: Context, draft: Draft, delta: int, *, edit: bool, note: str | None = None) -> State | int:
    form = _form(context)
    assert form is not None
    tool, single = form
    svc = common.services(context)
    person = await common.current(update, context)
    target = draft.step + delta
    if single or target >= len(forms.STEPS[tool]):
        return await _finish(update, context, tool, finished=True)
    draft = await tools.update_draft(svc, person.telegram_id, tool, draft.doc, max(target, 0))
    return await _show(update, context, draft, edit=False, note=note)


async def on_button(update: Update, context: Context) -> State | int:
    await common.answer_button(update)
    form = _form(context)
    person = await common.current(update, context)
    if form is None or person is None:
        return await common.unknown(update, context)
    tool, _single = form
    svc = common.services(context)
    t = common.tr(context, person)
    try:
        parsed = callbacks.parse(update.callback_query.data, "form")
    except BadCallback:
        return await common.unknown(update, context)
    draft = await tools.open_draft(svc, person.telegram_id, tool)
    step = forms.STEPS[tool][draft.step]
    if parsed.action == "ex":
        try:
            example = step.examples[parsed.int_arg()]
            doc = forms.toggle_example(draft.doc, step, t.gettext(example))
        except (BadCallback, IndexError):
            return await common.unknown(update, context)
        except Refused as refusal:
            await common.say(update, context, t.gettext(REFUSALS[str(refusal)]))
            return State.FILLING
        draft = await tools.update_draft(svc, person.telegram_id, tool, doc, draft.step)
        return await _show(update, context, draft, edit=True)
    if parsed.action == "clear":
        draft = await tools.update_draft(svc, person.telegram_id, tool, forms.clear(draft.doc, step), draft.step)
        return await _show(update, context, draft, edit=True)
    if parsed.action == "next":
        return await _move(update, context, draft, +1, edit=False)
    if parsed.action == "back":
        return await _move(update, context, draft, -1, edit=False)
    if parsed.action == "later":
        return await _finish(update, context, tool, finished=False)
    return await common.unknown(update, context)


async def _finish(update: Update, context: Context, tool: Tool, *, finished: bool) -> int:
    from conversations import tools as tool_flow  # the tool's own home screen shows the result

    person = await common.current(update, context)
    saved = await tools.save_version(common.services(context), person.telegram_id, tool, finished=finished)
    context.user_data.pop("form", None)
    t = common.tr(context, person)
    if finished:
        text = t.gettext("Saved. This is version {n}.").format(n=saved.version) if saved else t.gettext("Nothing was filled in yet.")
    else:
        text = t.gettext("Saved what you have so far. Later you can go on where you stopped.")
    await common.say(update, context, text)
    await tool_flow.send_home(update, context, tool)
    return ConversationHandler.END


async def odd_input(update: Update, context: Context) -> None:
    t = common.tr(context, await common.current(update, context))
    await common.say(update, context, t.gettext("Please answer with a short text, or use the buttons above."))


def conversation() -> ConversationHandler:
    return ConversationHandler(
        name="forms",
        persistent=True,
        allow_reentry=True,
        entry_points=[CallbackQueryHandler(start, pattern=r"^form:(start|edit)(:|$)")],
        states={
            State.FILLING: [
                CallbackQueryHandler(on_button, pattern=r"^form:(ex|next|back|later|clear)(:|$)"),
                MessageHandler(filters.TEXT & ~filters.COMMAND, on_text),
            ]
        },
        fallbacks=[
            *menu.global_commands(),
            CallbackQueryHandler(menu.show, pattern=callbacks.pattern("menu", "show")),
            MessageHandler(filters.ALL & ~filters.COMMAND & ~filters.UpdateType.EDITED, odd_input),
        ],
    )
