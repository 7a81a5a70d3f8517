"""Rules over the estate graph. A new rule is one module plus one line in RULES."""

from __future__ import annotations

from datetime import date

from flowscope.analyze import (
    sensitive_to_ai_provider,
    sensitive_to_third_party,
    shadow_vendor,
    stale_vendor_review,
    unauthenticated_endpoint,
    unauthenticated_internal_flow,
    undeclared_data,
    unencrypted_transport,
    unmonitored_third_party_flow,
    vendor_region,
    vendor_without_dpa,
)
from flowscope.analyze.observe import observe_via
from flowscope.analyze.propagation import propagate
from flowscope.analyze.rule import Rule
from flowscope.analyze.triage import new_findings, triage
from flowscope.model import Estate, Finding

RULES: tuple[Rule, ...] = (
    unmonitored_third_party_flow.RULE,
    sensitive_to_third_party.RULE,
    sensitive_to_ai_provider.RULE,
    undeclared_data.RULE,
    unauthenticated_endpoint.RULE,
    unencrypted_transport.RULE,
    unauthenticated_internal_flow.RULE,
    vendor_without_dpa.RULE,
    stale_vendor_review.RULE,
    vendor_region.RULE,
    shadow_vendor.RULE,
)


def run_rules(estate: Estate, rules: tuple[Rule, ...] = RULES) -> list[Finding]:
    """Every finding of every rule, worst first, then by rule and subject."""
    findings = [finding for rule in rules for finding in rule.check(estate)]
    return sorted(findings, key=lambda f: (-f.severity, f.rule_id, f.subjects))


def analyze(estate: Estate, rules: tuple[Rule, ...] = RULES) -> list[Finding]:
    """Work out what flows carry and where each category travels, then run the rules."""
    observe_via(estate)
    estate.exposures = sorted(
        propagate(estate).exposures.values(), key=lambda e: (e.category, e.system, e.masked)
    )
    today = estate.policy.today or date.today()
    return triage(estate, run_rules(estate, rules), today)


__all__ = ["RULES", "Rule", "analyze", "new_findings", "run_rules"]
