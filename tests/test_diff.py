"""flowscope diff: the sample estate and its next version tell exactly their three changes."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from conftest import ACME, REPO, run_cli

PATCH = REPO / "inventories" / "acme-next.patch"


@pytest.fixture(scope="module")
def estates(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """This week's estate and next week's: the sample, and the sample with its patch."""
    folder = tmp_path_factory.mktemp("weeks")
    now, later = folder / "acme", folder / "acme-next"
    shutil.copytree(ACME, now)
    shutil.copytree(ACME, later)
    subprocess.run(["git", "apply", "-p1", str(PATCH)], cwd=later, check=True)
    return now, later


def _diff(*args: str) -> dict:
    result = run_cli("diff", *args, "--format", "json")
    assert result.returncode == 0, result.stderr
    report: dict = json.loads(result.stdout)
    return report


def _story(report: dict) -> None:
    """The three changes, and nothing else."""
    assert report["systems"] == {"added": ["system:mistral"], "removed": []}
    assert [f["key"] for f in report["flows"]["added"]] == ["flow:support-chatbot->mistral"]
    assert report["flows"]["added"][0]["categories"] == ["user.content.private"]
    assert report["flows"]["removed"] == []
    assert report["categories"] == [
        {"flow": "flow:warehouse->analytics", "added": ["user.contact.phone_number"],
         "removed": []}
    ]  # fmt: skip
    assert report["facts"] == [
        {"element": "flow:payments->stripe", "fact": "monitored", "old": True, "new": False}
    ]
    assert report["fields"] == {
        "added": ["field:warehouse/exports.product_analytics.phone"],
        "removed": [],
    }
    assert report["endpoints"] == report["datasets"] == {"added": [], "removed": []}
    new = sorted((f["rule"], f["subjects"][-1]) for f in report["findings"]["new"])
    assert new == [
        ("FS101", "flow:payments->stripe"),
        ("FS101", "flow:support-chatbot->mistral"),
        ("FS204", "system:mistral"),
        ("FS302", "system:mistral"),
    ]
    assert report["findings"]["resolved"] == []
    assert report["findings"]["unchanged"] == 38


def test_two_folders(estates: tuple[Path, Path]) -> None:
    now, later = estates
    _story(_diff(str(now), str(later)))


def test_two_saved_scans(estates: tuple[Path, Path], tmp_path: Path) -> None:
    now, later = estates
    store = str(tmp_path / "snapshots.db")
    for folder in (now, later):
        run_cli("scan", str(folder), "--save", "--store", store, "-o", os.devnull)

    _story(_diff("1", "2", "--store", store))
    _story(_diff("latest~1", "latest", "--store", store))


def test_an_export_against_a_folder(estates: tuple[Path, Path], tmp_path: Path) -> None:
    now, later = estates
    exported = tmp_path / "last-week.json"
    run_cli("export", str(now), "--format", "json", "-o", str(exported))
    _story(_diff(str(exported), str(later)))


def test_the_markdown_tells_the_story_for_the_review(estates: tuple[Path, Path]) -> None:
    now, later = estates
    result = run_cli("diff", str(now), str(later), "--format", "markdown")
    assert result.returncode == 0
    text = result.stdout
    assert "- + system system:mistral" in text
    assert "- ~ flow:payments-&gt;stripe: monitored true → false" in text  # &gt; renders as >
    assert "now carries user.contact.phone_number" in text
    assert "4 new, 0 resolved, 38 unchanged." in text
    assert "| critical | FS302 |" in text


def test_no_change_says_so_and_missing_snapshots_are_one_line(tmp_path: Path) -> None:
    same = run_cli("diff", str(ACME), str(ACME))
    assert same.returncode == 0
    assert "nothing changed in the estate" in same.stdout
    assert "0 new, 0 resolved, 38 unchanged" in same.stdout

    store = tmp_path / "none.db"
    missing = run_cli("diff", "latest", str(ACME), "--store", str(store))
    assert missing.returncode == 2
    assert str(store) in missing.stderr and "Traceback" not in missing.stderr


def test_a_git_revision_of_the_estate(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    estate = repo / "estates" / "acme"
    shutil.copytree(ACME, estate)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "this week"], check=True)
    subprocess.run(["git", "apply", "-p1", str(PATCH)], cwd=estate, check=True)
    subprocess.run([*git, "commit", "-qam", "next week"], check=True)
    status = subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True)

    _story(_diff("HEAD~1", str(estate)))

    after = subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True)
    assert after.stdout == status.stdout == ""  # the working tree was not touched


def test_since_picks_the_last_snapshot_old_enough(
    estates: tuple[Path, Path], tmp_path: Path
) -> None:
    now, later = estates
    store = tmp_path / "snapshots.db"
    for folder in (now, later):
        run_cli("scan", str(folder), "--save", "--store", str(store), "-o", os.devnull)
    with sqlite3.connect(store) as db:  # the first scan was taken eight days ago
        db.execute("UPDATE snapshots SET taken_at = '2026-11-18T09:00:00+00:00' WHERE id = 1")

    _story(_diff("--since", "7d", str(later), "--store", str(store)))
    _story(_diff("--since", "2026-11-18", str(later), "--store", str(store)))
    too_early = run_cli("diff", "--since", "2026-11-01", str(later), "--store", str(store))
    assert too_early.returncode == 2 and "no snapshot" in too_early.stderr
