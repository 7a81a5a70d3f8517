"""The JSON export is a lossless estate: reading it back gives the same graph and findings."""

from __future__ import annotations

import json
from pathlib import Path

import flowscope
from conftest import ACME, run_cli
from flowscope.export import json_graph


def _export(tmp_path: Path) -> Path:
    out = tmp_path / "acme.json"
    assert run_cli("export", str(ACME), "--format", "json", "-o", str(out)).returncode == 0
    return out


def test_reading_an_export_back_gives_the_same_graph(tmp_path: Path) -> None:
    original = flowscope.load(ACME)
    exported = _export(tmp_path)

    again = flowscope.load(exported)

    assert set(again.graph.nodes) == set(original.graph.nodes)
    assert sorted(again.graph.edges(keys=True)) == sorted(original.graph.edges(keys=True))
    first = json_graph.to_document(original)
    second = json_graph.to_document(again)
    assert second["nodes"] == first["nodes"]
    assert second["edges"] == first["edges"]
    assert second["flowscope"] == first["flowscope"]


def test_an_export_is_analysed_again_to_the_same_findings(tmp_path: Path) -> None:
    original = flowscope.load(ACME)
    again = flowscope.load(_export(tmp_path))

    assert [f.to_dict() for f in again.findings] == [f.to_dict() for f in original.findings]
    assert len(again.findings) == 38


def test_scan_of_an_export_fails_ci_like_the_estate(tmp_path: Path) -> None:
    result = run_cli("scan", str(_export(tmp_path)), "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert len(report["findings"]) == 38


def test_a_damaged_export_is_one_line_naming_the_file(tmp_path: Path) -> None:
    exported = _export(tmp_path)
    text = exported.read_text(encoding="utf-8")
    exported.write_text(text[: len(text) // 2], encoding="utf-8")

    result = run_cli("scan", str(exported))

    assert result.returncode == 2
    assert "acme.json" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_hand_edited_header_is_reported_not_raised(tmp_path: Path) -> None:
    exported = _export(tmp_path)
    document = json.loads(exported.read_text(encoding="utf-8"))
    del document["flowscope"]["policy"]["suppressions"][0]["reason"]
    exported.write_text(json.dumps(document), encoding="utf-8")

    result = run_cli("scan", str(exported))

    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "acme.json" in result.stderr and "reason" in result.stderr
    assert "Traceback" not in result.stderr
