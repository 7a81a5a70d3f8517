"""FS304: an endpoint gives out sensitive fields to callers who need no authentication."""

from __future__ import annotations

from collections.abc import Iterator

from flowscope.analyze.rule import Rule
from flowscope.analyze.vendors import severity_for
from flowscope.model import Estate, Finding, Severity, Stride
from flowscope.model.categories import Sensitivity, highest_sensitivity


def check(estate: Estate) -> Iterator[Finding]:
    for endpoint, data in estate.nodes("endpoint"):
        if "none" not in data.get("auth", []) or data.get("origin") != "path":
            continue
        system = next(iter(estate.graph.predecessors(endpoint)), None)
        if system is None or estate.node(system).get("zone") == "third_party":
            continue  # a vendor's public API is the vendor's to secure
        exposed = sorted(
            {
                c
                for f in data.get("response_fields", [])
                for c in estate.node(f).get("categories", [])
            }
        )
        level = highest_sensitivity(exposed)
        if level < Sensitivity.PERSONAL:
            continue
        optional = "" if data["auth"] == ["none"] else " (authentication is optional)"
        yield Finding(
            rule_id=RULE.id,
            severity=severity_for(level),
            title=RULE.title,
            message=(
                f"{data['name']} of {estate.node(system)['name']} returns "
                f"{', '.join(exposed)} with no authentication{optional}"
            ),
            subjects=(endpoint,),
            categories=tuple(exposed),
            locations=tuple(data["sources"]),
        )


RULE = Rule(
    id="FS304",
    title="Sensitive fields from an endpoint with no authentication",
    severity=Severity.HIGH,
    rationale="Anyone who can reach the endpoint can read the data it returns.",
    remediation="Require authentication on the operation (a security requirement in the spec).",
    stride=Stride.SPOOFING,
    cwe=306,
    check=check,
)
