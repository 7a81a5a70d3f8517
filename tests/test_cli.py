"""End to end: the command line on the sample estate and on broken input."""

from __future__ import annotations

import json

from conftest import ACME, run_cli

ACME_FS101 = {
    ("FS101", "system:support-chatbot", "system:openai", "high"),
    ("FS101", "system:call-transcription", "system:deepgram", "high"),
    ("FS101", "system:marketing-automation", "system:mailchimp", "medium"),
    ("FS101", "system:web-app", "system:mixpanel", "medium"),
    ("FS101", "system:web-app", "system:sentry", "low"),
}


def test_scan_shows_the_sample_estates_unmonitored_third_party_flows() -> None:
    result = run_cli("scan", str(ACME))
    assert result.returncode == 1  # the policy fails on high, and two flows are high
    lines = result.stdout.splitlines()
    assert lines[0].startswith("acme-cx: 23 systems, 26 flows (7 to third parties); 5 findings")
    assert any(
        line.startswith("high      FS101  systems.yaml:") and "OpenAI" in line for line in lines
    )
    assert "Stripe" not in result.stdout and "Twilio" not in result.stdout  # monitored
    assert result.stderr == ""


def test_scan_json_lists_findings_by_rule_and_subject() -> None:
    result = run_cli("scan", str(ACME), "--format", "json")
    report = json.loads(result.stdout)
    found = {
        (f["rule"], f["subjects"][0], f["subjects"][1], f["severity"]) for f in report["findings"]
    }
    assert found == ACME_FS101
    assert all(
        f["locations"][0]["file"] == "systems.yaml" and f["locations"][0]["line"] > 0
        for f in report["findings"]
    )
    assert report["summary"]["third_party_flows"] == 7


def test_fail_on_sets_the_exit_code() -> None:
    assert run_cli("scan", str(ACME), "--fail-on", "critical").returncode == 0
    assert run_cli("scan", str(ACME), "--fail-on", "low").returncode == 1
    assert run_cli("scan", str(ACME), "--fail-on", "none").returncode == 0


def test_output_file(tmp_path) -> None:
    out = tmp_path / "findings.json"
    result = run_cli("scan", str(ACME), "--format", "json", "-o", str(out), "--fail-on", "none")
    assert result.returncode == 0 and result.stdout == ""
    assert len(json.loads(out.read_text())["findings"]) == 5
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
    assert len(edges) == 26
    chat = next(
        e
        for e in edges
        if (e["source"], e["target"]) == ("system:support-chatbot", "system:openai")
    )
    assert chat["declared_categories"] == ["user.content.private"]
    assert chat["sources"][0]["file"] == "systems.yaml" and chat["sources"][0]["line"] > 0
    assert len(document["findings"]) == 5


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
    assert [f["subjects"][1] for f in json.loads(result.stdout)["findings"]] == ["system:llm"]


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
