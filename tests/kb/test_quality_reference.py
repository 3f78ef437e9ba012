"""kb_lint's rules for reference entries: facts, not depth."""

import pytest

from kb.lookup.types import Tier
from kb.quality import Report, check_reference
from tests.factories import make_category, make_error, make_provider

pytestmark = pytest.mark.django_db


def reference(provider, code, **kwargs):
    kwargs.setdefault("sources", ["https://docs.example.test/errors"])
    return make_error(provider=provider, code=code, tier=Tier.REFERENCE,
                      state="published", **kwargs)  # fmt: skip


def test_reference_rules():
    provider = make_provider(slug="acme")
    reference(provider, "Throttled", http_status=429, category=make_category())
    reference(provider, "93105")  # the source gives no status and no words
    reference(provider, "Broken", http_status=400)  # a status always gives a family
    reference(provider, "Unsourced", http_status=404, category=make_category(),
              sources=[])  # fmt: skip
    report = Report()
    check_reference(report)
    assert sorted(report.violations) == [
        "acme/Broken (reference): no family",
        "acme/Unsourced (reference): no source link",
    ]
    (row,) = report.reference
    assert (row.entries, row.with_status, row.with_family, row.sourced) == (4, 3, 2, 3)
