"""FS203: personal data goes to a vendor in a region the policy does not allow (or unknown)."""

from __future__ import annotations

from collections.abc import Iterator

from flowscope.analyze.rule import Rule
from flowscope.analyze.vendors import listed_vendors, vendor_finding
from flowscope.model import Estate, Finding, Severity, Stride
from flowscope.model.categories import Sensitivity


def allowed(region: str, regions: tuple[str, ...]) -> bool:
    """>>> allowed("EU (Frankfurt)", ("EU", "UK")), allowed("us-east-1", ("EU",))
    (True, False)
    """
    words = region.upper().replace("(", " ").replace(")", " ").replace("-", " ").split()
    return any(r.upper() in words or region.upper() == r.upper() for r in regions)


def check(estate: Estate) -> Iterator[Finding]:
    regions = estate.policy.allowed_regions
    if not regions:
        return
    for vendor in listed_vendors(estate):
        region = vendor.data.get("region")
        if vendor.sensitivity < Sensitivity.PERSONAL or (region and allowed(str(region), regions)):
            continue
        where = f"in {region}" if region else "in an unknown region"
        message = (
            f"{vendor.name} is {where} (allowed: {', '.join(regions)}) "
            f"and receives {', '.join(vendor.personal)}"
        )
        yield vendor_finding(RULE, vendor, message, vendor.personal)


RULE = Rule(
    id="FS203",
    title="Personal data to a vendor outside the allowed regions",
    severity=Severity.MEDIUM,
    rationale=(
        "Transfers outside the allowed regions need their own safeguards (GDPR chapter V). "
        "A region nobody recorded is not known to be allowed."
    ),
    remediation=(
        "Use the vendor's in-region hosting, put transfer safeguards in place, or stop the flows."
    ),
    stride=Stride.INFORMATION_DISCLOSURE,
    cwe=359,
    check=check,
)
