"""Benchmark: ingest a large public OpenAPI spec; print wall time and peak memory.

The spec is GitHub's REST API description (MIT), taken from the npm package
@octokit/openapi into bench/.cache on first use (needs `npm`), plus a slice
of it of about 500 operations with only the components those reach (~4 MB),
the size of the target. Pass a path to measure another spec instead.

    python bench/openapi_bench.py [SPEC ...]

Each spec is measured in a fresh process, three ways: reading it into the
graph (parse, endpoints, fields, classification) without validation, the
same with openapi-spec-validator running in the background as a scan does,
and the validator on its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"
PACKAGE = "@octokit/openapi@23.0.2"
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from flowscope.ingest.openapi import SpecSources, read_specs, validation
from flowscope.ingest.openapi.documents import DocumentStore
from flowscope.classify import annotate
from flowscope.model import Estate

spec, mode = Path(sys.argv[1]), sys.argv[2]
started = time.perf_counter()
if mode == "validator":
    store = DocumentStore(spec.parent)
    version = "3.0"
    problems = validation.validate_spec(validation.Job(str(spec.resolve()), version), store)
    counts = {"problems": len(problems)}
else:
    estate = Estate(root=spec.parent)
    read_specs(estate, SpecSources(files=[spec]), validate=(mode == "scan"))
    annotate(estate)
    kinds = {}
    for _, data in estate.nodes():
        kinds[data["kind"]] = kinds.get(data["kind"], 0) + 1
    counts = kinds
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "child_peak_mb": child, **counts}))
"""


def github_spec() -> Path:
    target = CACHE / "api.github.com.json"
    if target.exists():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=CACHE, check=True, capture_output=True)
    archive = next(CACHE.glob("octokit-openapi-*.tgz"))
    with tarfile.open(archive) as tar:
        member = tar.getmember("package/generated/api.github.com.json")
        target.write_bytes(tar.extractfile(member).read())  # type: ignore[union-attr]
    archive.unlink()
    return target


def operation_count(spec: dict) -> int:
    return sum(len(METHODS & set(item)) for item in spec.get("paths", {}).values())


def sliced(source: Path, operations: int = 500) -> Path:
    """The first paths of ``source`` up to ``operations``, with the components they reach."""
    target = CACHE / f"github-{operations}-operations.json"
    if target.exists():
        return target
    spec = json.loads(source.read_text())
    paths, count = {}, 0
    for path, item in spec["paths"].items():
        if count >= operations:
            break
        paths[path] = item
        count += len(METHODS & set(item))
    spec["paths"] = paths
    spec.pop("webhooks", None)
    reached = _reachable(spec)
    for section, entries in spec["components"].items():
        spec["components"][section] = {
            k: v for k, v in entries.items() if f"#/components/{section}/{k}" in reached
        }
    target.write_text(json.dumps(spec, indent=2))
    return target


def _reachable(spec: dict) -> set[str]:
    seen: set[str] = set()
    stack = [spec["paths"]]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            ref = value.get("$ref")
            if isinstance(ref, str) and ref not in seen:
                seen.add(ref)
                section, name = ref.split("/")[2:4]
                stack.append(spec["components"][section][name])
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return seen


def measure(spec: Path, mode: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(spec), mode], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    specs = [Path(a) for a in sys.argv[1:]]
    if not specs:
        full = github_spec()
        specs = [sliced(full), full]
    for spec in specs:
        data = json.loads(spec.read_text()) if spec.suffix == ".json" else {}
        size_mb = spec.stat().st_size / 1e6
        ops = operation_count(data) if data else "?"
        schemas = len(data.get("components", {}).get("schemas", {})) if data else "?"
        print(f"{spec.name}: {size_mb:.1f} MB, {ops} operations, {schemas} schemas")
        for mode in ("ingest", "scan", "validator"):
            figures = measure(spec, mode)
            extra = ""
            if mode != "validator":
                extra = (
                    f", {figures.get('endpoint', 0)} endpoints, {figures.get('field', 0)} fields"
                )
            print(
                f"  {mode:<9} {figures['seconds']:6.2f} s wall, peak {figures['peak_mb']:6.0f} MB"
                f" (validator process {figures['child_peak_mb']:.0f} MB){extra}"
            )


if __name__ == "__main__":
    main()
