"""Invite codes: random, single-use, expiring, stored only as a hash, and hard to guess."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

# No 0/O, 1/I/L: the code may be read aloud or typed over from paper.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12  # 31^12 ~ 7.9e17 codes; with MAX_WRONG_CODES per hour guessing is hopeless.
MAX_WRONG_CODES = 5
WRONG_CODE_WINDOW = timedelta(hours=1)


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize(raw: str) -> str:
    """What a person types: any case, with spaces or dashes, maybe the whole link."""
    text = raw.strip()
    if "start=" in text:
        text = text.split("start=", 1)[1]
    return "".join(ch for ch in text.upper() if ch.isalnum())


def looks_like_code(raw: str) -> bool:
    return code_problem(raw) is None


@dataclass(frozen=True)
class CodeProblem:
    """What is wrong with a typed code, so the person can be told exactly that."""

    length: int  # letters and numbers typed (spaces and dashes do not count)
    odd: str  # letters or numbers a code never has (0, O, 1, I, L, or others), each once, in the order typed

    @property
    def wrong_length(self) -> bool:
        return self.length != CODE_LENGTH


def code_problem(raw: str) -> CodeProblem | None:
    """None for a code of the right form (whether it exists is for the service to say)."""
    code = normalize(raw)
    odd = "".join(dict.fromkeys(ch for ch in code if ch not in ALPHABET))
    if len(code) == CODE_LENGTH and not odd:
        return None
    return CodeProblem(len(code), odd)


def hash_code(code: str) -> str:
    return hashlib.sha256(normalize(code).encode()).hexdigest()


def pretty(code: str) -> str:
    """'ABCD-EFGH-JKMN': easier to copy by hand."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@dataclass(frozen=True)
class InviteState:
    expires_at: datetime
    used_at: datetime | None


def why_unusable(invite: InviteState | None, now: datetime) -> str | None:
    """None when the invite can be used, else 'unknown', 'used' or 'expired'."""
    if invite is None:
        return "unknown"
    if invite.used_at is not None:
        return "used"
    if now >= invite.expires_at:
        return "expired"
    return None


def is_guessing(wrong_attempts: list[datetime], now: datetime) -> bool:
    recent = [at for at in wrong_attempts if now - at < WRONG_CODE_WINDOW]
    return len(recent) >= MAX_WRONG_CODES
