"""An estate's SQL: files read in parallel, a column catalog, dbt manifests, into the graph."""

from __future__ import annotations

import csv
import fnmatch
import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flowscope.ingest.sql import lineage
from flowscope.ingest.sql.columns import DEFAULT_MASKING
from flowscope.model import Diagnostic, Estate, InputError, Level, Source
from flowscope.model.ids import dataset_id, field_id

MAX_SQL_BYTES = 20 * 1024 * 1024
PARALLEL_FROM_FILES = 4  # fewer files are read in this process: starting workers costs more


@dataclass
class SqlSettings:
    """The ``sql:`` section of flowscope.yaml, resolved."""

    warehouse: str = "warehouse"
    dialect: str | None = None
    dialects: dict[str, str] = field(default_factory=dict)  # glob -> dialect
    catalog: dict[str, list[str]] = field(default_factory=dict)
    catalog_sources: dict[str, Source] = field(default_factory=dict)
    masking: frozenset[str] = DEFAULT_MASKING
    jobs: int = 0  # 0: one per core
    statement_seconds: float = 10.0

    def dialect_for(self, file: str) -> str | None:
        for pattern, dialect in self.dialects.items():
            if fnmatch.fnmatch(file, pattern):
                return dialect
        return self.dialect


@dataclass(frozen=True)
class SqlJob:
    path: str
    file: str
    dialect: str | None
    catalog: dict[str, list[str]]
    masking: frozenset[str]
    statement_seconds: float


@dataclass
class Relation:
    """A dbt model (or seed, snapshot): its relation, compiled SQL and parents."""

    name: str
    sql: str | None
    parents: list[str]
    source: Source
    columns: list[str] = field(default_factory=list)


def read_catalog(
    path: Path, file: str
) -> tuple[dict[str, list[str]], dict[str, Source], list[Diagnostic]]:
    """catalog.csv in the shape of information_schema.columns: table, column[, type]."""
    catalog: dict[str, list[str]] = {}
    sources: dict[str, Source] = {}
    problems: list[Diagnostic] = []
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = csv.DictReader(handle)
            header = {h.strip().lower(): h for h in rows.fieldnames or []}
            for number, row in enumerate(rows, start=2):
                table = _catalog_table(row, header)
                column = row.get(header.get("column") or header.get("column_name") or "", "")
                if not table or not column:
                    problems.append(
                        Diagnostic(
                            Level.WARNING,
                            "row without table or column; skipped",
                            Source(file, number),
                        )
                    )
                    continue
                catalog.setdefault(table, []).append(column.strip().lower())
                sources.setdefault(table, Source(file, number))
                sources[f"{table}.{column.strip().lower()}"] = Source(file, number)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(
            Diagnostic(Level.ERROR, f"cannot read the catalog: {exc}", Source(file))
        ) from None
    return catalog, sources, problems


def _catalog_table(row: dict[str, str], header: dict[str, str]) -> str:
    if "table" in header:
        return row.get(header["table"], "").strip().lower()
    parts = [
        row.get(header[k], "").strip().lower()
        for k in ("table_catalog", "table_schema", "table_name")
        if k in header
    ]
    return ".".join(p for p in parts if p)


def run_jobs(jobs: list[SqlJob], workers: int) -> list[tuple[SqlJob, dict[str, Any] | str]]:
    """Lineage of every file; files spread over processes when there are enough of them."""
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or len(jobs) < PARALLEL_FROM_FILES:
        return [(job, _one(job)) for job in jobs]
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
        return list(zip(jobs, pool.map(_one, jobs, chunksize=1), strict=True))


def _one(job: SqlJob) -> dict[str, Any] | str:
    """One file's lineage, or the reason it could not be read."""
    try:
        size = os.path.getsize(job.path)
        if size > MAX_SQL_BYTES:
            return f"file too large ({size} bytes, limit {MAX_SQL_BYTES})"
        with open(job.path, encoding="utf-8-sig", errors="replace") as handle:
            text = handle.read()
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    return lineage(text, job.dialect, job.catalog, job.masking, job.statement_seconds)


