"""Fill the current database with a synthetic knowledge base for scale benchmarks:
``--errors`` errors spread over 200 providers, three match rules each.

Run with DATABASE_URL pointing at a database of its own, after kb_load (the real
entries stay, so the stored examples still have their answers).
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from kb.models import Category, ErrorCode, Provider, Signature  # noqa: E402

PROVIDERS = 200
STATUSES = [400, 401, 403, 404, 409, 422, 429, 500, 502, 503]
WORDS = ["quota", "token", "limit", "invalid", "missing", "expired", "conflict", "timeout",
         "denied", "unavailable", "payload", "signature", "region", "account", "model"]  # fmt: skip


def generate(total: int, batch: int = 5000) -> None:
    categories = list(Category.objects.all())
    providers = Provider.objects.bulk_create(
        [
            Provider(slug=f"synth-{i:03d}", name=f"Synthetic {i:03d}", position=900)
            for i in range(PROVIDERS)
        ]  # fmt: skip
    )
    per_provider = total // PROVIDERS
    for start in range(0, total, batch):
        errors = []
        for n in range(start, min(start + batch, total)):
            provider = providers[n // per_provider % PROVIDERS]
            word, other = WORDS[n % len(WORDS)], WORDS[(n // 7) % len(WORDS)]
            code = f"{word}_{other}_{n:06d}"
            errors.append(ErrorCode(
                provider=provider, code=code, code_key=code, http_status=STATUSES[n % 10],
                title=f"{code} — the {word} {other} is wrong",
                summary=f"The request's {word} does not fit the {other}. Check it and retry.",
                meaning=f"Synthetic entry {n} about {word} and {other}.",
                category=categories[n % len(categories)] if categories else None,
                state="published", retryable=["always", "never", "conditional"][n % 3],
            ))  # fmt: skip
        with transaction.atomic():
            created = ErrorCode.objects.bulk_create(errors)
            Signature.objects.bulk_create(
                [
                    sig
                    for e in created
                    for sig in (
                        Signature(
                            error=e,
                            http_status=e.http_status,
                            code=e.code,
                            code_key=e.code_key,
                            weight=2.0,
                        ),
                        Signature(error=e, code=f"E{e.pk}", code_key=f"e{e.pk}"),
                        Signature(
                            error=e,
                            header_name=f"x-synth-{e.pk % 50}",
                            header_value=e.code_key[:20],
                        ),
                    )
                ]  # fmt: skip
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--errors", type=int, default=100_000)
    args = parser.parse_args()
    started = time.perf_counter()
    generate(args.errors)
    print(
        f"generated {args.errors} errors and {3 * args.errors} signatures "
        f"in {time.perf_counter() - started:.1f}s"
    )
