"""The HTML map in a real browser: headless Chromium from Debian, driven by Playwright."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

from playwright.sync_api import Browser, Page

import flowscope
from conftest import ACME, REPO, run_cli

HOSTILE = "<img src=x onerror=window.__xss=1>"


def open_map(browser: Browser, html: Path, events: dict[str, list[str]]) -> Page:
    page = browser.new_page(viewport={"width": 1400, "height": 850})
    page.on("console", lambda m: events["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: events["errors"].append(str(e)))
    page.on("request", lambda r: events["requests"].append(r.url))
    page.on("dialog", lambda d: (events["dialogs"].append(d.message), d.dismiss()))
    page.goto(html.as_uri())
    page.wait_for_function("document.body.dataset.drawn === 'yes'", timeout=15_000)
    return page


def events() -> dict[str, list[str]]:
    return {"errors": [], "requests": [], "dialogs": []}


def test_the_sample_estates_map_offline(browser: Browser, tmp_path: Path) -> None:
    html = tmp_path / "acme-map.html"
    result = run_cli("map", str(ACME), "-o", str(html))
    assert result.returncode == 0, result.stderr
    seen = events()
    page = open_map(browser, html, seen)
    shot = tmp_path / "acme-map.png"
    page.screenshot(path=str(shot))
    if os.environ.get("FLOWSCOPE_UPDATE_SCREENSHOT"):  # the README's picture
        shutil.copy(shot, REPO / "docs" / "images" / "acme-map.png")
    assert page.evaluate("window.flowscopeMap.nodes.length") == 24
    assert page.evaluate("window.flowscopeMap.edges.length") == 27
    first = page.locator("#findings li").first
    assert first.get_attribute("data-rule") == "FS302"
    first.click()
    lit = page.evaluate("window.flowscopeMap.highlighted")
    assert lit == [
        "system:contact-centre|system:call-transcription|flow:contact-centre->call-transcription",
        "system:call-transcription|system:deepgram|flow:call-transcription->deepgram",
    ]
    widths = page.evaluate(f"window.flowscopeMap.edges.get({lit[1]!r}).width")
    assert widths >= 6
    page.fill("#search", "mailchimp")
    assert page.evaluate("window.flowscopeMap.network.getSelectedNodes()") == ["system:mailchimp"]
    assert "system:mailchimp" in page.locator("#details p").text_content()
    page.select_option("#category", "user.biometric.voice")
    hidden = page.evaluate("window.flowscopeMap.edges.get().filter(e => e.hidden).length")
    assert 0 < hidden < 27
    assert seen["errors"] == [] and seen["dialogs"] == []
    assert [url for url in seen["requests"] if not url.startswith("file://")] == []


def test_hostile_names_stay_inert(browser: Browser, tmp_path: Path) -> None:
    files = {
        "systems.yaml": f"""\
            systems:
              - {{id: app, name: "<script>window.__xss=1</script>", type: service, zone: internal}}
              - {{id: llm, name: "{HOSTILE}", type: ai_provider, zone: third_party}}
            flows:
              - {{from: app, to: llm, categories: [user.content.private], description: "{HOSTILE}"}}
            """,
        "vendors.csv": f'Vendor,Integrated systems,Data shared\n"{HOSTILE} Ltd",app,emails\n',
        "specs/api.yaml": f"""\
            openapi: 3.0.3
            info: {{title: "{HOSTILE} API", version: "1"}}
            paths: {{}}
            """,
        "sql/x.sql": f'create table "{HOSTILE}" as select email from raw.users;\n',
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text))
    html = tmp_path / "map.html"
    run_cli("map", str(tmp_path), "-o", str(html), "--level", "dataset")
    source = html.read_text()
    assert "<img src=x" not in source and "<script>window" not in source
    seen = events()
    page = open_map(browser, html, seen)
    page.locator("#findings li").first.click()
    page.evaluate("window.flowscopeMap.network.selectNodes(['system:llm'])")
    labels = page.evaluate("window.flowscopeMap.nodes.get().map(n => n.label)")
    assert HOSTILE in labels and f"{HOSTILE} Ltd" in labels and f"{HOSTILE} API" in labels
    assert any(HOSTILE in label for label in labels if label.startswith("<img"))
    assert page.evaluate("window.__xss") is None
    assert page.locator("img").count() == 0
    assert seen["dialogs"] == [] and seen["errors"] == []
    text = page.locator("#findings").text_content()
    assert HOSTILE in text  # shown as text, not run


def test_levels_focus_and_category(tmp_path: Path) -> None:
    import json as _json
    import re

    def data(*args: str) -> dict:
        html = tmp_path / "m.html"
        result = run_cli("map", str(ACME), "-o", str(html), *args)
        assert result.returncode == 0, result.stderr
        block = re.search(
            r'<script type="application/json" id="flowscope-data">(.*?)</script>',
            html.read_text(),
            re.S,
        )
        assert block is not None
        return _json.loads(block.group(1))

    systems = data()
    assert {n["kind"] for n in systems["nodes"]} == {"system"}
    assert len(systems["findings"]) == 38  # every finding, those about endpoints too
    unauthenticated = [f for f in systems["findings"] if f["rule"] == "FS304"]
    assert len(unauthenticated) == 3  # each lights up the system of its endpoint
    assert all({n for n in f["nodes"] if n.startswith("system:")} for f in unauthenticated)
    assert any("system:payments" in f["nodes"] for f in unauthenticated)
    tables = data("--level", "dataset")
    assert {"system", "dataset"} <= {n["kind"] for n in tables["nodes"]}
    focused = data("--focus", "system:deepgram")
    assert {n["id"] for n in focused["nodes"]} >= {"system:deepgram", "system:call-transcription"}
    assert "system:stripe" not in {n["id"] for n in focused["nodes"]}
    drawn = {n["id"] for n in focused["nodes"]}
    assert 0 < len(focused["findings"]) < 38
    assert all(set(f["nodes"]) & drawn for f in focused["findings"])
    voice = data("--category", "user.biometric.voice")
    assert voice["edges"] and all(
        any(c.startswith("user.biometric.voice") for c in e["categories"]) for e in voice["edges"]
    )


def test_scan_writes_the_map_too(tmp_path: Path) -> None:
    html = tmp_path / "map.html"
    result = run_cli("scan", str(ACME), "--html", str(html), "--fail-on", "none")
    assert result.returncode == 0
    text = html.read_text()
    assert text.startswith("<!DOCTYPE html>") and "vis.Network" in text
    import re

    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)  # nothing to fetch


def test_a_system_expands_into_its_tables_on_double_click(browser: Browser, tmp_path: Path) -> None:
    html = tmp_path / "acme-map.html"
    run_cli("map", str(ACME), "-o", str(html))
    page = open_map(browser, html, events())
    before = page.evaluate("window.flowscopeMap.nodes.length")
    page.evaluate(
        """() => window.flowscopeMap.network.body.emitter.emit("doubleClick", { nodes: ["system:warehouse"], edges: [] })"""
    )
    tables = page.evaluate(
        "window.flowscopeMap.nodes.get().filter(n => n.id.startsWith('dataset:')).length"
    )
    assert tables >= 10 and page.evaluate("window.flowscopeMap.nodes.length") == before + tables


def test_the_map_and_fs101_agree_on_monitoring(make_estate) -> None:
    from flowscope.render import map as map_module

    estate = flowscope.load(
        make_estate(
            """\
            systems:
              - {id: app, type: service, zone: internal}
              - {id: vendor, type: saas, zone: third_party, monitored: true}
            flows:
              - {from: app, to: vendor, monitored: false, categories: [user.contact.email]}
              - {from: app, to: vendor, name: audited, categories: [user.contact.email]}
            """
        )
    )
    unmonitored = {f.subjects[2] for f in estate.findings if f.rule_id == "FS101"}
    drawn = {e["id"].split("|")[2] for e in map_module.build(estate).edges if e["unmonitored"]}

    assert drawn == unmonitored == {"flow:app->vendor"}


def test_an_unknown_focus_is_one_line_not_the_whole_map(tmp_path: Path) -> None:
    html = tmp_path / "m.html"
    result = run_cli("map", str(ACME), "-o", str(html), "--focus", "system:nowhere")
    assert result.returncode == 2
    assert "--focus 'system:nowhere' is no node of the estate" in result.stderr
    assert not html.exists()
