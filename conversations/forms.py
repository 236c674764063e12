"""One engine for every step-by-step tool (signaleringsplan, crisiskaart).

A tool is a list of steps (bot/domain/forms.py). Each step shows its question, what is filled in so far,
example answers as buttons (pick several) and back / next-or-skip / continue-later. Every answer is stored
in the draft at once, so a restart or a walk-away loses nothing; the user's place is in the draft too.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from babel.numbers import format_decimal
from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from bot.domain import forms
from bot.domain.forms import TOOL_NAMES, Kind, Refused, Tool
from bot.i18n import N_, Translator
from bot.render.text import split
from bot.services import safetyplans, tools
from bot.services.base import NotAllowed, Services
from bot.services.people import PersonView
from bot.services.tools import Draft
from conversations import callbacks, common, keyboards, menu
from conversations import tools as tools_flow  # the tool's own home screen shows the saved result
from conversations.callbacks import BadCallback
from conversations.common import Context
from conversations.form_texts import refusal_text

TOO_LONG = N_(
    "Your answer has {n} characters. One answer can have at most {max}. "
    "I saved the first part, up to: \"…{end}\". The rest is not saved. You can send it as a new answer."
)
TOO_LONG_ONE = N_(
    "Your answer has {n} characters. An answer can have at most {max}. "
    "I saved the first part, up to: \"…{end}\". You can change it: type a shorter answer."
)
HINTS = {  # (kind of step, has examples) -> what to do; "tap an example" only where there are examples
    (Kind.LIST, True): N_("Tap examples or type your own answer. Several answers are fine."),
    (Kind.LIST, False): N_("Type your answer. Several answers are fine: send them one at a time."),
    (Kind.CONTACTS, False): N_("Send one person per message. Several people are fine."),
    (Kind.TEXT, True): N_("Type your answer, or tap an example."),
    (Kind.TEXT, False): N_("Type your answer."),
    (Kind.DATE, False): N_("Type your answer."),
}


class State(StrEnum):
    FILLING = "form.filling"


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


async def _offers(context: Context, person_telegram_id: int, step: forms.Step) -> tuple[safetyplans.Offer, ...]:
    """Answers from the client's own plans for this step (a safety plan offers the signaleringsplan's signs and
    the crisis card's people), after the fixed examples."""
    if not step.offer:
        return ()
    return await safetyplans.offers(common.services(context), person_telegram_id, step.offer)


def _examples(t: Translator, step: forms.Step, offered: tuple[safetyplans.Offer, ...]) -> list[tuple[str, object]]:
    """(label, value) of every example button, in the order of their callback index."""
    return [(t.gettext(ex), t.gettext(ex)) for ex in step.examples] + [(o.label, o.value) for o in offered]


def _render(t: Translator, draft: Draft, offered: tuple[safetyplans.Offer, ...] = ()) -> tuple[str, object]:
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
    lines += ["", t.gettext(HINTS.get((step.kind, bool(step.examples)), HINTS[Kind.TEXT, False]))]
    current = forms.get(draft.doc, step.path)
    current = current if isinstance(current, list) else [current]
    examples = [(label if len(label) <= 60 else label[:59] + "…", value in current)
                for label, value in _examples(t, step, offered)]
    markup = keyboards.form_step(
        t, examples, answered=bool(answers), first=draft.step == 0, last=draft.step == len(steps) - 1,
        can_clear=bool(answers),
    )
    text = split("\n".join(lines), 3800)[0]  # one message: answers past the limit are in the draft, not lost
    return text, markup


async def _show(
    update: Update, context: Context, draft: Draft, *, edit: bool = False, note: str | None = None
) -> State:
    person = await common.current(update, context)
    t = common.tr(context, person)
    step = forms.STEPS[draft.tool][draft.step]
    text, markup = _render(t, draft, await _offers(context, person.telegram_id, step) if person else ())
    if note:
        text = note + "\n\n" + text
    if edit:
        await common.edit_or_say(update, context, text, markup)  # type: ignore[arg-type]
    else:
        await common.say(update, context, text, markup)  # type: ignore[arg-type]
    return State.FILLING


def _form(context: Context) -> tuple[Tool, bool] | None:
    data = context.user_data.get("form") if context.user_data is not None else None
    if not data:
        return None
    return Tool(data["tool"]), bool(data.get("single"))


@dataclass(frozen=True)
class Filling:
    """Where someone is in a tool: who, which tool, in which language, its draft and the step asked now."""

    person: PersonView
    tool: Tool
    svc: Services
    t: Translator
    draft: Draft
    step: forms.Step


async def _filling(update: Update, context: Context) -> Filling | None:
    """The open form of this person, read from its draft; None when no form is open (or nobody is known)."""
    form = _form(context)
    person = await common.current(update, context)
    if form is None or person is None:
        return None
    tool, _single = form
    svc = common.services(context)
    draft = await tools.open_draft(svc, person.telegram_id, tool)
    return Filling(person, tool, svc, common.tr(context, person), draft, forms.STEPS[tool][draft.step])


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


