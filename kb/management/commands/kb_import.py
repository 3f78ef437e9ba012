from django.core.management.base import BaseCommand, CommandError

from kb.importers import IMPORTERS
from kb.importers.base import build, path_for


class Command(BaseCommand):
    help = (
        "Import reference entries from a provider's own machine-readable error list "
        "into fixtures/reference/<provider>.yaml (facts only). With --check, write "
        "nothing and exit non-zero if a committed file is out of date with the "
        f"installed source. Sources: {', '.join(IMPORTERS)}."
    )

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="*", help="Default: every source.")
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, sources, check, **options):
        unknown = sorted(set(sources) - set(IMPORTERS))
        if unknown:
            raise CommandError(
                f"unknown source(s) {', '.join(unknown)}; known: {', '.join(IMPORTERS)}"
            )
        stale = []
        for source in sources or IMPORTERS:
            reference = build(source)
            text = reference.render()
            path = path_for(reference.provider)
            current = path.read_text(encoding="utf-8") if path.exists() else None
            if check:
                if current != text:
                    stale.append(path.name)
                self.stdout.write(
                    f"{source}: {len(reference.facts)} codes from {reference.version}, "
                    f"{'up to date' if current == text else 'OUT OF DATE'}"
                )
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            self.stdout.write(
                f"{source}: wrote {len(reference.facts)} codes from "
                f"{reference.version} to {path}"
            )
        if stale:
            raise CommandError(
                f"out of date: {', '.join(stale)}; run manage.py kb_import and commit"
            )
