"""FS303 to FS306 on a small estate where each fires once, and each has a twin that does not."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import flowscope

ESTATE = {
    "systems.yaml": """\
        systems:
          - {id: people, type: actor, zone: public}
          - {id: app, type: service, zone: internal}
          - {id: db, type: datastore, zone: internal}
          - {id: cache, type: datastore, zone: internal}
          - {id: vendor, type: saas, zone: third_party, monitored: true, openapi: vendor.yaml}
        flows:
          # FS303: the operation takes a phone number nobody declared
          - {from: app, to: vendor, via: POST /contacts, categories: [user.contact.email], encrypted: true, masked: [user.contact.email]}
          # FS305: personal data over http, and into the estate unencrypted
          - {from: people, to: app, protocol: http, categories: [user.contact.email]}
          # FS306: an internal flow of personal data with no authentication on record
          - {from: app, to: db, encrypted: true, categories: [user.contact.email]}
          # twins that pass: authenticated, encrypted, or carrying nothing personal
          - {from: app, to: cache, encrypted: true, authenticated: true, categories: [user.contact.email]}
          - {from: db, to: cache, categories: [system.operations]}
        """,
    "vendor.yaml": """\
        openapi: 3.0.3
        info: {title: Vendor, version: "1"}
        servers: [{url: "https://api.vendor.example"}]
        paths:
          /contacts:
            post:
              requestBody:
                content:
                  application/json:
                    schema:
                      properties:
                        email: {type: string}
                        phone_number: {type: string}
              responses: {"200": {description: ok}}
        """,
    "specs/app.yaml": """\
        openapi: 3.0.3
        info: {title: App, version: "1"}
        x-flowscope-system: app
        servers: [{url: "http://app.internal.example"}]
        paths:
          /me:
            get:
              security: []
              responses:
                "200":
                  description: ok
                  content:
                    application/json:
                      schema: {properties: {email: {type: string}, birthday: {type: string}}}
          /health:
            get:
              security: []
              responses: {"200": {description: ok, content: {application/json: {schema: {properties: {status: {type: string}}}}}}}
        """,
}


def test_each_rule_fires_where_it_should(tmp_path: Path) -> None:
    for name, text in ESTATE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text))
    estate = flowscope.load(tmp_path)
    assert [str(d) for d in estate.errors] == []
    found = {
        (f.rule_id, f.subjects[0], f.subjects[1] if len(f.subjects) > 1 else "")
        for f in estate.findings
    }
    assert {f for f in found if f[0] in ("FS303", "FS304", "FS305", "FS306")} == {
        ("FS303", "system:app", "system:vendor"),
        ("FS304", "endpoint:app/GET /me", ""),
        ("FS305", "system:people", "system:app"),
        ("FS305", "system:app", "http://app.internal.example"),
        ("FS306", "system:app", "system:db"),
    }
    undeclared = next(f for f in estate.findings if f.rule_id == "FS303")
    assert undeclared.categories == ("user.contact.phone_number",)
    assert any(s.file == "vendor.yaml" for s in undeclared.locations)


def test_rank_puts_the_most_exposed_integration_point_first() -> None:
    from conftest import ACME, run_cli

    result = run_cli("rank", str(ACME), "--format", "json")
    points = json.loads(result.stdout)
    assert points[0]["target"] == "system:gong"  # voice to an unmonitored AI vendor with no DPA
    assert [p["score"] for p in points] == sorted((p["score"] for p in points), reverse=True)
    stripe = next(p for p in points if p["target"] == "system:stripe")
    assert stripe["factors"] == {
        "data": 10.5
    }  # monitored, authenticated, encrypted, DPA, EU, reviewed
    assert stripe["score"] == 10.5
    table = run_cli("rank", str(ACME), "--top", "3").stdout.splitlines()
    assert len(table) == 4 and "Gong" in table[1]


def test_a_system_with_no_declared_zone_is_not_assumed_safe(make_estate) -> None:
    from flowscope import analyze

    estate = flowscope.load(
        make_estate(
            """\
            systems:
              - {id: app, type: service, zone: internal}
              - {id: mystery, type: service, zone: internal}
              - {id: db, type: datastore, zone: internal}
            flows:
              - {from: app, to: mystery, authenticated: true, categories: [user.contact.email]}
              - {from: app, to: db, authenticated: true, categories: [user.contact.email]}
            """
        )
    )
    assert not [f for f in estate.findings if f.rule_id == "FS305"]
    # an estate built in Python (or merged from elsewhere) may leave a zone unknown
    del estate.graph.nodes["system:mystery"]["zone"]

    unencrypted = [f for f in analyze.analyze(estate) if f.rule_id == "FS305"]

    assert [f.subjects[:2] for f in unencrypted] == [("system:app", "system:mystery")]
    assert "no declared zone" in unencrypted[0].message
