"""/mijngegevens: everything stored about a client, as a JSON-able dict, audited."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    AuditEntry,
    Base,
    CareTeamMember,
    ConversationState,
    Person,
)
from bot.services.base import Services, audit
from bot.services.gdpr.walk import (
    _OWN_SECTIONS,
    EXPORT_FORMAT,
    HOUSEHOLDS,
    PEOPLE,
    _client,
    _conversation_rows,
    _names,
    _references,
    _row_dict,
    _staff_name,
    jsonable,
)

# ---- export ------------------------------------------------------------------------------------------


async def export_data(svc: Services, client_telegram_id: int) -> dict[str, Any]:
    """Everything stored about this client, as a JSON-able dict. Audited as data.exported."""
    now = svc.now()
    async with svc.unit() as session:
        client = await _client(session, client_telegram_id)
        person_row = (await session.execute(select(PEOPLE).where(PEOPLE.c.id == client.id))).one()
        tables, people_refs = await _client_tables(session, client)
        await _name_others(session, client, tables, people_refs)
        household, care_team = await _household_of(session, client)
        audit_rows = await _audit_rows(session, client)
        audit(session, at=now, action="data.exported", actor=client, subject=client)
        await session.commit()

    return {
        "format": EXPORT_FORMAT,
        "exported_at": jsonable(now),
        "person": _row_dict(PEOPLE, person_row),
        "household": household,
        "care_team": care_team,
        "tables": tables,
        "audit": audit_rows,
    }


async def _client_tables(
    session: AsyncSession, client: Person
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[sa.Column]]]:
    """Per table, the client's rows; and per table, the columns that point at a person."""
    tables: dict[str, list[dict[str, Any]]] = {}
    people_refs: dict[str, list[sa.Column]] = {}
    by_table: dict[str, list[sa.Column]] = {}
    for table, column, _ondelete in _references(PEOPLE):
        by_table.setdefault(table.name, []).append(column)
    # Parents come before children in sorted_tables, so one pass also finds rows that belong to the
    # client through another row (a goal's check-ins through the goal): a CASCADE foreign key to a row
    # already exported means "part of it".
    selected: dict[sa.Table, sa.ColumnElement[bool]] = {}  # table -> which of its rows are the client's
    for table in Base.metadata.sorted_tables:
        if table.name in _OWN_SECTIONS:
            continue
        if table is ConversationState.__table__:
            tables[table.name] = [
                _row_dict(table, r) for r in await _conversation_rows(session, client.telegram_id)
            ]
            continue
        columns = by_table.get(table.name, [])
        conditions = [column == client.id for column in columns]
        if "telegram_id" in table.c:
            conditions.append(table.c.telegram_id == client.telegram_id)
        for fk in table.foreign_keys:
            parent = selected.get(fk.column.table)
            if parent is not None and fk.column.primary_key and (fk.ondelete or "").upper() == "CASCADE":
                # A subquery, not a list of ids: no limit on how many rows the parent has.
                conditions.append(fk.parent.in_(select(fk.column).where(parent)))
        if not conditions:
            continue
        pk = list(table.primary_key.columns)
        selected[table] = sa.or_(*conditions)
        rows = list(await session.execute(select(table).where(selected[table]).order_by(*pk)))
        tables[table.name] = [_row_dict(table, row) for row in rows]
        people_refs[table.name] = [c for c in table.columns if any(
            fk.column.table is PEOPLE for fk in c.foreign_keys)]
    return tables, people_refs


async def _name_others(
    session: AsyncSession, client: Person, tables: dict[str, list[dict[str, Any]]],
    people_refs: dict[str, list[sa.Column]],
) -> None:
    # Other people a row points at (a viewer, who saved a version): their name, if they are staff.
    referenced = {
        row[column.name]
        for name, columns in people_refs.items()
        for row in tables[name]
        for column in columns
        if row[column.name] not in (None, client.id)
    }
    others = await _names(session, referenced)
    for name, columns in people_refs.items():
        for row in tables[name]:
            for column in columns:
                value = row[column.name]
                if value is not None and value != client.id and column.name.endswith("_id"):
                    row[column.name[:-3] + "_name"] = _staff_name(others.get(value))


async def _household_of(session: AsyncSession, client: Person) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The client's household row and its care team (names, roles, since)."""
    household = None
    care_team: list[dict[str, Any]] = []
    if client.household_id is not None:
        household_row = (
            await session.execute(select(HOUSEHOLDS).where(HOUSEHOLDS.c.id == client.household_id))
        ).one_or_none()
        household = _row_dict(HOUSEHOLDS, household_row) if household_row is not None else None
        team = await session.execute(
            select(Person.name, CareTeamMember.role, CareTeamMember.since)
            .join(CareTeamMember, CareTeamMember.worker_id == Person.id)
            .where(CareTeamMember.household_id == client.household_id)
            .order_by(CareTeamMember.id)
        )
        care_team = [{"name": name, "role": role, "since": jsonable(since)} for name, role, since in team.all()]
    return household, care_team


async def _audit_rows(session: AsyncSession, client: Person) -> list[dict[str, Any]]:
    """The audit trail by or about the client, with the names of the client and the staff in it."""
    trail = list(
        (
            await session.execute(
                select(AuditEntry)
                .where(sa.or_(AuditEntry.subject == client.pseudonym, AuditEntry.actor == client.pseudonym))
                .order_by(AuditEntry.at, AuditEntry.id)
            )
        ).scalars()
    )
    pseudonyms = {p for entry in trail for p in (entry.actor, entry.subject) if p and p != client.pseudonym}
    by_pseudonym: dict[str, Person] = {}
    if pseudonyms:
        rows = await session.execute(select(Person).where(Person.pseudonym.in_(pseudonyms)))
        by_pseudonym = {person.pseudonym: person for person in rows.scalars()}

    def who(pseudonym: str | None) -> str | None:
        if pseudonym is None:
            return None
        if pseudonym == client.pseudonym:
            return client.name
        return _staff_name(by_pseudonym.get(pseudonym))

    audit_rows = [
        {
            "at": jsonable(entry.at),
            "action": entry.action,
            "scope": entry.scope,
            "outcome": entry.outcome,
            "by_you": entry.actor == client.pseudonym,
            "about_you": entry.subject == client.pseudonym,
            "actor_role": entry.actor_role,
            "actor_name": who(entry.actor),
            "subject_name": who(entry.subject),
        }
        for entry in trail
    ]
    return audit_rows
