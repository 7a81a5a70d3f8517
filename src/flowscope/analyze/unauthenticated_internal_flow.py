"""FS306: an internal flow carries sensitive data with no authentication (zero trust)."""

from __future__ import annotations

from collections.abc import Iterator

from flowscope.analyze.rule import Rule, flow_finding
from flowscope.analyze.unmonitored_third_party_flow import flow_categories
from flowscope.analyze.vendors import severity_for
from flowscope.model import Estate, Finding, Severity, Stride
from flowscope.model.categories import Sensitivity, highest_sensitivity


def check(estate: Estate) -> Iterator[Finding]:
    for source, target, key, data in estate.flows():
        ends = (estate.node(source), estate.node(target))
        if any(e.get("zone") != "internal" or e.get("type") == "actor" for e in ends):
            continue
        if data.get("authenticated") is True:
            continue
        categories = flow_categories(data)
        level = highest_sensitivity(categories)
        if level < Sensitivity.PERSONAL:
            continue
        state = (
            "without authentication"
            if data.get("authenticated") is False
            else "with no authentication on record"
        )
        yield flow_finding(
            RULE,
            (source, target, key),
            severity_for(level),
            f"{ends[0]['name']} → {ends[1]['name']} carries {', '.join(categories)} {state}",
            categories,
            tuple(data["sources"]),
        )


RULE = Rule(
    id="FS306",
    title="Internal flow of sensitive data without authentication",
    severity=Severity.MEDIUM,
    rationale=(
        "Zero trust: being inside the network proves nothing. An internal connection that "
        "carries personal data must verify who is calling."
    ),
    remediation=(
        "Authenticate the connection (mTLS, signed tokens) and record `authenticated: true`."
    ),
    stride=Stride.SPOOFING,
    cwe=306,
    check=check,
)
