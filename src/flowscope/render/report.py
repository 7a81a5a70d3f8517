"""Findings for people (a terminal table) and for machines (JSON)."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from importlib.metadata import version
from typing import Any

from flowscope.model import Estate, Severity

# Names come from untrusted files: a name carrying terminal escape sequences
# must not be able to rewrite the reviewer's screen.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    r"""Text safe to print on a terminal, control characters shown as escapes.

    >>> printable("Evil\x1b[2J Corp\n")
    'Evil\\x1b[2J Corp\\n'
    """
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode(), text)


def summary(estate: Estate) -> dict[str, int]:
    """Counts a reader checks first: how big the estate is, how much leaves it."""
    flows = list(estate.flows())
    third_party = [f for f in flows if estate.node(f[1]).get("zone") == "third_party"]
    return {
        "systems": sum(1 for _ in estate.nodes("system")),
        "flows": len(flows),
        "third_party_flows": len(third_party),
        "findings": len(estate.findings),
        "errors": len(estate.errors),
        "warnings": len(estate.diagnostics) - len(estate.errors),
    }


def severity_counts(estate: Estate) -> str:
    """>>> severity_counts(Estate())
    'none'
    """
    counts = Counter(f.severity for f in estate.findings)
    parts = [f"{counts[s]} {s.label}" for s in sorted(counts, reverse=True)]
    return ", ".join(parts) or "none"


def to_table(estate: Estate) -> str:
    """Fixed-width table, worst first; one line per finding."""
    facts = summary(estate)
    head = printable(
        f"{estate.name}: {facts['systems']} systems, {facts['flows']} flows "
        f"({facts['third_party_flows']} to third parties); "
        f"{facts['findings']} findings ({severity_counts(estate)})"
    )
    if estate.suppressed:
        head += f"; {len(estate.suppressed)} suppressed"
    if not estate.findings:
        return head + "\n"
    rows = [("SEVERITY", "RULE", "LOCATION", "FINDING")]
    for f in estate.findings:
        known = " (in the baseline)" if f.fingerprint in estate.baseline else ""
        message = printable(f.message) + known
        rows.append((f.severity.label, f.rule_id, printable(str(f.location or "-")), message))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths, strict=True)) + "  " + row[3]
        for row in rows
    ]
    return head + "\n\n" + "\n".join(lines) + "\n"


def to_json(estate: Estate) -> str:
    document = {
        "flowscope": version("flowscope"),
        "estate": estate.name,
        "summary": summary(estate),
        "findings": [
            {**f.to_dict(), **({"baseline": True} if f.fingerprint in estate.baseline else {})}
            for f in estate.findings
        ],
        "suppressed": [{**f.to_dict(), "suppression": s.to_dict()} for f, s in estate.suppressed],
        "diagnostics": [d.to_dict() for d in estate.diagnostics],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def lineage_table(result: dict[str, Any]) -> str:
    """Lineage for people: each statement, then the script end to end."""
    lines: list[str] = []
    for statement in result["statements"]:
        flow = (
            f"{', '.join(statement['sources']) or '-'} -> {', '.join(statement['targets']) or '-'}"
        )
        where = f"line {statement['line']}, {statement['kind']}"
        lines.append(f"statement {statement['index']} ({where}): {flow}")
        lines += _column_lines(statement["columns"])
    script = result["script"]
    lines.append("")
    lines.append(
        f"script: {', '.join(script['sources']) or '-'} -> {', '.join(script['targets']) or '-'}"
    )
    if script["intermediate"]:
        lines.append(f"  through {', '.join(script['intermediate'])}")
    lines += _column_lines(script["columns"])
    return "\n".join(printable(line) for line in lines) + "\n"


def paths_table(estate: Estate, exposures: list[Any]) -> str:
    """Each witness path hop by hop, with the file and line that says so."""
    if not exposures:
        return "no path found\n"
    lines: list[str] = []
    for exposure in exposures:
        state = "masked" if exposure.masked else "unmasked"
        name = estate.node(exposure.system)["name"]
        lines.append(f"{exposure.category} reaches {name} ({exposure.system}), {state}:")
        for number, hop in enumerate(exposure.path, start=1):
            where = ", ".join(str(s) for s in hop.evidence) or "-"
            lines.append(f"  {number:>2}. {hop.kind:<10} {hop.source} -> {hop.target}   [{where}]")
        lines.append("")
    return "\n".join(printable(line) for line in lines)


def _column_lines(columns: list[dict[str, str]]) -> list[str]:
    width = max((len(c["source"]) for c in columns), default=0)
    return [f"  {c['source'].ljust(width)}  ->  {c['target']}  ({c['transform']})" for c in columns]


FORMATS: dict[str, Callable[[Estate], str]] = {"table": to_table, "json": to_json}

SEVERITY_CHOICES = (*(s.label for s in sorted(Severity, reverse=True)), "none")
