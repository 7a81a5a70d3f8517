from pathlib import Path

import flowscope
from flowscope.model import Severity

FIXTURE = Path(__file__).parent / "fixtures" / "rules" / "FS101"


def test_fs101_fires_on_exactly_the_unmonitored_third_party_flows() -> None:
    estate = flowscope.load(FIXTURE / "systems.yaml")
    assert estate.diagnostics == []
    found = {
        (f.rule_id, f.subjects[0], f.subjects[1], f.severity)
        for f in estate.findings
        if f.rule_id == "FS101"
    }
    assert found == {
        ("FS101", "system:app", "system:silent-vendor", Severity.HIGH),
        ("FS101", "system:app", "system:dark-vendor", Severity.MEDIUM),
        ("FS101", "system:app", "system:watched-vendor", Severity.LOW),
    }


def test_fs101_names_the_flow_line_and_says_why() -> None:
    estate = flowscope.load(FIXTURE / "systems.yaml")
    by_target = {f.subjects[1]: f for f in estate.findings if f.rule_id == "FS101"}
    silent = by_target["system:silent-vendor"]
    assert str(silent.location).endswith("FS101/systems.yaml:12")
    assert "monitoring unknown" in silent.message
    assert silent.categories == ("user.content.private",)
    assert [(hop.source, hop.target) for hop in silent.path] == [
        ("system:app", "system:silent-vendor")
    ]
    assert "monitoring off" in by_target["system:dark-vendor"].message
    assert by_target["system:watched-vendor"].subjects[2] == "flow:app->watched-vendor#bulk-export"
