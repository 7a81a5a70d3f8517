"""Golden files: the sample estate in every export format, byte for byte.

A change to an exporter, the sample estate or the analysis shows up here as
a diff to review. When the change is intended, rewrite the files with
``pytest tests/test_export_golden.py --update-golden`` and commit them with it.
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


def test_every_format_has_a_golden_file() -> None:
    assert set(FORMATS) <= set(SUFFIX)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_the_sample_estate_exports_as_its_golden_file(
    fmt: str, acme: Estate, request: pytest.FixtureRequest
) -> None:
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
