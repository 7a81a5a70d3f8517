"""The lineage accuracy suite: every hand-written case in tests/lineage_cases/, exactly."""

from __future__ import annotations

from collections import Counter

import pytest

from lineage_accuracy import compare, load_cases

CASES = load_cases()


def test_the_suite_is_broad() -> None:
    dialects = Counter(case["dialect"] for case in CASES)
    assert len(CASES) >= 300
    assert len(dialects) >= 10
    assert sum(1 for case in CASES if case.get("source", "hand-written") != "hand-written") >= 80


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_lineage_case(case: dict) -> None:
    result = compare(case)
    assert result["errors"] == []
    assert result["got"] == result["want"]
    assert (result["missing"], result["extra"]) == ([], [])
