"""FS101: a flow into a third party that nobody is known to monitor."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flowscope.analyze.observe import via_evidence
from flowscope.analyze.rule import Rule, flow_finding
from flowscope.model import Estate, Finding, Severity, Stride
from flowscope.model.categories import Sensitivity, highest_sensitivity

# The more sensitive the data on an unwatched edge, the worse the blind spot.
SEVERITY_BY_SENSITIVITY = {
    Sensitivity.NONE: Severity.LOW,
    Sensitivity.OPERATIONAL: Severity.LOW,
    Sensitivity.PERSONAL: Severity.MEDIUM,
    Sensitivity.SPECIAL: Severity.HIGH,
}


def flow_categories(data: dict[str, Any]) -> list[str]:
    """Everything a flow is known to carry: declared, observed or propagated."""
    seen: list[str] = []
    for attr in ("declared_categories", "observed_categories", "categories"):
        seen += [c for c in data.get(attr, []) if c not in seen]
    return seen


def is_monitored(estate: Estate, target: str, data: dict[str, Any]) -> bool:
    """A flow's own fact wins; else the receiving system's; unknown is unmonitored."""
    if data.get("monitored") is not None:
        return bool(data["monitored"])
    return estate.node(target).get("monitored") is True


def check(estate: Estate) -> Iterator[Finding]:
    for source, target, key, data in estate.flows():
        receiver = estate.node(target)
        if receiver.get("zone") != "third_party" or is_monitored(estate, target, data):
            continue
        categories = flow_categories(data)
        level = highest_sensitivity(categories)
        state = (
            "off"
            if data.get("monitored") is False or receiver.get("monitored") is False
            else "unknown"
        )
        carried = ", ".join(categories) if categories else "no declared data"
        yield flow_finding(
            RULE,
            (source, target, key),
            SEVERITY_BY_SENSITIVITY[level],
            f"{estate.node(source)['name']} → {receiver['name']} is not monitored "
            f"(monitoring {state}); it carries {carried}",
            categories,
            evidence=(*data["sources"], *via_evidence(estate, data)),
            locations=tuple(data["sources"]),
        )


RULE = Rule(
    id="FS101",
    title="Unmonitored third-party flow",
    severity=Severity.MEDIUM,
    rationale=(
        "Data leaving for a third party over an integration nobody logs cannot be "
        "audited, and a leak through it goes unnoticed. Unknown counts as unmonitored."
    ),
    remediation=(
        "Send the integration's calls to the SIEM (or the vendor's audit log to it) and "
        "record `monitored: true` on the flow or the vendor."
    ),
    stride=Stride.REPUDIATION,
    cwe=778,
    check=check,
)
