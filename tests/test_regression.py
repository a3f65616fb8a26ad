"""Seeded runs reproduce the recorded outputs (tests/golden.py) to the last digit."""

import json

import pytest

from tests.golden import CASES, PATH, record

GOLDEN = json.loads(PATH.read_text())


@pytest.mark.parametrize("case", sorted(CASES))
def test_seeded_run_matches_the_record(case):
    assert record(CASES[case]) == GOLDEN[case]
