"""Benchmark: SQL lineage speed, table level and column level, on public SQL.

The corpus is the TPC-DS queries that the sqllineage package ships (99
queries, each writing its result with INSERT), when it is installed, read
with TPC-DS's column catalog (taken from sqlglot's source package into
bench/.cache), plus this project's lineage suite (tests/lineage_cases: ETL
scripts in 14 dialects). Pass folders of .sql files to measure others.

    python bench/sql_bench.py [--dialect D] [--jobs N] [--compare N] [FOLDER ...]

It prints statements per second for flowscope's table lineage and column
lineage in one process and over all cores, whether the compiled sqlglotc
build is in use, and, when sqllineage is installed, the speed of its default
parser on the first N statements (default 30) and the ratio.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import importlib.metadata
import importlib.util
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import yaml

from flowscope.ingest.sql import DEFAULT_MASKING, lineage
from flowscope.ingest.sql.estate import SqlJob, run_jobs

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(__file__).resolve().parent / ".cache"


Item = tuple[str, str | None, dict[str, list[str]]]  # statement, dialect, catalog


def corpus(folders: list[Path], dialect: str | None) -> list[Item]:
    """One item per statement, with the dialect and column catalog to read it with."""
    found: list[Item] = []
    for folder in folders:
        found += [
            (p.read_text(errors="replace"), dialect, {}) for p in sorted(folder.rglob("*.sql"))
        ]
    if folders:
        return _statements(found)
    if importlib.util.find_spec("sqllineage"):
        spec = importlib.util.find_spec("sqllineage")
        data = Path(str(spec.origin if spec else "")).parent / "data" / "tpcds"
        catalog = tpcds_catalog()
        found += [(path.read_text(), None, catalog) for path in sorted(data.glob("*.sql"))]
    for file in sorted((ROOT / "tests" / "lineage_cases").glob("*.yaml")):
        found += [
            (c["sql"], file.stem, c.get("catalog") or {}) for c in yaml.safe_load(file.read_text())
        ]
    return _statements(found)


def tpcds_catalog() -> dict[str, list[str]]:
    """TPC-DS's columns, from the test helpers in sqlglot's source package (MIT), so
    that unqualified columns in the queries resolve as they would on a warehouse."""
    cached = CACHE / "tpcds_catalog.json"
    if cached.exists():
        return dict(json.loads(cached.read_text()))
    CACHE.mkdir(parents=True, exist_ok=True)
    version = importlib.metadata.version("sqlglot")
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
         f"sqlglot=={version}", "-d", str(CACHE)],
        check=True, capture_output=True,
    )  # fmt: skip
    archive = next(CACHE.glob(f"sqlglot-{version}.tar.gz"))
    with tarfile.open(archive) as tar:
        helpers = tar.extractfile(f"sqlglot-{version}/tests/helpers.py").read().decode()  # type: ignore[union-attr]
    tree = ast.parse(helpers)
    schema = next(
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "TPCDS_SCHEMA"
    )
    catalog = {table: list(columns) for table, columns in schema.items()}
    cached.write_text(json.dumps(catalog))
    archive.unlink()
    return catalog


def _statements(scripts: list[Item]) -> list[Item]:
    """One entry per statement, as written: each script cut at its top-level semicolons."""
    return [
        (part, dialect, catalog)
        for text, dialect, catalog in scripts
        for part in _split(text, dialect)
        if part.strip()
    ]


def _split(text: str, dialect: str | None) -> list[str]:
    """Statements of a script, split where sqlglot's tokenizer sees a semicolon."""
    from sqlglot.tokenizer_core import TokenType

    from flowscope.ingest.sql.lineage import Dialect

    tokens = Dialect.get_or_raise(dialect).tokenize(text)
    parts, start = [], 0
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            parts.append(text[start : token.start])
            start = token.end + 1
    parts.append(text[start:])
    return parts


