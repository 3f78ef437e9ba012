from django.core.management.base import BaseCommand, CommandError

from kb.quality import check

COLUMNS = ("errors", "full", "signatures", "sourced", "examples")


class Command(BaseCommand):
    help = (
        "Check the loaded knowledge base against the quality rules: print a table per "
        "provider and every violation; exit non-zero if there is any."
    )

    def handle(self, *args, **options):
        report = check()
        header = f"{'provider':<18}" + "".join(f"{c:>12}" for c in COLUMNS)
        self.stdout.write(header)
        for row in [*report.rows, report.totals]:
            cells = "".join(f"{getattr(row, c):>12}" for c in COLUMNS)
            self.stdout.write(f"{row.slug:<18}{cells}")
        self.stdout.write(
            "(full: playbook of 5+ steps, 2+ with tips, time, symptoms, 3+ FAQs; "
            "signatures/sourced: entries with at least one)"
        )
        if report.reference:
            columns = ("entries", "with_status", "with_class", "with_family", "sourced")
            self.stdout.write("")
            self.stdout.write(
                f"{'reference':<18}" + "".join(f"{c:>13}" for c in columns)
            )
            for row in report.reference:
                cells = "".join(f"{getattr(row, c):>13}" for c in columns)
                self.stdout.write(f"{row.slug:<18}{cells}")
            total = sum(row.entries for row in report.reference)
            self.stdout.write(f"{'total':<18}{total:>13}")
        for violation in report.violations:
            self.stderr.write(violation)
        if report.violations:
            raise CommandError(f"{len(report.violations)} violation(s).")
        self.stdout.write("No violations.")
