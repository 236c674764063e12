"""Use cases: one unit of work each. Plain values in, frozen dataclasses out; no Telegram objects."""
