import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kb.content.documents import fixture_paths
from kb.content.load import load_files
from kb.content.schema import ContentInvalid


class Command(BaseCommand):
    help = (
        "Load the knowledge base from YAML files (default: every file in fixtures/). "
        "Safe to rerun: rows are upserted by natural key, and what a file no longer "
        "lists is removed. Loading the whole directory also removes providers that "
        "no file names. All files are checked first; on any problem nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path)

    def handle(self, *args, paths, **options):
        started = time.perf_counter()
        full = not paths
        paths = paths or fixture_paths(settings.BASE_DIR / "fixtures")
        try:
            report = load_files(paths, prune_providers=full)
        except ContentInvalid as exc:
            for problem in exc.errors:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(exc.errors)} problem(s); nothing was written."
            ) from None
        for line in report.lines():
            self.stdout.write(line)
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Loaded {len(paths)} file(s) in {elapsed:.2f}s.")
