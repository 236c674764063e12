"""Reports: small-cell suppression, the admin's monthly figures against a seeded month whose totals this test
works out itself, the files (PDF, CSV, command line), and a worker's caseload numbers."""
import csv
import io
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from bot.db.models import (
    AuditEntry,
    CareTeamMember,
    Goal,
    GoalCheckin,
    GoalEvent,
    Household,
    Nudge,
    NudgeDelivery,
    OutboxMessage,
    Person,
    PhaseCheckin,
    RelationScore,
    SelfScan,
    TrajectClosing,
)
from bot.domain.consent import Scope
from bot.domain.smallcells import SUPPRESSED, count_cell, mean_cell, median_cell, rate_cell
from bot.i18n import translator
from bot.render.pdf import Pdf
from bot.render.report import caseload_text, line_label, report_csv, report_pdf
from bot.services import report
from bot.services.base import NotAllowed
from tests.render.pdftext import page_texts
from tests.services.test_progress import ANNA, SAM, make_world, pid, scan, share, staff

AMS = ZoneInfo("Europe/Amsterdam")
EN = translator("en")


# --- small cells ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "shown"), [(0, "< 5"), (1, "< 5"), (4, "< 5"), (5, "5"), (6, "6"), (1234, "1234")])
def test_any_count_under_five_is_shown_as_less_than_five(n, shown):
    assert count_cell(n) == shown


def test_means_medians_and_rates_need_five_values():
    assert mean_cell([5, 4, 5, 4]) == SUPPRESSED
    assert mean_cell([5, 4, 5, 4, 5]) == "4.6"
    assert mean_cell([2, 2, 2, 2, 2], signed=True) == "+2.0"
    assert mean_cell([-1, -1, 0, 0, 0], signed=True) == "-0.4"
    assert mean_cell([0, 0, 0, 0, 0], signed=True) == "0.0"
    assert median_cell([1, 2, 3, 4]) == SUPPRESSED
    assert median_cell([1, 2, 3, 4, 5, 30]) == "3.5"
    assert rate_cell(4, 100) == SUPPRESSED and rate_cell(5, 4 + 1) == "100%" and rate_cell(15, 20) == "75%"
    assert rate_cell(0, 3) == SUPPRESSED
    with pytest.raises(ValueError):
        count_cell(-1)
    with pytest.raises(ValueError):
        rate_cell(6, 5)


def test_a_month_runs_from_midnight_to_midnight_in_amsterdam():
    start, end = report.month_bounds("2026-11", AMS)
    assert start == datetime(2026, 10, 31, 23, 0, tzinfo=UTC) and end == datetime(2026, 11, 30, 23, 0, tzinfo=UTC)
    assert report.month_bounds("2026-12", AMS)[1] == datetime(2026, 12, 31, 23, 0, tzinfo=UTC)
    assert report.previous_month(datetime(2027, 1, 1, 0, 30, tzinfo=UTC), AMS) == "2026-12"
    for bad in ("2026-13", "2026-1", "november", "", "2026-11-01"):
        with pytest.raises(ValueError):
            report.month_bounds(bad, AMS)


# --- a seeded month ---------------------------------------------------------------------------------------------


def at(day, hour=12, month=11):
    """A moment in 2026 (UTC)."""
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


OCT = at(1, month=10)
NOV_10, NOV_15, NOV_20, NOV_25, NOV_28 = at(10), at(15), at(20), at(25), at(28)
EDGE_NEW = datetime(2026, 10, 31, 23, 30, tzinfo=UTC)  # 1 November 00:30 in Amsterdam: November
EDGE_OLD = datetime(2026, 10, 31, 22, 30, tzinfo=UTC)  # 31 October 23:30 in Amsterdam: October

# The month described as plain numbers; the expectations below are worked out from these, not from the code.
OLD_OPEN = 10  # households made before November, still open; one client each
OLD_CLOSED = 6  # made before November, closed on 25 November
NEW_SINGLE = 7  # made in November, one client each
NEW_PAIR_CLIENTS = 2  # one more household made in November, with two clients
WORKERS_IN_OLD_OPEN = [1] * 5 + [2] * 3 + [3] * 2  # care-team size per OLD_OPEN household
VACANT_LONG = 5  # NEW_SINGLE households whose coordinating worker left on 10 November; nobody left
VACANT_SHORT = 2  # NEW_SINGLE households whose worker left on 28 November; one involved worker stays
SILENT = 6  # OLD_OPEN clients last seen on 1 November
BLOCKED = 5  # NEW_SINGLE clients who blocked the bot


