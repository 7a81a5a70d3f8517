"""FS202: a vendor that receives data was not reviewed within the policy's window, or never."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from flowscope.analyze.rule import Rule
from flowscope.analyze.vendors import listed_vendors, today, vendor_location
from flowscope.model import Estate, Finding, Severity, Stride
from flowscope.model.categories import Sensitivity


def check(estate: Estate) -> Iterator[Finding]:
    limit = estate.policy.review_max_age_days
    now = today(estate)
    for vendor in listed_vendors(estate):
        written = vendor.data.get("last_review")
        reviewed = date.fromisoformat(written) if isinstance(written, str) else None
        if reviewed is not None and (now - reviewed).days <= limit:
            continue
        if reviewed is None:
            message = f"{vendor.name} receives data and has no review on record"
        else:
            message = (
                f"{vendor.name} was last reviewed on {reviewed.isoformat()}, "
                f"{(now - reviewed).days} days ago (policy: {limit})"
            )
        personal = vendor.sensitivity >= Sensitivity.PERSONAL
        yield Finding(
            rule_id=RULE.id,
            severity=Severity.MEDIUM if personal else Severity.LOW,
            title=RULE.title,
            message=message,
            subjects=(vendor.id,),
            locations=vendor_location(vendor),
            extra={"last_review": written, "due": _due(reviewed, limit)},
        )


def _due(reviewed: date | None, limit: int) -> str | None:
    return date.fromordinal(reviewed.toordinal() + limit).isoformat() if reviewed else None


RULE = Rule(
    id="FS202",
    title="Vendor review overdue or missing",
    severity=Severity.MEDIUM,
    rationale=(
        "A vendor's security and privacy posture drifts like everything else; a review older "
        "than the policy allows means nobody has looked since."
    ),
    remediation=(
        "Review the vendor (security questionnaire, DPA, sub-processors) and record the date."
    ),
    stride=Stride.INFORMATION_DISCLOSURE,
    cwe=359,
    check=check,
)
