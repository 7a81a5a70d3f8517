"""flowscope.yaml: what an estate folder asks flowscope to read, and its policy."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from flowscope.ingest.yamldoc import YamlDoc, load_yaml, validate
from flowscope.model import Diagnostic, InputError, Level, Policy, Source
from flowscope.model.suppression import Suppression

CONFIG_FILE = "flowscope.yaml"
SCHEMA = "flowscope.schema.json"
DEFAULT_SYSTEMS = ("systems.yaml",)
DEFAULT_SPECS = ("specs/**/*.yaml", "specs/**/*.yml", "specs/**/*.json")
DEFAULT_SQL = ("sql/**/*.sql",)
DEFAULT_INVENTORY = ("vendors.csv", "vendors.xlsx")  # a YAML inventory is named in the config
DEFAULT_CATALOG = "catalog.csv"


@dataclass
class EstateConfig:
    """The estate's reading instructions, resolved against its root folder."""

    root: Path
    name: str
    systems: tuple[tuple[str, Source], ...] = tuple(
        (p, Source(CONFIG_FILE)) for p in DEFAULT_SYSTEMS
    )
    specs: tuple[tuple[str, Source], ...] = tuple((p, Source(CONFIG_FILE)) for p in DEFAULT_SPECS)
    allow_remote_refs: bool = False
    sql_paths: tuple[tuple[str, Source], ...] = tuple((p, Source(CONFIG_FILE)) for p in DEFAULT_SQL)
    inventory_paths: tuple[tuple[str, Source], ...] = tuple(
        (p, Source(CONFIG_FILE)) for p in DEFAULT_INVENTORY
    )
    inventory: dict[str, Any] = field(default_factory=dict)  # the rest of ``inventory:``
    classify: dict[str, Any] = field(default_factory=dict)  # the estate's patterns and overrides
    sql: dict[str, Any] = field(default_factory=dict)  # the rest of the ``sql:`` section
    sql_where: Source = field(default_factory=lambda: Source(CONFIG_FILE))
    policy: Policy = field(default_factory=Policy)


def load_config(root: Path) -> EstateConfig:
    """Read ``root/flowscope.yaml``; an estate without one gets the defaults."""
    path = root / CONFIG_FILE
    if not path.is_file():
        return EstateConfig(root, root.resolve().name, policy=Policy(today=_as_of()))
    doc = load_yaml(path, CONFIG_FILE)
    if doc.data is None:  # an empty file: every default
        return EstateConfig(root, root.resolve().name, policy=Policy(today=_as_of()))
    problems = doc.problems + validate(doc, SCHEMA)
    if problems or not isinstance(doc.data, dict):
        # a config we cannot trust must not silently read less of the estate
        raise InputError(*problems) if problems else InputError(_not_a_mapping(doc))
    policy = doc.data.get("policy") or {}
    return EstateConfig(
        root=root,
        name=doc.data.get("name", root.resolve().name),
        systems=_patterns(doc, "systems", DEFAULT_SYSTEMS),
        specs=_patterns(doc, "openapi", DEFAULT_SPECS),
        allow_remote_refs=bool(doc.data.get("allow_remote_refs", False)),
        sql_paths=_patterns(doc, "sql/paths", DEFAULT_SQL),
        inventory_paths=_patterns(doc, "inventory/paths", DEFAULT_INVENTORY),
        inventory=dict(doc.data.get("inventory") or {}),
        classify=dict(doc.data.get("classify") or {}),
        sql=dict(doc.data.get("sql") or {}),
        sql_where=doc.source("/sql"),
        policy=Policy(
            fail_on=policy.get("fail_on", "high"),
            review_max_age_days=policy.get("review_max_age_days", 365),
            allowed_regions=tuple(policy.get("allowed_regions", ())),
            today=_as_of(),
            severities=dict(policy.get("severity") or {}),
            suppressions=_suppressions(doc),
        ),
    )


def _suppressions(doc: YamlDoc) -> tuple[Suppression, ...]:
    return tuple(
        Suppression(
            reason=entry["reason"],
            owner=entry["owner"],
            expires=date.fromisoformat(entry["expires"]),
            source=doc.source(f"/suppressions/{index}"),
            rule=entry.get("rule"),
            subject=entry.get("subject"),
            fingerprint=entry.get("fingerprint"),
        )
        for index, entry in enumerate(doc.data.get("suppressions") or [])
    )


def _as_of() -> date | None:
    """FLOWSCOPE_TODAY=YYYY-MM-DD pins "today" for review ages: reproducible reports and tests."""
    text = os.environ.get("FLOWSCOPE_TODAY", "")
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        # silently using the real today would make a pinned report drift
        raise InputError(
            Diagnostic(
                Level.ERROR,
                f"{text!r} is not a date; write it as YYYY-MM-DD",
                Source("FLOWSCOPE_TODAY"),
            )
        ) from None


def _patterns(doc: YamlDoc, key: str, default: tuple[str, ...]) -> tuple[tuple[str, Source], ...]:
    """Glob patterns under ``key`` (a path such as ``sql/paths``), each with its line."""
    value: Any = doc.data
    for part in key.split("/"):
        value = value.get(part) if isinstance(value, dict) else None
    if value is None:
        return tuple((pattern, Source(doc.file, 0)) for pattern in default)
    return tuple((pattern, doc.source(f"/{key}/{index}")) for index, pattern in enumerate(value))


def _not_a_mapping(doc: YamlDoc) -> Diagnostic:
    return Diagnostic(Level.ERROR, "expected a mapping of settings", Source(doc.file, 1))


def expand_globs(
    root: Path, patterns: tuple[tuple[str, Source], ...]
) -> tuple[list[Path], list[Diagnostic]]:
    """Files matching ``patterns`` under ``root``, never outside it, in a stable order.

    A pattern written in flowscope.yaml that matches nothing is a warning; a
    default pattern (no line) may match nothing.
    """
    base = root.resolve()
    found: list[Path] = []
    problems: list[Diagnostic] = []
    for pattern, where in patterns:
        if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
            problems.append(_outside(pattern, where))
            continue
        matches = sorted(p for p in base.glob(pattern) if p.is_file() and p.name != CONFIG_FILE)
        if not matches and where.line:
            problems.append(Diagnostic(Level.WARNING, f"no file matches {pattern!r}", where))
        for match in matches:
            if not match.resolve().is_relative_to(base):
                problems.append(_outside(pattern, where))  # a symlink leading out
            elif match not in found:
                found.append(match)
    return found, problems


def _outside(pattern: str, where: Source) -> Diagnostic:
    return Diagnostic(Level.ERROR, f"{pattern!r} points outside the estate folder", where)
