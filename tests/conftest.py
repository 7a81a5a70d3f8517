"""Shared helpers: small estates written to a temporary folder, and the CLI as users run it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

import flowscope
from flowscope.model import Estate

REPO = Path(__file__).resolve().parent.parent
ACME = REPO / "inventories" / "acme"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Review ages depend on the day: tests (and the CLI they start) see one fixed day.
TODAY = "2026-11-26"
os.environ["FLOWSCOPE_TODAY"] = TODAY


@pytest.fixture
def make_estate(tmp_path: Path):
    """Write ``systems.yaml`` (and optionally ``flowscope.yaml``) and return the folder."""

    def make(systems: str, config: str | None = None, **files: str) -> Path:
        (tmp_path / "systems.yaml").write_text(textwrap.dedent(systems), encoding="utf-8")
        if config is not None:
            (tmp_path / "flowscope.yaml").write_text(textwrap.dedent(config), encoding="utf-8")
        for name, text in files.items():
            (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")
        return tmp_path

    return make


@pytest.fixture(scope="session")
def acme() -> Estate:
    """The sample estate, read once; tests must not change it."""
    return flowscope.load(ACME)


def cli_export(fmt: str, out: Path, *options: str) -> str:
    """The sample estate exported by the CLI, as a user runs it; the file's text."""
    result = run_cli("export", str(ACME), "--format", fmt, *options, "-o", str(out))
    assert result.returncode == 0, result.stderr
    return out.read_text(encoding="utf-8")


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """Run the installed console entry point in a child process, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "flowscope", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


CHROMIUM = os.environ.get("FLOWSCOPE_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium, driven by Playwright (never a downloaded browser)."""
    assert Path(CHROMIUM).exists(), (
        f"Chromium not found at {CHROMIUM}: .ci/run installs Debian's chromium"
    )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@contextmanager
def serving(server: ThreadingHTTPServer) -> Iterator[ThreadingHTTPServer]:
    """A real local HTTP server answering in a thread, for as long as the block runs."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden from the current exports instead of comparing with them",
    )
