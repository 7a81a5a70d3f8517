"""Compare flowscope.lineage with the hand-written cases in tests/lineage_cases/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

import flowscope

CASES = Path(__file__).parent / "lineage_cases"


def load_cases() -> list[dict[str, Any]]:
    cases = []
    for file in sorted(CASES.glob("*.yaml")):
        for case in yaml.safe_load(file.read_text(encoding="utf-8")):
            case["dialect"] = file.stem
            cases.append(case)
    return cases


def compare(case: dict[str, Any]) -> dict[str, Any]:
    """What the case expects and what lineage gives, as sets, side by side."""
    result = flowscope.lineage(case["sql"], case["dialect"], case.get("catalog"))
    script = result["script"]
    got_columns = {(c["source"], c["target"], c["transform"]) for c in script["columns"]}
    want_columns = {tuple(c) for c in case.get("columns") or []}
    return {
        "tables_ok": (
            set(script["sources"]) == set(case.get("sources") or [])
            and set(script["targets"]) == set(case.get("targets") or [])
            and set(script["intermediate"]) == set(case.get("intermediate") or [])
        ),
        "columns_ok": got_columns == want_columns,
        "errors": result["errors"],
        "got": {k: sorted(script[k]) for k in ("sources", "targets", "intermediate")},
        "want": {k: sorted(case.get(k) or []) for k in ("sources", "targets", "intermediate")},
        "missing": sorted(want_columns - got_columns),
        "extra": sorted(got_columns - want_columns),
    }


if __name__ == "__main__":
    import sys

    cases = load_cases()
    results = [(case, compare(case)) for case in cases]
    tables = sum(r["tables_ok"] for _, r in results)
    columns = sum(r["columns_ok"] for _, r in results)
    print(
        f"{len(cases)} cases: tables exact {tables} ({tables / len(cases):.1%}), columns exact {columns} ({columns / len(cases):.1%})"
    )
    if "-v" in sys.argv:
        for case, r in results:
            if r["tables_ok"] and r["columns_ok"] and not r["errors"]:
                continue
            print(f"\n== {case['id']} ({case.get('source')})")
            if not r["tables_ok"]:
                print("  tables got ", r["got"])
                print("  tables want", r["want"])
            for m in r["missing"]:
                print("  missing", m)
            for e in r["extra"]:
                print("  extra  ", e)
            for e in r["errors"]:
                print("  error  ", e)
