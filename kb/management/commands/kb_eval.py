from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kb import evaluation
from kb.indexing import current_index
from kb.lookup.engine import lookup
from kb.lookup.types import LookupInputError, LookupRequest
from kb.models import Example

RESPONSES = settings.BASE_DIR / "tests" / "data" / "responses"
SAMPLES = settings.BASE_DIR.parent / "shared" / "samples" / "cases.jsonl"

# CI fails below these (responses and samples, with and without the provider).
# Raise them as the lookup improves; never lower them to pass.
THRESHOLDS = {"code": 0.92, "action": 0.99, "wait": 0.96}


class Command(BaseCommand):
    help = (
        "Replay the catalogue's examples and the real responses in "
        "tests/data/responses/ (and ../shared/samples when present) through the "
        "lookup, with and without the provider, and print how often the code, the "
        "retry decision and the wait are right, next to urllib3's status list."
    )

    def add_arguments(self, parser):
        parser.add_argument("--responses", type=Path, default=RESPONSES)
        parser.add_argument("--samples", type=Path, default=SAMPLES)
        parser.add_argument(
            "--misses", action="store_true", help="List every case answered wrongly."
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Exit non-zero if an example is not its own entry or a figure is "
            "below the thresholds.",
        )

    def handle(self, *args, responses, samples, misses, check, **options):
        index = current_index()
        cases = [
            evaluation.case_from_example(example)
            for example in Example.objects.filter(
                error__state="published"
            ).select_related("error__provider")
        ]
        cases += evaluation.read_case_files(responses.glob("*.jsonl"), "responses")
        if samples.exists():
            cases += evaluation.read_cases(samples, "samples")

        def run(case, given):
            try:
                return lookup(
                    LookupRequest(
                        status=case.status,
                        headers=case.headers,
                        body=case.body,
                        provider=case.provider if given else None,
                        url=case.url,
                    ),
                    index,
                )
            except LookupInputError:
                return None

        report = evaluation.evaluate(cases, run, set(index.providers))
        for line in evaluation.table(report):
            self.stdout.write(line)
        figures = evaluation.summary(report, {"responses", "samples"})
        self.stdout.write(
            "responses and samples, named and inferred: "
            + ", ".join(
                f"{name} {value:.1%}"
                for name, value in figures.items()
                if value is not None
            )
        )
        if misses:
            for outcome in report.misses:
                how = "named" if outcome.given else "inferred"
                self.stdout.write(f"MISS {outcome.case.id} ({how}): got {outcome.got}")
        if check:
            self.enforce(report)

    def enforce(self, report):
        failures = []
        own = report.tallies.get(("examples", True))
        if own and own.code[0] != own.code[1]:
            failures.append(
                f"{own.code[1] - own.code[0]} catalogue example(s) are not their own entry"
            )
        figures = evaluation.summary(report, {"responses", "samples"})
        for name, floor in THRESHOLDS.items():
            value = figures[name]
            if value is not None and value < floor:
                failures.append(f"{name} accuracy {value:.1%} is below {floor:.0%}")
        if failures:
            raise CommandError("; ".join(failures))
        self.stdout.write("Evaluation thresholds met.")
