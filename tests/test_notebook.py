"""The walkthrough notebook runs clean in a real Jupyter kernel."""

from __future__ import annotations

import nbformat
from nbclient import NotebookClient

import flowscope
from conftest import REPO


def test_the_walkthrough_runs_in_a_real_kernel() -> None:
    notebook = nbformat.read(REPO / "notebooks" / "explore_acme.ipynb", as_version=4)
    client = NotebookClient(
        notebook,
        timeout=180,
        kernel_name="python3",
        resources={"metadata": {"path": str(REPO / "notebooks")}},
    )
    client.execute()  # raises CellExecutionError on any cell error
    outputs = [
        o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])
    ]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    shown = "".join(str(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert "<iframe srcdoc=" in shown  # the map, inline
    assert "FS302" in shown  # the findings table


def test_the_notebook_api() -> None:
    estate = flowscope.load(REPO / "inventories" / "acme")
    frame = estate.findings.to_pandas()
    assert list(frame.columns[:3]) == ["severity", "rule", "title"]
    assert len(frame) == len(estate.findings)
    view = estate.map()
    html = view._repr_html_()
    assert html.startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')
    assert 'sandbox="allow-scripts"' in html
