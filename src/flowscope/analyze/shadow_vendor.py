"""FS204: a third party receives data but the vendor inventory does not list it."""

from __future__ import annotations

from collections.abc import Iterator

from flowscope.analyze.rule import Rule
from flowscope.analyze.vendors import severity_for, vendor_finding, vendors
from flowscope.model import Estate, Finding, Severity, Stride


def check(estate: Estate) -> Iterator[Finding]:
    if not estate.inventories:
        return  # without an inventory every vendor would be "missing" from it
    for vendor in vendors(estate):
        if vendor.data.get("inventory"):
            continue
        files = sorted({s.file for s in vendor.data["sources"]})
        seen = f"known only from {', '.join(files)}"
        carried = ", ".join(vendor.categories) or "no declared data"
        message = f"{vendor.name} receives {carried} but is not in the vendor inventory ({seen})"
        severity = max(severity_for(vendor.sensitivity), Severity.MEDIUM)
        yield vendor_finding(RULE, vendor, message, tuple(vendor.categories), severity)


RULE = Rule(
    id="FS204",
    title="Shadow vendor: not in the vendor inventory",
    severity=Severity.MEDIUM,
    rationale=(
        "A vendor missing from the inventory has had no privacy review, no DPA check and no "
        "region check: the privacy team does not know it exists."
    ),
    remediation="Add the vendor to the inventory and review it, or remove the integration.",
    stride=Stride.INFORMATION_DISCLOSURE,
    cwe=359,
    check=check,
)
