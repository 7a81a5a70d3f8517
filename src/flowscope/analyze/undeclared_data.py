"""FS303: a flow is seen to carry data its owners did not declare for it."""

from __future__ import annotations

from collections.abc import Iterator

from flowscope.analyze.observe import via_evidence
from flowscope.analyze.rule import Rule, flow_finding
from flowscope.analyze.vendors import severity_for
from flowscope.model import Estate, Finding, Severity, Stride
from flowscope.model.categories import Sensitivity, highest_sensitivity


def covered(category: str, declared: list[str]) -> bool:
    """Declared ``user.contact`` covers ``user.contact.email``; the reverse does not hold.

    >>> covered("user.contact.email", ["user.contact"])
    True
    >>> covered("user.contact", ["user.contact.email"])
    False
    """
    return any(category == d or category.startswith(d + ".") for d in declared)


def check(estate: Estate) -> Iterator[Finding]:
    for source, target, key, data in estate.flows():
        if data.get("origin") in ("webhook", "callback"):
            continue  # flows a spec describes: nobody declares them, so nothing is undeclared
        declared = data.get("declared_categories", [])
        hidden = [c for c in data.get("observed_categories", []) if not covered(c, declared)]
        level = highest_sensitivity(hidden)
        if not hidden or level < Sensitivity.PERSONAL:
            continue
        evidence = (*data["sources"], *via_evidence(estate, data))
        yield flow_finding(
            RULE,
            (source, target, key),
            severity_for(level),
            f"{estate.node(source)['name']} → {estate.node(target)['name']} carries "
            f"{', '.join(hidden)}, which is not declared for it",
            hidden,
            evidence,
        )


RULE = Rule(
    id="FS303",
    title="Data observed on a flow but not declared",
    severity=Severity.MEDIUM,
    rationale=(
        "The operation or table a flow uses carries more than its owners declared: the "
        "records of processing, the DPA and the privacy notice describe less than happens."
    ),
    remediation="Declare the categories on the flow (and in the records), or stop sending them.",
    stride=Stride.INFORMATION_DISCLOSURE,
    cwe=359,
    check=check,
)
