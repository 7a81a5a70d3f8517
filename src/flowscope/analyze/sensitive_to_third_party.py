"""FS301: sensitive data reaches a third party (not an AI provider) unmasked."""

from __future__ import annotations

from collections.abc import Iterator

from flowscope.analyze.exposed import findings, unmasked_exposures
from flowscope.analyze.rule import Rule
from flowscope.model import Estate, Finding, Severity, Stride
from flowscope.model.categories import Sensitivity


def severity(level: Sensitivity) -> Severity:
    return Severity.HIGH if level >= Sensitivity.SPECIAL else Severity.MEDIUM


def check(estate: Estate) -> Iterator[Finding]:
    exposures = unmasked_exposures(estate, lambda system: system.get("type") != "ai_provider")
    yield from findings(estate, RULE.id, RULE.title, exposures, severity, "third party")


RULE = Rule(
    id="FS301",
    title="Sensitive data reaches a third party unmasked",
    severity=Severity.MEDIUM,
    rationale=(
        "Personal data a vendor receives in the clear is exposed to the vendor's staff, "
        "breaches and sub-processors; masking or tokenising before it leaves removes that."
    ),
    remediation=(
        "Mask, hash or tokenise the data before it leaves (in the SQL that builds the export, or "
        "with `masked:` on the flow once it is), or stop sending what the vendor does not need."
    ),
    stride=Stride.INFORMATION_DISCLOSURE,
    cwe=359,
    check=check,
)
