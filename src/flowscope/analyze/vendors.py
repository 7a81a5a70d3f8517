"""What the vendor rules share: which third parties receive what."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flowscope.analyze.observe import via_evidence
from flowscope.analyze.rule import Rule
from flowscope.analyze.unmonitored_third_party_flow import flow_categories
from flowscope.model import Estate, Finding, Hop, Severity, Source
from flowscope.model.categories import Sensitivity, highest_sensitivity, sensitivity


@dataclass
class Vendor:
    """A third party with the flows into it and everything they carry."""

    id: str
    data: dict[str, Any]
    categories: list[str] = field(default_factory=list)
    hops: list[Hop] = field(default_factory=list)
    locations: list[Source] = field(default_factory=list)

    @property
    def sensitivity(self) -> Sensitivity:
        return highest_sensitivity(self.categories)

    @property
    def name(self) -> str:
        return str(self.data.get("name", self.id))

    @property
    def personal(self) -> tuple[str, ...]:
        """The categories it receives that describe people."""
        return tuple(c for c in self.categories if sensitivity(c) >= Sensitivity.PERSONAL)


def listed_vendors(estate: Estate) -> Iterator[Vendor]:
    """The vendors whose inventory facts can be checked: all of them when the estate has
    no inventory (systems.yaml holds the facts), else those the inventory lists; the
    rest are shadow vendors (FS204), whose facts nobody has gathered."""
    for vendor in vendors(estate):
        if not estate.inventories or vendor.data.get("inventory"):
            yield vendor


def vendors(estate: Estate) -> Iterator[Vendor]:
    """Third parties that receive at least one flow, with what those flows carry."""
    found: dict[str, Vendor] = {}
    for source, target, _, data in estate.flows():
        receiver = estate.node(target)
        if receiver.get("zone") != "third_party":
            continue
        vendor = found.setdefault(
            target, Vendor(target, receiver, list(receiver.get("inventory_categories", [])))
        )
        vendor.categories += [c for c in flow_categories(data) if c not in vendor.categories]
        evidence = (*data["sources"], *via_evidence(estate, data))
        vendor.hops.append(Hop(source, target, "flow", evidence))
        vendor.locations += [s for s in data["sources"] if s not in vendor.locations]
    yield from found.values()


def vendor_location(vendor: Vendor) -> tuple[Source, ...]:
    """The vendor's own rows (inventory first), then the flows into it, each once."""
    own = sorted(
        vendor.data.get("sources", []),
        key=lambda s: not s.file.endswith((".csv", ".xlsx", ".xlsm")),
    )
    return tuple(dict.fromkeys((*own, *vendor.locations)))


def severity_for(level: Sensitivity) -> Severity:
    """Special categories are high, other personal data medium, the rest low."""
    return {Sensitivity.SPECIAL: Severity.HIGH, Sensitivity.PERSONAL: Severity.MEDIUM}.get(
        level, Severity.LOW
    )


def today(estate: Estate) -> date:
    return estate.policy.today or date.today()


def vendor_finding(
    rule: Rule,
    vendor: Vendor,
    message: str,
    categories: tuple[str, ...],
    severity: Severity | None = None,
) -> Finding:
    """A finding about a vendor: at its own rows, with the flows into it as the path."""
    return Finding(
        rule_id=rule.id,
        severity=severity_for(vendor.sensitivity) if severity is None else severity,
        title=rule.title,
        message=message,
        subjects=(vendor.id,),
        categories=categories,
        locations=vendor_location(vendor),
        path=tuple(vendor.hops),
    )
