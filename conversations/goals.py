"""The client's goals: the list per leefdomein, a new goal one question at a time, a goal's own page, the
answer to a check-in prompt (with a note and a next step), the gentle choices when a goal stalls, a worker's
proposal, and the chart.

The answers of a new goal are kept in user_data["goal_new"] (small plain values) until the goal is created,
so a restart or a walk-away loses nothing; the question asked next is always the first one without an
answer. Navigation buttons (list, a goal's page, pause, ...) work from anywhere: as plain handlers, and as
fallbacks of the conversation, so pressing one in the middle of a question also ends that question.
"""
from __future__ import annotations

import io
from datetime import date, time, timedelta
from enum import StrEnum
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal
from telegram import InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot import callbacks
from bot.callbacks import BadCallback
from bot.domain.dates import numeric, parse_day
from bot.domain.forms import first_part
from bot.domain.goals import Answer, Domain, GoalStatus
from bot.domain.people import parse_clock_time
from bot.domain.roles import Role
from bot.i18n import N_, Translator
from bot.domain.goals import DOMAIN_LABELS, EVERY_LABELS, WHO_LABELS
from bot.render.goal_chart import goals_png
from bot.services import goal_requests, goals
from bot.services.base import NotAllowed, NotFound
from bot.services.goals import STALL_CHOICES, GoalView, answer_from_key
from bot.services.people import PersonView
from conversations import common, keyboards, menu
from conversations.common import Context
from conversations.handler import STALE, Turn, handler

MAX_TEXT = 500  # title, why, step
MAX_NOTE = 1000
CLOSED = (GoalStatus.REACHED, GoalStatus.STOPPED)


class Step(StrEnum):
    DOMAIN = "goals.domain"
    TITLE = "goals.title"
    WHY = "goals.why"
    STEP = "goals.step"
    DATE = "goals.date"
    DAY = "goals.day"
    TIME = "goals.time"
    EVERY = "goals.every"
    WHO = "goals.who"
    NOTE = "goals.note"  # after an answer to a check-in: an optional note, typed or spoken
    NEW_STEP = "goals.new_step"  # a next, changed or smaller step


NEW_GOAL = (Step.DOMAIN, Step.TITLE, Step.WHY, Step.STEP, Step.DATE, Step.DAY, Step.TIME, Step.EVERY, Step.WHO)
TEXT_STEPS = (Step.TITLE, Step.WHY, Step.STEP)
OPTIONAL = (Step.WHY, Step.STEP, Step.DATE)  # a goal can do without these: they get "Overslaan"
# The button action that answers each question (a button of an earlier question is not taken as an answer).
BUTTON_ACTIONS = {Step.DOMAIN: "dom", Step.DAY: "day", Step.TIME: "time", Step.EVERY: "every", Step.WHO: "who"}

QUESTIONS = {
    Step.DOMAIN: N_("Which part of your life is this goal about?"),
    Step.TITLE: N_("What do you want to reach? In your own words."),
    Step.WHY: N_("Why does it matter to you?"),
    Step.STEP: N_("What is a first small step?"),
    Step.DATE: N_("By when do you want to reach it? Type a date, like {example}. Or words, like \"in three months\". "
                  "Or tap Skip."),
    Step.DAY: N_("On which day shall I ask how it goes?"),
    Step.TIME: N_("At what time? Choose a time, or type one, like 19:30."),
    Step.EVERY: N_("How often shall I ask?"),
    Step.WHO: N_("Is this goal just for you, or for the whole household?"),
}
STATUS_LABELS = {
    GoalStatus.PROPOSED: N_("💬 Proposal from your worker"),
    GoalStatus.ACTIVE: N_("▶️ Active"),
    GoalStatus.PAUSED: N_("⏸ Paused"),
    GoalStatus.REACHED: N_("🏁 Reached"),
    GoalStatus.STOPPED: N_("🛑 Stopped"),
}
RHYTHMS = {
    1: N_("I ask every week on {day} at {time}."),
    2: N_("I ask every two weeks on {day} at {time}."),
}
# Said right after an answer to a check-in. Never shaming: not yet is an answer too.
ACKS = {
    Answer.DONE: N_("✅ Saved. Great that it worked!"),
    Answer.PARTLY: N_("🙂 Saved. A little is also a step forward."),
    Answer.NOT_YET: N_("⏳ Saved. That is okay. Some weeks are harder than others. Thank you for telling me."),
}
NOTE_QUESTION = N_("Want to add a short note? Type it, or send a voice message.")
EMPTY = N_("I got an empty answer. Please type some words.")
TOO_LONG = N_("That is too long for me. Please use at most {max} characters.")
TOO_LONG_KEPT = N_(
    "Your answer has {n} characters. An answer can have at most {max}. "
    "I saved the first part, up to: \"…{end}\". You can change it with Back."
)
TOO_LONG_SAVED = N_(
    "Your answer has {n} characters. An answer can have at most {max}. I saved the first part, up to: \"…{end}\"."
)
CLOSED_TEXT = N_("This goal is closed. It stays in your history.")


