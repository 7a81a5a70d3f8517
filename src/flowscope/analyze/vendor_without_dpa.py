"""FS201: personal data flows to a vendor with no data processing agreement on record."""

from __future__ import annotations

from collections.abc import Iterator

from flowscope.analyze.rule import Rule
from flowscope.analyze.vendors import listed_vendors, severity_for, vendor_location
from flowscope.model import Estate, Finding, Severity, Stride
from flowscope.model.categories import Sensitivity, sensitivity


def check(estate: Estate) -> Iterator[Finding]:
    for vendor in listed_vendors(estate):
        if vendor.data.get("dpa") is True or vendor.sensitivity < Sensitivity.PERSONAL:
            continue
        personal = tuple(c for c in vendor.categories if sensitivity(c) >= Sensitivity.PERSONAL)
        state = (
            "says no DPA is signed" if vendor.data.get("dpa") is False else "has no DPA on record"
        )
        yield Finding(
            rule_id=RULE.id,
            severity=severity_for(vendor.sensitivity),
            title=RULE.title,
            message=f"{vendor.name} receives {', '.join(personal)} and {state}",
            subjects=(vendor.id,),
            categories=personal,
            locations=vendor_location(vendor),
            path=tuple(vendor.hops),
        )


RULE = Rule(
    id="FS201",
    title="Personal data to a vendor without a DPA",
    severity=Severity.MEDIUM,
    rationale=(
        "GDPR art. 28 requires a contract with every processor of personal data. A vendor "
        "that receives personal data with no DPA on record is processing it without one, "
        "as far as anyone can show."
    ),
    remediation="Sign a DPA with the vendor and record it in the inventory, or stop the flows.",
    stride=Stride.INFORMATION_DISCLOSURE,
    cwe=359,
    check=check,
)
