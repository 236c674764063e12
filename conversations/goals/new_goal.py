"""A new goal, one question at a time.

Like the signaleringsplan's form: every question has "Terug" (but the first), "Overslaan" where a goal can do
without the answer (why, a first step, a date), "Verder" once it has an answer, and "Later verder". The draft
in user_data["goal_new"] (small plain values) remembers where the person is ("at"); without it, the first
question without an answer is asked, so a restart or a walk-away loses nothing."""
from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from babel.dates import format_date
from telegram.ext import ConversationHandler

from bot.domain.dates import numeric
from bot.domain.goals import (
    DOMAIN_LABELS,
    EVERY_LABELS,
    WHO_LABELS,
    DateProblem,
    Domain,
    read_answer_button,
    read_target_date,
)
from bot.domain.people import parse_clock_time
from bot.domain.roles import Role
from bot.i18n import N_, Translator
from bot.services import goal_requests, goals
from bot.services.base import NotAllowed
from conversations import common
from conversations.callbacks import BadCallback
from conversations.common import Context
from conversations.goals import keyboards as goal_keyboards
from conversations.goals.shared import MAX_TEXT, Step, read_answer
from conversations.handler import STALE, Turn, handler, with_draft

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


DRAFT = "goal_new"


def _draft(context: Context) -> dict[str, Any] | None:
    return context.user_data.get(DRAFT) if context.user_data is not None else None


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
                         goal_keyboards.goal_go_on(t))
        return ConversationHandler.END
    if arg == "go" and answered:
        return await _ask_next(turn)
    members = await goal_requests.household_size(turn.svc, turn.tid)
    turn.user_data[DRAFT] = {"members": members}
    return await _ask_next(turn)


async def _ask_next(turn: Turn, note: str | None = None) -> Step | int:
    draft = _draft(turn.context)
    if draft is None:
        return await turn.menu_or_welcome()
    step = _current(draft)
    if step is None:
        return await _create(turn, draft)
    t = turn.t
    questions = _questions(draft)
    index = questions.index(step)
    lines = [t.gettext("New goal · question {n} of {total}").format(n=index + 1, total=len(questions)), "",
             _question_text(t, step, turn.today())]
    answered = _key(step) in draft
    if answered:
        lines += ["", t.gettext("Now: {answer}").format(answer=_answer_text(t, step, draft[_key(step)]))]
    text = "\n".join(lines)
    markup = goal_keyboards.goal_question(t, _key(step), first=index == 0, skip=step in OPTIONAL, answered=answered)
    await turn.say(f"{note}\n\n{text}" if note else text, markup)
    return step


@handler(Role.CLIENT)
@with_draft(DRAFT, _current, stale=False)
async def on_new_text(turn: Turn, draft: dict[str, Any], step: Step | None) -> Step | int:
    t = turn.t
    raw = common.text_of(turn.update)
    note = None
    if step in TEXT_STEPS:
        value, note, problem = read_answer(t, raw, MAX_TEXT)
        if problem:
            return await _ask_next(turn, problem)
        draft[_key(step)] = value
    elif step == Step.DATE:
        day = read_target_date(raw, today=turn.today())
        if day == DateProblem.UNKNOWN:
            return await _ask_next(turn, t.gettext(
                "I do not understand that date. Type a date like {example}, or words like \"in three months\". "
                "Or tap Skip.").format(example=numeric(turn.today() + timedelta(days=91))))
        if day == DateProblem.PAST:
            return await _ask_next(turn, t.gettext(
                "That date has already passed. Type a date in the future, or tap Skip."))
        draft["date"] = day.isoformat()
    elif step == Step.TIME:
        at = parse_clock_time(raw)
        if at is None:
            return await _ask_next(turn, t.gettext(
                "I did not understand that time. Type it like 8:30, or choose a button."))
        draft["time"] = at.strftime("%H%M")
    else:  # a question with buttons only
        return await _ask_next(turn, t.gettext("Sorry, I did not understand that. Please choose a button."))
    _forward(draft, step)
    return await _ask_next(turn, note)


@handler(Role.CLIENT, flow="goal", refusal=STALE)
@with_draft(DRAFT, _current, stale=True)
async def on_new_button(turn: Turn, draft: dict[str, Any], step: Step | None) -> Step | int:
    """goal:<dom|skip|day|time|every|who>:<value> answer the question asked now; goal:<back|fwd>:<question>
    move from it; goal:later keeps the answers for later."""
    t = turn.t
    action, arg = turn.action, turn.arg or ""
    if action == "later":
        turn.user_data[DRAFT] = draft
        await turn.say(t.gettext("Saved what you have so far. Later you can go on where you stopped: tap New goal."),
                       goal_keyboards.goal_after(t))
        return ConversationHandler.END
    if step is None or action not in own_actions(step) or (action in ("back", "fwd", "skip") and arg != _key(step)):
        return await _ask_next(turn, t.gettext("That button was for another question. This is the question now:"))
    if action == "back":
        questions = _questions(draft)
        draft["at"] = _key(questions[max(questions.index(step) - 1, 0)])
        return await _ask_next(turn)
    if action == "fwd":
        if _key(step) not in draft:
            raise BadCallback("nothing to keep")
    elif action == "skip":
        draft[_key(step)] = None
    else:
        try:
            draft[_key(step)] = read_answer_button(_key(step), arg)
        except ValueError as exc:
            raise BadCallback(arg) from exc
    _forward(draft, step)
    return await _ask_next(turn)


def own_actions(step: Step) -> set[str]:
    """The buttons that belong to a question: its answers, and back / next / skip where it has them."""
    actions = {"back", "fwd"}
    if step in BUTTON_ACTIONS:
        actions.add(BUTTON_ACTIONS[step])
    if step in OPTIONAL:
        actions.add("skip")
    return actions


async def _create(turn: Turn, draft: dict[str, Any]) -> int:
    t = turn.t
    if int(draft.get("members") or 1) <= 1:
        draft["who"] = "me"  # on their own: the goal is theirs
    try:
        clock = str(draft["time"])
        goal = await goals.create_goal(
            turn.svc, turn.tid, domain=Domain(draft["domain"]), title=str(draft["title"]),
            why=draft.get("why"), step=draft.get("step"),
            target_date=date.fromisoformat(draft["date"]) if draft.get("date") else None,
            weekday=int(draft["day"]), at=time(int(clock[:2]), int(clock[2:])), every_weeks=int(draft["every"]),
            household=draft.get("who") == "all",
        )
    except (KeyError, TypeError, ValueError, NotAllowed):
        turn.user_data.pop(DRAFT, None)  # answers we cannot use: start clean next time
        return await turn.stale()
    turn.user_data.pop(DRAFT, None)
    lines = [t.gettext("Saved! Your goal: {goal}").format(goal=goal.title)]
    if goal.step:
        lines.append(t.gettext("Step now: {step}").format(step=goal.step))
    if goal.next_checkin_at:
        lines += ["", t.gettext("I will ask how it goes on {moment}.").format(moment=t.moment(goal.next_checkin_at))]
    await turn.say("\n".join(lines), goal_keyboards.goal_detail(t, goal))
    return ConversationHandler.END
