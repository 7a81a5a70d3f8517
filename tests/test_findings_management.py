"""Suppressions, severity overrides, baselines, and the Markdown and SARIF outputs."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import jsonschema

import flowscope
from conftest import ACME, FIXTURES, run_cli

SYSTEMS = """\
systems:
  - {id: app, type: service, zone: internal}
  - {id: llm, name: "LLM <b>Co</b> | x", type: ai_provider, zone: third_party}
  - {id: mailer, type: saas, zone: third_party, monitored: true}
flows:
  - {from: app, to: llm, categories: [user.content.private]}
  - {from: app, to: mailer, categories: [user.contact.email]}
"""


def estate(tmp_path: Path, config: str) -> Path:
    (tmp_path / "systems.yaml").write_text(SYSTEMS)
    (tmp_path / "flowscope.yaml").write_text(textwrap.dedent(config))
    return tmp_path


def test_a_suppression_needs_a_reason_an_owner_and_an_expiry(tmp_path: Path) -> None:
    root = estate(tmp_path, "suppressions:\n  - {rule: FS302, subject: system:llm}\n")
    result = run_cli("scan", str(root))
    assert result.returncode == 2
    assert "flowscope.yaml:2: error: missing required field 'reason'" in result.stderr


def test_suppressed_findings_leave_the_count_and_expired_ones_come_back(tmp_path: Path) -> None:
    (tmp_path / "live").mkdir()
    config = """\
        suppressions:
          - rule: FS302
            subject: system:llm
            reason: zero-retention contract signed
            owner: legal
            expires: 2027-01-31
        """
    live = estate(tmp_path / "live", config)
    found = flowscope.load(live)
    assert "FS302" not in {f.rule_id for f in found.findings}
    [(finding, suppression)] = [(f, s) for f, s in found.suppressed if f.rule_id == "FS302"]
    assert suppression.owner == "legal" and finding.subjects == ("system:llm",)

    (tmp_path / "old").mkdir()
    old = estate(
        tmp_path / "old", (live / "flowscope.yaml").read_text().replace("2027-01-31", "2026-01-31")
    )
    again = flowscope.load(old)
    assert "FS302" in {f.rule_id for f in again.findings}
    assert any(
        str(d).startswith(
            "flowscope.yaml:2: warning: suppression of FS302 system:llm expired on 2026-01-31"
        )
        for d in again.diagnostics
    )


def test_severity_overrides(tmp_path: Path) -> None:
    root = estate(tmp_path, "policy:\n  severity: {FS302: low}\n")
    [finding] = [f for f in flowscope.load(root).findings if f.rule_id == "FS302"]
    assert finding.severity.label == "low"


def test_only_findings_new_since_the_baseline_fail_the_build(tmp_path: Path) -> None:
    root = estate(tmp_path, "policy:\n  fail_on: high\n")
    baseline = tmp_path / "baseline.json"
    first = run_cli("scan", str(root), "--update-baseline", str(baseline))
    assert first.returncode == 1
    assert run_cli("scan", str(root), "--baseline", str(baseline)).returncode == 0
    (root / "systems.yaml").write_text(
        SYSTEMS + "  - {from: app, to: llm, name: voice, categories: [user.biometric.voice]}\n"
    )
    result = run_cli("scan", str(root), "--baseline", str(baseline), "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert sum(1 for f in report["findings"] if not f.get("baseline")) >= 1


def test_markdown_agenda_escapes_what_it_quotes(tmp_path: Path) -> None:
    root = estate(tmp_path, "")
    result = run_cli("scan", str(root), "--format", "markdown", "--fail-on", "none")
    text = result.stdout
    assert text.startswith("# Data-flow review: ")
    assert "## Critical (1)" in text
    assert "LLM &lt;b&gt;Co&lt;/b&gt; \\| x" in text and "<b>" not in text


def test_sarif_validates_and_meets_code_scanning_requirements() -> None:
    result = run_cli("scan", str(ACME), "--format", "sarif", "--fail-on", "none")
    document = json.loads(result.stdout)
    schema = json.loads((FIXTURES / "sarif" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft7Validator(schema).validate(document)
    run = document["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    for rule in rules.values():
        assert (
            rule["shortDescription"]["text"]
            and rule["fullDescription"]["text"]
            and rule["help"]["text"]
        )
        assert float(rule["properties"]["security-severity"]) > 0
    assert "external/cwe/cwe-778" in rules["FS101"]["properties"]["tags"]  # insufficient logging
    assert "external/cwe/cwe-319" in rules["FS305"]["properties"]["tags"]  # cleartext transport
    assert len(run["results"]) == 38
    for result_ in run["results"]:
        region = result_["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert result_["partialFingerprints"]["flowscopeFingerprint/v1"]
        assert result_["ruleId"] in rules
    files = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    }
    assert {"systems.yaml", "vendors.csv"} <= files


def test_paths_command_prints_every_hop_with_file_and_line() -> None:
    result = run_cli("paths", str(ACME), "--category", "user.contact.email", "--to", "mailchimp")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "user.contact.email reaches Mailchimp (system:mailchimp), unmasked:"
    assert any("lineage" in line and "[sql/staging/stg_customers.sql:2]" in line for line in lines)
    assert lines[-1].strip().startswith("10. flow") and "systems.yaml:" in lines[-1]
    nothing = run_cli("paths", str(ACME), "--category", "user.contact.email", "--to", "analytics")
    assert nothing.returncode == 1 and nothing.stdout == "no path found\n"