def load_lineage(
    estate: Estate,
    settings: SqlSettings,
    file: str,
    result: dict[str, Any],
    target_of: str | None = None,
) -> None:
    """Datasets, fields and lineage edges of one file's statements."""
    system = f"system:{settings.warehouse}"
    for error in result["errors"]:
        estate.warn(error["message"], Source(file, int(error["line"])))
    temporary = {t for s in result["statements"] for t in s.get("temporary", [])}
    for statement in result["statements"]:
        pointer = statement.get("pointer") or f"statement/{statement['index']}"
        where = Source(file, int(statement["line"]), pointer)
        ids = {
            name: _dataset(estate, system, name, file, temporary, where)
            for name in statement["sources"] + statement["targets"]
        }
        for source in statement["sources"]:
            for target in statement["targets"]:
                if source != target:
                    estate.add_edge(
                        ids[source],
                        ids[target],
                        "lineage",
                        where,
                        key="lineage",
                        statement=statement["index"],
                    )
        for table, location in statement.get("locations", {}).items():
            stored = _dataset(estate, system, location, file, temporary, where)
            table_node = _dataset(estate, system, table, file, temporary, where)
            estate.add_node(table_node, "dataset", where, location=location.removeprefix("path:"))
            estate.add_edge(
                table_node, stored, "lineage", where, key="lineage", statement=statement["index"]
            )
        for column, categories in statement.get("tags", {}).items():
            table = column.rpartition(".")[0]
            if table not in ids:
                ids[table] = _dataset(estate, system, table, file, temporary, where)
            tagged = _field(estate, ids, column, where)
            if tagged:  # a `-- flowscope: <category>` comment: explicit, it wins
                estate.add_node(tagged, "field", where, declared_categories=categories)
        for edge in statement["columns"]:
            source_field = _field(estate, ids, edge["source"], where)
            target_field = _field(estate, ids, edge["target"], where)
            if source_field and target_field:
                key = f"lineage:{edge['transform']}"
                estate.add_edge(
                    source_field,
                    target_field,
                    "lineage",
                    where,
                    key=key,
                    transform=edge["transform"],
                    statement=statement["index"],
                )


def _dataset(
    estate: Estate, system: str, name: str, file: str, temporary: set[str], where: Source
) -> str:
    # a temporary table lives in one session: two files' "tmp" are not one table
    qualified = f"{name}@{file}" if name in temporary else name
    node = dataset_id(system, qualified)
    kind = "file" if name.startswith("path:") else "table"
    estate.add_node(
        node, "dataset", where, name=name, type=kind, temporary=name in temporary or None
    )
    estate.add_edge(system, node, "contains", where)
    return node


def _field(estate: Estate, ids: dict[str, str], column: str, where: Source) -> str | None:
    table, _, name = column.rpartition(".")
    dataset = ids.get(table)
    if dataset is None or not name:
        return None  # a plain SELECT's result column: not stored anywhere
    node = field_id(dataset, name)
    estate.add_node(node, "field", where, name=name)
    estate.add_edge(dataset, node, "contains", where)
    return node


def load_catalog(estate: Estate, settings: SqlSettings) -> None:
    """Tables the catalog knows become datasets with their fields, even if no SQL names them."""
    system = f"system:{settings.warehouse}"
    for table, columns in settings.catalog.items():
        where = settings.catalog_sources.get(table, Source("catalog.csv"))
        node = _dataset(estate, system, table, where.file, set(), where)
        for column in columns:
            row = settings.catalog_sources.get(f"{table}.{column}", where)
            _field(estate, {table: node}, f"{table}.{column}", row)


# -- dbt --------------------------------------------------------------------


