"""FS201: personal data flows to a vendor with no data processing agreement on record."""

from __future__ import annotations

from collections.abc import Iterator

from flowscope.analyze.rule import Rule
from flowscope.analyze.vendors import listed_vendors, vendor_finding
from flowscope.model import Estate, Finding, Severity, Stride
from flowscope.model.categories import Sensitivity


def check(estate: Estate) -> Iterator[Finding]:
    for vendor in listed_vendors(estate):
        if vendor.data.get("dpa") is True or vendor.sensitivity < Sensitivity.PERSONAL:
            continue
        state = (
            "says no DPA is signed" if vendor.data.get("dpa") is False else "has no DPA on record"
        )
        message = f"{vendor.name} receives {', '.join(vendor.personal)} and {state}"
        yield vendor_finding(RULE, vendor, message, vendor.personal)


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
