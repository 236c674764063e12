"""The goal flows' keyboards. Each takes the translator."""
from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.goals import (
    ANSWER_LABELS,
    DOMAIN_LABELS,
    EVERY_LABELS,
    STALL_CHOICES,
    WHO_LABELS,
    GoalStatus,
    answer_key,
)
from bot.domain.people import SUGGESTED_CHECKIN_TIMES
from bot.i18n import N_, Translator
from bot.services.goals import GoalView
from conversations import callbacks
from conversations.keyboards import column, for_client, menu_item


def _goal_list_button(t: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton(t.gettext("⬅️ My goals"), callback_data=callbacks.make("goal", "list"))


def _goal_chart_button(t: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton(t.gettext("📈 Chart"), callback_data=callbacks.make("goal", "chart"))


def goal_list(t: Translator, items: list[GoalView]) -> InlineKeyboardMarkup:
    """One button per goal (⚠️ when stalled), then new goal, chart and the menu."""
    buttons = [
        InlineKeyboardButton((("⚠️ " if g.stalled else "") + g.title)[:48],
                             callback_data=callbacks.make("goal", "open", g.id))
        for g in items[:60]
    ]
    buttons.append(InlineKeyboardButton(t.gettext("➕ New goal"), callback_data=callbacks.make("goal", "new")))
    rows = [[button] for button in buttons]
    rows.append([_goal_chart_button(t), menu_item(t)])
    return for_client(InlineKeyboardMarkup(rows), t)


def goal_question(t: Translator, key: str, *, first: bool, skip: bool, answered: bool) -> InlineKeyboardMarkup:
    """A question of the new-goal form: its answers (if it has buttons), then back / next-or-skip, then later.
    `key` is the question ("domain", "title", ..., "who"); back, next and skip carry it, so a button of an
    earlier question is recognised as such."""
    def make(action: str, arg: object | None = None) -> str:
        return callbacks.make("goal", action, arg)

    options: list[list[InlineKeyboardButton]] = []
    if key == "domain":
        options = [[InlineKeyboardButton(t.gettext(label), callback_data=make("dom", domain.value))]
                   for domain, label in DOMAIN_LABELS.items()]
    elif key == "day":
        days = [
            InlineKeyboardButton(t.weekday(day).capitalize(), callback_data=make("day", day)) for day in range(1, 8)
        ]
        options = [days[i : i + 2] for i in range(0, len(days), 2)]
    elif key == "time":
        times = [InlineKeyboardButton(at.strftime("%H:%M"), callback_data=make("time", at.strftime("%H%M")))
                 for at in SUGGESTED_CHECKIN_TIMES]
        options = [times[i : i + 2] for i in range(0, len(times), 2)]
    elif key == "every":
        options = [[InlineKeyboardButton(t.gettext(label), callback_data=make("every", weeks))]
                   for weeks, label in EVERY_LABELS.items()]
    elif key == "who":
        options = [[InlineKeyboardButton(t.gettext(label), callback_data=make("who", who))]
                   for who, label in WHO_LABELS.items()]
    nav = [] if first else [InlineKeyboardButton(t.gettext("⬅️ Back"), callback_data=make("back", key))]
    if answered:
        nav.append(InlineKeyboardButton(t.gettext("Next ➡️"), callback_data=make("fwd", key)))
    elif skip:
        nav.append(InlineKeyboardButton(t.gettext("⏭ Skip"), callback_data=make("skip", key)))
    rows = options + ([nav] if nav else [])
    rows.append([InlineKeyboardButton(t.gettext("💾 Continue later"), callback_data=make("later"))])
    return InlineKeyboardMarkup(rows)


def goal_skip(t: Translator, what: str) -> InlineKeyboardMarkup:
    return column([InlineKeyboardButton(t.gettext("⏭ Skip"), callback_data=callbacks.make("goal", "skip", what))])


def goal_go_on(t: Translator) -> InlineKeyboardMarkup:
    return column([
        InlineKeyboardButton(t.gettext("▶️ Go on"), callback_data=callbacks.make("goal", "new", "go")),
        InlineKeyboardButton(t.gettext("🆕 Start again"), callback_data=callbacks.make("goal", "new", "fresh")),
    ])


def goal_detail(t: Translator, goal: GoalView) -> InlineKeyboardMarkup:
    """A goal's page: what can be done with it now, by its status."""
    def button(label: str, action: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(t.gettext(label), callback_data=callbacks.make("goal", action, goal.id))

    buttons: list[InlineKeyboardButton] = []
    if goal.status == GoalStatus.PROPOSED:
        buttons += goal_proposal(t, goal.id).inline_keyboard[0]
    if goal.status == GoalStatus.ACTIVE:
        buttons.append(button(N_("✅ Check in now"), "checkin"))
    if goal.status in (GoalStatus.ACTIVE, GoalStatus.PAUSED):
        buttons.append(button(N_("✏️ Change the step"), "step"))
        if goal.status == GoalStatus.ACTIVE:
            buttons.append(button(N_("⏸ Pause"), "pause"))
        else:
            buttons.append(button(N_("▶️ Resume"), "resume"))
        buttons += [button(N_("🏁 Reached"), "reached"), button(N_("🛑 Stop"), "stop")]
    rows = [[b] for b in buttons]
    rows.append([_goal_chart_button(t), _goal_list_button(t)])
    return for_client(InlineKeyboardMarkup(rows), t)


def goal_answers(t: Translator, checkin_id: int) -> InlineKeyboardMarkup:
    """The same four answers as the tick's prompt."""
    return column([
        InlineKeyboardButton(t.gettext(label), callback_data=callbacks.make("gchk", answer_key(answer), checkin_id))
        for answer, label in ANSWER_LABELS.items()
    ])


def goal_stop_confirm(t: Translator, goal_id: int) -> InlineKeyboardMarkup:
    return column([
        InlineKeyboardButton(t.gettext("🛑 Yes, stop it"), callback_data=callbacks.make("goal", "stopyes", goal_id)),
        InlineKeyboardButton(t.gettext("No, keep it"), callback_data=callbacks.make("goal", "open", goal_id)),
    ])


def goal_keep_step(t: Translator, goal_id: int) -> InlineKeyboardMarkup:
    return column([
        InlineKeyboardButton(t.gettext("Keep the step as it is"),
                             callback_data=callbacks.make("goal", "keep", goal_id)),
    ])


def goal_after(t: Translator, goal_id: int | None = None) -> InlineKeyboardMarkup:
    row = [_goal_list_button(t), menu_item(t)]
    if goal_id is None:
        return for_client(InlineKeyboardMarkup([row]), t)
    return for_client(InlineKeyboardMarkup([
        [InlineKeyboardButton(t.gettext("🎯 Open this goal"), callback_data=callbacks.make("goal", "open", goal_id))],
        row,
    ]), t)


def goal_proposal(t: Translator, goal_id: int) -> InlineKeyboardMarkup:
    """Yes or no to a worker's proposal: one row (the message that tells of it), or on the goal's page."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(t.gettext("👍 Yes, I want it"), callback_data=callbacks.make("goal", "accept", goal_id)),
        InlineKeyboardButton(t.gettext("👎 No, thank you"), callback_data=callbacks.make("goal", "decline", goal_id)),
    ]])


def goal_stall(t: Translator, goal_id: int, keys: tuple[str, ...] = tuple(STALL_CHOICES)) -> InlineKeyboardMarkup:
    """The gentle ways on when a goal stalls (the message that tells of it), one per row."""
    return column([
        InlineKeyboardButton(t.gettext(STALL_CHOICES[key]), callback_data=callbacks.make("gstall", key, goal_id))
        for key in keys
    ])


def goal_stall_other(t: Translator, goal_id: int) -> InlineKeyboardMarkup:
    rows = [list(row) for row in goal_stall(t, goal_id, ("smaller", "pause")).inline_keyboard]
    rows.append([menu_item(t)])
    return InlineKeyboardMarkup(rows)
