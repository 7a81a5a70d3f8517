"""What a rule is: a stable id, words for humans, and a check over the estate."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flowscope.model import Estate, Finding, Hop, Severity, Source, Stride


@dataclass(frozen=True)
class Rule:
    """One check. ``id`` is never reused; ``severity`` is the default a check may raise."""

    id: str
    title: str
    severity: Severity
    rationale: str
    remediation: str
    stride: Stride  # the threat its findings are instances of, for threat models
    cwe: int  # the weakness it finds, in MITRE's Common Weakness Enumeration
    check: Callable[[Estate], Iterable[Finding]]


def flow_finding(
    rule: Rule,
    flow: tuple[str, str, str],
    severity: Severity,
    message: str,
    categories: Iterable[str],
    evidence: tuple[Source, ...],
    locations: tuple[Source, ...] | None = None,
) -> Finding:
    """A finding about one flow: sender, receiver and key as subjects, the flow as its path.

    ``evidence`` backs the hop; ``locations`` (default: the evidence) are where it shows.
    """
    source, target, _key = flow
    return Finding(
        rule_id=rule.id,
        severity=severity,
        title=rule.title,
        message=message,
        subjects=flow,
        categories=tuple(categories),
        locations=evidence if locations is None else locations,
        path=(Hop(source, target, "flow", evidence),),
    )
