"""Specs given by URL and remote $refs, against a real HTTP server on loopback."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import flowscope
from conftest import run_cli, serving
from flowscope.ingest.openapi import documents
from flowscope.model import Level

API = """\
openapi: 3.1.0
info: {title: Remote API, version: "1"}
paths:
  /users:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: "common.yaml#/User"}
      responses: {"200": {description: ok}}
"""
COMMON = """\
User:
  properties:
    email: {type: string}
    phone_number: {type: string}
"""


class Site:
    """What the loopback server answers: path -> (status, body, delay in seconds)."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, bytes, float]] = {}
        self.requests: list[str] = []
        self.url = ""


@pytest.fixture
def site() -> Iterator[Site]:
    state = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append(self.path)
            status, body, delay = state.pages.get(self.path, (404, b"not here", 0.0))
            time.sleep(delay)
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    with serving(ThreadingHTTPServer(("127.0.0.1", 0), Handler)) as server:
        state.url = f"http://127.0.0.1:{server.server_address[1]}"
        yield state


def test_a_spec_given_by_url_is_fetched_and_remote_refs_wait_for_permission(site: Site) -> None:
    site.pages["/api.yaml"] = (200, API.encode(), 0.0)
    site.pages["/common.yaml"] = (200, COMMON.encode(), 0.0)
    url = f"{site.url}/api.yaml"

    cautious = flowscope.load(url)
    endpoint = "endpoint:remote-api/POST /users"
    assert cautious.node(endpoint)["request_fields"] == []
    [warning] = [d for d in cautious.diagnostics if "$ref" in d.message]
    assert warning.level is Level.WARNING
    assert warning.source.file == url and warning.source.line == 9
    assert "/common.yaml" not in site.requests

    trusting = flowscope.load(url, allow_remote_refs=True)
    names = {trusting.node(f)["name"] for f in trusting.node(endpoint)["request_fields"]}
    assert names == {"email", "phone_number"}
    assert "/common.yaml" in site.requests


def test_cli_fetches_by_url(site: Site) -> None:
    site.pages["/api.yaml"] = (200, API.encode(), 0.0)
    site.pages["/common.yaml"] = (200, COMMON.encode(), 0.0)
    result = run_cli("export", f"{site.url}/api.yaml", "--format", "json", "--allow-remote-refs")
    assert result.returncode == 0, result.stderr
    ids = {n["id"] for n in json.loads(result.stdout)["nodes"]}
    assert "field:remote-api/POST /users#request.body.email" in ids


def test_a_failed_fetch_is_a_clear_error(site: Site) -> None:
    result = run_cli("scan", f"{site.url}/missing.yaml")
    assert result.returncode == 2
    assert (
        result.stderr.splitlines()[0] == f"{site.url}/missing.yaml: error: cannot fetch: HTTP 404"
    )
    assert "Traceback" not in result.stderr


def test_a_slow_server_times_out(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "FETCH_TIMEOUT_SECONDS", 0.3)
    site.pages["/slow.yaml"] = (200, API.encode(), 1.5)
    estate = flowscope.load(f"{site.url}/slow.yaml")
    assert [d.message for d in estate.errors] == ["cannot fetch: timed out after 0.3 s"]


def test_a_response_over_the_size_cap_is_refused(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(documents, "MAX_SPEC_BYTES", 1000)
    site.pages["/big.yaml"] = (200, API.encode() + b"#" * 5000, 0.0)
    estate = flowscope.load(f"{site.url}/big.yaml")
    assert [d.message for d in estate.errors] == ["response larger than 1000 bytes; not read"]


def test_an_estate_links_a_system_to_a_spec_by_url(site: Site, tmp_path: Path) -> None:
    site.pages["/api.yaml"] = (200, API.encode(), 0.0)
    (tmp_path / "systems.yaml").write_text(
        "systems:\n"
        "  - id: crm\n    type: service\n    zone: internal\n"
        f"    openapi: {site.url}/api.yaml\n"
    )
    estate = flowscope.load(tmp_path)
    assert "endpoint:crm/POST /users" in estate.graph  # linked by URL, not matched by title
    assert estate.node("system:crm")["specs"] == [f"{site.url}/api.yaml"]


def test_an_unreachable_url_is_an_error_naming_it() -> None:
    estate = flowscope.load("http://127.0.0.1:9/never.yaml")
    assert [str(d) for d in estate.errors] == [
        "http://127.0.0.1:9/never.yaml: error: cannot fetch: could not connect"
    ]
