import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kb.content.documents import fixture_paths
from kb.content.load import load_files
from kb.content.schema import ContentInvalid
from kb.gaps import close_resolved


class Command(BaseCommand):
    help = (
        "Load the knowledge base from YAML files (default: every file in fixtures/). "
        "Safe to rerun: rows are upserted by natural key, and what a file no longer "
        "lists is removed; an entry edited in the admin since the last load is kept "
        "and reported (see --prefer-files and --prefer-db). Loading the whole "
        "directory also removes providers that "
        "no file names. All files are checked first; on any problem nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path)
        prefer = parser.add_mutually_exclusive_group()
        prefer.add_argument(
            "--prefer-files",
            action="store_true",
            help="Overwrite (or delete) entries edited in the admin since the last "
            "load with what the files say.",
        )
        prefer.add_argument(
            "--prefer-db",
            action="store_true",
            help="Keep entries edited in the admin without reporting them.",
        )

    def handle(self, *args, paths, prefer_files, prefer_db, **options):
        started = time.perf_counter()
        full = not paths
        paths = paths or fixture_paths(settings.BASE_DIR / "fixtures")
        prefer = "files" if prefer_files else "db" if prefer_db else ""
        try:
            report = load_files(paths, prune_providers=full, prefer=prefer)
        except ContentInvalid as exc:
            for problem in exc.errors:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(exc.errors)} problem(s); nothing was written."
            ) from None
        for line in report.lines():
            self.stdout.write(line)
        closed = close_resolved()
        if closed:
            self.stdout.write(f"{closed} knowledge gap(s) now answered by an entry.")
        for line in report.kept:
            self.stdout.write(f"kept: {line}")
        for line in report.conflicts:
            self.stderr.write(f"CONFLICT: {line}")
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Loaded {len(paths)} file(s) in {elapsed:.2f}s.")
