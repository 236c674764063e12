"""A goal and the list of goals in words, with the buttons beside them."""
from __future__ import annotations

from babel.dates import format_date

from bot.domain.goals import DOMAIN_LABELS, Domain, GoalStatus
from bot.i18n import N_, Translator
from bot.services.goals import GoalView
from conversations.goals import keyboards as goal_keyboards
from conversations.handler import Turn

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


async def show_detail(turn: Turn, goal: GoalView, first_line: str | None = None) -> None:
    text = detail_text(turn.t, goal)
    await turn.say(f"{first_line}\n\n{text}" if first_line else text, goal_keyboards.goal_detail(turn.t, goal))
