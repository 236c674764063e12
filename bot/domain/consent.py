"""Consent: the client decides who sees what. By default nothing is shared.

The one rule every read of someone else's data goes through (`may_view`), kept pure so it can be tested
as a matrix of role x scope x consent state.

Who can be given consent at all (`is_viewer_for`): the client's care team (workers), their peer expert while
a peer contact is active, and the other active clients of their household (`Relation.household_member`). A
fellow household member is a viewer like any other: by default they see nothing of the client's own data.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.roles import CareRole, Role
from bot.i18n import N_


class Scope(StrEnum):
    SIGNALING_PLAN = "signaleringsplan"
    CRISIS_CARD = "crisiskaart"
    GOALS = "goals"  # goals and their check-ins
    ALERTS = "alerts"  # a message when the client checks in orange or red
    SAFETY_PLAN = "veiligheidsplan"  # bij zelfmoordgedachten (bot/domain/safetyplans.py)
    HOME_PLAN = "thuisplan"  # the veiligheidsplan bij huiselijk geweld: the care team only, see below
    HOPE_BOX = "hoopbox"


# New scopes go at the end: an old button of /privacy may still carry a scope's place in this list.
SCOPES = (Scope.SIGNALING_PLAN, Scope.CRISIS_CARD, Scope.GOALS, Scope.ALERTS, Scope.SAFETY_PLAN, Scope.HOME_PLAN,
          Scope.HOPE_BOX)
# How a scope and a viewer's relation to the client are named (msgids; translated where they are shown).
SCOPE_NAMES = {
    Scope.SIGNALING_PLAN: N_("signaleringsplan"),
    Scope.CRISIS_CARD: N_("crisis card"),
    Scope.GOALS: N_("goals and check-ins"),
    Scope.ALERTS: N_("alerts on orange and red"),
    Scope.SAFETY_PLAN: N_("plan for thoughts of suicide"),
    Scope.HOME_PLAN: N_("home plan"),
    Scope.HOPE_BOX: N_("hope box"),
}
CARE_ROLE_NAMES = {
    CareRole.COORDINATING: N_("worker"),
    CareRole.BACKUP: N_("backup worker"),
    CareRole.INVOLVED: N_("involved worker"),
    CareRole.PROCESREGISSEUR: N_("procesregisseur"),
    "peer": N_("peer expert"),
    "household": N_("household member"),
}


@dataclass(frozen=True)
class Relation:
    """How the viewer stands to the client, as the services found it in the database."""

    viewer_role: Role
    care_role: CareRole | None = None  # the viewer's place in the client's care team, if any
    peer_contact: bool = False  # an active peer-support contact between them
    viewer_active: bool = True
    household_member: bool = False  # another active client of the same household


def is_viewer_for(relation: Relation) -> bool:
    """Only people close to the client can be given consent at all: their care team, their peer expert, and
    the other clients of their household (who, like anyone else, see only the scopes the client ticks)."""
    if not relation.viewer_active:
        return False
    if relation.viewer_role == Role.WORKER:
        return relation.care_role is not None
    if relation.viewer_role == Role.PEER:
        return relation.peer_contact
    if relation.viewer_role == Role.CLIENT:
        return relation.household_member
    return False


def scopes_for(relation: Relation) -> tuple[Scope, ...]:
    """What a client can share with this viewer at all. The thuisplan (about violence at home) only with their
    care team: never with someone in the household, who may be the person they fear, nor with a peer expert.
    The hoopbox (photos, voice messages) with the care team and the peer expert, who have a place to see it."""
    if not is_viewer_for(relation):
        return ()
    if relation.care_role is not None:
        return SCOPES
    if relation.peer_contact:
        return tuple(scope for scope in SCOPES if scope != Scope.HOME_PLAN)
    return tuple(scope for scope in SCOPES if scope not in (Scope.HOME_PLAN, Scope.HOPE_BOX))


def may_view(*, is_self: bool, relation: Relation | None, granted: frozenset[Scope], scope: Scope) -> bool:
    """The client always sees their own data; anyone else only a scope the client ticked, while close to them,
    and only a scope that can be shared with them at all (a consent row for the thuisplan that names a household
    member counts for nothing). Admins never see client data, whatever a consent row says."""
    if is_self:
        return True
    if relation is None or not is_viewer_for(relation):
        return False
    return scope in granted and scope in scopes_for(relation)


def scope_from_button(token: str) -> Scope:
    """A scope as a button carries it: by value ("crisiskaart"). Buttons made before scopes travelled by value
    carry their place in SCOPES ("1"); those are still read, so a keyboard on someone's screen keeps working
    (drop this after 2027-06, when no such keyboard can be younger than half a year). ValueError otherwise."""
    if token.isdigit() and len(token) == 1:
        if int(token) >= len(SCOPES):
            raise ValueError(token)
        return SCOPES[int(token)]
    return Scope(token)


def toggled(granted: frozenset[Scope] | frozenset[str], scope: Scope) -> bool:
    """A consent switch flips: what the tap asks is the opposite of what is granted now."""
    return scope not in granted