async def on_text(update: Update, context: Context, typed: str | None = None) -> State | int:
    filling = await _filling(update, context)
    if filling is None:
        return await common.menu_or_welcome(update, context)
    person, tool, svc, t, draft, step = (
        filling.person, filling.tool, filling.svc, filling.t, filling.draft, filling.step
    )
    typed = common.text_of(update) if typed is None else typed
    # An example typed out (in any case, with or without its ➕) is that example: picked once, shown ✅.
    typed = next((t.gettext(ex) for ex in step.examples if common.plain(t.gettext(ex)) == common.plain(typed)), typed)
    note = None
    try:
        try:
            doc, understood = forms.add_answer(draft.doc, step, typed, today=common.today(context))
        except Refused as refusal:
            if str(refusal) != "too_long":
                raise
            kept = forms.first_part(typed)  # kept as a draft: nothing the person typed is lost without a word
            doc, understood = forms.add_answer(draft.doc, step, kept, today=common.today(context))
            note = understood["cut"] = t.gettext(TOO_LONG_ONE if step.kind == Kind.TEXT else TOO_LONG).format(
                n=format_decimal(len(typed.strip()), locale=t.locale),
                max=format_decimal(forms.MAX_TEXT, locale=t.locale),
                end=kept[-40:].lstrip(),
            )
    except Refused as refusal:
        await common.say(update, context, refusal_text(t, str(refusal)))
        return await _show(update, context, draft)
    contact = understood.get("contact")
    if contact is not None and contact.phone and not contact.phone_checked:
        note = t.gettext("I could not check the number {phone}. I kept it as you typed it.").format(phone=contact.phone)
    elif contact is not None and not contact.phone:
        note = t.gettext("I saved {name} without a phone number. You can add one later.").format(name=contact.name)
    if note is not None and contact is not None and understood.get("cut"):
        note = understood["cut"] + "\n\n" + note
    draft = await tools.update_draft(svc, person.telegram_id, tool, doc, draft.step)
    if step.kind in (Kind.TEXT, Kind.DATE) and note is None:
        return await _move(update, context, draft, +1, edit=False)
    last = draft.step == len(forms.STEPS[tool]) - 1
    more = t.gettext("Saved. Type more, or tap Done.") if last else t.gettext("Saved. Type more, or tap Next.")
    return await _show(update, context, draft, note=note or more)


async def _move(
    update: Update, context: Context, draft: Draft, delta: int, *, edit: bool, note: str | None = None
) -> State | int:
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
    try:
        parsed = callbacks.parse(update.callback_query.data, "form")
    except BadCallback:
        parsed = None
    filling = await _filling(update, context) if parsed is not None else None
    if filling is None:
        return await common.unknown(update, context)
    person, tool, svc, t, draft, step = (
        filling.person, filling.tool, filling.svc, filling.t, filling.draft, filling.step
    )
    if parsed.action == "ex":
        try:
            _label, example = _examples(t, step, await _offers(context, person.telegram_id, step))[parsed.int_arg()]
            doc = forms.toggle_example(draft.doc, step, example)  # type: ignore[arg-type]
        except (BadCallback, IndexError):
            return await common.unknown(update, context)
        except Refused as refusal:
            await common.say(update, context, refusal_text(t, str(refusal)))
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
    person = await common.current(update, context)
    saved = await tools.save_version(common.services(context), person.telegram_id, tool, finished=finished)
    context.user_data.pop("form", None)
    t = common.tr(context, person)
    if finished:
        text = (
            t.gettext("Saved. This is version {n}.").format(n=saved.version)
            if saved
            else t.gettext("Nothing was filled in yet.")
        )
    else:
        text = t.gettext("Saved what you have so far. Later you can go on where you stopped.")
    await common.say(update, context, text)
    await tools_flow.send_home(update, context, tool)
    return ConversationHandler.END


async def on_contact(update: Update, context: Context) -> State | int | None:
    """A contact shared from the address book (📎 → Contact) in a step that asks for people: as if typed."""
    form, contact = _form(context), update.message.contact if update.message is not None else None
    person = await common.current(update, context)
    if form is not None and contact is not None and person is not None:
        draft = await tools.open_draft(common.services(context), person.telegram_id, form[0])
        if forms.STEPS[form[0]][draft.step].kind == Kind.CONTACTS:
            name = " ".join(part for part in (contact.first_name, contact.last_name) if part)
            return await on_text(update, context, f"{name} {contact.phone_number or ''}".strip())
    await menu.odd_input(update, context)
    return None


def conversation() -> ConversationHandler:
    return menu.conversation(
        "forms",
        [CallbackQueryHandler(start, pattern=r"^form:(start|edit)(:|$)")],
        {State.FILLING: [
            CallbackQueryHandler(on_button, pattern=r"^form:(ex|next|back|later|clear)(:|$)"), common.typed(on_text),
            MessageHandler(filters.CONTACT, on_contact),
        ]},
    )
