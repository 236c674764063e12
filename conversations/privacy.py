"""/privacy: the client chooses per person what they may see. /wiezietwat: who looked at what, and when."""
from __future__ import annotations

from telegram import Update

from bot.domain.consent import CARE_ROLE_NAMES, SCOPE_NAMES, SCOPES, Scope, toggled
from bot.domain.disclosure import STATUS_SCOPE, gets_signal
from bot.domain.looks import Look, LookGroup, group_looks
from bot.domain.roles import Role
from bot.i18n import N_, Translator
from bot.render.text import long_day
from bot.services import consent, security
from bot.services.base import NotAllowed
from bot.services.consent import ViewerShare
from conversations import common, keyboards
from conversations.callbacks import BadCallback
from conversations.common import Context
from conversations.handler import STALE, Turn, buttons, handler, listing, opened

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
MAX_LINES = 30  # lines of /wiezietwat; everything is in /mijngegevens


def _label(t, share: ViewerShare) -> str:
    return f"{share.name} ({t.gettext(CARE_ROLE_NAMES[share.relation])})"


@handler(Role.CLIENT, stop=None)
async def overview(turn: Turn) -> None:
    t = turn.t
    shares = await consent.viewers(turn.svc, turn.tid)
    if not shares:
        await turn.say(
            t.gettext("Nobody can see your data. When you link a worker, you choose what they may see."),
            keyboards.menu_button(t),
        )
        return
    lines = [t.gettext("Who may see what? Tap a name to change it.")]
    for share in shares:
        what = ", ".join(t.gettext(SCOPE_NAMES[s]) for s in SCOPES if s in share.scopes) or t.gettext("nothing")
        lines.append(f"• {_label(t, share)}: {what}")
    if any(gets_signal(share.relation) for share in shares):
        lines += ["", t.gettext(WITHOUT_CONSENT)]
        if any(share.relation == "peer" for share in shares) and turn.svc.settings.peer_red_policy == "notify":
            lines.append(t.gettext(PEER_WORRY_ON_RED))
    await turn.say("\n".join(lines), keyboards.viewers(t, [(s.viewer_id, _label(t, s)) for s in shares]))


async def show_toggles(
    update: Update, context: Context, share: ViewerShare, *, intro: str | None = None, edit: bool = False
) -> None:
    person = await common.current(update, context)
    t = common.tr(context, person)
    text = intro or t.gettext("What may {name} see? Tap to switch it on or off.").format(name=share.name)
    text += "\n\n" + t.gettext(ALERTS_NOTE)
    labels = [(scope, label) for scope, label in SCOPE_LABELS if scope in share.shareable]
    markup = keyboards.consent_toggles(t, share.viewer_id, frozenset(share.scopes), labels)
    if edit:
        await common.edit_or_say(update, context, text, markup)
    else:
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


@handler(Role.CLIENT, flow="priv", stop=None)
async def choose_viewer(turn: Turn) -> None:
    try:
        viewer_id = turn.int_arg()
    except BadCallback:
        await turn.stale()
        return
    share = next((s for s in await consent.viewers(turn.svc, turn.tid) if s.viewer_id == viewer_id), None)
    if share is None:
        await security.record_refused_button(turn.svc, turn.tid, "consent")
        await turn.stale()
        return
    await show_toggles(turn.update, turn.context, share, edit=True)


@handler(Role.CLIENT, flow="priv", refusal=STALE, scope="consent", stop=None)
async def toggle(turn: Turn) -> None:
    """priv:tog:<viewer_id>.<scope>: one switch flips; a switch for someone who is no viewer is refused."""
    viewer_id, scope = turn.id_and_scope()
    current = next((s for s in await consent.viewers(turn.svc, turn.tid) if s.viewer_id == viewer_id), None)
    if current is None:
        raise NotAllowed("not a viewer")
    share = await consent.set_consent(turn.svc, client_telegram_id=turn.tid, viewer_id=viewer_id, scope=scope,
                                      granted=toggled(frozenset(current.scopes), scope))
    await show_toggles(turn.update, turn.context, share, edit=True)
    await turn.deliver_now()


async def done(update: Update, context: Context) -> None:
    await common.answer_button(update)
    person = await common.current(update, context)
    if person is None:
        await common.menu_or_welcome(update, context)
        return
    await common.show_menu(update, context, person, common.tr(context, person).gettext("Saved. It works right away."))


# What a look showed, per part (a plan or card also says which version, or that it was still empty).
LOOKED_AT = {
    Scope.SIGNALING_PLAN: N_("your signaleringsplan"),
    Scope.CRISIS_CARD: N_("your crisis card"),
    Scope.GOALS: N_("your goals and check-ins"),
    Scope.ALERTS: N_("your last colour (green, yellow, orange or red)"),
    Scope.SAFETY_PLAN: N_("your plan for thoughts of suicide"),
    Scope.HOME_PLAN: N_("your home plan"),
    Scope.HOPE_BOX: N_("your hope box"),
    # The one thing seen without consent (bot/domain/disclosure.py): whether there is a signal, not what.
    STATUS_SCOPE: N_("whether a goal of yours is stuck or you have not responded for a while"),
}


def look_line(t: Translator, group: LookGroup) -> str:
    """'zaterdag 28 maart 2026 om 10:15: Anna (begeleider) bekeek je crisiskaart (versie 2).' Repeats on one
    day are one line, with the first and last time and how often."""
    who = group.viewer or t.gettext("someone who no longer works here")
    if group.relation:
        who += f" ({t.gettext(CARE_ROLE_NAMES[group.relation])})"
    what = t.gettext(LOOKED_AT[group.scope]) if group.scope in LOOKED_AT else group.scope
    day = long_day(t, group.day)
    if group.count == 1 or t.clock_time(group.first) == t.clock_time(group.last):
        when = t.gettext("{day} at {time}").format(day=day, time=t.clock_time(group.last))
    else:
        when = t.gettext("{day}, from {start} to {end}").format(
            day=day, start=t.clock_time(group.first), end=t.clock_time(group.last))
    if group.version == 0:
        text = t.ngettext("{who} opened {what}. It was still empty.",
                          "{who} opened {what}, {n} times. It was still empty.", group.count)
    elif group.version:
        text = t.ngettext("{who} looked at {what} (version {version}).",
                          "{who} looked at {what} (version {version}), {n} times.", group.count)
    else:
        text = t.ngettext("{who} looked at {what}.", "{who} looked at {what}, {n} times.", group.count)
    return f"{when}: " + text.format(who=who, what=what, version=group.version, n=group.count)


@listing(Role.CLIENT, rows=consent.views_of_my_data, empty=N_("Nobody has looked at your data yet."))
async def who_saw_what(turn: Turn, records: list[consent.ViewRecord]) -> None:
    t = turn.t
    looks = [Look(r.viewer_name, r.relation, r.scope, r.at, r.version) for r in records]
    groups = group_looks(looks, t.zone)
    lines = [t.gettext("Who looked at your data, the newest first:"), ""]
    lines += [look_line(t, group) for group in groups[:MAX_LINES]]
    if len(groups) > MAX_LINES:
        lines += ["", t.gettext("Older looks are in your data: /mijngegevens.")]
    await turn.say("\n".join(lines), keyboards.menu_button(t))


def handlers() -> list:
    return [
        *opened(overview, command="privacy", menu="privacy"),
        *opened(who_saw_what, command="wiezietwat", menu="views"),
        *buttons("priv", {"who": choose_viewer, "tog": toggle, "done": done}),
    ]
