"""python-telegram-bot persistence in our own database, so conversations survive a restart on SQLite and
PostgreSQL alike (a pickle file would not work with several bot processes). Only conversation states and
user_data scratch values are kept (encrypted at rest); everything that matters lives in the real tables."""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import ConversationDict, ConversationKey

from bot.db.models import ConversationState, UserData


class SqlPersistence(BasePersistence[dict[str, Any], dict[str, Any], dict[str, Any]]):
    def __init__(self, sessions: async_sessionmaker[AsyncSession], update_interval: float = 5) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=True, callback_data=False),
            update_interval=update_interval,
        )
        self.sessions = sessions

    async def get_conversations(self, name: str) -> ConversationDict:
        async with self.sessions() as session:
            rows = await session.execute(select(ConversationState).where(ConversationState.name == name))
            return {tuple(json.loads(row.key)): row.state["s"] for row in rows.scalars()}

    async def update_conversation(self, name: str, key: ConversationKey, new_state: object | None) -> None:
        encoded = json.dumps(list(key))
        async with self.sessions() as session:
            row = (
                await session.execute(
                    select(ConversationState).where(ConversationState.name == name, ConversationState.key == encoded)
                )
            ).scalar_one_or_none()
            if new_state is None:
                if row is not None:
                    await session.delete(row)
            elif row is None:
                session.add(ConversationState(name=name, key=encoded, state={"s": new_state}))
            else:
                row.state = {"s": new_state}
            await session.commit()

    async def get_user_data(self) -> dict[int, dict[str, Any]]:
        async with self.sessions() as session:
            rows = await session.execute(select(UserData))
            return {row.telegram_id: json.loads(row.data) for row in rows.scalars()}

    async def update_user_data(self, user_id: int, data: dict[str, Any]) -> None:
        async with self.sessions() as session:
            row = await session.get(UserData, user_id)
            encoded = json.dumps(data, ensure_ascii=False, default=str)
            if row is None:
                session.add(UserData(telegram_id=user_id, data=encoded))
            else:
                row.data = encoded
            await session.commit()

    async def drop_user_data(self, user_id: int) -> None:
        async with self.sessions() as session:
            await session.execute(delete(UserData).where(UserData.telegram_id == user_id))
            await session.commit()

    # Chat data, bot data and callback data are not stored (store_data above), but the interface wants them.
    async def get_chat_data(self) -> dict[int, dict[str, Any]]:
        return {}

    async def get_bot_data(self) -> dict[str, Any]:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def update_chat_data(self, chat_id: int, data: dict[str, Any]) -> None:
        return None

    async def update_bot_data(self, data: dict[str, Any]) -> None:
        return None

    async def update_callback_data(self, data: Any) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def refresh_user_data(self, user_id: int, user_data: dict[str, Any]) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[str, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[str, Any]) -> None:
        return None

    async def flush(self) -> None:
        return None
