"""Findings as Markdown: the agenda of the weekly privacy review."""

from __future__ import annotations

from datetime import date

from flowscope.model import Estate, Finding, Severity
from flowscope.render.report import severity_counts, summary


def cell(text: str) -> str:
    """Text from input, safe inside a Markdown table cell.

    >>> cell("a | b <script>")
    'a \\\\| b &lt;script&gt;'
    """
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(escaped.replace("|", "\\|").split())


def to_markdown(estate: Estate, today: date | None = None) -> str:
    facts = summary(estate)
    day = (today or estate.policy.today or date.today()).isoformat()
    lines = [
        f"# Data-flow review: {cell(estate.name)}, {day}",
        "",
        f"{facts['systems']} systems, {facts['flows']} flows "
        f"({facts['third_party_flows']} to third parties). Findings: {severity_counts(estate)}.",
    ]
    new = [f for f in estate.findings if f.fingerprint not in estate.baseline]
    if estate.baseline:
        lines.append(f"{len(new)} new since the baseline, {len(estate.findings) - len(new)} known.")
    for severity in sorted(Severity, reverse=True):
        found = [f for f in estate.findings if f.severity is severity]
        if found:
            lines += ["", f"## {severity.label.capitalize()} ({len(found)})", ""]
            lines += ["| | Rule | Finding | Where |", "|---|---|---|---|"]
            lines += [_row(f, estate) for f in found]
    if estate.suppressed:
        lines += [
            "",
            f"## Suppressed ({len(estate.suppressed)})",
            "",
            "| Rule | Finding | Reason | Owner | Until |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {f.rule_id} | {cell(f.message)} | {cell(s.reason)} | {cell(s.owner)} "
            f"| {s.expires.isoformat()} |"
            for f, s in estate.suppressed
        ]
    if estate.diagnostics:
        errors = len(estate.errors)
        warnings = len(estate.diagnostics) - errors
        lines += ["", f"Reading the estate gave {errors} errors and {warnings} warnings."]
    return "\n".join(lines) + "\n"


def _row(finding: Finding, estate: Estate) -> str:
    mark = "new" if estate.baseline and finding.fingerprint not in estate.baseline else ""
    where = f"`{cell(str(finding.location))}`" if finding.location else ""
    return f"| {mark} | {finding.rule_id} | {cell(finding.message)} | {where} |"