# --- small helpers -----------------------------------------------------------------------------------




def _clean(raw: str | None, limit: int) -> tuple[str | None, str | None]:
    """(text, None) or (None, the reason to ask again)."""
    value = " ".join((raw or "").split())
    if not value:
        return None, EMPTY
    if len(value) > limit:
        return None, TOO_LONG
    return value, None


def _refusal(t: Translator, reason: str, limit: int) -> str:
    return t.gettext(reason).format(max=limit)


def _parse(update: Update, flow: str) -> callbacks.Callback:
    return callbacks.parse(update.callback_query.data if update.callback_query else None, flow)


def detail_text(t: Translator, goal: GoalView) -> str:
    lines = [f"🎯 {goal.title}", t.gettext(DOMAIN_LABELS[goal.domain])]
    if goal.household:
        lines.append(t.gettext("👪 A goal for the whole household"))
    lines.append("")
    if goal.why:
        lines.append(t.gettext("Why: {why}").format(why=goal.why))
    if goal.step:
        lines.append(t.gettext("Step now: {step}").format(step=goal.step))
    if goal.target_date:
        lines.append(t.gettext("Reach by: {day}").format(day=format_date(goal.target_date, "long", locale=t.locale)))
    lines.append(t.gettext("Status: {status}").format(status=t.gettext(STATUS_LABELS[goal.status])))
    if goal.status in (GoalStatus.ACTIVE, GoalStatus.PAUSED):
        lines.append(t.gettext(RHYTHMS.get(goal.every_weeks, RHYTHMS[1])).format(
            day=t.weekday(goal.checkin_weekday), time=goal.checkin_time.strftime("%H:%M")))
    if goal.status == GoalStatus.ACTIVE and goal.next_checkin_at:
        lines.append(t.gettext("Next time: {moment}.").format(moment=t.moment(goal.next_checkin_at)))
    if goal.stalled:
        lines += ["", "⚠️ " + t.gettext(
            "This goal is not moving right now. That happens. You can make the step smaller, pause it, or change it.")]
    return "\n".join(lines)


def list_text(t: Translator, items: list[GoalView]) -> str:
    lines = [t.gettext("🎯 My goals")]
    if not items:
        lines += ["", t.gettext("You have no goals yet. A goal can be small. Shall we make one?")]
    for domain in Domain:
        group = [g for g in items if g.domain == domain]
        if not group:
            continue
        lines += ["", t.gettext(DOMAIN_LABELS[domain])]
        for goal in group:
            marks = (" ⚠️" if goal.stalled else "") + ("" if goal.status == GoalStatus.ACTIVE
                                                       else f" · {t.gettext(STATUS_LABELS[goal.status])}")
            lines.append(f"• {goal.title}{marks}")
            if goal.step:
                lines.append("   " + t.gettext("Step now: {step}").format(step=goal.step))
    if any(g.stalled for g in items):
        lines += ["", t.gettext(
            "⚠️ means: this goal is not moving right now. That is okay. Open it to see what could help.")]
    return "\n".join(lines)



async def _show_detail(
    update: Update, context: Context, t: Translator, goal: GoalView, first_line: str | None = None
) -> None:
    text = detail_text(t, goal)
    await common.say(update, context, f"{first_line}\n\n{text}" if first_line else text, keyboards.goal_detail(t, goal))


# --- the list and a goal's page (plain handlers, also fallbacks of the conversation) -----------------


@handler(Role.CLIENT)
async def show_list(turn: Turn) -> int:
    """menu:goals, /doelen, goal:list."""
    t = turn.t
    items = await goals.my_goals(turn.svc, turn.tid)
    await turn.say(list_text(t, items), keyboards.goal_list(t, items))
    return ConversationHandler.END


@handler(Role.CLIENT, flow="goal", refusal=STALE)
async def open_goal(turn: Turn) -> int:
    """goal:open:<id>"""
    goal = await goals.goal(turn.svc, turn.tid, turn.int_arg())
    await _show_detail(turn.update, turn.context, turn.t, goal)
    return ConversationHandler.END


