"""The SDK parity table: ErrorKB's retry advice next to each official SDK's rule.

The table is data (``data/sdk_parity.yaml``); the test suite replays it and the API
docs publish it.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from kb.lookup.types import RESENDING_ACTIONS, RetryAction

PARITY_FILE = Path(__file__).with_name("data") / "sdk_parity.yaml"


@dataclass(frozen=True)
class ParityCase:
    id: str
    title: str
    provider: str | None
    method: str
    status: int
    headers: dict[str, str]
    body: str
    sdks: dict[str, Any]  # SDK -> True, False or a sentence
    errorkb: RetryAction
    why: str = ""

    @property
    def resends(self) -> bool:
        return self.errorkb in RESENDING_ACTIONS

    def disagreeing(self) -> list[str]:
        """The SDKs whose yes-or-no decision differs from ErrorKB's."""
        return [
            sdk
            for sdk, decision in self.sdks.items()
            if isinstance(decision, bool) and decision != self.resends
        ]


@dataclass(frozen=True)
class ParityTable:
    sdks: dict[str, str]  # key -> name and version
    cases: tuple[ParityCase, ...]


@cache
def table() -> ParityTable:
    data = yaml.safe_load(PARITY_FILE.read_text(encoding="utf-8"))
    cases = tuple(
        ParityCase(**{**raw, "errorkb": RetryAction(raw["errorkb"])})
        for raw in data["cases"]
    )
    return ParityTable(data["sdks"], cases)
