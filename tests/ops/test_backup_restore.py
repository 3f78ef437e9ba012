"""A backup is only as good as its restore. A copy of the (migrated, empty) test
database gets a small knowledge base through kb_load; pg_dump writes it to a file,
pg_restore puts it into a new empty database, and the site pointed at that copy
serves the same knowledge base (pages, API, full-text search and the lookup) with
no migration missing. PostgreSQL only: an SQLite backup is a copy of its file.

The test's own connection stays in its test transaction and writes nothing: the
copies are made by the PostgreSQL programs and manage.py processes."""

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from tests.pages.kb_sample import HTTP_YAML, OPENAI_YAML

BASE_DIR = Path(__file__).resolve().parents[2]
PROGRAMS = ["pg_dump", "pg_restore", "createdb", "dropdb"]

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL"
    ),
    pytest.mark.skipif(
        not all(map(shutil.which, PROGRAMS)),
        reason="the PostgreSQL client programs are not installed",
    ),
    pytest.mark.django_db,  # for the test database, which is copied
]

# What the restored site is asked, printed as JSON by a manage.py process.
PROBE = """
import json
from django.test import Client
from kb.models import ErrorCode, Provider
client = Client()
lookup = client.post("/api/v1/lookup/", {"status": 429, "provider": "openai",
                     "code": "insufficient_quota"}, content_type="application/json")
search = client.get("/api/v1/errors/?search=quota").json()["results"]
print(json.dumps({
    "errors": ErrorCode.objects.count(),
    "providers": sorted(Provider.objects.values_list("slug", flat=True)),
    "page": client.get("/errors/openai/insufficient_quota/").status_code,
    "api": client.get("/api/v1/errors/openai/insufficient_quota/").status_code,
    "search": [e["code"] for e in search],
    "match": lookup.json()["match"]["error"]["code"],
}))
"""


class Postgres:
    """The PostgreSQL programs and manage.py, run against databases beside the
    test database (same server and credentials)."""

    def __init__(self):
        self.settings = connection.settings_dict
        self.host = self.settings["HOST"] or "localhost"
        self.port = str(self.settings["PORT"] or 5432)
        self.args = ["-h", self.host, "-p", self.port]
        if self.settings["USER"]:
            self.args += ["-U", self.settings["USER"]]
        self.env = {**os.environ, "PGPASSWORD": self.settings["PASSWORD"] or ""}

    def copy(self, source: str, target: str, dump: Path) -> None:
        """Back up ``source`` and restore it into a new database ``target``."""
        self.run("pg_dump", "--format=custom", "--no-owner", f"--file={dump}", source)
        self.run("createdb", target)
        self.run("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={target}",
                 str(dump))  # fmt: skip

    def run(self, program: str, *args: str) -> None:
        subprocess.run([program, *self.args, *args], env=self.env, check=True,
                       capture_output=True)  # fmt: skip

    def manage(self, database: str, *args: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "DATABASE_URL": self.url(database), "REDIS_URL": "",
               "DEBUG": "0", "HTTPS_ONLY": "0"}  # fmt: skip
        return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR,
                              env=env, capture_output=True, text=True)  # fmt: skip

    def url(self, database: str) -> str:
        user = quote(self.settings["USER"] or "")
        password = self.settings["PASSWORD"]
        secret = f":{quote(password)}" if password else ""
        return f"postgres://{user}{secret}@{self.host}:{self.port}/{database}"


@pytest.fixture
def postgres():
    server = Postgres()
    stem = f"{server.settings['NAME']}_{uuid.uuid4().hex[:8]}"
    server.source, server.restored = f"{stem}_source", f"{stem}_restored"
    try:
        yield server
    finally:
        for name in (server.source, server.restored):
            server.run("dropdb", "--if-exists", name)


class BackupRestoreTests:
    def test_a_dump_restored_into_an_empty_database_serves_the_site(
        self, tmp_path, postgres
    ):
        files = []
        for name, text in (("http.yaml", HTTP_YAML), ("openai.yaml", OPENAI_YAML)):
            files.append(tmp_path / name)
            files[-1].write_text(text.lstrip(), encoding="utf-8")
        postgres.copy(postgres.settings["NAME"], postgres.source, tmp_path / "empty")
        loaded = postgres.manage(postgres.source, "kb_load", *map(str, files))
        assert loaded.returncode == 0, loaded.stderr

        postgres.copy(postgres.source, postgres.restored, tmp_path / "errorkb.dump")

        migrations = postgres.manage(postgres.restored, "migrate", "--check")
        assert migrations.returncode == 0, migrations.stdout + migrations.stderr
        probe = postgres.manage(postgres.restored, "shell", "-c", PROBE)
        assert probe.returncode == 0, probe.stderr
        served = json.loads(probe.stdout.strip().splitlines()[-1])
        assert served["errors"] == 3
        assert served["providers"] == ["http", "openai"]
        assert (served["page"], served["api"]) == (200, 200)
        assert "insufficient_quota" in served["search"]
        assert served["match"] == "insufficient_quota"
