"""After the rules: severity overrides, suppressions (and their expiry), the baseline."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from flowscope.model import Estate, Finding, Severity


def triage(estate: Estate, findings: list[Finding], today: date) -> list[Finding]:
    """Findings that stand, after the policy's overrides and suppressions.

    Suppressed findings move to ``estate.suppressed``; an expired suppression
    suppresses nothing and is reported as a warning at its line.
    """
    kept: list[Finding] = []
    used: set[int] = set()
    for finding in findings:
        finding = _override(estate, finding)
        matching = [s for s in estate.policy.suppressions if s.matches(finding)]
        used.update(id(s) for s in matching)
        rule = next((s for s in matching if not s.expired(today)), None)
        if rule is not None:
            estate.suppressed.append((finding, rule))
        else:
            kept.append(finding)
    for suppression in estate.policy.suppressions:
        if id(suppression) not in used and not suppression.expired(today):
            what = (
                suppression.fingerprint or f"{suppression.rule} {suppression.subject or ''}".strip()
            )
            estate.warn(f"suppression of {what} matches no finding: remove it", suppression.source)
        if suppression.expired(today):
            what = (
                suppression.fingerprint or f"{suppression.rule} {suppression.subject or ''}".strip()
            )
            estate.warn(
                f"suppression of {what} expired on {suppression.expires.isoformat()} "
                f"(owner {suppression.owner}): it no longer suppresses",
                suppression.source,
            )
    return kept


def _override(estate: Estate, finding: Finding) -> Finding:
    wanted = estate.policy.severities.get(finding.rule_id)
    if wanted is None:
        return finding
    return replace(finding, severity=Severity.parse(wanted))


def new_findings(estate: Estate) -> list[Finding]:
    """Findings not in the baseline: the ones ``--fail-on`` counts."""
    return [f for f in estate.findings if f.fingerprint not in estate.baseline]
