"""What a rule is: a stable id, words for humans, and a check over the estate."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flowscope.model import Estate, Finding, Severity, Stride


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
