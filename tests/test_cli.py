"""End to end: the command line on the sample estate and on broken input."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import ACME, run_cli

ACME_FINDINGS = {
    ("FS101", "system:support-chatbot", "system:openai", "high"),
    ("FS101", "system:call-transcription", "system:deepgram", "high"),
    ("FS101", "system:contact-centre", "system:gong", "high"),
    ("FS101", "system:marketing-automation", "system:mailchimp", "medium"),
    ("FS101", "system:web-app", "system:mixpanel", "medium"),
    ("FS101", "system:web-app", "system:sentry", "low"),
    ("FS201", "system:deepgram", "high"),
    ("FS201", "system:gong", "high"),
    ("FS202", "system:deepgram", "medium"),
    ("FS202", "system:openai", "medium"),
    ("FS202", "system:sentry", "low"),
    ("FS203", "system:deepgram", "high"),
    ("FS203", "system:gong", "high"),
    ("FS203", "system:openai", "high"),
    ("FS203", "system:mailchimp", "medium"),
    ("FS204", "system:mixpanel", "medium"),
    ("FS301", "system:twilio", "high"),
    ("FS301", "system:mailchimp", "medium"),
    ("FS301", "system:mixpanel", "medium"),
    ("FS302", "system:deepgram", "critical"),
    ("FS302", "system:gong", "critical"),
    ("FS302", "system:openai", "critical"),
}


def test_scan_shows_the_sample_estates_findings() -> None:
    result = run_cli("scan", str(ACME))
    assert result.returncode == 1  # the policy fails on high, and several are high
    lines = result.stdout.splitlines()
    assert lines[0].startswith("acme-cx: 24 systems, 27 flows (8 to third parties); 38 findings")
    assert any(
        line.startswith("high      FS101  systems.yaml:") and "OpenAI" in line for line in lines
    )
    # Stripe: monitored, reviewed, in the EU, and its card data is suppressed with a reason
    assert "Stripe" not in result.stdout
    assert lines[0].endswith("; 1 suppressed")
    # the privacy team's spreadsheet is read as it is, and its rough edges are named
    assert result.stderr.splitlines() == [
        "vendors.csv:4: warning: row 4: data not in the taxonomy, kept as written: 'marketing preferences'",
        "vendors.csv:10: warning: row 10 skipped: no vendor name",
        "vendors.csv:11: warning: row 11: integrated system 'Legacy Dialler' is not a known system; no flow",
    ]


def test_scan_json_lists_findings_by_rule_and_subject() -> None:
    result = run_cli("scan", str(ACME), "--format", "json")
    report = json.loads(result.stdout)
    found = set()
    # FS303 to FS306 have their own fixtures; here, the exposures and the vendor rules
    for f in [
        f for f in report["findings"] if f["rule"][:5] not in ("FS303", "FS304", "FS305", "FS306")
    ]:
        subjects = f["subjects"][:2] if f["rule"] == "FS101" else f["subjects"][:1]
        found.add((f["rule"], *subjects, f["severity"]))
    assert found == ACME_FINDINGS
    assert all(f["locations"][0]["line"] > 0 for f in report["findings"])
    assert report["summary"]["third_party_flows"] == 8


def test_fail_on_sets_the_exit_code() -> None:
    assert run_cli("scan", str(ACME), "--fail-on", "critical").returncode == 1  # FS302
    assert run_cli("scan", str(ACME), "--fail-on", "low").returncode == 1
    assert run_cli("scan", str(ACME), "--fail-on", "none").returncode == 0


def test_output_file(tmp_path) -> None:
    out = tmp_path / "findings.json"
    result = run_cli("scan", str(ACME), "--format", "json", "-o", str(out), "--fail-on", "none")
    assert result.returncode == 0 and result.stdout == ""
    assert len(json.loads(out.read_text())["findings"]) == 38
    assert [p.name for p in tmp_path.iterdir()] == ["findings.json"]  # no temporary file left


def test_export_json_is_node_link_with_provenance(tmp_path) -> None:
    out = tmp_path / "acme.json"
    assert run_cli("export", str(ACME), "--format", "json", "-o", str(out)).returncode == 0
    document = json.loads(out.read_text())
    assert document["directed"] and document["multigraph"]
    nodes = {n["id"]: n for n in document["nodes"]}
    assert nodes["system:openai"]["kind"] == "system"
    assert nodes["system:openai"]["zone"] == "third_party"
    assert nodes["system:openai"]["name"] == "OpenAI"
    assert all({"id", "kind", "name", "sources"} <= n.keys() for n in nodes.values())
    assert all("zone" in n for n in nodes.values() if n["kind"] == "system")
    edges = [e for e in document["edges"] if e["kind"] == "flow"]
    assert len(edges) == 27
    chat = next(
        e
        for e in edges
        if (e["source"], e["target"]) == ("system:support-chatbot", "system:openai")
    )
    # systems.yaml declares chat content; the vendor inventory adds the customers' e-mails
    assert chat["declared_categories"] == ["user.content.private", "user.contact.email"]
    assert chat["sources"][0]["file"] == "systems.yaml" and chat["sources"][0]["line"] > 0
    assert len(document["findings"]) == 38


def test_version_and_help() -> None:
    assert run_cli("--version").stdout.startswith("flowscope 0.")
    help_text = run_cli("--help").stdout
    assert "examples:" in help_text and "flowscope scan inventories/acme" in help_text
    assert "--fail-on" in run_cli("scan", "--help").stdout


def test_bad_usage_exits_2() -> None:
    result = run_cli("scan", str(ACME), "--format", "yaml")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_missing_path_exits_2_without_traceback(tmp_path) -> None:
    result = run_cli("scan", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "no such file or folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_broken_systems_file_exits_2_names_file_and_line_and_still_scans(make_estate) -> None:
    root = make_estate(
        """\
        systems:
          - id: app
            type: service
            zone: internal
          - id: vendor
            type: saas
            zone: thirdparty
          - id: llm
            type: ai_provider
            zone: third_party
        flows:
          - from: app
            to: llm
            categories: [user.content.private]
        """
    )
    result = run_cli("scan", str(root), "--format", "json")
    assert result.returncode == 2
    assert "systems.yaml:7: error: bad value 'thirdparty' in zone" in result.stderr
    assert "Traceback" not in result.stderr
    # the rest of the estate was still scanned
    findings = json.loads(result.stdout)["findings"]
    assert [f["subjects"][1] for f in findings if f["rule"] == "FS101"] == ["system:llm"]


def test_hostile_yaml_exits_2_without_traceback(make_estate) -> None:
    root = make_estate("systems: !!python/object/apply:os.system ['echo pwned']\n")
    result = run_cli("scan", str(root))
    assert result.returncode == 2
    assert "systems.yaml:1: error: not valid YAML" in result.stderr
    assert "pwned" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_broken_config_exits_2(make_estate) -> None:
    root = make_estate("systems: []\n", config="sytems: [a.yaml]\n")
    result = run_cli("scan", str(root))
    assert result.returncode == 2
    assert result.stderr.strip() == "flowscope.yaml:1: error: unknown key 'sytems'"


def test_terminal_escape_sequences_in_names_are_shown_not_obeyed(make_estate) -> None:
    root = make_estate(
        """\
        systems:
          - {id: app, type: service, zone: internal, name: "App\\e[2J\\e]0;pwned\\a"}
          - {id: llm, type: ai_provider, zone: third_party, name: "<img src=x onerror=alert(1)>"}
        flows:
          - {from: app, to: llm}
        """
    )
    result = run_cli("scan", str(root))
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "App\\x1b[2J\\x1b]0;pwned\\x07" in result.stdout
    assert "<img src=x onerror=alert(1)>" in result.stdout  # plain text on a terminal is harmless


def test_a_today_that_is_not_a_date_stops_the_scan_with_one_line() -> None:
    # A pinned day that silently fell back to the real one would make reports drift.
    env = {**os.environ, "FLOWSCOPE_TODAY": "26/11/2026"}
    result = subprocess.run(
        [sys.executable, "-m", "flowscope", "scan", str(ACME)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "FLOWSCOPE_TODAY: error: '26/11/2026' is not a date; write it as YYYY-MM-DD"
    ]


BROKEN = """\
    systems:
      - {id: app, type: service, zone: internal, zon: typo}
      - {id: ai, type: ai_provider, zone: third_party}
    flows:
      - {from: ai, to: ai, categories: [user.contact.email]}
    """
READERS = [
    ["paths", "{root}", "--category", "user.contact.email"],
    ["rank", "{root}"],
    ["map", "{root}", "-o", "{out}"],
    ["export", "{root}", "--format", "json", "-o", "{out}"],
]


@pytest.mark.parametrize("command", READERS, ids=lambda c: c[0])
def test_every_command_that_reads_an_estate_exits_2_on_a_half_read_one(
    command: list[str], make_estate, tmp_path
) -> None:
    root = make_estate(BROKEN)
    args = [a.format(root=root, out=tmp_path / "out") for a in command]
    result = run_cli(*args)
    assert result.returncode == 2, result.stderr
    assert "systems.yaml:2: error: unknown key 'zon'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", READERS, ids=lambda c: c[0])
def test_every_command_that_reads_an_estate_takes_strict(command: list[str], tmp_path) -> None:
    # the sample's vendor inventory has three warnings: --strict makes them errors
    args = [a.format(root=ACME, out=tmp_path / "out") for a in command]
    assert run_cli(*args).returncode == 0
    strict = run_cli(*args, "--strict", "--jobs", "1")
    assert strict.returncode == 2
    assert "vendors.csv:10: error: row 10 skipped: no vendor name" in strict.stderr
