"""flowscope review: last week's snapshot against today's estate, as Markdown and a map."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from playwright.sync_api import Browser

from conftest import ACME, REPO, run_cli


def _saved_copy(tmp_path: Path, edit: tuple[str, str] | None = None) -> Path:
    """A copy of the sample estate, optionally edited in flowscope.yaml, scanned with --save."""
    estate = tmp_path / "acme"
    shutil.copytree(ACME, estate)
    if edit:
        config = estate / "flowscope.yaml"
        config.write_text(config.read_text().replace(*edit))
    assert run_cli("scan", str(estate), "--save", "-o", os.devnull).returncode == 1
    return estate


def test_the_weekly_review_pack_tells_the_three_changes(browser: Browser, tmp_path: Path) -> None:
    estate = _saved_copy(tmp_path)
    store = estate / ".flowscope" / "snapshots.db"
    with sqlite3.connect(store) as db:  # last week's scan
        db.execute("UPDATE snapshots SET taken_at = '2026-11-19T09:00:00+00:00'")
    subprocess.run(["git", "apply", "-p1", str(REPO / "inventories" / "acme-next.patch")],
                   cwd=estate, check=True)  # fmt: skip
    out = tmp_path / "review"

    result = run_cli("review", str(estate), "--since", "7d", "-o", str(out))

    assert result.returncode == 0, result.stderr
    assert "vendors.csv:11: warning" in result.stderr  # today's estate speaks up too
    text = (out / "review.md").read_text(encoding="utf-8")
    assert "- + system system:mistral" in text
    assert "now carries user.contact.phone_number" in text
    assert "stripe: monitored true → false" in text
    assert "4 new, 0 resolved, 38 unchanged." in text
    assert "## Vendor reviews due in the next 30 days" in text
    assert "## Suppressions expiring in the next 30 days" in text

    html = (out / "map.html").read_text(encoding="utf-8")
    block = re.search(r'<script type="application/json" id="flowscope-data">(.*?)</script>',
                      html, re.S)  # fmt: skip
    assert block is not None
    data = json.loads(block.group(1))
    changed_nodes = {n["id"]: n["change"] for n in data["nodes"] if "change" in n}
    assert changed_nodes == {"system:mistral": "added"}
    changed_edges = {e["id"].split("|")[-1] for e in data["edges"] if "change" in e}
    assert changed_edges == {
        "flow:support-chatbot->mistral",
        "flow:warehouse->analytics",
        "flow:payments->stripe",
    }
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(out.joinpath("map.html").as_uri())
    page.wait_for_function("window.flowscopeMap && window.flowscopeMap.nodes.length > 0")
    assert errors == []
    assert "new or changed since the last review" in page.locator(".legend").text_content()
    colour = page.evaluate("window.flowscopeMap.nodes.get('system:mistral').color.background")
    assert colour == "#d53f8c"
    page.close()


def test_vendor_reviews_and_suppressions_coming_due(tmp_path: Path) -> None:
    estate = _saved_copy(tmp_path, ("expires: 2027-06-30", "expires: 2026-12-10"))
    out = tmp_path / "review"

    result = run_cli("review", str(estate), "--since", "latest", "-o", str(out))

    assert result.returncode == 0, result.stderr
    text = (out / "review.md").read_text(encoding="utf-8")
    assert "| FS301 | system:stripe | team-payments | 2026-12-10 | expiring |" in text
    assert "Nothing changed in the estate." in text
