"""Findings: what a rule reports, with a fingerprint that survives rescans."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any

from flowscope.model.provenance import Source


class Severity(IntEnum):
    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        """>>> Severity.parse("High")
        <Severity.HIGH: 3>
        """
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r}: expected one of {names}") from None


class Stride(StrEnum):
    """The STRIDE threat a rule's finding is an instance of, for threat-modelling tools."""

    SPOOFING = "spoofing"
    TAMPERING = "tampering"
    REPUDIATION = "repudiation"
    INFORMATION_DISCLOSURE = "information-disclosure"
    DENIAL_OF_SERVICE = "denial-of-service"
    ELEVATION_OF_PRIVILEGE = "elevation-of-privilege"

    @property
    def words(self) -> str:
        """>>> Stride.INFORMATION_DISCLOSURE.words
        'Information disclosure'
        """
        return self.value.replace("-", " ").capitalize()


@dataclass(frozen=True)
class Hop:
    """One step of a witness path: an edge and the evidence for it."""

    source: str
    target: str
    kind: str
    evidence: tuple[Source, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "kind": self.kind,
            "evidence": [s.to_dict() for s in self.evidence],
        }


@dataclass(frozen=True)
class Finding:
    """A problem a rule found in the estate.

    The fingerprint hashes rule, subjects and categories only, so rewording a
    message or moving a line does not turn an old finding into a new one.

    >>> f = Finding("FS101", Severity.HIGH, "t", "m", ("system:crm", "system:x"))
    >>> g = Finding("FS101", Severity.LOW, "t2", "m2", ("system:crm", "system:x"))
    >>> f.fingerprint == g.fingerprint
    True
    >>> len(f.fingerprint)
    16
    """

    rule_id: str
    severity: Severity
    title: str
    message: str
    subjects: tuple[str, ...]
    categories: tuple[str, ...] = ()
    locations: tuple[Source, ...] = ()
    path: tuple[Hop, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def fingerprint(self) -> str:
        material = "|".join(
            (self.rule_id, ",".join(self.subjects), ",".join(sorted(self.categories)))
        )
        return hashlib.sha256(material.encode()).hexdigest()[:16]

    @property
    def flow(self) -> tuple[str, str, str] | None:
        """Sender, receiver and key of the one flow the finding is about, if it is about one.

        >>> Finding("FS101", Severity.HIGH, "t", "m", ("system:a", "system:b", "flow:a->b")).flow
        ('system:a', 'system:b', 'flow:a->b')
        """
        s = self.subjects
        return (s[0], s[1], s[2]) if len(s) == 3 and s[2].startswith("flow:") else None

    @property
    def location(self) -> Source | None:
        return self.locations[0] if self.locations else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule_id,
            "severity": self.severity.label,
            "title": self.title,
            "message": self.message,
            "subjects": list(self.subjects),
            "categories": list(self.categories),
            "locations": [s.to_dict() for s in self.locations],
            "path": [hop.to_dict() for hop in self.path],
            "fingerprint": self.fingerprint,
            **({"extra": self.extra} if self.extra else {}),
        }
