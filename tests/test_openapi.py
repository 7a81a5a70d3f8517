"""OpenAPI ingest on real public specs and on hostile or broken ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import flowscope
from conftest import ACME, FIXTURES, run_cli
from flowscope.model import Estate, Level
from openapi_helpers import path_operations

README = FIXTURES / "openapi" / "readme"


def endpoints(estate: Estate, origin: str | None = None) -> dict[str, dict]:
    return {
        node: data
        for node, data in estate.nodes("endpoint")
        if origin is None or data["origin"] == origin
    }


def fields(estate: Estate, endpoint: str, direction: str) -> set[str]:
    return {estate.node(f)["name"] for f in estate.node(endpoint)[f"{direction}_fields"]}


def messages(estate: Estate, level: Level | None = None) -> list[str]:
    return [str(d) for d in estate.diagnostics if level is None or d.level is level]


@pytest.mark.parametrize(
    "name",
    [
        "v2-petstore.yaml",
        "v30-petstore-expanded.yaml",
        "v30-petstore.json",
        "v30-callbacks.yaml",
        "v30-security.yaml",
        "v30-circular.yaml",
        "v30-schema-circular.yaml",
        "v31-petstore.yaml",
        "v31-security.yaml",
        "v31-webhooks.yaml",
    ],
)
def test_path_endpoints_equal_the_operations_of_each_real_spec(name: str) -> None:
    spec = README / name
    estate = flowscope.load(spec)
    assert len(endpoints(estate, "path")) == path_operations(spec)
    assert not [d for d in estate.diagnostics if d.level is Level.ERROR]


def test_swagger_2_paths_fields_servers_and_body_parameters() -> None:
    estate = flowscope.load(README / "v2-petstore.yaml")
    [(system, data)] = list(estate.nodes("system"))
    assert system == "system:swagger-petstore"
    assert data["servers"] == ["http://petstore.swagger.io/v2"]  # schemes: [http]
    assert data["hosts"] == ["petstore.swagger.io"]
    by_status = "endpoint:swagger-petstore/GET /pet/findByStatus"
    assert fields(estate, by_status, "request") == {"status"}
    assert {"[].id", "[].name", "[].category.name", "[].tags"} <= fields(
        estate, by_status, "response"
    )
    add_pet = "endpoint:swagger-petstore/POST /pet"
    assert estate.node(add_pet)["auth"] == ["oauth2"]
    assert {"name", "category.id", "tags[].name"} <= fields(estate, add_pet, "request")


def test_auth_is_read_from_security_requirements() -> None:
    estate = flowscope.load(README / "v30-security.yaml")
    auth = {(d["method"], d["path"]): d["auth"] for d in endpoints(estate).values()}
    assert auth["GET", "/anything/apiKey"] == ["apiKey"]
    assert auth["POST", "/anything/basic"] == ["http"]
    assert auth["POST", "/anything/oauth2"] == ["oauth2"]
    assert auth["POST", "/anything/openIdConnect"] == ["openIdConnect"]
    assert auth["POST", "/anything/no-auth"] == ["none"]
    assert "none" in auth["GET", "/anything/optional-auth"]  # {} allows anonymous calls


def test_webhooks_become_endpoints_and_outbound_flows() -> None:
    spec = README / "v31-webhooks.yaml"
    estate = flowscope.load(spec)
    hooks = endpoints(estate, "webhook")
    assert {(d["method"], d["path"]) for d in hooks.values()} == {
        ("POST", "newPet"),
        ("DELETE", "newPet"),
    }
    flows = [(u, v, d) for u, v, _, d in estate.flows()]
    assert flows and all(v.endswith(".receivers") for _, v, _ in flows)
    assert {via for _, _, d in flows for via in d["via"]} == set(hooks)
    assert estate.node(flows[0][1])["zone"] == "public"


def test_callbacks_are_outbound_flows_from_the_api() -> None:
    estate = flowscope.load(README / "v30-callbacks.yaml")
    callbacks = endpoints(estate, "callback")
    assert callbacks
    assert all(d["callback_of"] for d in callbacks.values())
    vias = {via for _, _, _, d in estate.flows() for via in d["via"]}
    assert vias == set(callbacks)


SPLIT = {
    "specs/api.yaml": """\
        openapi: 3.0.3
        info: {title: Orders, version: "1"}
        servers: [{url: "https://orders.example.com/v2"}]
        paths:
          /orders:
            $ref: "../paths/orders.yaml"
        """,
    "paths/orders.yaml": """\
        post:
          operationId: createOrder
          requestBody:
            content:
              application/json:
                schema: {$ref: "../schemas/order.yaml#/Order"}
          responses:
            "201": {description: created}
        """,
    "schemas/order.yaml": """\
        Order:
          type: object
          properties:
            customer: {$ref: "./customer.yaml"}
            items:
              type: array
              items:
                properties:
                  sku: {type: string}
        """,
    "schemas/customer.yaml": """\
        type: object
        properties:
          email: {type: string, format: email}
          lastOrder: {$ref: "./order.yaml#/Order"}
        """,
}


def write(root: Path, files: dict[str, str]) -> None:
    import textwrap

    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")


def test_a_spec_split_over_folders_with_a_cycle_across_files(tmp_path: Path) -> None:
    write(tmp_path, SPLIT)
    estate = flowscope.load(tmp_path)  # the estate folder is the root refs may not leave
    assert messages(estate) == []
    endpoint = "endpoint:orders/POST /orders"
    assert fields(estate, endpoint, "request") == {
        "customer",
        "customer.email",
        "customer.lastOrder",
        "items",
        "items[].sku",
    }  # the cycle order -> customer -> order is cut where it closes
    email = estate.node("field:orders/POST /orders#request.body.customer.email")
    assert email["categories"] == ["user.contact.email"]
    [source] = email["sources"]
    assert (source.file, source.line) == ("schemas/customer.yaml", 3)
    assert estate.node(endpoint)["sources"][0].file == "paths/orders.yaml"


def test_dangling_and_escaping_refs(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "api.yaml": """\
                openapi: 3.0.3
                info: {title: Broken, version: "1"}
                paths:
                  /a:
                    post:
                      requestBody:
                        content:
                          application/json:
                            schema: {$ref: "#/components/schemas/Missing"}
                      responses: {"200": {description: ok}}
                  /b:
                    post:
                      requestBody:
                        content:
                          application/json:
                            schema: {$ref: "../../etc/passwd"}
                      responses: {"200": {description: ok}}
                  /c:
                    get:
                      responses:
                        "200":
                          description: ok
                          content:
                            application/json:
                              schema: {$ref: "https://example.com/schemas.json#/Thing"}
                """
        },
    )
    estate = flowscope.load(tmp_path / "api.yaml")
    found = messages(estate)
    assert (
        "api.yaml:9: warning: $ref '#/components/schemas/Missing' points at nothing in api.yaml"
        in found
    )
    assert "api.yaml:16: error: $ref '../../etc/passwd' points outside the estate folder" in found
    assert any(
        m.startswith(
            "api.yaml:25: warning: remote $ref 'https://example.com/schemas.json#/Thing' not followed"
        )
        for m in found
    )
    assert len(endpoints(estate, "path")) == 3  # everything that could be read was read


def test_non_utf8_integer_keys_and_version_mixtures_are_warnings(tmp_path: Path) -> None:
    text = (
        "openapi: 3.0.3\n"
        "info: {title: Caf\xe9, version: '1'}\n"
        "paths:\n"
        "  /x:\n"
        "    get:\n"
        "      responses:\n"
        "        200: {description: ok}\n"
        "webhooks:\n"
        "  ping:\n"
        "    post:\n"
        "      responses: {'200': {description: ok}}\n"
    )
    (tmp_path / "api.yaml").write_bytes(text.encode("latin-1"))
    estate = flowscope.load(tmp_path / "api.yaml")
    found = messages(estate)
    assert "api.yaml:2: warning: not UTF-8; read as Latin-1" in found
    assert any(
        m.startswith("api.yaml:7: warning: 1 non-string key(s) read as strings") for m in found
    )
    assert "api.yaml:8: warning: webhooks are an OpenAPI 3.1 feature; this is 3.0" in found
    assert estate.node("system:cafe")["name"] == "Café"
    assert len(endpoints(estate)) == 2


def test_duplicate_operation_ids_are_validation_warnings_and_strict_makes_them_errors(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        {
            "api.yaml": """\
                openapi: 3.0.3
                info: {title: Dupes, version: "1"}
                paths:
                  /a:
                    get: {operationId: same, responses: {"200": {description: ok}}}
                  /b:
                    get: {operationId: same, responses: {"200": {description: ok}}}
                """
        },
    )
    estate = flowscope.load(tmp_path / "api.yaml")
    found = [m for m in messages(estate) if "invalid spec" in m]
    assert any("Operation ID 'same'" in m and m.startswith("api.yaml:") for m in found)
    assert len(endpoints(estate)) == 2
    strict = run_cli("scan", str(tmp_path / "api.yaml"), "--strict")
    assert strict.returncode == 2
    assert "error: invalid spec" in strict.stderr and "Traceback" not in strict.stderr


def test_a_broken_spec_does_not_stop_the_rest_of_the_estate(make_estate) -> None:
    root = make_estate("systems:\n  - {id: app, type: service, zone: internal}\n")
    (root / "specs").mkdir()
    (root / "specs" / "bad.yaml").write_text("openapi: 3.0.3\ninfo: [unclosed\n")
    (root / "specs" / "good.yaml").write_text(
        "openapi: 3.1.0\ninfo: {title: Good, version: '1'}\npaths:\n  /x:\n    get: {}\n"
    )
    result = run_cli("scan", str(root), "--format", "json")
    assert result.returncode == 2
    assert "specs/bad.yaml:" in result.stderr and "not valid YAML" in result.stderr
    assert "Traceback" not in result.stderr
    export = json.loads(run_cli("export", str(root), "--format", "json").stdout)
    assert "endpoint:good/GET /x" in {n["id"] for n in export["nodes"]}


def test_the_sample_estates_ai_provider_flows_show_the_categories_their_specs_observe() -> None:
    estate = flowscope.load(ACME)
    assert [m for m in messages(estate) if not m.startswith("vendors.csv")] == []
    observed = {(u, v): d.get("observed_categories", []) for u, v, _, d in estate.flows()}
    assert "user.content.private" in observed["system:support-chatbot", "system:openai"]
    assert "user.biometric.voice" in observed["system:call-transcription", "system:deepgram"]
    assert {"user.contact.email", "user.name"} <= set(
        observed["system:marketing-automation", "system:mailchimp"]
    )
    openai = estate.node("system:openai")
    assert openai["specs"] == ["specs/vendors/openai.yaml"]
    assert openai["hosts"] == ["api.openai.com"]


def test_a_via_that_names_no_operation_is_an_error_with_file_and_line(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "systems.yaml": """\
                systems:
                  - {id: bot, type: service, zone: internal}
                  - {id: llm, type: ai_provider, zone: third_party, openapi: llm.yaml}
                flows:
                  - from: bot
                    to: llm
                    via: POST /v1/chat/completion
                  - from: bot
                    to: llm
                    name: right
                    via: POST /v1/chat/completions
                """,
            "llm.yaml": """\
                openapi: 3.1.0
                info: {title: LLM, version: "1"}
                servers: [{url: "https://api.llm.example/v1"}]
                paths:
                  /chat/completions:
                    post:
                      requestBody:
                        content:
                          application/json:
                            schema:
                              properties:
                                messages:
                                  items: {properties: {content: {type: string}}}
                      responses: {"200": {description: ok}}
                """,
        },
    )
    estate = flowscope.load(tmp_path)
    assert messages(estate, Level.ERROR) == [
        "systems.yaml:7: error: via 'POST /v1/chat/completion' names no operation of llm"
    ]
    right = estate.graph.edges["system:bot", "system:llm", "flow:bot->llm#right"]
    assert right["observed_categories"] == ["user.content.private"]


def test_a_lone_spec_exports_as_json() -> None:
    result = run_cli("export", str(ACME / "specs" / "vendors" / "openai.yaml"), "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    kinds = {n["kind"] for n in document["nodes"]}
    assert kinds == {"system", "endpoint", "field"}
    chat = next(n for n in document["nodes"] if n["id"] == "endpoint:openai/POST /chat/completions")
    assert chat["origin"] == "path" and chat["auth"] == ["http"]


WILD = sorted((FIXTURES / "openapi" / "wild").iterdir()) + sorted(
    (FIXTURES / "openapi" / "invalid").iterdir()
)


@pytest.mark.parametrize("spec", WILD, ids=lambda p: p.name)
def test_real_specs_in_the_wild_ingest_without_a_traceback(spec: Path) -> None:
    result = run_cli("export", str(spec), "--format", "json")
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 2), result.stderr
    document = json.loads(result.stdout)
    path_endpoints = [
        n for n in document["nodes"] if n["kind"] == "endpoint" and n["origin"] == "path"
    ]
    assert len(path_endpoints) == path_operations(spec)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("amazonaws.com-iotsecuretunneling.json", "is not a 'regex'"),
        ("nexmo.com-reports.json", "is not one of"),
        ("openfigi.com.json", "has non-unique elements"),
    ],
)
def test_invalid_real_specs_give_validation_warnings_with_file_and_line(
    spec: str, expected: str
) -> None:
    estate = flowscope.load(FIXTURES / "openapi" / "invalid" / spec)
    invalid = [d for d in estate.diagnostics if d.message.startswith("invalid spec")]
    assert invalid and all(d.level is Level.WARNING for d in invalid)
    assert any(expected in d.message for d in invalid)
    assert all(d.source.file.endswith(spec) and d.source.line >= 1 for d in invalid)
    assert endpoints(estate, "path")  # still ingested


def test_a_validator_crash_is_a_warning_not_a_failure() -> None:
    estate = flowscope.load(FIXTURES / "openapi" / "wild" / "apicurio.local-registry.json")
    assert any("validation stopped" in d.message for d in estate.diagnostics)
    assert len(endpoints(estate, "path")) == 65


@pytest.mark.parametrize(
    ("entry", "operations"),
    [
        ("oai-petstore-separate/spec/swagger.json", 4),
        ("osv-petstore-separate/spec/openapi.yaml", 3),
        ("osv-parent-reference/openapi.yaml", 1),
        ("ocore-parent-reference/openapi.yaml", 1),
    ],
)
def test_real_multi_file_specs(entry: str, operations: int) -> None:
    folder = FIXTURES / "openapi" / "multifile" / entry.split("/")[0]
    estate = flowscope.load(folder / entry.split("/", 1)[1])
    assert len(endpoints(estate, "path")) == operations
    assert not [m for m in messages(estate) if "$ref" in m], messages(estate)
    files = {
        s.file
        for kind in ("endpoint", "field")
        for _, d in estate.nodes(kind)
        for s in d["sources"]
    }
    assert len(files) > 1, files  # operations and fields come from the files the refs point into


def test_hostile_nesting_is_refused_with_a_message(tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_text(
        '{"openapi": "3.0.0", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    )
    (tmp_path / "deep.yaml").write_text(
        "openapi: 3.0.0\nx: " + "[" * 100_000 + "]" * 100_000 + "\n"
    )
    expected = {
        "deep.json": "deep.json:1: error: JSON nested too deeply",
        "deep.yaml": "deep.yaml:2: error: not valid YAML: while increasing flow level exceeded maximum nesting depth",
    }
    for name, message in expected.items():
        result = run_cli("scan", str(tmp_path / name))
        assert result.returncode == 2
        assert result.stderr.splitlines()[0] == message
        assert "Traceback" not in result.stderr


def test_deep_schemas_and_wide_operations_are_cut_with_a_warning(tmp_path: Path) -> None:
    nested: dict = {"type": "string"}
    for level in range(40):
        nested = {"properties": {f"level{level}": nested}}
    wide = {"properties": {f"f{i}": {"type": "string"} for i in range(3000)}}
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "Big", "version": "1"},
        "paths": {
            "/deep": {
                "post": {"requestBody": {"content": {"application/json": {"schema": nested}}}}
            },
            "/wide": {"post": {"requestBody": {"content": {"application/json": {"schema": wide}}}}},
        },
    }
    (tmp_path / "big.json").write_text(json.dumps(spec))
    estate = flowscope.load(tmp_path / "big.json")
    deep = fields(estate, "endpoint:big/POST /deep", "request")
    assert max(name.count(".") for name in deep) == 12  # MAX_DEPTH
    assert len(fields(estate, "endpoint:big/POST /wide", "request")) == 2000
    assert any("POST /wide: more fields than can be read" in m for m in messages(estate))


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("x-flowscope-system: crm\n", "system:crm"),
        ("servers: [{url: 'https://api.crm.example.com/v1'}]\n", "system:crm"),
        ("", "system:crm"),  # the title "CRM" is the name of system crm
    ],
)
def test_a_spec_finds_its_system(make_estate, extra: str, expected: str) -> None:
    root = make_estate(
        "systems:\n  - {id: crm, name: CRM, type: service, zone: internal, domains: [api.crm.example.com]}\n"
    )
    (root / "specs").mkdir()
    (root / "specs" / "api.yaml").write_text(
        "openapi: 3.0.3\ninfo: {title: CRM, version: '1'}\n"
        + extra
        + "paths:\n  /x:\n    get: {}\n"
    )
    estate = flowscope.load(root)
    assert [n for n, _ in estate.nodes("endpoint")] == [f"endpoint:{expected.split(':')[1]}/GET /x"]
    assert estate.node(expected)["specs"] == ["specs/api.yaml"]


def test_an_unknown_spec_becomes_a_system_of_its_own(make_estate) -> None:
    root = make_estate("systems: []\n")
    (root / "specs").mkdir()
    (root / "specs" / "api.yaml").write_text(
        "openapi: 3.0.3\ninfo: {title: Billing API, version: '1'}\npaths: {}\n"
    )
    estate = flowscope.load(root)
    assert estate.node("system:billing-api")["name"] == "Billing API"


def test_a_lone_systems_file_inside_an_estate_reads_as_part_of_that_estate() -> None:
    result = run_cli("scan", str(ACME / "systems.yaml"), "--format", "json", "--fail-on", "none")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["estate"] == "acme-cx"  # its flowscope.yaml, two folders up from here
    assert report["summary"]["systems"] >= 21
    assert len([f for f in report["findings"] if f["rule"] == "FS101"]) == 5


def test_the_receivers_of_webhooks_and_callbacks_are_one_node_without_conflict(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        {
            "api.yaml": """\
                openapi: 3.1.0
                info: {title: Both, version: "1"}
                paths:
                  /jobs:
                    post:
                      callbacks:
                        done:
                          "{$request.body#/url}":
                            post: {responses: {"200": {description: ok}}}
                      responses: {"200": {description: ok}}
                webhooks:
                  ping:
                    post: {responses: {"200": {description: ok}}}
                """
        },
    )
    estate = flowscope.load(tmp_path / "api.yaml")
    assert messages(estate) == []
    assert estate.graph.number_of_edges("system:both", "system:both.receivers") == 2
