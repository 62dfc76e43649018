"""Drafts and facts of the demo and held-out mail are byte for byte those of the golden set.

The golden set (make_golden.py) was rendered by the drafts code before it was made faster; a
change meant to alter no draft must leave every one of these equal.
"""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest

from drafts.render import Incoming
from tests.drafts.make_golden import GOLDEN, LABELS, PROFILES, render_case

CASES: list[dict[str, Any]] = json.loads(gzip.decompress(GOLDEN.read_bytes()))


def test_golden_covers_demo_and_held_out_mail() -> None:
    sets = {case["name"].split("/")[0] for case in CASES}
    assert sets == {"demo", "holdout", "holdout2", "holdout3", "holdout4a"}
    drafted = sum(bool(case[f"{label}/plain"]) for case in CASES for label in LABELS)
    assert drafted > len(CASES)  # most mail is drafted under some label, not left empty


@pytest.mark.parametrize("start", range(0, len(CASES), 100))
def test_drafts_equal_golden(start: int) -> None:
    for case in CASES[start : start + 100]:
        got = render_case(Incoming(**case["incoming"]))
        for key in ["facts", *(f"{label}/{name}" for label in LABELS for name in PROFILES)]:
            assert got[key] == case[key], f"{case['name']} {key}"
