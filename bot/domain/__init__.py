"""Pure rules and value types: no Telegram, no SQLAlchemy; time comes in as `now`."""
