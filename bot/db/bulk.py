"""Writing one column of many rows at once, by primary key.

On PostgreSQL an executemany sends an UPDATE per row, and each costs a round of parse, plan and execute on the
server: for the day-after stall sweep (thousands of goals) that was about half its time. There the rows go in
one UPDATE ... FROM unnest(ids, values). SQLite runs executemany inside the process, where a statement per row
is cheap, so it keeps the ORM's bulk UPDATE.
"""
from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from sqlalchemy import ARRAY, Integer, TextClause, bindparam, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute


async def set_column(session: AsyncSession, column: InstrumentedAttribute[Any], values: Mapping[int, Any]) -> None:
    """UPDATE column's table SET column = values[id] WHERE id = id, for every id in `values`."""
    if not values:
        return
    if session.get_bind().dialect.name == "postgresql":
        parameters = {"ids": list(values), "values": list(values.values())}
        await session.execute(_unnest_update(column.class_, column.key), parameters)
    else:
        await session.execute(update(column.class_), [{"id": key, column.key: value} for key, value in values.items()])


@cache
def _unnest_update(model: type, name: str) -> TextClause:
    table = model.__table__  # type: ignore[attr-defined]
    column = table.c[name]
    return text(
        f"UPDATE {table.name} SET {column.name} = data.value FROM unnest(:ids, :values) AS data(id, value) "
        f"WHERE {table.name}.id = data.id"
    ).bindparams(bindparam("ids", type_=ARRAY(Integer)), bindparam("values", type_=ARRAY(column.type)))
