"""Mermaid: the export renders in Mermaid itself, in Chromium, under GitHub's limits."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from conftest import ACME, REPO, run_cli

# The Mermaid line GitHub renders with; npm fetches it once into tests/.cache.
MERMAID = "mermaid@11.9.0"
CACHE = REPO / "tests" / ".cache" / f"{MERMAID.replace('@', '-')}.min.js"
HOSTILE = "<img src=x onerror=window.__xss=1>"


@pytest.fixture(scope="module")
def mermaid_js() -> Path:
    if not CACHE.exists():
        npm = shutil.which("npm")
        assert npm, "npm is needed to fetch Mermaid for these tests (.ci/run installs it)"
        with tempfile.TemporaryDirectory() as folder:
            subprocess.run(
                [npm, "pack", MERMAID, "--pack-destination", folder, "--silent"],
                check=True, capture_output=True, timeout=300,
            )  # fmt: skip
            with tarfile.open(next(Path(folder).glob("*.tgz"))) as archive:
                member = archive.extractfile("package/dist/mermaid.min.js")
                assert member is not None
                CACHE.parent.mkdir(parents=True, exist_ok=True)
                CACHE.write_bytes(member.read())
    return CACHE


@pytest.fixture(scope="module")
def mermaid_page(browser: Browser, mermaid_js: Path) -> Page:
    page = browser.new_page()
    page.set_content("<!doctype html><body></body>")
    page.add_script_tag(path=str(mermaid_js))
    # GitHub's settings: strict security, and Mermaid's own size limits.
    page.evaluate(
        "mermaid.initialize({startOnLoad: false, securityLevel: 'strict',"
        " maxEdges: 500, maxTextSize: 50000})"
    )
    return page


def _render(page: Page, text: str) -> dict[str, object]:
    return page.evaluate(
        """async (text) => {
            document.body.innerHTML = '';
            try {
                const {svg} = await mermaid.render('diagram' + Date.now(), text);
                document.body.innerHTML = svg;
                const labels = [...document.querySelectorAll('.nodeLabel, .edgeLabel, .cluster-label')]
                    .map(e => e.textContent);
                return {ok: !svg.includes('Syntax error'),
                        nodes: document.querySelectorAll('g.node').length,
                        clusters: document.querySelectorAll('g.cluster').length,
                        edges: document.querySelectorAll('.flowchart-link').length,
                        labels, images: document.querySelectorAll('img').length};
            } catch (e) { return {ok: false, error: String(e)}; }
        }""",
        text,
    )


def _export(estate: Path, tmp_path: Path) -> str:
    out = tmp_path / "estate.mmd"
    result = run_cli("export", str(estate), "--format", "mermaid", "-o", str(out))
    assert result.returncode == 0, result.stderr
    return out.read_text(encoding="utf-8")


def test_sample_estate_renders_with_a_subgraph_per_zone(mermaid_page: Page, tmp_path) -> None:
    text = _export(ACME, tmp_path)

    drawn = _render(mermaid_page, text)

    assert drawn["ok"], drawn
    assert drawn["nodes"] == 35  # 24 systems and 11 tables
    assert drawn["clusters"] == 4  # three zones and the warehouse's box
    assert "Third parties" in drawn["labels"] and "OpenAI" in drawn["labels"]
    assert any("user.content.private" in label for label in drawn["labels"])  # type: ignore[attr-defined]
    assert "left out" not in text


def test_past_mermaids_limits_it_aggregates_and_says_so(
    mermaid_page: Page, make_estate, tmp_path
) -> None:
    size = 700
    systems = "\n".join(
        f"  - {{id: s{i}, name: Service {i}, type: service, zone: internal}}" for i in range(size)
    )
    flows = "\n".join(
        f"  - {{from: s{i}, to: s{(i * 7 + 1) % size}, categories: [user.contact.email]}}"
        for i in range(size)
    )
    text = _export(make_estate(f"systems:\n{systems}\nflows:\n{flows}\n"), tmp_path)

    assert len(text) <= 50_000
    assert "left out:" in text.splitlines()[1]  # in the title, where readers see it
    drawn = _render(mermaid_page, text)
    assert drawn["ok"], drawn
    assert 0 < drawn["edges"] <= 500  # type: ignore[operator]


def test_hostile_names_render_as_text(mermaid_page: Page, make_estate, tmp_path) -> None:
    estate = make_estate(
        f"""\
        systems:
          - {{id: end, name: "{HOSTILE}", type: service, zone: internal}}
          - {{id: llm, name: 'quote" pipe| hash# back`tick end', type: ai_provider, zone: third_party}}
        flows:
          - {{from: end, to: llm, categories: [user.content.private]}}
        """
    )
    text = _export(estate, tmp_path)

    drawn = _render(mermaid_page, text)

    assert drawn["ok"], drawn
    assert HOSTILE in drawn["labels"]
    assert 'quote" pipe| hash# back`tick end' in drawn["labels"]
    assert drawn["images"] == 0
    assert mermaid_page.evaluate("window.__xss") is None


def test_more_systems_than_characters_allow_keeps_the_strongest_flows(make_estate) -> None:
    import flowscope
    from flowscope.export import mermaid

    size = 2_500
    systems = "\n".join(
        f"  - {{id: s{i}, name: Service {i}, type: service, zone: internal}}" for i in range(size)
    )
    flows = "\n".join(
        f"  - {{from: s{i}, to: s{i + 1}, categories: [user.contact.email"
        + (", user.financial.credit_card" if i % 100 == 0 else "")
        + "]}"
        for i in range(size - 1)
    )
    estate = flowscope.load(make_estate(f"systems:\n{systems}\nflows:\n{flows}\n"))

    text = mermaid.export(estate)

    assert len(text) <= mermaid.MAX_CHARACTERS
    title = text.splitlines()[1]
    assert (
        "flows (fewest categories first)" in title and "systems that no drawn flow touches" in title
    )
    assert text.count("-->") > 0
    kept = {line.split()[0] for line in text.splitlines() if "-->" in line}
    ids = {
        line.split('["')[0].strip(): line for line in text.splitlines() if '["Service 0"]' in line
    }
    assert ids  # Service 0 sends card data: among the strongest flows, so it is drawn
    assert next(iter(ids)) in kept
