"""FS302: sensitive data reaches an AI provider unmasked (chat content and voice count)."""

from __future__ import annotations

from collections.abc import Iterator

from flowscope.analyze.exposed import findings, unmasked_exposures
from flowscope.analyze.rule import Rule
from flowscope.model import Estate, Finding, Severity, Stride
from flowscope.model.categories import Sensitivity


def severity(level: Sensitivity) -> Severity:
    return Severity.CRITICAL if level >= Sensitivity.SPECIAL else Severity.HIGH


def check(estate: Estate) -> Iterator[Finding]:
    exposures = unmasked_exposures(estate, lambda system: system.get("type") == "ai_provider")
    yield from findings(estate, RULE.id, RULE.title, exposures, severity, "AI provider")


RULE = Rule(
    id="FS302",
    title="Sensitive data reaches an AI provider unmasked",
    severity=Severity.HIGH,
    rationale=(
        "AI providers may log, retain or train on what they receive; chat transcripts and "
        "call recordings carry whatever customers said, often more than anyone intended."
    ),
    remediation=(
        "Redact personal data before the prompt or upload leaves (names, e-mails, card numbers), "
        "use the provider's zero-retention terms, and record the masking with `masked:`."
    ),
    stride=Stride.INFORMATION_DISCLOSURE,
    cwe=359,
    check=check,
)
