from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from kb.content.dump import dump_all


class Command(BaseCommand):
    help = "Write the knowledge base to YAML files in the format kb_load reads."

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", type=Path)

    def handle(self, *args, directory, **options):
        directory = directory or settings.BASE_DIR / "fixtures"
        counts = dump_all(directory)
        summary = ", ".join(f"{n} {name}" for name, n in counts.items())
        self.stdout.write(f"Wrote {summary} to {directory}.")
