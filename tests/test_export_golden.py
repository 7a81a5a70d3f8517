"""Golden files: the sample estate in every export format, byte for byte.

A change to an exporter, the sample estate or the analysis shows up here as
a diff to review. When the change is intended, rewrite the files with
``pytest tests/test_export_golden.py --update-golden`` and commit them with it.

The formats that write the whole graph (json, graphml, gexf) would give
1.4 to 1.7 MB files for the whole sample, mostly its 1,201 API fields: their
golden files hold the sample's payment data (``--category user.financial``),
which still has every kind of node and edge (endpoints, fields, tables,
lineage, flows, findings). Their tests in test_export_json.py and
test_export_graph_formats.py read the whole sample's export back.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

import flowscope
from flowscope.export import FORMATS
from flowscope.model import Estate

GOLDEN = Path(__file__).resolve().parent / "golden"
SUFFIX = {
    "json": "json", "graphml": "graphml", "gexf": "gexf", "dot": "dot", "mermaid": "mmd",
    "cyclonedx": "cdx.json", "threat-dragon": "threat-dragon.json", "threagile": "threagile.yaml",
}  # fmt: skip


WHOLE_GRAPH = {"json", "graphml", "gexf"}
PART = "user.financial"


def test_every_format_has_a_golden_file() -> None:
    assert set(FORMATS) <= set(SUFFIX)
    assert all(path.stat().st_size < 1024 * 1024 for path in GOLDEN.iterdir())


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_the_sample_estate_exports_as_its_golden_file(
    fmt: str, acme: Estate, request: pytest.FixtureRequest
) -> None:
    if fmt in WHOLE_GRAPH:
        golden = GOLDEN / f"acme-payment-data.{SUFFIX[fmt]}"
        text = flowscope.export_estate(acme, fmt, category=PART)
    else:
        golden = GOLDEN / f"acme.{SUFFIX[fmt]}"
        text = flowscope.export_estate(acme, fmt)
    if request.config.getoption("--update-golden"):
        golden.write_text(text, encoding="utf-8", newline="\n")
    expected = golden.read_text(encoding="utf-8")
    if text != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), text.splitlines(), str(golden), "export", lineterm="", n=1
        )
        shown = "\n".join(list(diff)[:60])
        pytest.fail(f"{fmt} export differs from {golden.name}:\n{shown}")