@handler(Role.CLIENT, flow="goal")
async def on_status(turn: Turn) -> int:
    """goal:<pause|resume|reached|stopyes>:<id>; goal:stop:<id> asks first."""
    svc = turn.svc
    t = turn.t
    try:
        parsed = turn.data
        goal_id = parsed.int_arg()
        if parsed.action == "stop":
            goal = await goals.goal(svc, turn.tid, goal_id)
            if goal.status in CLOSED:
                raise NotFound("closed")
            await turn.say(t.gettext(
                "Do you want to stop \"{goal}\"? It stays in your history. You can always make a new goal."
            ).format(goal=goal.title), keyboards.goal_stop_confirm(t, goal.id))
            return ConversationHandler.END
        status = {"pause": GoalStatus.PAUSED, "resume": GoalStatus.ACTIVE, "reached": GoalStatus.REACHED,
                  "stopyes": GoalStatus.STOPPED}[parsed.action]
        goal = await goals.set_status(svc, turn.tid, goal_id, status)
    except (BadCallback, KeyError, NotAllowed):
        return await turn.stale()
    except NotFound:
        await turn.say(t.gettext(CLOSED_TEXT), keyboards.goal_after(t))
        return ConversationHandler.END
    if status == GoalStatus.PAUSED:
        line = t.gettext("⏸ Paused. I will not ask about this goal until you resume it.")
    elif status == GoalStatus.ACTIVE:
        line = t.gettext("▶️ Good to have this goal back.")
    elif status == GoalStatus.REACHED:
        line = t.gettext("🏁 You reached your goal! You can be proud of that. It stays in your history.")
    else:
        await turn.say(t.gettext("Okay, I stopped this goal. It stays in your history."))
        return await show_list(turn.update, turn.context)
    await _show_detail(turn.update, turn.context, t, goal, line)
    return ConversationHandler.END


@handler(Role.CLIENT, flow="goal")
async def checkin_now(turn: Turn) -> int:
    """goal:checkin:<id>: a check-in the client starts; the same four answers as the prompt."""
    svc = turn.svc
    t = turn.t
    try:
        goal = await goals.goal(svc, turn.tid, turn.int_arg())
        if goal.status not in (GoalStatus.ACTIVE, GoalStatus.PAUSED):
            raise NotFound("closed")
        checkin_id = await goals.open_checkin(svc, turn.tid, goal.id)
    except (BadCallback, NotAllowed):
        return await turn.stale()
    except NotFound:
        await turn.say(t.gettext(CLOSED_TEXT), keyboards.goal_after(t))
        return ConversationHandler.END
    question = t.gettext("How did it go with your step \"{step}\"?").format(step=goal.step or goal.title)
    await turn.say(question, keyboards.goal_answers(t, checkin_id))
    return ConversationHandler.END


@handler(Role.CLIENT, flow="goal")
async def on_proposal(turn: Turn) -> int:
    """goal:accept:<id> / goal:decline:<id>: the client decides about a worker's proposal."""
    t = turn.t
    try:
        parsed = turn.data
        goal = await goals.decide_proposal(turn.svc, turn.tid, parsed.int_arg(),
                                           accept=parsed.action == "accept")
    except (BadCallback, NotAllowed):
        return await turn.stale()
    except NotFound:
        await turn.say(t.gettext("You already answered this proposal."), keyboards.goal_after(t))
        return ConversationHandler.END
    if goal.status == GoalStatus.ACTIVE:
        await _show_detail(turn.update, turn.context, t, goal, t.gettext(
            "👍 The goal is yours now. You can change the step if you like."))
    else:
        await turn.say(t.gettext("Okay, I did not add this goal. That is your choice."),
                         keyboards.goal_after(t))
    return ConversationHandler.END


@handler(Role.CLIENT)
async def chart(turn: Turn) -> int:
    """goal:chart: check-ins over time per goal, and the goals reached per leefdomein."""
    svc = turn.svc
    t = turn.t
    items = await goals.my_goals(svc, turn.tid, include_closed=True)
    histories = {g.id: await goals.goal_history(svc, turn.tid, g.id)
                 for g in items if g.status != GoalStatus.PROPOSED}
    png = goals_png(items, histories, t)
    await turn.context.bot.send_photo(turn.update.effective_chat.id, InputFile(io.BytesIO(png), filename="doelen.png"),
                                 caption=t.gettext("Your goals: the check-ins over time, and the goals you reached."),
                                 reply_markup=keyboards.goal_after(t))
    return ConversationHandler.END


