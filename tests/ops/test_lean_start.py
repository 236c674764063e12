"""The bot starts without its heavy libraries (issue 15: start-up under 2 seconds). matplotlib, NumPy, fpdf2,
fontTools and Pillow load when the first chart, PDF or picture is made, or the crisis detector warms up in its
thread after start: never while the application is built. A fresh process, so the other tests' imports cannot
hide one; a fact about the imports, not a timing."""
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("matplotlib", "numpy", "fpdf", "fontTools", "PIL")

# What `houvast run` does before it polls, without Telegram: the command module, the application and its tick.
BUILD = """
import sys
from bot import cli
from bot.app import build_application
from bot.config import Settings
from bot.scheduler import schedule_tick

settings = Settings(telegram_token="123:TEST", database_url=sys.argv[1])
schedule_tick(build_application(settings))
print(",".join(name for name in sys.argv[2:] if name in sys.modules))
"""


def test_building_the_application_loads_no_chart_pdf_or_model_library(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("HOUVAST_")}
    url = f"sqlite+aiosqlite:///{tmp_path / 'h.sqlite3'}"
    done = subprocess.run([sys.executable, "-c", BUILD, url, *HEAVY], env=env, cwd=Path(__file__).parents[2],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"loaded at start-up: {done.stdout.strip()}"
