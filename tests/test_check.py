"""flowscope check, as a CI job runs it: fail on a new high finding, pass once it is suppressed."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from conftest import ACME, REPO, run_cli

SARIF_VERSION = "2.1.0"


def test_a_ci_job_fails_on_new_exposure_and_passes_once_it_is_accepted(tmp_path: Path) -> None:
    estate = tmp_path / "acme"
    shutil.copytree(ACME, estate)
    baseline = tmp_path / "baseline.json"

    accepted = run_cli("check", str(estate), "--baseline", str(baseline), "--update-baseline")
    assert accepted.returncode == 0, accepted.stderr
    assert len(json.loads(baseline.read_text())["fingerprints"]) == 38

    unchanged = run_cli("check", str(estate), "--baseline", str(baseline))
    assert unchanged.returncode == 0  # 17 known high and critical findings, none new
    assert "0 new finding(s), 0 at or above high" in unchanged.stderr

    subprocess.run(["git", "apply", "-p1", str(REPO / "inventories" / "acme-next.patch")],
                   cwd=estate, check=True)  # fmt: skip
    sarif = tmp_path / "check.sarif"
    opened = run_cli("check", str(estate), "--baseline", str(baseline), "--sarif", str(sarif))
    assert opened.returncode == 1
    assert "4 new finding(s), 4 at or above high" in opened.stderr
    assert "Mistral AI" in opened.stdout
    assert json.loads(sarif.read_text())["version"] == SARIF_VERSION

    config = estate / "flowscope.yaml"
    config.write_text(
        config.read_text()
        + "".join(
            f"""
  - rule: {rule}
    subject: "{subject}"
    reason: Trial of Mistral approved by the DPO until the PSP migration ends (DPIA-112).
    owner: team-support
    expires: 2027-01-31
"""
            for rule, subject in (
                ("FS302", "system:mistral"),
                ("FS204", "system:mistral"),
                ("FS101", "flow:support-chatbot->mistral"),
                ("FS101", "flow:payments->stripe"),
            )
        )
    )
    suppressed = run_cli("check", str(estate), "--baseline", str(baseline))
    assert suppressed.returncode == 0, suppressed.stdout + suppressed.stderr
    assert "0 new finding(s)" in suppressed.stderr


def test_no_baseline_is_a_one_line_error(tmp_path: Path) -> None:
    missing = tmp_path / "none.json"
    result = run_cli("check", str(ACME), "--baseline", str(missing))
    assert result.returncode == 2
    assert f"{missing}: error: no baseline yet" in result.stderr
    assert not missing.exists()
