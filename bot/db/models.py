"""SQLAlchemy 2 typed models. Every schema change also gets an Alembic migration (bot/db/migrations).

One file for the whole schema on purpose: the tables refer to each other, and one place to read them all is
what a reviewer of a migration needs."""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.db.types import SecretText, UTCDateTime

# Stable constraint names, so Alembic (batch mode on SQLite) can alter them later.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), time: Time()}


class Meta(Base):
    """Facts about this database itself: the key canary (`secret`, proves at start that the configured key reads
    the data) and its purpose (`value` "demo" or "live": the demo never runs on real data). See bot/startup.py."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str | None] = mapped_column(String(64))
    secret: Mapped[str | None] = mapped_column(SecretText())


class Household(Base):
    """One household, one plan, one coordinating worker (see CareTeamMember)."""

    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class Person(Base):
    """Anyone who talks to the bot: client, worker, peer expert or admin."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    role: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(SecretText())
    locale: Mapped[str] = mapped_column(String(8))
    # Random and stable: the audit trail names people by this, never by name or Telegram id.
    pseudonym: Mapped[str] = mapped_column(String(16), unique=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id", ondelete="SET NULL"), index=True)
    checkin_time: Mapped[time | None]
    # Phase check-ins: "daily", "weekdays" or "off"; the next prompt is computed and stored (indexed).
    checkin_rhythm: Mapped[str] = mapped_column(String(12), default="daily", server_default="daily")
    next_checkin_at: Mapped[datetime | None] = mapped_column(index=True)
    reminders_paused: Mapped[bool] = mapped_column(Boolean, default=False)
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    onboarded: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime | None]
    # /verwijderen: the account is deleted for real at this moment, unless the client undoes it before.
    deletion_due_at: Mapped[datetime | None] = mapped_column(index=True)
    deactivated_at: Mapped[datetime | None]
    # Peer support: while set, this person's messages are relayed to the other side of that contact.
    relay_contact_id: Mapped[int | None] = mapped_column(Integer)
    # Self-scan: the next "Hoe staat het ervoor?" (every 3 months after the 0-meting, configurable).
    next_scan_at: Mapped[datetime | None] = mapped_column(index=True)


class CareTeamMember(Base):
    """A worker's place around a household: coordinating, backup, involved or procesregisseur."""

    __tablename__ = "care_team"
    __table_args__ = (UniqueConstraint("household_id", "worker_id", name="uq_care_team_household_worker"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    since: Mapped[datetime]


class Invite(Base):
    """A one-time code. Only its hash is stored; the code itself exists only in the link that was handed out."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    # For a client invite: the household to join (None means a new household of the inviting worker).
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)


class InviteAttempt(Base):
    """A wrong code typed by someone: counted to stop guessing."""

    __tablename__ = "invite_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, index=True)
    at: Mapped[datetime]


class Consent(Base):
    """What one client shares with one viewer, per scope. Absent row means: not shared."""

    __tablename__ = "consents"
    __table_args__ = (UniqueConstraint("client_id", "viewer_id", "scope", name="uq_consents_client_viewer_scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    viewer_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(String(24))
    granted: Mapped[bool] = mapped_column(Boolean)
    changed_at: Mapped[datetime]


class AuditEntry(Base):
    """Who did what with whose data, and when. Names only pseudonyms, so it may outlive a deleted account."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_subject_at", "subject", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str | None] = mapped_column(String(16))
    actor_role: Mapped[str | None] = mapped_column(String(16))
    subject: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32))
    scope: Mapped[str | None] = mapped_column(String(24))
    outcome: Mapped[str] = mapped_column(String(16), default="ok")


