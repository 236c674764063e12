"""Mijn herstelplan as chat messages (a short overview, one message per part); the A4 PDF to take along is made
by bot/render/herstelplan_pdf.py.

Pure: takes the PlanView of bot.services.herstelplan and a translator. A part the viewer may not see says so
in one line; it never hints at what is in it.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from bot.domain.consent import CARE_ROLE_NAMES
from bot.domain.forms import PHASE_NAMES
from bot.domain.goals import ANSWER_LABELS, Domain, GoalStatus
from bot.domain.plans import PHASE_EMOJI
from bot.domain.safetyplans import HomePlan, SafetyPlan
from bot.domain.selfscan import ALL_DOMAINS, DOMAIN_NAMES, FACES, GOAL_DOMAIN_NAMES, LEVELS
from bot.i18n import N_, Translator
from bot.render.fonts import plain
from bot.render.safetyplan import plan_texts
from bot.render.text import contact_line, long_day, split
from bot.services.herstelplan import GoalLine, MemberPlan, Part, PlanView

GOAL_DOMAINS = GOAL_DOMAIN_NAMES  # keyed by the domain's value; a goals.Domain (a StrEnum) finds its label
STATUS_NAMES = {
    GoalStatus.ACTIVE: N_("active"),
    GoalStatus.PAUSED: N_("paused"),
    GoalStatus.REACHED: N_("reached"),
    GoalStatus.STOPPED: N_("stopped"),
    GoalStatus.PROPOSED: N_("proposed"),
}
PART_TITLES = {
    Part.GOALS: N_("🎯 Goals"),
    Part.PHASE: N_("🌡️ Last colour"),
    Part.SCAN: N_("📊 Self-scan"),
    Part.CONTACTS: N_("🆘 Crisis card contacts"),
    Part.SUPPORT: N_("🤝 Support"),
    Part.SAFETY: N_("🧭 Plan for thoughts of suicide"),
    Part.HOME: N_("🏡 Home plan"),
}
NOT_SHARED = N_("{name} does not share this with you.")
DOMAIN_ORDER = [Domain.WONEN, Domain.FINANCIEN, Domain.DAGACTIVITEITEN, Domain.GEZONDHEID, Domain.SOCIAAL,
                Domain.VEILIGHEID, Domain.ANDERS]
PDF_BLUE = "#2b5d8a"


def plan_title(view: PlanView, t: Translator) -> str:
    if view.viewer_is_client:
        return t.gettext("📘 My herstelplan")
    return t.gettext("📘 Herstelplan of {name}").format(name=view.subject.name)


def by_domain(goals: Sequence[GoalLine]) -> dict[Domain, list[GoalLine]]:
    grouped: dict[Domain, list[GoalLine]] = defaultdict(list)
    for goal in goals:
        grouped[goal.domain].append(goal)
    return {domain: grouped[domain] for domain in DOMAIN_ORDER if grouped.get(domain)}


def goal_lines(goal: GoalLine, t: Translator) -> list[str]:
    head = goal.title
    if goal.status != GoalStatus.ACTIVE:
        head += f" ({t.gettext(STATUS_NAMES[goal.status])})"
    lines = [head]
    if goal.why:
        lines.append(t.gettext("Why: {why}").format(why=goal.why))
    if goal.target_date:
        lines.append(t.gettext("Reach by: {day}").format(day=long_day(t, goal.target_date)))
    if goal.step:
        lines.append(t.gettext("Step now: {step}").format(step=goal.step))
    if goal.last_checkin_at is not None and goal.last_answer is not None:
        lines.append(t.gettext("Last check-in: {day}, {answer}").format(
            day=t.day(goal.last_checkin_at), answer=t.gettext(ANSWER_LABELS[goal.last_answer])))
    else:
        lines.append(t.gettext("No check-in yet."))
    return lines


def goals_text(goals: Sequence[GoalLine], t: Translator, *, title: str) -> str:
    if not goals:
        return title + "\n" + t.gettext("No goals yet.")
    blocks = [title]
    for domain, items in by_domain(goals).items():
        block = [t.gettext(GOAL_DOMAINS[domain])]
        for goal in items:
            first, *rest = goal_lines(goal, t)
            block.append(f"• {first}")
            block += [f"   {line}" for line in rest]
        blocks.append("\n".join(block))
    return "\n\n".join(blocks)


def phase_line(member: MemberPlan, t: Translator) -> str:
    if member.phase is None:
        return t.gettext("No check-in yet.")
    # The same words as everywhere else ("Rood: crisis"), not a second spelling of them.
    return f"{PHASE_EMOJI[member.phase.phase]} {t.gettext(PHASE_NAMES[member.phase.phase])} ({t.day(member.phase.at)})"


def scan_lines(member: MemberPlan, t: Translator) -> list[str]:
    if member.scan is None:
        return [t.gettext("No self-scan yet.")]
    lines = [t.gettext("Latest scan: {day}. Starting point (0-meting): {zero}.").format(
        day=t.day(member.scan.at), zero=t.day(member.scan.zero_at))]
    for domain in ALL_DOMAINS:
        value = member.scan.scores.get(domain)
        if value is not None:
            lines.append(f"{FACES[value]} {t.gettext(DOMAIN_NAMES[domain])}: {value} · {t.gettext(LEVELS[value])}")
    return lines


def support_lines(member: MemberPlan, t: Translator) -> list[str]:
    if not member.supporters:
        return [t.gettext("No worker linked. You keep your plan yourself.") if member.is_viewer
                else t.gettext("No worker linked.")]
    return [f"• {s.name} ({t.gettext(CARE_ROLE_NAMES[s.relation])})" for s in member.supporters]


def part_text(member: MemberPlan, part: Part, t: Translator) -> str:
    """One part of one member, as one message (split later if long)."""
    title = t.gettext(PART_TITLES[part])
    if part not in member.shown:
        return title + "\n" + t.gettext(NOT_SHARED).format(name=member.name)
    if part == Part.GOALS:
        return goals_text(member.goals, t, title=title)
    if part == Part.PHASE:
        return title + "\n" + phase_line(member, t)
    if part == Part.SCAN:
        return title + "\n" + "\n".join(scan_lines(member, t))
    if part == Part.CONTACTS:
        items = [f"• {contact_line(c)}" for c in member.contacts] or [t.gettext("No contacts on the crisis card yet.")]
        return title + "\n" + "\n".join(items)
    if part in (Part.SAFETY, Part.HOME):
        plan = member.safety if part == Part.SAFETY else member.home
        return "\n\n".join(plan_texts(plan, t)) if plan else title + "\n" + t.gettext("Not filled in yet.")
    return title + "\n" + "\n".join(support_lines(member, t))


def _plan_line(plan: SafetyPlan | HomePlan | None, t: Translator) -> str:
    if plan is None:
        return t.gettext("not filled in yet")
    return t.gettext("version {n}, {day}").format(n=plan.version, day=t.day(plan.saved_at)) if plan.saved_at \
        else t.gettext("version {n}").format(n=plan.version)


def summary_text(view: PlanView, t: Translator) -> str:
    """The short message: one line per part, buttons lead into each."""
    member = view.subject
    not_shared = t.gettext("not shared")
    lines = [plan_title(view, t), ""]
    if Part.GOALS in member.shown:
        open_goals = [g for g in member.goals if g.status != GoalStatus.REACHED]
        reached = len(member.goals) - len(open_goals)
        domains = ", ".join(plain(t.gettext(GOAL_DOMAINS[d])) for d in by_domain(open_goals))
        text = t.ngettext("{n} goal", "{n} goals", len(open_goals)).format(n=len(open_goals))
        if domains:
            text += f" ({domains})"
        if reached:
            text += ", " + t.ngettext("{n} reached", "{n} reached", reached).format(n=reached)
        lines.append(f"{t.gettext(PART_TITLES[Part.GOALS])}: {text}")
    else:
        lines.append(f"{t.gettext(PART_TITLES[Part.GOALS])}: {not_shared}")
    lines.append(f"{t.gettext(PART_TITLES[Part.PHASE])}: "
                 + (phase_line(member, t) if Part.PHASE in member.shown else not_shared))
    if Part.SCAN in member.shown:
        scan = t.day(member.scan.at) if member.scan else t.gettext("not done yet")
    else:
        scan = not_shared
    lines.append(f"{t.gettext(PART_TITLES[Part.SCAN])}: {scan}")
    if Part.CONTACTS in member.shown:
        contacts = t.ngettext("{n} contact", "{n} contacts", len(member.contacts)).format(n=len(member.contacts))
    else:
        contacts = not_shared
    lines.append(f"{t.gettext(PART_TITLES[Part.CONTACTS])}: {contacts}")
    support = ", ".join(s.name for s in member.supporters) or t.gettext("nobody linked")
    lines.append(f"{t.gettext(PART_TITLES[Part.SUPPORT])}: {support}")
    safety = _plan_line(member.safety, t) if Part.SAFETY in member.shown else not_shared
    lines.append(f"{t.gettext(PART_TITLES[Part.SAFETY])}: {safety}")
    # The thuisplan: never a line that says there is none, or that it is hidden.
    if Part.HOME in member.shown and member.home is not None:
        lines.append(f"{t.gettext(PART_TITLES[Part.HOME])}: {_plan_line(member.home, t)}")
    if view.others or view.household_goals:
        lines += ["", t.gettext("👪 Household: {members}, {goals}.").format(
            members=t.ngettext("{n} other member", "{n} other members", len(view.others)).format(n=len(view.others)),
            goals=t.ngettext("{n} shared goal", "{n} shared goals", len(view.household_goals)).format(
                n=len(view.household_goals)))]
    if view.closed_at is not None:
        lines += ["", t.gettext("The traject with your worker ended on {day}. Your plan stays yours.").format(
            day=t.day(view.closed_at))]
    return "\n".join(lines)


def part_texts(view: PlanView, part: Part, t: Translator) -> list[str]:
    return split(part_text(view.subject, part, t))


def member_texts(member: MemberPlan, t: Translator) -> list[str]:
    """Everything of one member this viewer may see, as messages."""
    head = f"👤 {member.name}"
    parts = (Part.GOALS, Part.PHASE, Part.SCAN, Part.CONTACTS, Part.SAFETY)
    body = "\n\n".join(part_text(member, part, t) for part in parts)
    return split(head + "\n\n" + body)


def household_texts(view: PlanView, t: Translator) -> list[str]:
    title = t.gettext("👪 Goals of the whole household")
    texts = split(goals_text(view.household_goals, t, title=title))
    if view.household_goals_hidden:
        texts[-1] += "\n\n" + t.ngettext(
            "{n} shared goal is not shared with you.", "{n} shared goals are not shared with you.",
            view.household_goals_hidden).format(n=view.household_goals_hidden)
    for member in view.others:
        texts += member_texts(member, t)
    return texts
