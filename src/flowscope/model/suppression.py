"""Suppressions: a finding accepted for now, with a reason, an owner and an expiry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flowscope.model.finding import Finding
from flowscope.model.provenance import Source


@dataclass(frozen=True)
class Suppression:
    reason: str
    owner: str
    expires: date
    source: Source
    rule: str | None = None
    subject: str | None = None
    fingerprint: str | None = None

    def matches(self, finding: Finding) -> bool:
        """By fingerprint, or by rule and (one of) the finding's subjects."""
        if self.fingerprint:
            return finding.fingerprint == self.fingerprint
        return finding.rule_id == self.rule and (
            self.subject is None or self.subject in finding.subjects
        )

    def expired(self, today: date) -> bool:
        return today > self.expires

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "subject": self.subject,
            "fingerprint": self.fingerprint,
            "reason": self.reason,
            "owner": self.owner,
            "expires": self.expires.isoformat(),
            **self.source.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Suppression:
        """What :meth:`to_dict` wrote (flowscope's JSON export)."""
        return cls(
            reason=data["reason"],
            owner=data["owner"],
            expires=date.fromisoformat(data["expires"]),
            source=Source.from_dict({"file": "", **data}),
            rule=data.get("rule"),
            subject=data.get("subject"),
            fingerprint=data.get("fingerprint"),
        )