class Seed:
    def __init__(self, session):
        self.session = session
        self.counter = 0
        self.names: list[str] = []

    async def person(self, role, household_id=None, created=OCT, *, seen=NOV_28, unreachable=False):
        self.counter += 1
        name = f"Naam{self.counter:03d}"
        self.names.append(name)
        person = Person(telegram_id=10_000 + self.counter, chat_id=10_000 + self.counter, role=role, name=name,
                        locale="en", pseudonym=f"p{self.counter:015d}", household_id=household_id, created_at=created,
                        last_seen_at=seen, active=True, onboarded=True, reminders_paused=False, unreachable=unreachable)
        self.session.add(person)
        await self.session.flush()
        return person

    async def household(self, created=OCT, closed=None):
        household = Household(created_at=created, closed_at=closed)
        self.session.add(household)
        await self.session.flush()
        return household

    async def goal(self, client, domain, *, created=OCT, status="active", events=()):
        goal = Goal(household_id=client.household_id, client_id=client.id, owner_id=client.id, domain=domain,
                    title="doel", status=status, created_at=created, checkin_weekday=1, checkin_time=time(10),
                    every_weeks=1)
        self.session.add(goal)
        await self.session.flush()
        for kind, moment in events:
            self.session.add(GoalEvent(goal_id=goal.id, at=moment, kind=kind))
        return goal


