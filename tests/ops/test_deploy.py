"""What docs/operations.md tells an operator to install is checked here, as far as it runs without systemd,
docker or nginx running: the unit file is verified and its ExecStart is a real command, the image's entry
point and health check run as commands, the example settings load, the proxy points at the webhook, and
the README's configuration table names every setting."""
from __future__ import annotations

import asyncio
import configparser
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import app, webhook_options
from bot.config import Settings
from bot.ops import web
from bot.ops.runtime import EXIT_OTHER_INSTANCE, Runtime
from tests.flows.test_webhook import free_port

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
HOUVAST = Path(sys.executable).parent / "houvast"  # this checkout's command, where /opt/houvast/.venv has it
INSTALLED = "/opt/houvast/.venv/bin/houvast"


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read(DEPLOY / "houvast.service")
    return parser


def local(command: list[str]) -> list[str]:
    return [str(HOUVAST) if part == INSTALLED else part for part in command]


def test_the_unit_file_restarts_on_failure_but_not_on_a_refusal():
    service = unit()["Service"]
    assert service["Restart"] == "on-failure"
    assert set(service["RestartPreventExitStatus"].split()) == {"2", str(EXIT_OTHER_INSTANCE)}
    assert int(service["TimeoutStopSec"]) > 10  # Houvast stops within 10 s; systemd waits a little longer
    assert service["EnvironmentFile"] == "/etc/houvast/houvast.env"
    assert service["User"] == "houvast" and service["UMask"] == "0077"


def test_the_unit_files_exec_start_is_a_real_command():
    command = local(unit()["Service"]["ExecStart"].split())
    assert command[0] == str(HOUVAST) and command[1:] == ["run"]
    result = subprocess.run([*command, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "HOUVAST_HEALTH_PORT" in result.stdout


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_the_unit_file(tmp_path):
    text = (DEPLOY / "houvast.service").read_text()
    text = text.replace(INSTALLED, str(HOUVAST)).replace(
        "/etc/houvast/houvast.env", str(DEPLOY / "houvast.env.example")
    )
    (tmp_path / "houvast.service").write_text(text)
    result = subprocess.run(["systemd-analyze", "verify", str(tmp_path / "houvast.service")], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0 and result.stdout + result.stderr == "", result.stdout + result.stderr


def test_the_example_environment_file_names_real_settings_and_loads():
    names = [line.split("=", 1)[0] for line in (DEPLOY / "houvast.env.example").read_text().splitlines()
             if line and not line.startswith("#")]
    assert set(names) <= {f"HOUVAST_{field.upper()}" for field in Settings.model_fields}
    settings = Settings(_env_file=DEPLOY / "houvast.env.example")  # type: ignore[call-arg]
    assert settings.database_url.startswith("postgresql+asyncpg://") and settings.health_listen == "127.0.0.1"


def dockerfile() -> dict[str, str]:
    instructions: dict[str, str] = {}
    for line in (ROOT / "Dockerfile").read_text().replace("\\\n", " ").splitlines():
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.setdefault(keyword, "")
            instructions[keyword] += ("\n" if instructions[keyword] else "") + rest
    return instructions


def test_the_images_entry_point_runs_as_a_command():
    image = dockerfile()
    command = json.loads(image["ENTRYPOINT"]) + json.loads(image["CMD"])
    assert command == [INSTALLED, "run"]
    result = subprocess.run([*local(command), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    for copied in re.findall(r"^COPY (.+) \./\S*$", image["COPY"], flags=re.M):
        for source in copied.split():
            assert (ROOT / source).exists(), source
    assert "/data" in image["WORKDIR"] and image["USER"] == "houvast"


async def test_the_images_health_check_runs_as_a_command(harness, monkeypatch):
    health = json.loads(dockerfile()["HEALTHCHECK"].split(" CMD ", 1)[1])
    port = free_port()
    env = {"HOUVAST_HEALTH_PORT": str(port), "HOUVAST_DATABASE_URL": harness.settings.database_url}

    async def run_check() -> subprocess.CompletedProcess:
        import os

        return await asyncio.to_thread(subprocess.run, local(health), capture_output=True, text=True, timeout=60,
                                       env={**os.environ, **env})

    down = await run_check()
    assert down.returncode == 1 and down.stderr.startswith("No answer from http://127.0.0.1:")
    server = web.start(Runtime.of(harness.app).monitor, harness.services, "127.0.0.1", port)
    try:
        up = await run_check()
    finally:
        server.stop()
    assert up.returncode == 0 and json.loads(up.stdout)["status"] == "ok", up.stdout + up.stderr


def test_compose_runs_the_image_beside_postgresql():
    compose = (DEPLOY / "compose.yaml").read_text()
    for needed in ("image: postgres:15", "condition: service_healthy", "dockerfile: Dockerfile", "context: ..",
                   "env_file: houvast.env", "stop_grace_period: 15s", "restart: on-failure:5",
                   "postgresql+asyncpg://houvast:${POSTGRES_PASSWORD}@db:5432/houvast"):
        assert needed in compose, needed
    assert (DEPLOY / ".." / "Dockerfile").resolve().exists()
    assert "deploy/houvast.env" in (ROOT / ".gitignore").read_text()


def test_the_reverse_proxy_passes_only_the_webhook_path_to_the_webhook_port():
    conf = (DEPLOY / "nginx-houvast.conf").read_text()
    options = webhook_options(Settings(webhook_url="https://houvast.example.org"))
    [target] = re.findall(r"proxy_pass (\S+);", conf)
    assert target == f"http://{options['listen']}:{options['port']}/{options['url_path']}"
    assert f"location = /{options['url_path']} " in conf and "ssl_certificate " in conf
    assert "/healthz" not in target and "/metrics" not in target


def test_the_readme_configuration_table_names_every_setting():
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`(HOUVAST_[A-Z_]+)`", table))
    assert documented == {f"HOUVAST_{field.upper()}" for field in Settings.model_fields}
    assert "docs/operations.md" in readme


def test_operations_doc_covers_every_operator_command_and_deploy_file():
    doc = (ROOT / "docs" / "operations.md").read_text()
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        assert f"houvast {name}" in doc, name
    for path in DEPLOY.iterdir():
        assert f"deploy/{path.name}" in doc, path.name
    assert "Dockerfile" in doc