# --- a new goal, one question at a time -------------------------------------------------------------
#
# Like the signaleringsplan's form: every question has "Terug" (but the first), "Overslaan" where a goal can do
# without the answer (why, a first step, a date), "Verder" once it has an answer, and "Later verder". The draft
# remembers where the person is ("at"); without it, the first question without an answer is asked.


def _draft(context: Context) -> dict[str, Any] | None:
    return context.user_data.get("goal_new") if context.user_data is not None else None


def _key(step: Step) -> str:
    return step.value.split(".", 1)[1]


def _questions(draft: dict[str, Any]) -> list[Step]:
    """The questions this person gets: the household question only when they live with others in Houvast."""
    return [step for step in NEW_GOAL if step != Step.WHO or int(draft.get("members") or 1) > 1]


def _current(draft: dict[str, Any]) -> Step | None:
    questions = _questions(draft)
    at = next((step for step in questions if _key(step) == draft.get("at")), None)
    return at or next((step for step in questions if _key(step) not in draft), None)


def _forward(draft: dict[str, Any], step: Step) -> None:
    """After an answer, a skip or "Verder": the next question, or (after the last) the first one still open."""
    questions = _questions(draft)
    index = questions.index(step) if step in questions else len(questions)
    if index + 1 < len(questions):
        draft["at"] = _key(questions[index + 1])
    else:
        draft.pop("at", None)


def _answer_text(t: Translator, step: Step, value: Any) -> str:
    if value is None:
        return t.gettext("skipped")
    if step == Step.DOMAIN:
        return t.gettext(DOMAIN_LABELS[Domain(value)])
    if step == Step.DATE:
        return format_date(date.fromisoformat(value), "long", locale=t.locale)
    if step == Step.DAY:
        return t.weekday(int(value)).capitalize()
    if step == Step.TIME:
        return f"{str(value)[:2]}:{str(value)[2:]}"
    if step == Step.EVERY:
        return t.gettext(EVERY_LABELS[int(value)])
    if step == Step.WHO:
        return t.gettext(WHO_LABELS[value])
    return str(value)


def _question_text(t: Translator, step: Step, today: date) -> str:
    if step == Step.DATE:
        return t.gettext(QUESTIONS[step]).format(example=numeric(today + timedelta(days=91)))
    return t.gettext(QUESTIONS[step])


@handler(Role.CLIENT, flow="goal", refusal=STALE)
async def start_new(turn: Turn) -> Step | int:
    """goal:new (asks to go on when answers are waiting), goal:new:go, goal:new:fresh."""
    t = turn.t
    arg = turn.arg
    draft = _draft(turn.context)
    answered = bool(draft) and any(_key(step) in draft for step in NEW_GOAL)
    if answered and arg is None:
        await turn.say(t.gettext("You were making a goal. Do you want to go on where you stopped?"),
                         keyboards.goal_go_on(t))
        return ConversationHandler.END
    if arg == "go" and answered:
        return await _ask_next(turn.update, turn.context, turn.person)
    members = await goal_requests.household_size(turn.svc, turn.tid)
    turn.user_data["goal_new"] = {"members": members}
    return await _ask_next(turn.update, turn.context, turn.person)


async def _ask_next(update: Update, context: Context, person: PersonView, note: str | None = None) -> Step | int:
    draft = _draft(context)
    if draft is None:
        return await common.menu_or_welcome(update, context)
    step = _current(draft)
    if step is None:
        return await _create(update, context, person, draft)
    t = common.tr(context, person)
    questions = _questions(draft)
    index = questions.index(step)
    lines = [t.gettext("New goal · question {n} of {total}").format(n=index + 1, total=len(questions)), "",
             _question_text(t, step, common.today(context))]
    answered = _key(step) in draft
    if answered:
        lines += ["", t.gettext("Now: {answer}").format(answer=_answer_text(t, step, draft[_key(step)]))]
    text = "\n".join(lines)
    markup = keyboards.goal_question(t, _key(step), first=index == 0, skip=step in OPTIONAL, answered=answered)
    await common.say(update, context, f"{note}\n\n{text}" if note else text, markup)
    return step


def _kept(t: Translator, raw: str, limit: int, *, back: bool = True) -> tuple[str, str]:
    """A too-long answer: its first part, and the words that say so (the limit, and where it was cut)."""
    kept = first_part(" ".join(raw.split()), limit)
    return kept, t.gettext(TOO_LONG_KEPT if back else TOO_LONG_SAVED).format(
        n=format_decimal(len(" ".join(raw.split())), locale=t.locale), max=format_decimal(limit, locale=t.locale),
        end=kept[-40:].lstrip())


