"""No rule set gives an indicator more than its weight: an actual far beyond the target (150 % against 稳定,
300 个 against ≥3 个, a cost far below its ceiling) earns the full weight and not a point more."""
from __future__ import annotations

from decimal import Decimal

import pytest

from desktop.core.scoring import RULES, make_rules

WEIGHT = Decimal(10)
BEYOND = [
    ("a percentage against a worded target", "稳定", "150%"),
    ("far above a lower bound", ">=3 个", "300 个"),
    ("far below an upper bound", "<=100 万元", "1 万元"),
    ("far above an exact target", "=4 次", "40 次"),
]


@pytest.mark.parametrize("rules", sorted(RULES))
@pytest.mark.parametrize("what,target,actual", BEYOND, ids=[b[0] for b in BEYOND])
def test_a_score_never_exceeds_its_weight(rules, what, target, actual):
    ruleset = make_rules({"rules": rules})
    for category in ["", *ruleset.classes]:
        score = ruleset.score([target, actual, WEIGHT, category])
        assert score is not None and score <= WEIGHT, (rules, category, score)


@pytest.mark.parametrize("rules", sorted(RULES))
def test_a_percentage_beyond_a_worded_target_earns_exactly_the_weight(rules):
    """150 % of 稳定 reads as 1.5 of the weight before the cap: the cap is what keeps it at the weight."""
    assert make_rules({"rules": rules}).score(["稳定", "150%", WEIGHT]) == WEIGHT
