"""Exposure score of every integration point: which ones to red-team first.

An integration point is a flow into a third party or the public zone. Its score
multiplies what it carries by what is missing around it:

    score = data * masking * monitoring * authentication * encryption * vendor

- data: 10 for special categories, 5 for other personal data, 1 for data about
  systems, 0.5 for nothing declared; plus 0.5 for each further personal
  category (at most 2.5 more);
- masking: 0.3 when every personal category it carries is masked;
- monitoring 1.5, authentication 1.3, encryption 1.5 when not known to be in place;
- vendor: 1.5 for an AI provider, 1.3 without a DPA on record, 1.2 outside the
  allowed regions, 1.2 with a review overdue or missing (third parties only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flowscope.analyze.unmonitored_third_party_flow import flow_categories, is_monitored
from flowscope.analyze.vendor_region import allowed
from flowscope.model import Estate
from flowscope.model.categories import Sensitivity, sensitivity

DATA_WEIGHT = {
    Sensitivity.SPECIAL: 10.0,
    Sensitivity.PERSONAL: 5.0,
    Sensitivity.OPERATIONAL: 1.0,
    Sensitivity.NONE: 0.5,
}


@dataclass(frozen=True)
class IntegrationPoint:
    source: str
    target: str
    key: str
    score: float
    factors: dict[str, float]
    categories: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "flow": self.key,
            "score": self.score,
            "factors": self.factors,
            "categories": list(self.categories),
        }


def rank(estate: Estate, today: date) -> list[IntegrationPoint]:
    points = [
        _score(estate, u, v, key, data, today)
        for u, v, key, data in estate.flows()
        if estate.node(v).get("zone") in ("third_party", "public")
    ]
    return sorted(points, key=lambda p: (-p.score, p.key))


def _score(
    estate: Estate, u: str, v: str, key: str, data: dict[str, Any], today: date
) -> IntegrationPoint:
    categories = flow_categories(data)
    personal = [c for c in categories if sensitivity(c) >= Sensitivity.PERSONAL]
    level = max((sensitivity(c) for c in categories), default=Sensitivity.NONE)
    factors = {"data": DATA_WEIGHT[level] + min(2.5, 0.5 * max(0, len(personal) - 1))}
    if personal and all(c in data.get("masked", []) for c in personal):
        factors["masked"] = 0.3
    if not is_monitored(estate, v, data):
        factors["unmonitored"] = 1.5
    if data.get("authenticated") is not True:
        factors["unauthenticated"] = 1.3
    if data.get("encrypted") is not True:
        factors["unencrypted"] = 1.5
    factors |= _vendor(estate, v, today)
    score = 1.0
    for value in factors.values():
        score *= value
    return IntegrationPoint(u, v, key, round(score, 1), factors, tuple(categories))


def _vendor(estate: Estate, vendor: str, today: date) -> dict[str, float]:
    data = estate.node(vendor)
    if data.get("zone") != "third_party":
        return {}
    found: dict[str, float] = {}
    if data.get("type") == "ai_provider":
        found["ai_provider"] = 1.5
    if data.get("dpa") is not True:
        found["no_dpa"] = 1.3
    regions = estate.policy.allowed_regions
    if regions and not (data.get("region") and allowed(str(data["region"]), regions)):
        found["region"] = 1.2
    review = data.get("last_review")
    if (
        not review
        or (today - date.fromisoformat(str(review))).days > estate.policy.review_max_age_days
    ):
        found["review"] = 1.2
    return found