async def on_new_text(update: Update, context: Context) -> Step | int:
    person = await common.acting_as(update, context, Role.CLIENT)
    draft = _draft(context)
    if person is None or draft is None:
        return ConversationHandler.END if person is None else await common.menu_or_welcome(update, context)
    t = common.tr(context, person)
    step = _current(draft)
    raw = common.text_of(update)
    note = None
    if step in TEXT_STEPS:
        value, problem = _clean(raw, MAX_TEXT)
        if problem == TOO_LONG:
            value, note = _kept(t, raw, MAX_TEXT)
        elif problem:
            return await _ask_next(update, context, person, _refusal(t, problem, MAX_TEXT))
        draft[_key(step)] = value
    elif step == Step.DATE:
        today = common.today(context)
        day = parse_day(raw, today=today, direction="future")
        if day is None:
            return await _ask_next(update, context, person, t.gettext(
                "I do not understand that date. Type a date like {example}, or words like \"in three months\". "
                "Or tap Skip.").format(example=numeric(today + timedelta(days=91))))
        if day < today:
            return await _ask_next(update, context, person, t.gettext(
                "That date has already passed. Type a date in the future, or tap Skip."))
        draft["date"] = day.isoformat()
    elif step == Step.TIME:
        at = parse_clock_time(raw)
        if at is None:
            return await _ask_next(update, context, person, t.gettext(
                "I did not understand that time. Type it like 8:30, or choose a button."))
        draft["time"] = at.strftime("%H%M")
    else:  # a question with buttons only
        return await _ask_next(update, context, person,
                               t.gettext("Sorry, I did not understand that. Please choose a button."))
    _forward(draft, step)
    return await _ask_next(update, context, person, note)


async def on_new_button(update: Update, context: Context) -> Step | int:
    """goal:<dom|skip|day|time|every|who>:<value> answer the question asked now; goal:<back|fwd>:<question>
    move from it; goal:later keeps the answers for later."""
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT)
    draft = _draft(context)
    if person is None or draft is None:
        return ConversationHandler.END if person is None else await common.unknown(update, context)
    t = common.tr(context, person)
    step = _current(draft)
    try:
        parsed = _parse(update, "goal")
        arg = parsed.arg or ""
        if parsed.action == "later":
            context.user_data["goal_new"] = draft
            await common.say(update, context, t.gettext(
                "Saved what you have so far. Later you can go on where you stopped: tap New goal."),
                keyboards.goal_after(t))
            return ConversationHandler.END
        if step is None or parsed.action not in own_actions(step) \
                or (parsed.action in ("back", "fwd", "skip") and arg != _key(step)):
            return await _ask_next(update, context, person,
                                   t.gettext("That button was for another question. This is the question now:"))
        if parsed.action == "back":
            questions = _questions(draft)
            draft["at"] = _key(questions[max(questions.index(step) - 1, 0)])
            return await _ask_next(update, context, person)
        if parsed.action == "fwd":
            if _key(step) not in draft:
                raise ValueError("nothing to keep")
        elif parsed.action == "skip":
            draft[_key(step)] = None
        elif step == Step.DOMAIN:
            draft["domain"] = Domain(arg).value
        elif step == Step.DAY:
            if not (arg.isdigit() and 1 <= int(arg) <= 7):
                raise ValueError(arg)
            draft["day"] = int(arg)
        elif step == Step.TIME:
            at = parse_clock_time(f"{arg[:2]}:{arg[2:]}") if len(arg) == 4 else None
            if at is None:
                raise ValueError(arg)
            draft["time"] = at.strftime("%H%M")
        elif step == Step.EVERY:
            if arg not in ("1", "2"):
                raise ValueError(arg)
            draft["every"] = int(arg)
        elif step == Step.WHO:
            if arg not in WHO_LABELS:
                raise ValueError(arg)
            draft["who"] = arg
    except (BadCallback, ValueError):
        return await common.unknown(update, context)
    _forward(draft, step)
    return await _ask_next(update, context, person)


def own_actions(step: Step) -> set[str]:
    """The buttons that belong to a question: its answers, and back / next / skip where it has them."""
    actions = {"back", "fwd"}
    if step in BUTTON_ACTIONS:
        actions.add(BUTTON_ACTIONS[step])
    if step in OPTIONAL:
        actions.add("skip")
    return actions