def read_manifest(project: Path, file_prefix: str) -> tuple[list[Relation], dict[str, list[str]]]:
    """Models, seeds and snapshots of a compiled dbt project, and catalog columns."""
    manifest_path = project / "target" / "manifest.json"
    where = f"{file_prefix}target/manifest.json"
    if not manifest_path.is_file():
        raise InputError(
            Diagnostic(
                Level.ERROR,
                "dbt project has no compiled manifest: run `dbt compile` (or `dbt build`) first",
                Source(f"{file_prefix}dbt_project.yml"),
            )
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(
            Diagnostic(Level.ERROR, f"cannot read the manifest: {exc}", Source(where))
        ) from None
    relations_by_id = _relations(manifest)
    catalog = _dbt_catalog(project / "target" / "catalog.json", relations_by_id)
    relations = []
    for unique_id, node in (manifest.get("nodes") or {}).items():
        if (
            node.get("resource_type") not in ("model", "seed", "snapshot")
            or unique_id not in relations_by_id
        ):
            continue
        parents = [
            relations_by_id[p]
            for p in (node.get("depends_on") or {}).get("nodes", [])
            if p in relations_by_id
        ]
        sql = node.get("compiled_code") or node.get("compiled_sql")
        relations.append(
            Relation(
                relations_by_id[unique_id], sql, parents, Source(where, 0, f"/nodes/{unique_id}")
            )
        )
    return relations, catalog


def _relations(manifest: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for section in ("nodes", "sources"):
        for unique_id, node in (manifest.get(section) or {}).items():
            name = node.get("relation_name")
            if not name and node.get("name"):
                name = ".".join(
                    p
                    for p in (
                        node.get("database"),
                        node.get("schema"),
                        node.get("alias") or node.get("name"),
                    )
                    if p
                )
            if name:
                found[unique_id] = _plain_relation(name)
    return found


def _plain_relation(name: str) -> str:
    """>>> _plain_relation('"ANALYTICS"."marts"."Customers"')
    'analytics.marts.customers'
    """
    return ".".join(part.strip('"`[] ').lower() for part in name.split("."))


def _dbt_catalog(path: Path, relations: dict[str, str]) -> dict[str, list[str]]:
    if not path.is_file():
        return {}
    try:
        catalog = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    columns: dict[str, list[str]] = {}
    for section in ("nodes", "sources"):
        for unique_id, node in (catalog.get(section) or {}).items():
            if unique_id in relations:
                ordered = sorted(
                    (node.get("columns") or {}).values(), key=lambda c: c.get("index", 0)
                )
                columns[relations[unique_id]] = [str(c.get("name", "")).lower() for c in ordered]
    return columns


def dbt_lineage(
    relation: Relation, settings: SqlSettings, catalog: dict[str, list[str]]
) -> dict[str, Any]:
    """Lineage of a model: columns from its compiled SQL, tables from depends_on."""
    wrapped = f"create table {relation.name} as\n{relation.sql}" if relation.sql else ""
    result = (
        lineage(
            wrapped,
            settings.dialect,
            {**settings.catalog, **catalog},
            settings.masking,
            settings.statement_seconds,
        )
        if wrapped
        else {"statements": [], "errors": []}
    )
    empty: dict[str, Any] = {"index": 0, "line": 1, "columns": [], "temporary": []}
    statement: dict[str, Any] = result["statements"][0] if result["statements"] else empty
    statement["sources"] = sorted(set(relation.parents))  # depends_on is the table-level truth
    statement["targets"] = [relation.name]
    statement["pointer"] = relation.source.pointer  # which model, in the manifest
    # compiled SQL may quote names in capitals ("ANALYTICS"."RAW"."USERS"): match any case
    parents = {p.lower(): p for p in relation.parents}
    kept = []
    for column in statement["columns"]:
        table, _, name = column["source"].rpartition(".")
        if table.lower() in parents:
            kept.append({**column, "source": f"{parents[table.lower()]}.{name.lower()}"})
    statement["columns"] = kept
    return {"statements": [statement], "errors": result["errors"]}
