"""Threat Dragon v2: a valid model, every system inside its zone's boundary, findings as threats."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from threatsketch import boundaries, td_adapter
from threatsketch.model import Kind

import flowscope
from conftest import cli_export
from flowscope.analyze import RULES
from flowscope.export import threat_dragon
from flowscope.export.views import ZONE_TITLES, trust_zone
from flowscope.model import Estate, Source
from threat_model_checks import (
    NODE_SHAPES,
    assert_every_system_inside_its_boundary,
    box,
    cells,
)
from threat_model_checks import threat_dragon_problems as problems


@pytest.fixture(scope="module")
def acme_model(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("td") / "acme.threat-dragon.json"
    document: dict[str, Any] = json.loads(cli_export("threat-dragon", out))
    return document


def test_the_sample_estate_is_a_valid_threat_dragon_v2_model(acme_model: dict[str, Any]) -> None:
    assert problems(acme_model) == []
    assert acme_model["version"].startswith("2.")
    assert acme_model["detail"]["reviewer"] == ""
    assert all(d["version"].startswith("2.") for d in acme_model["detail"]["diagrams"])


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: cells(d)[0]["attrs"]["body"].update(strokeDasharray=None),
        lambda d: d.update(version=2),
        lambda d: d["detail"].pop("reviewer"),
        lambda d: d["detail"]["diagrams"][0].pop("version"),
        lambda d: next(c for c in cells(d) if c["shape"] == "flow")["target"].update(
            cell="00000000-0000-0000-0000-000000000000"
        ),
        lambda d: cells(d).append(copy.deepcopy(cells(d)[0])),
        lambda d: next(c for c in cells(d) if c["data"].get("threats"))["data"]["threats"][0].update(
            severity="Severe"
        ),
    ],
    ids=["null dash", "number version", "no reviewer", "no diagram version", "dangling flow",
         "duplicate id", "unknown severity"],
)  # fmt: skip
def test_the_checks_would_catch_a_broken_model(acme_model: dict[str, Any], breakage: Any) -> None:
    broken = copy.deepcopy(acme_model)
    breakage(broken)
    assert problems(broken)


def test_every_system_lies_inside_its_zones_boundary(
    acme: Estate, acme_model: dict[str, Any]
) -> None:
    assert_every_system_inside_its_boundary(acme, acme_model)
    boundaries = [box(c) for c in cells(acme_model) if c["shape"] == "trust-boundary-box"]
    assert len(boundaries) == 3  # public, internal, third parties
    for a in boundaries:  # boxes apart: no shape can be in two
        for b in boundaries:
            assert a is b or a.x + a.width < b.x or b.x + b.width < a.x
    assert {c["zIndex"] for c in cells(acme_model) if c["shape"] == "trust-boundary-box"} == {-1}


def test_elements_have_the_shape_of_what_they_are(acme: Estate, acme_model: dict[str, Any]) -> None:
    shape = {c["id"]: c["shape"] for c in cells(acme_model)}
    expected = {
        "system:customer": "actor",  # a person
        "system:support-agent": "actor",
        "system:openai": "actor",  # a third party
        "system:deepgram.receivers": "actor",  # outside the estate
        "system:crm": "process",
        "system:customer-db": "store",
        "system:warehouse": "store",
    }
    assert {s: shape[threat_dragon.cell_id(s)] for s in expected} == expected
    assert sum(1 for s in shape.values() if s in NODE_SHAPES) == sum(
        1 for _ in acme.nodes("system")
    )


def test_flows_carry_protocol_encryption_and_categories(
    acme: Estate, acme_model: dict[str, Any]
) -> None:
    flows = {c["data"]["description"].rsplit("flowscope id: ", 1)[1]: c for c in cells(acme_model)
             if c["shape"] == "flow"}  # fmt: skip
    assert len(flows) == sum(1 for _ in acme.flows())
    for u, v, key, data in acme.flows():
        cell = flows[key]
        assert cell["source"]["cell"] == threat_dragon.cell_id(u)
        assert cell["target"]["cell"] == threat_dragon.cell_id(v)
        assert cell["data"]["protocol"] == (data.get("protocol") or "")
        assert cell["data"]["isEncrypted"] is (data.get("encrypted") is True)
        carried = acme.carried(u, v, key)
        assert ("Carries: " + (", ".join(carried) or "no classified data")) in cell["data"][
            "description"
        ]
    gong = flows["flow:contact-centre->gong"]["data"]
    assert (gong["isEncrypted"], gong["isPublicNetwork"]) == (False, True)
    db = flows["flow:crm->customer-db"]["data"]
    assert (db["isEncrypted"], db["isPublicNetwork"], db["protocol"]) == (True, False, "postgres")


def test_each_finding_is_one_threat_on_the_cell_it_concerns(
    acme: Estate, acme_model: dict[str, Any]
) -> None:
    on_cell = {
        (c["id"], t["description"].rsplit("fingerprint ", 1)[1]): t
        for c in cells(acme_model)
        for t in c["data"].get("threats", [])
    }
    assert len(on_cell) == len(acme.findings) == acme_model["detail"]["threatTop"] == 38
    rules = {rule.id: rule for rule in RULES}
    for finding in acme.findings:
        subjects = finding.subjects
        if subjects[0].startswith("endpoint:"):  # FS304: on the system serving the endpoint
            where = "system:" + subjects[0].split(":", 1)[1].split("/", 1)[0]
        elif len(subjects) == 3:
            where = "flow:" + "|".join(subjects)
        else:
            where = subjects[0]
        threat = on_cell[threat_dragon.cell_id(where), finding.fingerprint]
        assert (threat["title"], threat["ruleId"]) == (finding.title, finding.rule_id)
        assert threat["type"] == rules[finding.rule_id].stride.words
        assert threat["mitigation"] == rules[finding.rule_id].remediation
        assert threat["severity"] == finding.severity.label.capitalize()
        assert finding.message in threat["description"]
    openai = next(c for c in cells(acme_model) if c["id"] == threat_dragon.cell_id("system:openai"))
    assert openai["data"]["hasOpenThreats"] is True
    assert openai["attrs"]["body"]["stroke"] == "red"
    numbers = sorted(t["number"] for t in on_cell.values())
    assert numbers == list(range(1, 39))


def test_a_big_estate_keeps_every_system_in_its_boundary(make_estate: Any) -> None:
    zones = ["public"] * 7 + ["internal"] * 60 + ["third_party"] * 33
    systems = "\n".join(
        f"  - {{id: s{n}, type: {'datastore' if n % 9 == 0 else 'service'}, zone: {z}}}"
        for n, z in enumerate(zones)
    )
    flows = "\n".join(f"  - {{from: s{n}, to: s{(n * 7 + 3) % 100}}}" for n in range(100))
    estate = flowscope.load(make_estate(f"systems:\n{systems}\nflows:\n{flows}\n"))
    document = json.loads(flowscope.export_estate(estate, "threat-dragon"))
    assert problems(document) == []
    assert_every_system_inside_its_boundary(estate, document)


def test_a_system_with_no_zone_gets_a_boundary_of_its_own() -> None:
    estate = Estate("merged")
    here = Source("api", 1)
    estate.add_node("system:app", "system", here, type="service", zone="internal")
    estate.add_node("system:legacy", "system", here, type="service")  # built by the API: no zone
    estate.add_edge("system:app", "system:legacy", "flow", here, key="flow:app->legacy")
    document = json.loads(threat_dragon.export(estate, {}))
    assert problems(document) == []
    assert_every_system_inside_its_boundary(estate, document)
    titles = {c["attrs"]["label"]["text"] for c in cells(document) if c["shape"] != "flow"
              and c["shape"] == "trust-boundary-box"}  # fmt: skip
    assert titles == {"Internal", "Zone not declared"}


def test_hostile_names_arrive_as_text(make_estate: Any) -> None:
    name = '</text><script>alert(1)</script>"\\'
    folder = make_estate(
        f"""\
        systems:
          - {{id: app, name: {json.dumps(name)}, type: service, zone: internal}}
          - {{id: ai, type: ai_provider, zone: third_party}}
        flows:
          - {{from: app, to: ai, name: {json.dumps(name)}, categories: [user.content.private]}}
        """
    )
    document = json.loads(flowscope.export_estate(flowscope.load(folder), "threat-dragon"))
    assert problems(document) == []
    app = next(c for c in cells(document) if c["id"] == threat_dragon.cell_id("system:app"))
    assert app["data"]["name"] == app["attrs"]["text"]["text"] == name
    flow = next(c for c in cells(document) if c["shape"] == "flow")
    assert flow["data"]["name"] == name


def test_the_api_and_the_cli_give_the_same_model(acme: Estate, acme_model: dict[str, Any]) -> None:
    assert json.loads(flowscope.export_estate(acme, "threat-dragon")) == acme_model


def test_threatsketch_reads_it_and_puts_every_system_in_its_zone(
    acme: Estate, acme_model: dict[str, Any]
) -> None:
    # ThreatSketch reads Threat Dragon models and, like Threat Dragon, decides
    # by position which boundary box holds an element.
    model, _ = td_adapter.load_raw(copy.deepcopy(acme_model))
    assert model.warnings == []
    [diagram] = model.diagrams
    boundaries.assign_zones(diagram)
    boundaries.assign_crossings(diagram)
    boxes = {e.cell_id: e.name for e in diagram.of_kind(Kind.BOUNDARY_BOX)}
    zone = {}
    for system, data in acme.nodes("system"):
        element = diagram.elements[threat_dragon.cell_id(system)]
        zone[element.cell_id] = boxes[element.zone]
        assert zone[element.cell_id] == ZONE_TITLES[trust_zone(data)], system
    flows = diagram.of_kind(Kind.FLOW)
    assert len(flows) == sum(1 for _ in acme.flows())
    for flow in flows:  # a flow crosses boundaries exactly when its ends sit in two zones
        assert bool(flow.crosses) == (zone[flow.source_id] != zone[flow.target_id])
    threats = [t for e in diagram.elements.values() for t in e.threats]
    assert len(threats) == len(acme.findings)
