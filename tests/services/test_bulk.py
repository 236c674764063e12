"""bot/db/bulk.set_column: one column of many rows by id, the same on SQLite and PostgreSQL (one statement there)."""
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, select

from bot.db import bulk
from bot.db.models import Person
from bot.services import people


async def test_set_column_writes_each_row_its_own_value_and_leaves_others(svc):
    for telegram_id in (601, 602, 603, 604):
        await people.start_as_client(svc, telegram_id=telegram_id, chat_id=telegram_id, locale="nl")
    at = datetime(2026, 3, 28, 8, tzinfo=UTC)
    async with svc.unit() as session:
        ids = (await session.execute(select(Person.id).order_by(Person.telegram_id))).scalars().all()
        await bulk.set_column(session, Person.next_checkin_at, {ids[0]: at, ids[1]: None})
        await bulk.set_column(session, Person.next_checkin_at, {ids[2]: at + timedelta(hours=1)})
        await bulk.set_column(session, Person.next_checkin_at, {})
        await session.commit()
    async with svc.unit() as session:
        before = dict((await session.execute(select(Person.id, Person.next_checkin_at))).all())
    assert before[ids[0]] == at
    assert before[ids[1]] is None
    assert before[ids[2]] == at + timedelta(hours=1)
    untouched = before[ids[3]]
    async with svc.unit() as session:
        await bulk.set_column(session, Person.next_checkin_at, {ids[0]: None})
        await session.commit()
    async with svc.unit() as session:
        after = dict((await session.execute(select(Person.id, Person.next_checkin_at))).all())
    assert after == {**before, ids[0]: None}
    assert after[ids[3]] == untouched


async def test_set_column_sends_one_statement_for_many_rows(svc):
    for telegram_id in range(700, 750):
        await people.start_as_client(svc, telegram_id=telegram_id, chat_id=telegram_id, locale="nl")
    statements: list[str] = []
    listener = lambda conn, cursor, statement, *rest: statements.append(statement)
    event.listen(svc.engine.sync_engine, "before_cursor_execute", listener)
    try:
        async with svc.unit() as session:
            ids = (await session.execute(select(Person.id))).scalars().all()
            statements.clear()
            await bulk.set_column(session, Person.next_checkin_at, dict.fromkeys(ids))
            await session.commit()
    finally:
        event.remove(svc.engine.sync_engine, "before_cursor_execute", listener)
    updates = [s for s in statements if s.lstrip().upper().startswith("UPDATE")]
    # PostgreSQL: one UPDATE ... FROM unnest; SQLite: one executemany (before_cursor_execute fires once for it).
    assert len(updates) == 1
    async with svc.unit() as session:
        assert set((await session.execute(select(Person.next_checkin_at))).scalars()) == {None}