async def _create(update: Update, context: Context, person: PersonView, draft: dict[str, Any]) -> int:
    t = common.tr(context, person)
    if int(draft.get("members") or 1) <= 1:
        draft["who"] = "me"  # on their own: the goal is theirs
    try:
        clock = str(draft["time"])
        goal = await goals.create_goal(
            common.services(context), person.telegram_id, domain=Domain(draft["domain"]), title=str(draft["title"]),
            why=draft.get("why"), step=draft.get("step"),
            target_date=date.fromisoformat(draft["date"]) if draft.get("date") else None,
            weekday=int(draft["day"]), at=time(int(clock[:2]), int(clock[2:])), every_weeks=int(draft["every"]),
            household=draft.get("who") == "all",
        )
    except (KeyError, TypeError, ValueError, NotAllowed):
        context.user_data.pop("goal_new", None)  # answers we cannot use: start clean next time
        return await common.unknown(update, context)
    context.user_data.pop("goal_new", None)
    lines = [t.gettext("Saved! Your goal: {goal}").format(goal=goal.title)]
    if goal.step:
        lines.append(t.gettext("Step now: {step}").format(step=goal.step))
    if goal.next_checkin_at:
        lines += ["", t.gettext("I will ask how it goes on {moment}.").format(moment=t.moment(goal.next_checkin_at))]
    await common.say(update, context, "\n".join(lines), keyboards.goal_detail(t, goal))
    return ConversationHandler.END


# --- answering a check-in: the answer, an optional note, and after "done" the next step -------------


@handler(Role.CLIENT, flow="gchk")
async def on_answer(turn: Turn) -> Step | int:
    """gchk:<done|partly|notyet|change>:<checkin_id>, from the tick's prompt or from 'Check in now'."""
    t = turn.t
    try:
        parsed = turn.data
        answer = answer_from_key(parsed.action)
        checkin_id = parsed.int_arg()
        result = await goals.answer_checkin(turn.svc, turn.tid, checkin_id, answer)
    except (BadCallback, ValueError, NotAllowed, NotFound):
        return await turn.stale()
    turn.user_data.pop("goal_step", None)
    if answer == Answer.CHANGE:
        turn.user_data.pop("goal_note", None)
        await _show_detail(turn.update, turn.context, t, result.goal, t.gettext("Okay. What do you want to change?"))
        return ConversationHandler.END
    turn.user_data["goal_note"] = {"checkin": checkin_id, "goal": result.goal.id, "done": answer == Answer.DONE}
    await turn.say(f"{t.gettext(ACKS[answer])}\n\n{t.gettext(NOTE_QUESTION)}", keyboards.goal_skip(t, "note"))
    return Step.NOTE


@handler(Role.CLIENT)
async def on_note_text(turn: Turn) -> Step | int:
    t = turn.t
    raw = common.text_of(turn.update)
    value, problem = _clean(raw, MAX_NOTE)
    cut = None
    if problem == TOO_LONG:
        value, cut = _kept(t, raw, MAX_NOTE, back=False)
    elif problem:
        text = f"{_refusal(t, problem, MAX_NOTE)}\n\n{t.gettext(NOTE_QUESTION)}"
        await turn.say(text, keyboards.goal_skip(t, "note"))
        return Step.NOTE
    return await _save_note(turn.update, turn.context, turn.person, text=value, cut=cut)


@handler(Role.CLIENT)
async def on_note_voice(turn: Turn) -> Step | int:
    return await _save_note(turn.update, turn.context, turn.person, voice=turn.update.message.voice.file_id)


@handler(Role.CLIENT)
async def on_note_skip(turn: Turn) -> Step | int:
    return await _after_note(turn.update, turn.context, turn.person, None)


async def _save_note(update: Update, context: Context, person: PersonView, *, text: str | None = None,
                     voice: str | None = None, cut: str | None = None) -> Step | int:
    info = (context.user_data or {}).get("goal_note")
    t = common.tr(context, person)
    if not info:
        return await common.menu_or_welcome(update, context)
    try:
        await goals.add_note(common.services(context), person.telegram_id, int(info["checkin"]), text=text,
                             voice_file_id=voice)
    except (KeyError, TypeError, ValueError, NotAllowed, NotFound):
        context.user_data.pop("goal_note", None)
        return await common.unknown(update, context)
    saved = t.gettext("🎙 I saved your voice message.") if voice else t.gettext("📝 I saved your note.")
    if cut:
        saved = cut
    return await _after_note(update, context, person, saved)


