"""--notify against a real local HTTP server: delivered, retried, or reported, never fatal."""

from __future__ import annotations

import json
import os
import shutil
import socket
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import ACME, run_cli, serving


class Hook(ThreadingHTTPServer):
    """A webhook receiver that answers with the given statuses in turn, then 200."""

    def __init__(self, statuses: list[int]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.statuses = statuses
        self.received: list[dict] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hooks/flowscope"


class _Handler(BaseHTTPRequestHandler):
    server: Hook

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append(json.loads(body))
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hook(request: pytest.FixtureRequest) -> Iterator[Hook]:
    with serving(Hook(list(getattr(request, "param", [])))) as server:
        assert isinstance(server, Hook)
        yield server


def test_new_critical_findings_are_posted_as_slack_json(hook: Hook) -> None:
    result = run_cli("scan", str(ACME), "--notify", hook.url, "--notify-on", "critical",
                     "-o", os.devnull)  # fmt: skip

    assert result.returncode == 1
    [posted] = hook.received
    assert posted["text"].startswith("flowscope: 3 new finding(s) at or above critical in acme-cx")
    assert [f["rule"] for f in posted["findings"]] == ["FS302", "FS302", "FS302"]
    assert "could not notify" not in result.stderr


@pytest.mark.parametrize("hook", [[503, 502]], indirect=True)
def test_a_flaky_receiver_gets_it_on_a_retry(hook: Hook) -> None:
    result = run_cli("scan", str(ACME), "--notify", hook.url, "-o", os.devnull)

    assert len(hook.received) == 3  # two failures, then delivered
    assert hook.received[-1]["text"].startswith("flowscope: 17 new finding(s) at or above high")
    assert "could not notify" not in result.stderr


def test_a_dead_receiver_is_reported_and_the_scan_stands(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/hook"
    estate = tmp_path / "acme"
    shutil.copytree(ACME, estate)

    result = run_cli("scan", str(estate), "--save", "--notify", dead, "-o", os.devnull)

    assert result.returncode == 1  # the findings decide, not the alert
    warnings = [line for line in result.stderr.splitlines() if "could not notify" in line]
    assert len(warnings) == 1 and dead in warnings[0]
    assert "Traceback" not in result.stderr
    history = run_cli("history", str(estate), "--format", "json")
    assert len(json.loads(history.stdout)) == 1  # saved before the alert was tried


def test_check_posts_only_what_is_new_to_the_baseline(hook: Hook, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    run_cli("check", str(ACME), "--baseline", str(baseline), "--update-baseline")

    result = run_cli("check", str(ACME), "--baseline", str(baseline), "--notify", hook.url)

    assert result.returncode == 0
    assert hook.received == []
