"""The words of the rules behind the findings, for exports that carry findings as threats.

Exports may not import the analysis (sibling layers), so the rules are handed
in by the caller, as for SARIF; any object with these attributes will do.
"""

from __future__ import annotations

from typing import Protocol

from flowscope.model import Stride


class RuleWords(Protocol):
    @property
    def title(self) -> str: ...
    @property
    def rationale(self) -> str: ...
    @property
    def remediation(self) -> str: ...
    @property
    def stride(self) -> Stride: ...


def rule_stride(rule: RuleWords | None) -> Stride:
    """A finding of a rule nobody described (an old export's) is a disclosure threat."""
    return rule.stride if rule is not None else Stride.INFORMATION_DISCLOSURE