async def seed_month(svc):
    """Returns the client names (none may appear in a report)."""
    async with svc.unit() as session:
        s = Seed(session)
        coord = await s.person("worker")
        backup = await s.person("worker")
        proc = await s.person("worker")
        old_open, old_closed, new_single = [], [], []
        for index in range(OLD_OPEN):
            household = await s.household(EDGE_OLD if index == 0 else OCT)
            client = await s.person(
                "client", household.id, household.created_at, seen=at(1) if index < SILENT else NOV_28
            )
            for worker, role in list(zip((coord, backup, proc), ("coordinating", "backup", "involved"), strict=True))[
                    :WORKERS_IN_OLD_OPEN[index]]:
                session.add(CareTeamMember(household_id=household.id, worker_id=worker.id, role=role, since=OCT))
            old_open.append(client)
        for index in range(OLD_CLOSED):
            household = await s.household(OCT, closed=NOV_25)
            old_closed.append(await s.person("client", household.id))
            outcomes = {
                "a": [3, 4, 5, 3, 4, 5][index],
                "b": 2,
                "c": 4 if index < 4 else None,
                "d": 3,
                "e": 3,
                "f": 4,
                "g": None,
            }
            session.add(TrajectClosing(household_id=household.id, worker_id=coord.id, at=NOV_25, outcomes=outcomes))
        for index in range(NEW_SINGLE):
            household = await s.household(EDGE_NEW if index == 0 else NOV_10)
            new_single.append(await s.person("client", household.id, household.created_at, unreachable=index < BLOCKED))
            if index < VACANT_LONG:
                session.add(
                    AuditEntry(at=NOV_10, action="care_team.vacant", scope=f"household:{household.id}", outcome="ok")
                )
            elif index < VACANT_LONG + VACANT_SHORT:
                session.add(
                    AuditEntry(at=NOV_28, action="care_team.vacant", scope=f"household:{household.id}", outcome="ok")
                )
                session.add(CareTeamMember(household_id=household.id, worker_id=proc.id, role="involved", since=OCT))
        pair = await s.household(NOV_20)
        for _ in range(NEW_PAIR_CLIENTS):
            await s.person("client", pair.id, NOV_20)
        # Not in November: closed in October (with its closing), made in December.
        gone = await s.household(at(1, month=9), closed=at(15, month=10))
        await s.person("client", gone.id, at(1, month=9))
        session.add(TrajectClosing(household_id=gone.id, worker_id=coord.id, at=at(15, month=10), outcomes={"a": 1}))
        later = await s.household(at(5, month=12))
        await s.person("client", later.id, at(5, month=12))

        # Goals: 6 housing (5 reached in November), 5 money made in November; not counted: a proposal, one
        # stopped in October, one declined, one made in December.
        housing = [await s.goal(old_open[i], "wonen", status="reached" if i < 5 else "active",
                                events=[("reached", NOV_15)] if i < 5 else []) for i in range(6)]
        money = [await s.goal(old_open[i], "financien", created=NOV_10) for i in range(5)]
        await s.goal(old_open[0], "gezondheid", status="proposed")
        await s.goal(old_open[1], "dagactiviteiten", status="stopped", events=[("stopped", at(20, month=10))])
        await s.goal(old_open[2], "sociale_relaties", status="stopped", events=[("declined", at(2))])
        await s.goal(old_open[3], "veiligheid_recht", created=at(2, month=12))

        # Stall episodes: 7 in November, 6 acknowledged after 1, 2, 3, 4, 5 and 30 hours; one from October.
        waits = [1, 2, 3, 4, 5, 30, None]
        nudges = []
        for index, wait in enumerate(waits):
            created = NOV_10 + timedelta(days=index)
            nudge = Nudge(goal_id=money[index % 5].id, reasons="not_yet", created_at=created, rungs="",
                          acknowledged_at=created + timedelta(hours=wait) if wait else None)
            session.add(nudge)
            await session.flush()
            nudges.append(nudge)
            session.add(NudgeDelivery(nudge_id=nudge.id, worker_id=coord.id, rung="coordinating", created_at=created))
            if index < 5:
                session.add(
                    NudgeDelivery(
                        nudge_id=nudge.id, worker_id=backup.id, rung="backup", created_at=created + timedelta(days=2)
                    )
                )
            if index < 2:
                session.add(
                    NudgeDelivery(
                        nudge_id=nudge.id,
                        worker_id=proc.id,
                        rung="procesregisseur",
                        created_at=created + timedelta(days=5),
                    )
                )
        october = Nudge(goal_id=housing[5].id, reasons="missed", created_at=at(5, month=10), rungs="",
                        acknowledged_at=at(6))
        session.add(october)
        await session.flush()
        session.add(NudgeDelivery(nudge_id=october.id, worker_id=backup.id, rung="backup", created_at=at(8, month=10)))

        # Goal check-ins: 20 asked in November, 15 answered; 3 in October.
        for index in range(20):
            asked = NOV_10 + timedelta(hours=index)
            session.add(GoalCheckin(goal_id=housing[5].id, prompted_at=asked,
                                    answered_at=asked + timedelta(hours=1) if index < 15 else None,
                                    answer="gelukt" if index < 15 else None))
        for index in range(3):
            session.add(
                GoalCheckin(
                    goal_id=housing[5].id,
                    prompted_at=at(5 + index, month=10),
                    answered_at=at(6 + index, month=10),
                    answer="gelukt",
                )
            )

        # Colour prompts: 10 to one client, every 3 days; 6 answered within 2 hours, 1 after 30 hours, 3 never.
        colour_client = old_open[9]
        for index in range(10):
            sent = at(2, 18) + timedelta(days=3 * index)
            session.add(
                OutboxMessage(
                    dedup_key=f"checkin:{index}",
                    person_id=colour_client.id,
                    chat_id=colour_client.chat_id,
                    kind="checkin",
                    payload="{}",
                    created_at=sent,
                    next_attempt_at=sent,
                    attempts=1,
                )
            )
            if index < 6:
                session.add(PhaseCheckin(client_id=colour_client.id, phase="groen", at=sent + timedelta(hours=2)))
            elif index == 6:
                session.add(PhaseCheckin(client_id=colour_client.id, phase="geel", at=sent + timedelta(hours=30)))
        session.add(
            OutboxMessage(
                dedup_key="checkin:oct",
                person_id=colour_client.id,
                chat_id=colour_client.chat_id,
                kind="checkin",
                payload="{}",
                created_at=at(5, month=10),
                next_attempt_at=at(5, month=10),
            )
        )

        # Self-scans: a 0-meting in October for 7 clients; 6 of them scanned again in November.
        # Housing 2 -> 4 for all six; money 1 -> 2 for all six (client 6 skipped money); health 3 -> 4 for three.
        for index in range(7):
            client = old_open[index]
            first = {"wonen": 2, "gezondheid": 3} if index < 3 else {"wonen": 2}
            if index != 6:
                first["financien"] = 1
            session.add(
                SelfScan(
                    client_id=client.id,
                    by_id=client.id,
                    by_role="client",
                    at=at(5, month=10),
                    scores=first,
                    complete=True,
                )
            )
            if index < 6:
                latest = {"wonen": 4, "financien": 2, **({"gezondheid": 4} if index < 3 else {})}
                session.add(
                    SelfScan(
                        client_id=client.id, by_id=client.id, by_role="client", at=NOV_15, scores=latest, complete=True
                    )
                )
        session.add(
            SelfScan(
                client_id=old_open[0].id,
                by_id=coord.id,
                by_role="worker",
                at=NOV_15,
                scores={"wonen": 5},
                complete=True,
            )
        )
        session.add(
            SelfScan(
                client_id=old_open[1].id,
                by_id=old_open[1].id,
                by_role="client",
                at=NOV_20,
                scores={"wonen": 5},
                complete=False,
            )
        )

        # The working relationship: 5 clients answered in November; one of them skipped the last question.
        for index in range(5):
            answers = {"listened": [5, 4, 5, 4, 5][index], "own_goals": 4, "recommend": 3}
            if index < 4:
                answers["goals_reached"] = 4
            session.add(RelationScore(client_id=old_closed[index].id, at=at(26), answers=answers))
        await session.commit()
        return s.names