async def _after_note(update: Update, context: Context, person: PersonView, saved: str | None) -> Step | int:
    info = context.user_data.pop("goal_note", None) if context.user_data is not None else None
    if not info:
        return await common.menu_or_welcome(update, context)
    t = common.tr(context, person)
    try:
        goal = await goals.goal(common.services(context), person.telegram_id, int(info["goal"]))
    except (KeyError, TypeError, ValueError, NotAllowed):
        return await common.unknown(update, context)
    lines = [saved] if saved else []
    if info.get("done") and goal.status not in CLOSED:
        context.user_data["goal_step"] = {"goal": goal.id, "after": "done"}
        lines.append(t.gettext("Well done! What is your next small step?"))
        if goal.step:
            lines.append(t.gettext("Your step was: {step}").format(step=goal.step))
        await common.say(update, context, "\n\n".join(lines), keyboards.goal_skip(t, "next"))
        return Step.NEW_STEP
    if goal.status == GoalStatus.ACTIVE and goal.next_checkin_at:
        moment = t.moment(goal.next_checkin_at)
        lines.append(t.gettext("Thank you. I will ask again on {moment}.").format(moment=moment))
    else:
        lines.append(t.gettext("Thank you."))
    await common.say(update, context, "\n\n".join(lines), keyboards.goal_after(t, goal.id))
    return ConversationHandler.END


# --- a new step: the next one after "done", a changed one, or a smaller one when a goal stalls -------


@handler(Role.CLIENT, refusal=STALE)
async def ask_step(turn: Turn) -> Step | int:
    """goal:step:<id> (from a goal's page) and gstall:smaller:<id> (from the stall message)."""
    t = turn.t
    parsed = callbacks.parse(turn.update.callback_query.data if turn.update.callback_query else None)
    goal = await goals.goal(turn.svc, turn.tid, parsed.int_arg())
    if goal.status in CLOSED or goal.status == GoalStatus.PROPOSED:
        await turn.say(t.gettext(CLOSED_TEXT), keyboards.goal_after(t))
        return ConversationHandler.END
    smaller = parsed.flow == "gstall"
    turn.user_data.pop("goal_note", None)
    turn.user_data["goal_step"] = {"goal": goal.id, "after": "smaller" if smaller else "change"}
    lines = [t.gettext("What is a smaller step? Something you can do this week.") if smaller
             else t.gettext("What is your new step? Keep it small.")]
    if goal.step:
        lines.append(t.gettext("Step now: {step}").format(step=goal.step))
    await turn.say("\n\n".join(lines), keyboards.goal_keep_step(t, goal.id))
    return Step.NEW_STEP


@handler(Role.CLIENT)
async def on_step_text(turn: Turn) -> Step | int:
    info = (turn.user_data or {}).get("goal_step")
    if not info:
        return await turn.menu_or_welcome()
    t = turn.t
    raw = common.text_of(turn.update)
    value, problem = _clean(raw, MAX_TEXT)
    cut = None
    if problem == TOO_LONG:
        value, cut = _kept(t, raw, MAX_TEXT, back=False)
    elif problem:
        markup = keyboards.goal_skip(t, "next") if info.get("after") == "done" else keyboards.goal_keep_step(t, int(info["goal"]))
        await turn.say(_refusal(t, problem, MAX_TEXT), markup)
        return Step.NEW_STEP
    try:
        goal = await goals.change_goal(turn.svc, turn.tid, int(info["goal"]), step=value)
    except (KeyError, TypeError, ValueError, NotAllowed, NotFound):
        turn.user_data.pop("goal_step", None)
        return await turn.stale()
    turn.user_data.pop("goal_step", None)
    line = t.gettext("Saved. Your new step: {step}").format(step=goal.step)
    if cut:
        line = cut + "\n\n" + line
    if goal.status == GoalStatus.ACTIVE and goal.next_checkin_at:
        line += "\n" + t.gettext("I will ask how it goes on {moment}.").format(moment=t.moment(goal.next_checkin_at))
    await _show_detail(turn.update, turn.context, t, goal, line)
    return ConversationHandler.END


@handler(Role.CLIENT)
async def on_step_skip(turn: Turn) -> int:
    """goal:skip:next (after 'done': no new step now) and goal:keep:<id> (keep the step as it is)."""
    turn.user_data.pop("goal_step", None)
    t = turn.t
    await turn.say(t.gettext("Okay. The step stays as it is."), keyboards.goal_after(t))
    return ConversationHandler.END


# --- the gentle stall message: smaller step, pause, or ask the worker -------------------------------


