"""Writing one column of many rows at once, by primary key.

On PostgreSQL an executemany sends an UPDATE per row, and each costs a round of parse, plan and execute on the
server: for the day-after stall sweep (thousands of goals) that was about half its time. There the rows go in
one UPDATE ... FROM unnest(ids, values). SQLite runs executemany inside the process, where a statement per row
is cheap, so it keeps the ORM's bulk UPDATE.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import Any

from sqlalchemy import ARRAY, JSON, Integer, Text, TextClause, bindparam, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute


async def set_column(session: AsyncSession, column: InstrumentedAttribute[Any], values: Mapping[int, Any]) -> None:
    """UPDATE column's table SET column = values[id] WHERE id = id, for every id in `values`."""
    await set_columns(session, column.class_, (column.key,), {key: (value,) for key, value in values.items()})


async def set_columns(session: AsyncSession, model: type, names: tuple[str, ...],
                      rows: Mapping[int, tuple[Any, ...]]) -> None:
    """UPDATE model's table SET names[i] = rows[id][i] WHERE id = id, for every id in `rows`. A JSON column
    travels as text and is cast back on PostgreSQL (asyncpg has no array of JSON)."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        table = model.__table__  # type: ignore[attr-defined]
        parameters: dict[str, list[Any]] = {"ids": list(rows)}
        for i, name in enumerate(names):
            as_json = isinstance(table.c[name].type, JSON)
            parameters[f"v{i}"] = [(json.dumps(row[i]) if row[i] is not None else None) if as_json else row[i]
                                   for row in rows.values()]
        await session.execute(_unnest_update(model, names), parameters)
    else:
        await session.execute(update(model), [{"id": key, **dict(zip(names, row))} for key, row in rows.items()])


@cache
def _unnest_update(model: type, names: tuple[str, ...]) -> TextClause:
    table = model.__table__  # type: ignore[attr-defined]
    columns = [table.c[name] for name in names]
    sets = ", ".join(
        f"{c.name} = CAST(data.v{i} AS json)" if isinstance(c.type, JSON) else f"{c.name} = data.v{i}"
        for i, c in enumerate(columns))
    arrays = ", ".join(f":v{i}" for i in range(len(columns)))
    fields = ", ".join(f"v{i}" for i in range(len(columns)))
    binds = [bindparam("ids", type_=ARRAY(Integer))] + [
        bindparam(f"v{i}", type_=ARRAY(Text if isinstance(c.type, JSON) else c.type)) for i, c in enumerate(columns)]
    return text(
        f"UPDATE {table.name} SET {sets} FROM unnest(:ids, {arrays}) AS data(id, {fields}) "
        f"WHERE {table.name}.id = data.id"
    ).bindparams(*binds)
