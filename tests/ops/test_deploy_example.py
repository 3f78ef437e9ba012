"""config/deploy/compose.yaml runs as written. Docker is not at hand in CI, so this
checks what `docker compose up` relies on: the services and their order, the
health checks, secrets taken from the environment, and that every command and
path the file names exists in this repository."""

import importlib
import re
import runpy
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

BASE_DIR = Path(__file__).resolve().parents[2]
DEPLOY = BASE_DIR / "config" / "deploy"
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|KEY")
FROM_ENVIRONMENT = re.compile(r"^\$\{[A-Z_]+(:?[-?][^}]*)?\}$")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def command_of(service) -> str:
    command = service["command"]
    return command if isinstance(command, str) else " ".join(command)


class ComposeTests:
    def test_services(self, compose):
        assert {"web", "db", "redis", "init"} <= set(compose["services"])

    def test_web_starts_after_the_migrate_and_load_job(self, compose):
        services = compose["services"]
        depends = services["web"]["depends_on"]
        assert depends["init"]["condition"] == "service_completed_successfully"
        assert depends["db"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        init = command_of(services["init"])
        assert re.search(r"manage\.py migrate .*&& .*manage\.py kb_load", init)
        assert services["init"]["restart"] == "no"
        for store in ("db", "redis"):
            condition = services["init"]["depends_on"][store]["condition"]
            assert condition == "service_healthy"

    def test_health_checks(self, compose):
        services = compose["services"]
        checks = {name: " ".join(s["healthcheck"]["test"]) for name, s in services.items()
                  if "healthcheck" in s}  # fmt: skip
        assert "pg_isready" in checks["db"]
        assert "redis-cli ping" in checks["redis"]
        assert "healthz" in checks["web"] and "readyz" in checks["web"]

    def test_no_secret_is_written_in_the_file(self, compose):
        for service in compose["services"].values():
            for name, value in (service.get("environment") or {}).items():
                if SECRET_NAME.search(name):
                    assert FROM_ENVIRONMENT.match(str(value)), name
        database_url = compose["services"]["web"]["environment"]["DATABASE_URL"]
        assert "${POSTGRES_PASSWORD:?" in database_url
        assert compose["services"]["db"]["environment"]["POSTGRES_PASSWORD"].startswith(
            "${POSTGRES_PASSWORD:?"
        )

    def test_the_web_port_is_not_public(self, compose):
        [port] = compose["services"]["web"]["ports"]
        assert port.startswith("127.0.0.1:")


class CommandsExistTests:
    def test_build_context_and_dockerfile(self, compose):
        build = compose["services"]["web"]["build"]
        context = (DEPLOY / build["context"]).resolve()
        assert context == BASE_DIR
        dockerfile = context / build["dockerfile"]
        assert dockerfile.is_file()
        for line in dockerfile.read_text().splitlines():
            if line.startswith("COPY ") and not line.startswith("COPY . "):
                assert (context / line.split()[1]).exists(), line

    def test_gunicorn_command(self, compose, monkeypatch):
        command = compose["services"]["web"]["command"]
        assert command[:3] == ["gunicorn", "-c", "config/gunicorn.conf.py"]
        monkeypatch.setenv("BIND", compose["services"]["web"]["environment"]["BIND"])
        config = runpy.run_path(str(BASE_DIR / command[2]))
        assert config["bind"] == "0.0.0.0:8000"  # reachable from outside the container
        assert config["accesslog"] is None  # our request log has no query strings
        assert callable(config["on_starting"]) and callable(config["child_exit"])
        module, _, name = command[3].partition(":")
        assert callable(getattr(importlib.import_module(module), name or "application"))
        dockerfile = (DEPLOY / "Dockerfile").read_text()
        assert 'CMD ["' + '", "'.join(command) + '"]' in dockerfile

    def test_manage_commands(self, compose):
        commands = get_commands()
        init = command_of(compose["services"]["init"])
        for name in re.findall(r"manage\.py (\w+)", init):
            assert name in commands, name
        dockerfile = (DEPLOY / "Dockerfile").read_text()
        for name in re.findall(r"manage\.py (\w+)", dockerfile):
            assert name in commands, name
