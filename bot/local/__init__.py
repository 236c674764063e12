"""In-process stand-ins for external services (fake Telegram Bot API)."""
