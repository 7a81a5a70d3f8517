"""SARIF 2.1.0: findings where code-scanning tools show them, on the right line.

Meets GitHub code scanning's extra requirements: every rule has a short and a
full description and help, a ``security-severity``; every result has a
region with a line and a column and ``partialFingerprints``.
"""

from __future__ import annotations

import json
from importlib.metadata import version
from typing import Any

from flowscope.model import Estate, Finding, Severity, Source

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# GitHub's scale: over 9 critical, 7 to 8.9 high, 4 to 6.9 medium, under 4 low.
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "1.0",
}
LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}


def to_document(estate: Estate, rules: dict[str, Any]) -> dict[str, Any]:
    """``rules``: rule id -> object with title, severity, rationale, remediation."""
    used = sorted({f.rule_id for f in estate.findings})
    index = {rule_id: i for i, rule_id in enumerate(used)}
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "flowscope",
                        "version": version("flowscope"),
                        "informationUri": "https://flowscope.dev",
                        "rules": [_rule(rules[rule_id]) for rule_id in used],
                    }
                },
                "results": [_result(f, index[f.rule_id], estate) for f in estate.findings],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def _rule(rule: Any) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": "".join(
            word.capitalize() for word in rule.title.replace("-", " ").split() if word.isalnum()
        ),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale},
        "help": {
            "text": rule.remediation,
            "markdown": f"**{rule.title}**\n\n{rule.rationale}\n\n*Fix:* {rule.remediation}",
        },
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {
            "security-severity": SECURITY_SEVERITY[rule.severity],
            # GitHub code scanning shows and filters by the CWE tag
            "tags": ["security", "privacy", f"external/cwe/cwe-{rule.cwe}"],
        },
    }


def _result(finding: Finding, rule_index: int, estate: Estate) -> dict[str, Any]:
    locations = [_location(s) for s in finding.locations[:1]] or [
        _location(Source("flowscope.yaml", 1))
    ]
    related = [
        {"id": i, **_location(s), "message": {"text": f"{hop.kind}: {hop.source} → {hop.target}"}}
        for i, (hop, s) in enumerate((hop, hop.evidence[0]) for hop in finding.path if hop.evidence)
    ]
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": locations,
        "partialFingerprints": {"flowscopeFingerprint/v1": finding.fingerprint},
        "properties": {
            "severity": finding.severity.label,
            "security-severity": SECURITY_SEVERITY[finding.severity],
            "subjects": list(finding.subjects),
            "categories": list(finding.categories),
            "baseline": finding.fingerprint in estate.baseline,
        },
    }
    if related:
        result["relatedLocations"] = related
    return result


def _location(source: Source) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": source.file, "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": max(source.line, 1), "startColumn": 1},
        }
    }


def render(estate: Estate, rules: dict[str, Any]) -> str:
    return json.dumps(to_document(estate, rules), indent=2, ensure_ascii=False) + "\n"
