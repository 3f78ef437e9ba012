"""The SDK parity table: ErrorKB's answer on every case is the one recorded, and
every SDK that decides otherwise has a reason written next to it."""

import pytest

from kb.lookup.engine import lookup
from kb.lookup.parity import table
from kb.lookup.types import LookupRequest
from tests.kb.engine_kb import shipped_index

CASES = table().cases


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_errorkb_gives_the_recorded_action(case):
    result = lookup(
        LookupRequest(status=case.status, headers=case.headers, body=case.body,
                      provider=case.provider),
        shipped_index(),
    )  # fmt: skip
    assert result.retry.action == case.errorkb, result.retry.source


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_disagreement_says_why(case):
    assert bool(case.disagreeing()) == bool(case.why), (
        f"{case.id}: disagrees with {case.disagreeing()} without a reason"
        if case.disagreeing()
        else f"{case.id}: a reason but no disagreement"
    )


def test_every_sdk_is_named_and_the_table_is_wide():
    used = {sdk for case in CASES for sdk in case.sdks}
    assert used == set(table().sdks)
    assert len(CASES) >= 100 and len(used) >= 20