def one_process(statements: list[Item], columns: bool) -> float:
    started = time.perf_counter()
    for text, dialect, catalog in statements:
        lineage(text, dialect, catalog, statement_seconds=None, columns=columns)
    return len(statements) / (time.perf_counter() - started)


def all_cores(statements: list[Item], jobs: int) -> float:
    """Column lineage with files spread over processes, as a scan reads an estate."""
    with tempfile.TemporaryDirectory() as folder:
        batch: list[SqlJob] = []
        groups: list[list[Item]] = []
        for item in statements:  # a file holds statements of one dialect and catalog
            last = groups[-1] if groups else None
            if last and len(last) < 10 and last[0][1:] == item[1:]:
                last.append(item)
            else:
                groups.append([item])
        for number, group in enumerate(groups):
            path = Path(folder) / f"f{number}.sql"
            path.write_text(";\n".join(text for text, _, _ in group) + ";\n")
            dialect, catalog = group[0][1], group[0][2]
            batch.append(SqlJob(str(path), path.name, dialect, catalog, DEFAULT_MASKING, 10.0))
        started = time.perf_counter()
        run_jobs(batch, jobs)
        return len(statements) / (time.perf_counter() - started)


def established(statements: list[Item], count: int) -> float | None:
    """sqllineage with its default parser, column lineage, on the first statements."""
    if not importlib.util.find_spec("sqllineage"):
        return None
    from sqllineage.runner import LineageRunner

    sample = statements[:count]
    started = time.perf_counter()
    for text, _, _ in sample:
        # the established tool fails on some statements: the time spent still counts
        with contextlib.suppress(Exception):
            LineageRunner(text, dialect="ansi", silent_mode=True).get_column_lineage()
    return len(sample) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--dialect", default=None)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--compare", type=int, default=30, help="statements to give sqllineage")
    args = parser.parse_args()
    statements = corpus(args.folders, args.dialect)
    spec = importlib.util.find_spec("sqlglot.parser")
    compiled = bool(spec and spec.origin and spec.origin.endswith(".so"))
    print(
        f"{len(statements)} statements; sqlglot compiled (sqlglotc): {'yes' if compiled else 'no'}"
    )
    failures = [
        (text, result["errors"][0]["message"])
        for text, d, c in statements
        if (result := lineage(text, d, c, statement_seconds=None))["errors"]
    ]
    print(f"  statements with a lineage error: {len(failures)}")
    for text, message in failures[:5]:
        print(f"    {' '.join(text.split())[:60]!r}: {message}")
    report("whole corpus", statements, args.jobs)
    heavy = [item for item in statements if item[2] and len(item[0]) > 400]
    if heavy and not args.folders:
        report(
            f"TPC-DS-size statements (> 400 characters, with a catalog: {len(heavy)})",
            heavy,
            args.jobs,
        )
    theirs = established(statements, args.compare)
    if theirs is None:
        print("sqllineage not installed: no comparison")
        return
    sample = statements[: args.compare]
    ours, ours_all = one_process(sample, columns=True), all_cores(sample, args.jobs)
    print(f"the same first {len(sample)} statements (TPC-DS), column lineage:")
    print(f"  sqllineage (default parser), 1 process: {theirs:8.2f} statements/s")
    print(f"  flowscope, 1 process: {ours:8.1f} statements/s ({ours / theirs:.0f}x)")
    ratio = ours_all / theirs
    print(f"  flowscope, {args.jobs} processes: {ours_all:8.1f} statements/s ({ratio:.0f}x)")


def report(title: str, statements: list[Item], jobs: int) -> None:
    table = one_process(statements, columns=False)
    column = one_process(statements, columns=True)
    parallel = all_cores(statements, jobs)
    print(title)
    print(f"  table lineage,  1 process  : {table:7.1f} statements/s")
    print(f"  column lineage, 1 process  : {column:7.1f} statements/s")
    print(f"  column lineage, {jobs} processes: {parallel:7.1f} statements/s")


if __name__ == "__main__":
    main()
