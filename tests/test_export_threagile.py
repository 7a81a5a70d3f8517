"""Threagile: a model its loader accepts, with the estate's assets, links, boundaries and risks."""

from __future__ import annotations

import copy
import json
from collections import Counter
from typing import Any

import pytest
import yaml

import flowscope
from conftest import cli_export
from flowscope.analyze import RULES
from flowscope.export import threagile
from flowscope.model import Estate
from threat_model_checks import threagile_problems as problems


@pytest.fixture(scope="module")
def acme_model(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("threagile") / "threagile.yaml"
    model: dict[str, Any] = yaml.safe_load(cli_export("threagile", out))
    return model


def test_the_sample_estate_is_a_model_threagile_loads(acme_model: dict[str, Any]) -> None:
    assert problems(acme_model) == []


@pytest.mark.parametrize(
    "breakage",
    [
        lambda m: m["technical_assets"]["CRM"].update(technology="crm"),
        lambda m: m["technical_assets"]["CRM"].update(id="CRM system"),
        lambda m: m["technical_assets"]["CRM"].pop("internet"),
        lambda m: next(iter(m["technical_assets"]["CRM"]["communication_links"].values())).update(
            target="nowhere"
        ),
        lambda m: m["technical_assets"]["CRM"]["data_assets_processed"].append("unknown"),
        lambda m: m["trust_boundaries"]["Third parties"]["technical_assets_inside"].append("crm"),
        lambda m: m["technical_assets"]["CRM"]["tags"].append("undeclared"),
        lambda m: m["data_assets"]["user.contact.email"].update(confidentiality="secret"),
        lambda m: m.pop("shared_runtimes"),
    ],
    ids=["technology", "id", "missing boolean", "link target", "data asset", "two boundaries",
         "tag", "confidentiality", "shared_runtimes"],
)  # fmt: skip
def test_the_checks_would_catch_a_broken_model(acme_model: dict[str, Any], breakage: Any) -> None:
    broken = copy.deepcopy(acme_model)
    breakage(broken)
    assert problems(broken)


def by_flowscope_id(entries: Any) -> dict[str, Any]:
    return {e["description"].rsplit("flowscope id: ", 1)[1]: e for e in entries}


def test_systems_are_technical_assets_in_their_zones_boundary(
    acme: Estate, acme_model: dict[str, Any]
) -> None:
    assets = by_flowscope_id(acme_model["technical_assets"].values())
    assert set(assets) == {s for s, _ in acme.nodes("system")}
    kinds = {s: (a["type"], a["technology"], a["out_of_scope"]) for s, a in assets.items()}
    assert kinds["system:customer"] == ("external-entity", "client-system", False)
    assert kinds["system:openai"] == ("external-entity", "ai", True)
    assert kinds["system:customer-db"] == ("datastore", "database", False)
    assert kinds["system:warehouse"] == ("datastore", "data-lake", False)
    assert kinds["system:crm"] == ("process", "web-service-rest", False)
    assert assets["system:call-transcription"]["confidentiality"] == "strictly-confidential"
    assert "user-biometric-voice" in assets["system:call-transcription"]["data_assets_processed"]
    inside = {
        b["type"]: set(b["technical_assets_inside"])
        for b in acme_model["trust_boundaries"].values()
    }
    zones = {"network-on-prem": "internal", "network-cloud-provider": "third_party"}
    for kind, members in inside.items():
        expected = {a["id"] for s, a in assets.items() if acme.node(s)["zone"] == zones[kind]}
        assert members == expected
    public = {a["id"] for s, a in assets.items() if acme.node(s)["zone"] == "public"}
    assert public and not public & set().union(*inside.values())  # the internet: no boundary


def test_flows_are_links_with_protocol_authentication_and_data(
    acme: Estate, acme_model: dict[str, Any]
) -> None:
    assets = by_flowscope_id(acme_model["technical_assets"].values())
    links = {
        key: (sender, link)
        for sender, asset in assets.items()
        for key, link in by_flowscope_id((asset["communication_links"] or {}).values()).items()
    }
    assert len(links) == sum(1 for _ in acme.flows())
    data_ids = {title: d["id"] for title, d in acme_model["data_assets"].items()}
    for u, v, key, _data in acme.flows():
        sender, link = links[key]
        assert sender == u and link["target"] == assets[v]["id"]
        assert link["data_assets_sent"] == [data_ids[c] for c in acme.carried(u, v, key)]
    protocols = {k: (link["protocol"], link["authentication"]) for k, (_, link) in links.items()}
    assert protocols["flow:crm->customer-db"] == ("sql-access-protocol-encrypted", "credentials")
    assert protocols["flow:crm->warehouse#nightly-crm-load"] == ("jdbc-encrypted", "credentials")
    assert protocols["flow:support-chatbot->openai"] == ("https", "token")
    assert protocols["flow:contact-centre->gong"] == ("unknown-protocol", "none")
    assert protocols["flow:contact-centre->twilio"] == (
        "binary-encrypted",
        "credentials",
    )  # sip-tls
    voice = acme_model["data_assets"]["user.biometric.voice"]
    assert voice["confidentiality"] == "strictly-confidential"
    assert acme_model["data_assets"]["system.operations"]["usage"] == "devops"


def test_each_finding_is_one_identified_risk(acme: Estate, acme_model: dict[str, Any]) -> None:
    rules = {rule.id: rule for rule in RULES}
    categories = acme_model["individual_risk_categories"]
    risks = [
        (category["id"], risk)
        for category in categories.values()
        for risk in category["risks_identified"].values()
    ]
    assert len(risks) == len(acme.findings) == 38
    for category in categories.values():
        rule = rules[category["id"].removeprefix("flowscope-").upper()]
        assert category["stride"] == rule.stride.value
        assert category["mitigation"] == rule.remediation
        assert category["cwe"] == rule.cwe
    fs101 = categories["FS101 Unmonitored third-party flow"]["risks_identified"]
    openai = next(r for t, r in fs101.items() if "Support chatbot → OpenAI" in t)
    assert openai["most_relevant_communication_link"] == "support-chatbot>to-openai"
    assert openai["severity"] == "high"
    severities = Counter(r["severity"] for _, r in risks)
    assert severities == Counter(f.severity.label for f in acme.findings)


def test_hostile_and_duplicate_names_survive_the_yaml(make_estate: Any) -> None:
    names = ["null", "yes: no # not a comment", "1.0", "Twin", "Twin", "- [x]\n? y"]
    systems = "\n".join(
        f"  - {{id: s{n}, name: {json.dumps(name)}, type: service, zone: internal}}"
        for n, name in enumerate(names)
    )
    flows = "\n".join(f"  - {{from: s{n}, to: s{n + 1}, name: {json.dumps(names[n])}}}"
                      for n in range(len(names) - 1))  # fmt: skip
    estate = flowscope.load(make_estate(f"systems:\n{systems}\nflows:\n{flows}\n"))
    model = yaml.safe_load(flowscope.export_estate(estate, "threagile"))
    assert problems(model) == []
    titles = set(model["technical_assets"])
    assert {"null", "yes: no # not a comment", "1.0", "Twin", "Twin (2)", "- [x]\n? y"} == titles
    assert all(isinstance(t, str) for t in titles) and len(titles) == len(names)


def test_ids_are_what_threagile_allows() -> None:
    assert threagile.threagile_id("system:Ünïcode Name (EU)") == "unicode-name-eu"
    assert threagile.threagile_id("system:!!!") == "unnamed"


def test_the_api_and_the_cli_give_the_same_model(acme: Estate, acme_model: dict[str, Any]) -> None:
    assert yaml.safe_load(flowscope.export_estate(acme, "threagile")) == acme_model
