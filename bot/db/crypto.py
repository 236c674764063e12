"""Encryption at rest for free text and contact details (Fernet / MultiFernet).

Encrypted values carry a prefix, so a database can hold both plain and encrypted values during a key roll-out
or a rotation, and `houvast rotate-key` can re-encrypt everything under the newest key.
"""
from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

PREFIX = "f1:"


class Cipher:
    def __init__(self, keys: list[str]) -> None:
        self._fernet = MultiFernet([Fernet(key.encode()) for key in keys]) if keys else None

    @property
    def enabled(self) -> bool:
        return self._fernet is not None

    def encrypt(self, value: str) -> str:
        if self._fernet is None:
            return value
        return PREFIX + self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, stored: str) -> str:
        if not stored.startswith(PREFIX):
            return stored
        if self._fernet is None:
            raise RuntimeError("encrypted data found but no HOUVAST_ENCRYPTION_KEYS configured")
        try:
            return self._fernet.decrypt(stored[len(PREFIX):].encode()).decode()
        except InvalidToken as exc:
            raise RuntimeError("encrypted data does not match any configured key") from exc

    def rotate(self, stored: str) -> str:
        """Re-encrypt under the newest key (plain values get encrypted)."""
        if self._fernet is None:
            return stored
        if not stored.startswith(PREFIX):
            return self.encrypt(stored)
        return PREFIX + self._fernet.rotate(stored[len(PREFIX):].encode()).decode()


def parse_keys(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


# One process-wide cipher, set at start-up from the settings (see bot.db.session.configure).
_active = Cipher([])


def active() -> Cipher:
    return _active


def use(cipher: Cipher) -> None:
    global _active
    _active = cipher
