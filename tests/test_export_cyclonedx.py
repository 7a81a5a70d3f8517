"""CycloneDX: valid against the schema bundled with cyclonedx-python-lib, every flow on both ends."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

import flowscope
from conftest import ACME, cli_export, run_cli

VALIDATOR = JsonStrictValidator(SchemaVersion.V1_6)


@pytest.fixture(scope="module")
def acme_bom(tmp_path_factory: pytest.TempPathFactory) -> str:
    return cli_export("cyclonedx", tmp_path_factory.mktemp("cdx") / "acme.cdx.json")


def test_the_sample_estate_validates_strictly(acme_bom: str) -> None:
    assert VALIDATOR.validate_str(acme_bom) is None


def test_the_validator_would_catch_a_broken_document(acme_bom: str) -> None:
    broken = json.loads(acme_bom)
    broken["services"][0]["data"] = [{"flow": "sideways", "classification": "x"}]
    assert VALIDATOR.validate_str(json.dumps(broken)) is not None


def test_services_are_the_systems_with_their_trust_zones(acme_bom: str) -> None:
    estate = flowscope.load(ACME)
    services = {s["bom-ref"]: s for s in json.loads(acme_bom)["services"]}

    systems = dict(estate.nodes("system"))
    assert set(services) == set(systems)
    assert {r: s["trustZone"] for r, s in services.items()} == {
        r: d["zone"] for r, d in systems.items()
    }
    assert services["system:openai"]["x-trust-boundary"] is True
    assert services["system:crm"]["x-trust-boundary"] is False
    assert services["system:openai"]["provider"] == {"name": "OpenAI"}


def test_each_flow_is_outbound_at_its_sender_and_inbound_at_its_receiver(acme_bom: str) -> None:
    estate = flowscope.load(ACME)
    document = json.loads(acme_bom)
    serial = document["serialNumber"].removeprefix("urn:uuid:")
    services = {s["bom-ref"]: s for s in document["services"]}

    def ends(entry: dict) -> tuple[str, str]:
        prefix = f"urn:cdx:{serial}/1#"
        [source], [destination] = entry["source"], entry["destination"]
        assert source.startswith(prefix) and destination.startswith(prefix)
        return unquote(source.removeprefix(prefix)), unquote(destination.removeprefix(prefix))

    for sender, receiver, key, _ in estate.flows():
        for ref, direction in ((sender, "outbound"), (receiver, "inbound")):
            entries = [e for e in services[ref]["data"] if e["name"] == key]
            assert {e["flow"] for e in entries} == {direction}
            assert {ends(e) for e in entries} == {(sender, receiver)}
            assert sorted(e["classification"] for e in entries) == (
                estate.carried(sender, receiver, key) or ["unclassified"]
            )
    linked = {end for s in services.values() for e in s.get("data", []) for end in ends(e)}
    assert linked <= set(services)  # no BOM-link points at a missing service


def test_an_unchanged_estate_exports_the_same_document(acme_bom: str, tmp_path: Path) -> None:
    again = tmp_path / "again.json"
    assert run_cli("export", str(ACME), "--format", "cyclonedx", "-o", str(again)).returncode == 0
    assert again.read_text(encoding="utf-8") == acme_bom


def test_hostile_names_and_server_templates_still_validate(make_estate, tmp_path: Path) -> None:
    estate = make_estate(
        """\
        systems:
          - {id: app, name: 'App "quoted" <b>', type: service, zone: internal, openapi: api.yaml}
          - {id: v, name: "Vendor ]]> \\u0001", type: saas, zone: third_party}
        flows:
          - {from: app, to: v, categories: [user.contact.email], description: "line\\nbreak"}
        """,
        **{
            "api.yaml": """\
            openapi: 3.0.3
            info: {title: App, version: "1"}
            servers:
              - {url: "https://{region}.api.example.com/v1"}
              - {url: "https://ok.example.com/a b"}
              - {url: "https://x.example.com/ü"}
            paths: {}
            """
        },
    )
    out = tmp_path / "bom.json"
    assert run_cli("export", str(estate), "--format", "cyclonedx", "-o", str(out)).returncode == 0
    text = out.read_text(encoding="utf-8")

    assert VALIDATOR.validate_str(text) is None
    services = {s["bom-ref"]: s for s in json.loads(text)["services"]}
    assert services["system:app"]["name"] == 'App "quoted" <b>'
    assert services["system:app"]["endpoints"] == [
        "https://ok.example.com/a%20b",
        "https://x.example.com/%C3%BC",
    ]