@pytest.fixture
async def november(svc, clock):
    clock.current = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    return await seed_month(svc)


async def test_the_monthly_report_matches_the_seeded_month(svc, november):
    made = await report.monthly_report(svc, "2026-11")
    open_households = OLD_OPEN + OLD_CLOSED + NEW_SINGLE + 1
    expected = {
        "households.total": str(open_households),
        "households.new": str(NEW_SINGLE + 1),
        "households.closed": str(OLD_CLOSED),
        "clients.total": str(OLD_OPEN + OLD_CLOSED + NEW_SINGLE + NEW_PAIR_CLIENTS),
        "clients.new": str(NEW_SINGLE + NEW_PAIR_CLIENTS),
        "clients.closed": str(OLD_CLOSED),
        "goals.total": str(6 + 5),
        "goals.reached": "5",
        "goals.domain.wonen": "6",
        "goals.domain.financien": "5",
        "goals.reached.wonen": "5",
        "goals.domain.gezondheid": "< 5",  # a proposal does not count, and 0 is shown as "< 5" too
        "goals.domain.dagactiviteiten": "< 5",
        "stalls.episodes": "7",
        "stalls.acknowledged": "6",
        "stalls.median_hours": f"{(3 + 4) / 2:.1f}",
        "stalls.escalated": "5",
        "stalls.to_backup": "5",
        "stalls.to_procesregisseur": "< 5",
        "checkins.goal_asked": "20",
        "checkins.goal_answered": "15",
        "checkins.goal_rate": f"{round(100 * 15 / 20)}%",
        "checkins.phase_asked": "10",
        "checkins.phase_answered": "6",
        "checkins.phase_rate": "60%",
        "scan.zero": "7",
        "scan.in_month": "6",
        "scan.change.wonen": "+2.0",
        "scan.change.financien": "+1.0",
        "scan.change.gezondheid": "< 5",  # three clients: no mean shown
        "scan.change_n.wonen": "6",
        "closing.count": str(OLD_CLOSED),
        "closing.a": f"{sum([3, 4, 5, 3, 4, 5]) / 6:.1f}",
        "closing.b": "2.0",
        "closing.c": "< 5",  # four values
        "closing.g": "< 5",  # not relevant anywhere
        "relation.count": "5",
        "relation.listened": f"{sum([5, 4, 5, 4, 5]) / 5:.1f}",
        "relation.own_goals": "4.0",
        "relation.recommend": "3.0",
        "relation.goals_reached": "< 5",
        "network.no_coordinator": str(VACANT_LONG),
        "network.self_management": "< 5",
        "network.no_contact": str(SILENT),
        "network.blocked": str(BLOCKED),
        "network.workers_1": str(WORKERS_IN_OLD_OPEN.count(1) + VACANT_SHORT),
        "network.workers_2": "< 5",
        "network.workers_3": "< 5",
        "network.workers_mean": f"{(sum(WORKERS_IN_OLD_OPEN) + VACANT_SHORT) / (OLD_OPEN + NEW_SINGLE):.1f}",
    }
    assert {key: made.value(key) for key in expected} == expected


