"""The snapshot store: scan --save, history, a real SQLite file that survives a killed scan."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import flowscope
from conftest import ACME, REPO, run_cli
from flowscope.export import json_graph
from flowscope.store import SCHEMA_VERSION, SnapshotStore


@pytest.fixture
def estate_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "acme"
    shutil.copytree(ACME, folder)
    return folder


def _history(folder: Path, *args: str) -> list[dict]:
    result = run_cli("history", str(folder), "--format", "json", *args)
    assert result.returncode == 0, result.stderr
    rows: list[dict] = json.loads(result.stdout)
    return rows


def test_saved_scans_are_listed_with_their_counts(estate_copy: Path) -> None:
    assert _history(estate_copy) == []
    for _ in range(2):
        result = run_cli("scan", str(estate_copy), "--save", "-o", os.devnull)
        assert result.returncode == 1  # the sample's findings, as without --save
        assert "saved snapshot" in result.stderr

    rows = _history(estate_copy)

    assert [r["id"] for r in rows] == [1, 2]
    assert {(r["systems"], r["flows"], r["findings"]) for r in rows} == {(24, 27, 38)}
    assert (estate_copy / ".flowscope" / "snapshots.db").is_file()


def test_a_snapshot_keeps_the_whole_estate_and_its_findings(estate_copy: Path) -> None:
    estate = flowscope.load(estate_copy)
    snapshot = flowscope.api.save_snapshot(estate)

    with SnapshotStore(estate_copy / ".flowscope" / "snapshots.db") as store:
        document = store.document(snapshot)
        findings = store.findings(snapshot)

    assert document == json.loads(json.dumps(json_graph.to_document(estate), default=str))
    assert sorted(f["fingerprint"] for f in findings if not f["suppressed"]) == sorted(
        f.fingerprint for f in estate.findings
    )
    assert [f["rule"] for f in findings if f["suppressed"]] == ["FS301"]


def test_the_git_commit_of_the_estate_is_recorded(estate_copy: Path) -> None:
    git = ["git", "-C", str(estate_copy), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "estate"], check=True)
    head = subprocess.run(
        [*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()

    run_cli("scan", str(estate_copy), "--save", "-o", os.devnull)

    assert [r["git_commit"] for r in _history(estate_copy)] == [head]


def test_a_scan_killed_while_saving_loses_nothing(estate_copy: Path, tmp_path: Path) -> None:
    store = tmp_path / "snapshots.db"
    journal = Path(f"{store}-journal")
    assert run_cli("scan", str(estate_copy), "--save", "--store", str(store)).returncode == 1
    saved, interrupted = 1, 0
    command = [sys.executable, "-m", "flowscope", "scan", str(estate_copy), "--save",
               "--store", str(store), "-o", os.devnull]  # fmt: skip
    for _ in range(12):
        scan = subprocess.Popen(command, cwd=REPO, stderr=subprocess.DEVNULL)
        while scan.poll() is None and not journal.exists():
            pass  # spin: the write transaction lasts milliseconds
        if scan.poll() is None:
            os.kill(scan.pid, signal.SIGKILL)  # mid-transaction: its journal is on disk
            interrupted += 1
        scan.wait()
        saved += scan.returncode == 1  # the ones that finished before the kill
        with SnapshotStore(store) as snapshots:  # opening rolls a hot journal back
            assert snapshots.integrity() == "ok"
            history = snapshots.history()
            assert len(history) == saved
            for snapshot in history:  # no half-written snapshot
                kept = [f for f in snapshots.findings(snapshot.id) if not f["suppressed"]]
                assert len(kept) == snapshot.findings == 38
                assert snapshots.document(snapshot.id)["nodes"]
    assert interrupted >= 3  # the test did kill scans in the middle of their write


def test_a_broken_or_newer_store_is_one_line_and_left_alone(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("not sqlite at all\n" * 100)
    newer = tmp_path / "newer.db"
    with sqlite3.connect(newer) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")

    for store, says in ((junk, "not a flowscope snapshot store"), (newer, "newer flowscope")):
        before = store.read_bytes()
        result = run_cli("scan", str(ACME), "--save", "--store", str(store), "-o", os.devnull)
        assert result.returncode == 2
        [line] = result.stderr.strip().splitlines()[-1:]
        assert says in line and str(store) in line
        assert "Traceback" not in result.stderr
        assert store.read_bytes() == before


def test_a_new_store_is_created_at_the_current_schema(tmp_path: Path) -> None:
    with SnapshotStore(tmp_path / "new.db") as store:
        assert store.history() == []
    with sqlite3.connect(tmp_path / "new.db") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"snapshots", "findings"} <= tables