class ConversationState(Base):
    """python-telegram-bot conversation states, so a restart keeps everyone where they were."""

    __tablename__ = "conversation_states"
    __table_args__ = (UniqueConstraint("name", "key", name="uq_conversation_states_name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(128))
    state: Mapped[dict[str, Any]]


class UserData(Base):
    """python-telegram-bot user_data: flow scratch values, such as the answers of a goal being made.
    Encrypted like other free text, since a half-made goal is the client's own words."""

    __tablename__ = "user_data"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    data: Mapped[str] = mapped_column(SecretText())  # JSON


class OutboxMessage(Base):
    """A proactive message (prompt, nudge, alert): written first, sent later, marked sent only when accepted.

    A message about a client to someone else refers (`ref`: kind and ids, rendered when sent, see
    bot/outbox/notices.py) instead of copying; `about_id` ties it to that client, so it goes with their
    account. Once sent, or failed for good, a row keeps neither text nor reference."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(128), unique=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(32))
    # JSON of a message to the person themselves; encrypted at rest like other free text. None once sent.
    payload: Mapped[str | None] = mapped_column(SecretText())
    # A message about a client to someone else: ids only (JSON), rendered at send time. None once sent.
    ref: Mapped[dict[str, Any] | None]
    # The client the message is about, when that is not the recipient: deleting the client deletes it.
    about_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    # The client's consent scope this message depends on: a revoke withdraws it, and it is checked when sent.
    scope: Mapped[str | None] = mapped_column(String(24))
    created_at: Mapped[datetime]
    # When it is due; while a run has claimed it, when that run's lease ends (bot/outbox/store.py).
    next_attempt_at: Mapped[datetime]
    # The run that claimed it: only that run may send it and record the outcome. None when not claimed.
    claim_token: Mapped[str | None] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(200))


class ToolVersion(Base):
    """One saved version of a client's signaleringsplan or crisiskaart; the newest is the current one."""

    __tablename__ = "tool_versions"
    __table_args__ = (UniqueConstraint("client_id", "kind", "version", name="uq_tool_versions_client_kind_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(SecretText())  # JSON of the document
    saved_at: Mapped[datetime]
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)


class ToolDraft(Base):
    """The working copy while a client fills in a tool: every answer lands here at once."""

    __tablename__ = "tool_drafts"
    __table_args__ = (UniqueConstraint("client_id", "kind", name="uq_tool_drafts_client_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    content: Mapped[str] = mapped_column(SecretText())
    step: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime]


class PhaseCheckin(Base):
    """"Hoe gaat het vandaag?": one answer in a colour."""

    __tablename__ = "phase_checkins"
    __table_args__ = (Index("ix_phase_checkins_client_at", "client_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    phase: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime]


class Goal(Base):
    """A goal on the herstelplan, in the client's own words. client_id None: a goal of the whole household."""

    __tablename__ = "goals"
    __table_args__ = (
        Index("ix_goals_status_next", "status", "next_checkin_at"),
        Index("ix_goals_next_look_at", "next_look_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    owner_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )  # answers the check-ins
    domain: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(SecretText())
    why: Mapped[str | None] = mapped_column(SecretText())
    step: Mapped[str | None] = mapped_column(SecretText())
    target_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12))
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime]
    checkin_weekday: Mapped[int] = mapped_column(Integer)  # ISO: 1 Monday .. 7 Sunday
    checkin_time: Mapped[time]
    every_weeks: Mapped[int] = mapped_column(Integer, default=1)
    next_checkin_at: Mapped[datetime | None]
    last_progress_at: Mapped[datetime | None]
    # An open stall episode: one nudge per episode, closed by progress.
    stall_since: Mapped[datetime | None]
    # When the stall rules next need a look (bot/domain/goals.next_look): set by a prompt, an answer, a change,
    # and by each look. None while the goal is not active or in an open episode. The tick takes what is due.
    next_look_at: Mapped[datetime | None]
    # The last few prompts as the stall rules need them, [checkin id, sent, answered, answer] with times as Unix
    # seconds, kept with each prompt and answer so a look reads this row only. None: not known yet (read from
    # goal_checkins at the next look). No text: times and the answer's code.
    recent_prompts: Mapped[list[Any] | None] = mapped_column(JSON)


class GoalEvent(Base):
    """The history of a goal: proposed, accepted, changed, paused, reached, stopped, new step."""

    __tablename__ = "goal_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(16))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    detail: Mapped[str | None] = mapped_column(SecretText())


class GoalCheckin(Base):
    """One scheduled prompt about a goal's step, and the answer if it came."""

    __tablename__ = "goal_checkins"
    __table_args__ = (Index("ix_goal_checkins_goal_prompted", "goal_id", "prompted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"))
    prompted_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    answer: Mapped[str | None] = mapped_column(String(12))
    note: Mapped[str | None] = mapped_column(SecretText())
    voice_file_id: Mapped[str | None] = mapped_column(String(200))


class Nudge(Base):
    """A message to the care team that a goal stalled; climbs the ladder until someone acknowledges it."""

    __tablename__ = "nudges"
    __table_args__ = (Index("ix_nudges_open", "acknowledged_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    reasons: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    rungs: Mapped[str] = mapped_column(String(64), default="")  # rungs reached so far, comma separated
    snoozed_until: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    acknowledgement: Mapped[str | None] = mapped_column(String(16))  # contact, seen
    # When the ladder next needs a look at this nudge: a rung coming due, the end of a snooze, a change in the
    # care team (an absence, a handover), and once a day before working hours. None: it climbs no more
    # (acknowledged, or its stall episode closed).
    next_climb_at: Mapped[datetime | None] = mapped_column(index=True)


class Absence(Base):
    """A worker away (/afwezig): meanwhile their nudges go to the backup worker."""

    __tablename__ = "absences"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)


class NudgeDelivery(Base):
    """Who was told about a nudge, on which rung, and when (sent in working hours, or in the morning digest)."""

    __tablename__ = "nudge_deliveries"
    __table_args__ = (
        UniqueConstraint("nudge_id", "worker_id", name="uq_nudge_deliveries_nudge_worker"),
        Index("ix_nudge_deliveries_waiting", "notified_at", "worker_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nudge_id: Mapped[int] = mapped_column(ForeignKey("nudges.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    rung: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    notified_at: Mapped[datetime | None]


class PeerProfile(Base):
    """A peer expert's (ervaringsdeskundige) own profile: story, themes, availability, how many peers at most."""

    __tablename__ = "peer_profiles"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    story: Mapped[str | None] = mapped_column(SecretText())
    # Comma separated theme keys (verslaving, psychische gezondheid, justitie: special-category data): encrypted.
    themes: Mapped[str] = mapped_column(SecretText(), default="")
    availability: Mapped[str | None] = mapped_column(SecretText())  # days and times, in their own words
    max_peers: Mapped[int] = mapped_column(Integer, default=3)
    paused_until: Mapped[date | None] = mapped_column(Date)
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)


class PeerContact(Base):
    """A client and a peer expert talking through Houvast: proposed, active, ended."""

    __tablename__ = "peer_contacts"
    __table_args__ = (Index("ix_peer_contacts_peer_status", "peer_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    peer_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    theme: Mapped[str | None] = mapped_column(SecretText())  # special-category data: encrypted
    status: Mapped[str] = mapped_column(String(12))
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    last_message_at: Mapped[datetime | None]
    rating: Mapped[int | None] = mapped_column(Integer)
    feedback: Mapped[str | None] = mapped_column(SecretText())


class RelayMessage(Base):
    """A message copied between client and peer; kept only for the retention period (default 30 days)."""

    __tablename__ = "relay_messages"
    __table_args__ = (Index("ix_relay_messages_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("peer_contacts.id", ondelete="CASCADE"), index=True)
    from_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(12))
    text: Mapped[str | None] = mapped_column(SecretText())
    file_id: Mapped[str | None] = mapped_column(String(200))


class PeerWait(Base):
    """The waiting list: a client who asked for a peer when nobody was free. An admin sees the first name and the
    theme only."""

    __tablename__ = "peer_waiting_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    theme: Mapped[str | None] = mapped_column(SecretText())  # special-category data: encrypted
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]


class MisuseReport(Base):
    """Either side of a peer contact reports misuse to the admin."""

    __tablename__ = "misuse_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("peer_contacts.id", ondelete="SET NULL"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    at: Mapped[datetime]
    text: Mapped[str | None] = mapped_column(SecretText())
    handled_at: Mapped[datetime | None]


class ToolProposal(Base):
    """"Samen invullen": a helper proposes text for one step; nothing is saved until the client confirms."""

    __tablename__ = "tool_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    step: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(SecretText())
    status: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]


class SelfScan(Base):
    """"Hoe staat het ervoor?": scores 1-5 per leefdomein, by the client or (separately) by the worker."""

    __tablename__ = "self_scans"
    __table_args__ = (Index("ix_self_scans_client_at", "client_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    by_role: Mapped[str] = mapped_column(String(16))  # client or worker
    at: Mapped[datetime]
    scores: Mapped[dict[str, Any]]  # domain -> 1..5; missing domains were skipped
    complete: Mapped[bool] = mapped_column(Boolean, default=False)


class ScaleDecision(Base):
    """Op- en afschalen: Houvast only suggests; the worker decides and records why."""

    __tablename__ = "scale_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    at: Mapped[datetime]
    suggestion: Mapped[str] = mapped_column(String(12))  # up, down
    decision: Mapped[str] = mapped_column(String(12))  # up, down, same
    reason: Mapped[str | None] = mapped_column(SecretText())


class TrajectClosing(Base):
    """Closing a household's traject: the outcomes a-g of the framework and the client's view."""

    __tablename__ = "traject_closings"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    at: Mapped[datetime]
    outcomes: Mapped[dict[str, Any]]  # a..g -> 1..5 or None where not relevant


class RelationScore(Base):
    """The client's answers about the working relationship and their own goals (1-5)."""

    __tablename__ = "relation_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    answers: Mapped[dict[str, Any]]


class CrisisSignal(Base):
    """Crisis language in something a client typed: only the kind and the moment, never the words."""

    __tablename__ = "crisis_signals"
    __table_args__ = (Index("ix_crisis_signals_client_at", "client_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))  # bot.domain.crisis.CrisisKind
    at: Mapped[datetime]


class RedAlert(Base):
    """A rood alert (red check-in, crisis language, self-scan 1, "Zorg melden") to the client's care team.
    Open until a worker presses "Ik pak het op"; nobody within 30 working minutes: the procesregisseur."""

    __tablename__ = "red_alerts"
    __table_args__ = (
        Index("ix_red_alerts_client_created", "client_id", "created_at"),
        Index("ix_red_alerts_due", "taken_at", "escalated_at", "escalate_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(16))  # bot.domain.alerts.Source of the first signal
    created_at: Mapped[datetime]
    escalate_at: Mapped[datetime]
    escalated_at: Mapped[datetime | None]
    taken_at: Mapped[datetime | None]
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)


class RedAlertDelivery(Base):
    """A worker told about a rood alert: at once (coordinating, backup) or on escalation (procesregisseur)."""

    __tablename__ = "red_alert_deliveries"
    __table_args__ = (UniqueConstraint("alert_id", "worker_id", name="uq_red_alert_deliveries_alert_worker"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("red_alerts.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # the worker's CareRole in the household
    created_at: Mapped[datetime]


class HopeItem(Base):
    """One thing in the client's hoopbox: a photo, a short text, a voice message or a link that gives hope.
    Encrypted like other free content; a photo or voice message stays on Telegram, Houvast keeps its file id."""

    __tablename__ = "hope_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # bot.domain.safetyplans.HopeKind
    text: Mapped[str | None] = mapped_column(SecretText())  # the text, a caption, or the link
    file_id: Mapped[str | None] = mapped_column(SecretText())
    file_unique_id: Mapped[str | None] = mapped_column(SecretText())  # the same photo twice is one item
    created_at: Mapped[datetime]


class TrustedPerson(Base):
    """Someone who gets the client's noodbericht (at most three). Either a name and phone number the client typed,
    or a member of their household who uses Houvast (`person_id`), who gets it from the bot when the client
    agreed (`consented_at`). `person_id` can later point at a naaste, family or a friend the client invited."""

    __tablename__ = "trusted_people"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    name: Mapped[str | None] = mapped_column(SecretText())  # None for someone in Houvast: their own name is used
    phone: Mapped[str | None] = mapped_column(SecretText())
    consented_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class EmergencySetting(Base):
    """The noodbericht's text, chosen in advance by the client."""

    __tablename__ = "emergency_settings"

    client_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True,
                                           autoincrement=False)
    text: Mapped[str] = mapped_column(SecretText())
    updated_at: Mapped[datetime]


class EmergencySend(Base):
    """One press of "Noodbericht sturen" (at most one a minute)."""

    __tablename__ = "emergency_sends"
    __table_args__ = (Index("ix_emergency_sends_client_at", "client_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    at: Mapped[datetime]


class EmergencyDelivery(Base):
    """Who a noodbericht went to, and how: from the bot (its outbox row says whether it arrived) or as a ready
    message the client forwards."""

    __tablename__ = "emergency_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    send_id: Mapped[int] = mapped_column(ForeignKey("emergency_sends.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    name: Mapped[str | None] = mapped_column(SecretText())  # as the client typed it; None for someone in Houvast
    route: Mapped[str] = mapped_column(String(12))  # bot.domain.safetyplans.Route
    outbox_key: Mapped[str | None] = mapped_column(String(128))