async def on_stall(update: Update, context: Context) -> Step | int:
    """gstall:<smaller|pause|worker>:<goal_id>"""
    try:
        parsed = _parse(update, "gstall")
        goal_id = parsed.int_arg()
        if parsed.action not in STALL_CHOICES:
            raise BadCallback(parsed.action)
    except BadCallback:
        await common.answer_button(update)
        return await common.unknown(update, context)
    if parsed.action == "smaller":
        return await ask_step(update, context)
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.CLIENT)
    if person is None:
        return ConversationHandler.END
    svc = common.services(context)
    t = common.tr(context, person)
    try:
        if parsed.action == "pause":
            await goals.set_status(svc, person.telegram_id, goal_id, GoalStatus.PAUSED)
            await common.say(update, context, t.gettext(
                "⏸ I paused this goal. You can resume it any time from your goals."), keyboards.goal_after(t, goal_id))
            return ConversationHandler.END
        name = await goal_requests.ask_worker_contact(svc, person.telegram_id, goal_id)
    except NotAllowed:
        return await common.unknown(update, context)
    except NotFound:
        await common.say(update, context, t.gettext(CLOSED_TEXT), keyboards.goal_after(t))
        return ConversationHandler.END
    if name is None:
        await common.say(update, context, t.gettext(
            "You have no worker linked right now, so there is nobody I can ask. "
            "You can link a worker from the menu. Or make the step smaller, or pause the goal."),
            keyboards.goal_stall_other(t, goal_id))
        return ConversationHandler.END
    await common.say(update, context, t.gettext(
        "I have asked {name} to get in touch with you. This can take until the next working day.").format(name=name),
        keyboards.goal_after(t, goal_id))
    await common.deliver_now(context)
    return ConversationHandler.END


async def odd_input(update: Update, context: Context) -> None:
    """A sticker, photo or other message a question cannot use: say what we need; stay on the question."""
    t = common.tr(context, await common.current(update, context))
    await common.say(update, context, t.gettext("Please answer with a short text, or use the buttons above."))


# --- registration --------------------------------------------------------------------------------------


def _navigation() -> list:
    """Buttons and commands that need no open question. Registered as plain handlers and as fallbacks, so
    that in the middle of a question they also end it."""
    return [
        CommandHandler("doelen", show_list),
        CallbackQueryHandler(show_list, pattern=r"^(menu:goals|goal:list)$"),
        CallbackQueryHandler(open_goal, pattern=callbacks.pattern("goal", "open")),
        CallbackQueryHandler(checkin_now, pattern=callbacks.pattern("goal", "checkin")),
        CallbackQueryHandler(on_status, pattern=r"^goal:(pause|resume|reached|stop|stopyes):"),
        CallbackQueryHandler(on_proposal, pattern=r"^goal:(accept|decline):"),
        CallbackQueryHandler(chart, pattern=callbacks.pattern("goal", "chart")),
        CallbackQueryHandler(on_step_skip, pattern=callbacks.pattern("goal", "keep")),
    ]


def handlers() -> list:
    return _navigation()


def conversation() -> ConversationHandler:
    text = common.TEXT
    creating = [
        CallbackQueryHandler(on_new_button, pattern=r"^goal:(dom|skip|day|time|every|who|back|fwd|later)(:|$)"),
        MessageHandler(common.TEXT, common.text_answer(on_new_text)),
    ]
    return ConversationHandler(
        name="goals",
        persistent=True,
        allow_reentry=True,
        entry_points=[
            CallbackQueryHandler(start_new, pattern=callbacks.pattern("goal", "new")),
            CallbackQueryHandler(ask_step, pattern=callbacks.pattern("goal", "step")),
            CallbackQueryHandler(on_answer, pattern=callbacks.pattern("gchk")),
            CallbackQueryHandler(on_stall, pattern=callbacks.pattern("gstall")),
        ],
        states={
            **{step: list(creating) for step in NEW_GOAL},
            Step.NOTE: [
                CallbackQueryHandler(on_note_skip, pattern=r"^goal:skip:note$"),
                MessageHandler(text, common.text_answer(on_note_text)),
                MessageHandler(filters.VOICE, on_note_voice),
            ],
            Step.NEW_STEP: [
                CallbackQueryHandler(on_step_skip, pattern=r"^goal:skip:next$"),
                MessageHandler(text, common.text_answer(on_step_text)),
            ],
        },
        fallbacks=[
            *menu.global_commands(),
            CallbackQueryHandler(menu.show, pattern=callbacks.pattern("menu", "show")),
            *_navigation(),
            common.edit_fallback(),
            MessageHandler(filters.ALL & ~filters.COMMAND & ~filters.UpdateType.EDITED, odd_input),
        ],
    )
