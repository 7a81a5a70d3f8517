"""What changed between two estates, for a terminal or for the weekly review's Markdown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flowscope.render.markdown import cell
from flowscope.render.report import printable

SECTIONS = ("systems", "endpoints", "datasets", "fields")


def _lines(result: dict[str, Any], safe: Callable[[str], str], bullet: str) -> list[str]:
    """The changes as one line each, worded the same for both formats."""
    out: list[str] = []
    for label in SECTIONS:
        for node in result[label]["added"]:
            out.append(f"{bullet}+ {label[:-1]} {safe(node)}")
        for node in result[label]["removed"]:
            out.append(f"{bullet}- {label[:-1]} {safe(node)}")
    for flow in result["flows"]["added"]:
        what = ", ".join(flow["categories"]) or "no category"
        out.append(f"{bullet}+ flow {safe(flow['key'])} carrying {safe(what)}")
    for flow in result["flows"]["removed"]:
        out.append(f"{bullet}- flow {safe(flow['key'])}")
    for change in result["categories"]:
        if change["added"]:
            out.append(
                f"{bullet}~ flow {safe(change['flow'])} now carries "
                f"{safe(', '.join(change['added']))}"
            )
        if change["removed"]:
            out.append(
                f"{bullet}~ flow {safe(change['flow'])} no longer carries "
                f"{safe(', '.join(change['removed']))}"
            )
    for fact in result["facts"]:
        out.append(
            f"{bullet}~ {safe(fact['element'])}: {fact['fact']} "
            f"{safe(_value(fact['old']))} → {safe(_value(fact['new']))}"
        )
    return out


def _value(value: Any) -> str:
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def _finding_line(finding: dict[str, Any], safe: Callable[[str], str]) -> str:
    return f"{finding['severity']:8} {finding['rule']}  {safe(finding['message'])}"


def to_table(result: dict[str, Any], old: str, new: str) -> str:
    lines = [f"changes from {printable(old)} to {printable(new)}:"]
    changes = _lines(result, printable, "  ")
    lines += changes or ["  nothing changed in the estate"]
    findings = result["findings"]
    lines.append(
        f"findings: {len(findings['new'])} new, {len(findings['resolved'])} resolved, "
        f"{findings['unchanged']} unchanged"
    )
    lines += [f"  new       {_finding_line(f, printable)}" for f in findings["new"]]
    lines += [f"  resolved  {_finding_line(f, printable)}" for f in findings["resolved"]]
    return "\n".join(lines) + "\n"


def to_markdown(result: dict[str, Any], old: str, new: str) -> str:
    lines = [f"# What changed: {cell(old)} → {cell(new)}", "", "## The estate", ""]
    lines += _lines(result, cell, "- ") or ["Nothing changed in the estate."]
    findings = result["findings"]
    lines += ["", "## Findings", "",
              f"{len(findings['new'])} new, {len(findings['resolved'])} resolved, "
              f"{findings['unchanged']} unchanged.", ""]  # fmt: skip
    for title, entries in (("New", findings["new"]), ("Resolved", findings["resolved"])):
        if entries:
            lines += [f"### {title}", "", "| severity | rule | finding |", "|---|---|---|"]
            lines += [f"| {f['severity']} | {f['rule']} | {cell(f['message'])} |" for f in entries]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def due_markdown(reviews: list[dict[str, str]], suppressions: list[dict[str, str]]) -> str:
    """Vendor reviews and suppressions the review should see coming (next 30 days)."""
    lines = ["## Vendor reviews due in the next 30 days", ""]
    if reviews:
        lines += ["| vendor | due | |", "|---|---|---|"]
        lines += [f"| {cell(r['system'])} | {r['due']} | {r['state']} |" for r in reviews]
    else:
        lines.append("None.")
    lines += ["", "## Suppressions expiring in the next 30 days", ""]
    if suppressions:
        lines += ["| rule | subject | owner | expires | |", "|---|---|---|---|---|"]
        lines += [
            f"| {s['rule']} | {cell(s['subject'])} | {cell(s['owner'])} | {s['expires']} "
            f"| {s['state']} |"
            for s in suppressions
        ]
    else:
        lines.append("None.")
    return "\n".join(lines) + "\n"