async def test_no_name_and_no_small_number_reaches_the_files(svc, november, monkeypatch):
    names = november
    made = await report.monthly_report(svc, "2026-11")
    seen: list[str] = []
    original = Pdf.normalize_text
    monkeypatch.setattr(Pdf, "normalize_text", lambda self, text: seen.append(text) or original(self, text))
    pdf = report_pdf(made, EN)
    assert pdf.startswith(b"%PDF")
    rows = list(csv.reader(io.StringIO(report_csv(made, EN).decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["month", "key", "section", "measure", "value", "hidden because"]
    assert len(rows) == 1 + len(made.lines()) and all(row[0] == "2026-11" for row in rows[1:])
    assert ["2026-11", "households.new", "Households and clients", "New households", "8", ""] in rows
    assert any(row[3] == "Goals: Housing" for row in rows)
    text = "\n".join(seen) + "\n".join(";".join(row) for row in rows)
    assert not any(name in text for name in names)
    for row in rows[1:]:
        value = row[4]
        assert value in (SUPPRESSED, "not shown") or value.endswith("%") or "." in value or int(value) >= 5
        assert bool(row[5]) == (value in (SUPPRESSED, "not shown"))


async def test_the_pdf_says_exactly_which_cells_are_hidden_and_why(svc, november):
    made = await report.monthly_report(svc, "2026-11")
    text = " ".join(page_texts(report_pdf(made, EN))).replace("\n", " ")
    hidden = [line for line in made.lines() if line.suppressed]
    assert {line.kind for line in hidden} == {"count", "mean"}
    assert "Hidden numbers, and why" in text
    assert 'Numbers under 5 (also 0), shown as "< 5":' in text and "Means of fewer than 5 values, not shown:" in text
    assert "Medians of fewer than 5" not in text  # no median is hidden this month
    for line in hidden:  # every hidden cell is named
        assert line_label(line, EN) in text
    # A mean of too few values is "not shown", never "< 5": it is not a number under 5.
    assert made.value("scan.change.gezondheid") == SUPPRESSED
    gezondheid = text.split("Change since the 0-meting: Health")[1].split("Clients")[0]
    assert "not shown" in gezondheid and "< 5" not in gezondheid


async def test_every_mean_median_and_share_says_what_kind_of_number_it_is(svc):
    made = await report.monthly_report(svc, "2026-02")  # an empty month: every cell is hidden

    def expected(key: str) -> str:
        if key == "stalls.median_hours":
            return "median"
        if key.endswith("_rate"):
            return "rate"
        if (
            key.startswith(("scan.change.", "closing.", "relation.")) and key not in ("closing.count", "relation.count")
        ) or key == "network.workers_mean":
            return "mean"
        return "count"

    assert all(line.suppressed for line in made.lines())
    assert {line.key: line.kind for line in made.lines()} == {line.key: expected(line.key) for line in made.lines()}


async def test_the_report_is_for_admins_only_and_is_audited(svc, clock):
    await staff(svc, 800, "admin", "Ada")
    await staff(svc, ANNA, "worker", "Anna")
    made = await report.monthly_report(svc, "2026-02", by_telegram_id=800)
    assert made.value("households.total") == SUPPRESSED
    with pytest.raises(NotAllowed):
        await report.monthly_report(svc, "2026-02", by_telegram_id=ANNA)
    with pytest.raises(ValueError):
        await report.monthly_report(svc, "februari")
    async with svc.unit() as session:
        from sqlalchemy import select

        rows = (await session.execute(select(AuditEntry.action, AuditEntry.outcome).where(
            AuditEntry.action == "report.monthly"))).all()
    assert sorted(rows) == [("report.monthly", "denied"), ("report.monthly", "ok")]


def test_the_command_line_writes_the_pdf_and_the_csv(monkeypatch, tmp_path):
    from bot.cli import app

    monkeypatch.setenv("HOUVAST_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'h.sqlite3'}")
    monkeypatch.setenv("HOUVAST_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(app, ["report", "--month", "2026-11", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "houvast-report-2026-11.pdf").read_bytes().startswith(b"%PDF")
    assert b"households.total" in (tmp_path / "out" / "houvast-report-2026-11.csv").read_bytes()
    result = CliRunner().invoke(app, ["report", "--month", "2026-13"])
    assert result.exit_code == 2 and "2026-11" in result.output


async def test_a_worker_sees_caseload_numbers_only_from_what_clients_share(svc, clock):
    await make_world(svc)
    from bot.domain.goals import Domain
    from bot.domain.selfscan import ScanDomain
    from bot.services import goals

    await goals.create_goal(svc, SAM, domain=Domain.WONEN, title="Eigen huis")
    await scan(svc, SAM, {ScanDomain.WONEN: 2})
    numbers = await report.caseload_report(svc, ANNA)
    assert (numbers.households, numbers.coordinating, numbers.clients, numbers.sharing_goals) == (1, 1, 1, 0)
    assert (numbers.active_goals, numbers.zero_metingen) == (0, 0)  # nothing shared yet
    await share(svc, SAM, ANNA, Scope.GOALS)
    numbers = await report.caseload_report(svc, ANNA)
    assert (numbers.sharing_goals, numbers.active_goals, numbers.zero_metingen, numbers.scans_due) == (1, 1, 1, 0)
    clock.advance(days=92)
    assert (await report.caseload_report(svc, ANNA)).scans_due == 1
    assert [c.name for c in numbers.clients_list] == ["Sam"]
    text = caseload_text(numbers, EN)
    assert "Households: 1 (you coordinate 1)" in text and "Active goals: 1" in text
    with pytest.raises(NotAllowed):
        await report.caseload_report(svc, SAM)
    assert await pid(svc, SAM)
