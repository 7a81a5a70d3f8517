"""The functions a notebook or a script calls; the CLI is a thin layer over them."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from flowscope import alerts, analyze, config, export
from flowscope import classify as classify_module
from flowscope.analyze import exposure_score
from flowscope.explore import ExploredEstate, FindingList
from flowscope.export import json_graph, sarif
from flowscope.ingest import graph_json, inventory, openapi, systems
from flowscope.ingest import sql as sql_ingest
from flowscope.ingest.openapi.documents import is_url
from flowscope.ingest.sql import estate as sql_estate
from flowscope.ingest.yamldoc import load_yaml
from flowscope.model import Diagnostic, Estate, InputError, Level, Severity, Source
from flowscope.render import diff_report, markdown, report
from flowscope.render import map as map_render
from flowscope.store import Snapshot, SnapshotStore, StoreError, default_store
from flowscope.store.diff import diff_documents

SPEC_SUFFIXES = (".yaml", ".yml", ".json")
# A top-level "openapi:"/"swagger:" key: unindented in YAML; anywhere in (minified) JSON.
_YAML_SPEC_MARKER = re.compile(r"""^["']?(openapi|swagger)["']?\s*:""", re.MULTILINE)
_JSON_SPEC_MARKER = re.compile(r'"(openapi|swagger)"\s*:')


@dataclass
class _Reading:
    """What one call to :func:`load` reads."""

    root: Path
    whole_estate: bool
    systems_files: list[Path] = field(default_factory=list)
    spec_files: list[Path] = field(default_factory=list)
    spec_urls: list[str] = field(default_factory=list)
    sql_files: list[Path] = field(default_factory=list)
    inventory_files: list[Path] = field(default_factory=list)
    export_file: Path | None = None


def load(
    path: str | Path,
    *,
    strict: bool = False,
    allow_remote_refs: bool = False,
    jobs: int | None = None,
) -> ExploredEstate:
    """Read an estate (a folder, one systems file, one spec or a spec's URL) and analyze it.

    Problems in single files are collected in ``estate.diagnostics`` and the
    rest is still read; ``strict`` turns warnings into errors. Remote
    ``$ref``s are followed only with ``allow_remote_refs``. SQL files are read
    by ``jobs`` processes (default: the estate's ``sql.jobs``, else one per
    core). Raises ``InputError`` only when nothing can be read at all.
    """
    reading = _locate(str(path))
    if reading.export_file is not None:
        return _load_export(reading, strict)
    cfg = config.load_config(reading.root)
    estate = ExploredEstate(name=cfg.name, root=reading.root, policy=cfg.policy)
    if reading.whole_estate:
        reading.systems_files, problems = config.expand_globs(reading.root, cfg.systems)
        estate.diagnostics.extend(problems)
        reading.spec_files, problems = config.expand_globs(reading.root, cfg.specs)
        estate.diagnostics.extend(problems)
        reading.sql_files, problems = config.expand_globs(reading.root, cfg.sql_paths)
        estate.diagnostics.extend(problems)
        reading.inventory_files, problems = config.expand_globs(reading.root, cfg.inventory_paths)
        estate.diagnostics.extend(problems)
    _read_systems(estate, reading.systems_files)
    _read_inventories(estate, cfg, reading.inventory_files)
    sources = openapi.SpecSources(reading.spec_files, _spec_links(estate), reading.spec_urls)
    remote = allow_remote_refs or cfg.allow_remote_refs
    openapi.read_specs(estate, sources, allow_remote_refs=remote)
    _read_sql(estate, cfg, reading, jobs)
    classify_module.annotate(estate, *_classify_settings(cfg))
    estate.findings = FindingList(analyze.analyze(estate))
    if strict:
        estate.diagnostics = [_promote(d) for d in estate.diagnostics]
    return estate


def scan(
    path: str | Path,
    *,
    strict: bool = False,
    allow_remote_refs: bool = False,
    jobs: int | None = None,
) -> ExploredEstate:
    """Alias of :func:`load` that reads better in scripts: ``flowscope.scan(path).findings``."""
    return load(path, strict=strict, allow_remote_refs=allow_remote_refs, jobs=jobs)


def lineage(
    sql_text: str,
    dialect: str | None = None,
    catalog: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """Table and column lineage of a SQL script, per statement and end to end.

    ``catalog`` maps a table name to its column names (it expands ``SELECT *``).
    The result is ``{"statements": [...], "script": {...}, "errors": [...]}``.

    >>> result = lineage("insert into marts.export select sha2(email) as email from stg.users")
    >>> result["script"]["columns"]
    [{'source': 'stg.users.email', 'target': 'marts.export.email', 'transform': 'masked'}]
    """
    return sql_ingest.lineage(sql_text, dialect, catalog)


def export_estate(
    estate: Estate, fmt: str, focus: str | None = None, category: str | None = None
) -> str:
    """The estate in one of :data:`flowscope.export.FORMATS`, as text.

    ``focus`` and ``category`` export only a part (see :meth:`Estate.cut`).
    """
    if focus is not None or category is not None:
        estate = estate.cut(focus, category)
    if fmt in export.THREAT_EXPORTERS:
        return export.THREAT_EXPORTERS[fmt](estate, {rule.id: rule for rule in analyze.RULES})
    if fmt in export.EXPORTERS:
        return export.EXPORTERS[fmt](estate)
    known = ", ".join(export.FORMATS)
    raise ValueError(f"unknown export format {fmt!r}: expected one of {known}")


def at_or_above(estate: Estate, threshold: Severity) -> int:
    """New findings (not in the baseline) at or above ``threshold``: what --fail-on counts."""
    return sum(1 for finding in analyze.new_findings(estate) if finding.severity >= threshold)


FINDING_FORMATS = ("table", "json", "markdown", "sarif")


def classify(name: str, context: Sequence[str] = ()) -> dict[str, Any]:
    """Categories of one field name, with the reasons: what ``flowscope classify`` prints.

    >>> classify("customerEmail")["categories"]
    ['user.contact.email']
    """
    result = classify_module.classify(name, context)
    return {"name": name, "categories": list(result.categories), "reasons": list(result.reasons)}


def rank(estate: Estate) -> list[dict[str, Any]]:
    """Integration points (flows into third parties or the public), most exposed first."""
    today = estate.policy.today or date.today()
    return [point.to_dict() for point in exposure_score.rank(estate, today)]


def render_map(
    estate: Estate, level: str = "system", focus: str | None = None, category: str | None = None
) -> str:
    """The interactive HTML map of the estate, as one self-contained page."""
    return map_render.render(estate, level, focus, category)


def review_pack(
    path: str, since: str, store: str | Path | None = None
) -> tuple[dict[str, str], Estate]:
    """The weekly review: what changed since ``since`` (a snapshot reference, as for diff),
    as ``review.md`` and a ``map.html`` with the changes highlighted (file name -> text),
    and the estate as read today, for its diagnostics."""
    result, old, new = diff(since, path, store)
    assert new.estate is not None  # a folder side is always read from files
    estate = new.estate
    today = estate.policy.today or date.today()
    text = diff_report.to_markdown(result, old.label, new.label)
    text += "\n" + diff_report.due_markdown(_reviews_due(estate, today), _expiring(estate, today))
    pack = {"review.md": text, "map.html": map_render.render(estate, changes=result)}
    return pack, estate


REVIEW_HORIZON_DAYS = 30  # what the weekly review should see coming


def _reviews_due(estate: Estate, today: date) -> list[dict[str, str]]:
    """Vendors whose review falls due within the horizon (or is already overdue)."""
    due = []
    horizon = today + timedelta(days=REVIEW_HORIZON_DAYS)
    for system, data in estate.nodes("system"):
        written = data.get("last_review")
        if data.get("zone") != "third_party" or not isinstance(written, str):
            continue
        try:
            when = date.fromisoformat(written) + timedelta(days=estate.policy.review_max_age_days)
        except ValueError:
            continue
        if when <= horizon:
            state = "overdue" if when < today else "due"
            due.append(
                {"system": str(data.get("name", system)), "due": when.isoformat(), "state": state}
            )
    return sorted(due, key=lambda d: d["due"])


def _expiring(estate: Estate, today: date) -> list[dict[str, str]]:
    horizon = today + timedelta(days=REVIEW_HORIZON_DAYS)
    return [
        {
            "rule": s.rule or "-",
            "subject": s.subject or s.fingerprint or "-",
            "owner": s.owner,
            "expires": s.expires.isoformat(),
            "state": "expired" if s.expired(today) else "expiring",
        }
        for s in sorted(estate.policy.suppressions, key=lambda s: s.expires)
        if s.expires <= horizon
    ]


def render_findings(estate: Estate, fmt: str) -> str:
    """The findings in one of FINDING_FORMATS."""
    if fmt == "sarif":
        return sarif.render(estate, {rule.id: rule for rule in analyze.RULES})
    if fmt == "markdown":
        return markdown.to_markdown(estate)
    if fmt in report.FORMATS:
        return report.FORMATS[fmt](estate)
    raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(FINDING_FORMATS)}")


def read_baseline(path: str | Path) -> frozenset[str]:
    """Fingerprints from a baseline: a scan's JSON report, an export, or {"fingerprints": [...]}."""
    file = Path(path)
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(_unreadable(file, f"not a readable baseline: {exc}")) from None
    if isinstance(document, dict) and isinstance(document.get("fingerprints"), list):
        return frozenset(str(f) for f in document["fingerprints"])
    if isinstance(document, dict) and isinstance(document.get("findings"), list):
        return frozenset(
            str(f.get("fingerprint")) for f in document["findings"] if isinstance(f, dict)
        )
    raise InputError(
        _unreadable(file, "a baseline holds 'findings' (a scan's JSON) or 'fingerprints'")
    )


def notify(estate: Estate, url: str, threshold: Severity) -> str | None:
    """Post the new findings at or above ``threshold`` to a webhook; None when delivered
    (or when there is nothing to say), else the reason it was not, to report."""
    new = [f.to_dict() for f in analyze.new_findings(estate) if f.severity >= threshold]
    if not new:
        return None
    return alerts.post(url, alerts.payload(estate.name, new, threshold.label))


def store_path(estate: Estate, store: str | Path | None = None) -> Path:
    """``--store``, else ``.flowscope/snapshots.db`` under the estate's folder."""
    return Path(store) if store else default_store(estate.root)


def save_snapshot(estate: Estate, store: str | Path | None = None) -> int:
    """Keep this scan (graph, findings, provenance) in the snapshot store; its id."""
    findings = [(f, False) for f in estate.findings] + [(f, True) for f, _ in estate.suppressed]
    meta = {
        "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "estate": estate.name,
        "root": str(estate.root),
        "git_commit": git_commit(estate.root),
        "systems": sum(1 for _ in estate.nodes("system")),
        "flows": sum(1 for _ in estate.flows()),
        "nodes": estate.graph.number_of_nodes(),
        "edges": estate.graph.number_of_edges(),
    }
    rows = [
        {
            "fingerprint": f.fingerprint,
            "rule": f.rule_id,
            "severity": f.severity.label,
            "subject": f.subjects[0] if f.subjects else "",
            "suppressed": suppressed,
        }
        for f, suppressed in findings
    ]
    with _open_store(store_path(estate, store)) as snapshots:
        return snapshots.save(json_graph.to_document(estate), meta, rows)


def history(path: str | Path, store: str | Path | None = None) -> list[Snapshot]:
    """The snapshots kept for the estate at ``path`` (or in ``store``), oldest first."""
    root = _locate(str(path)).root
    location = Path(store) if store else default_store(root)
    if not location.exists():
        return []
    with _open_store(location) as snapshots:
        return snapshots.history()


# A snapshot: its id, latest, latest~N, N days ago (7d), or a day (2026-11-19).
_SNAPSHOT = re.compile(
    r"(?:latest(?:~(?P<back>\d+))?|(?P<id>\d+)|(?P<days>\d+)d|(?P<day>\d{4}-\d{2}-\d{2}))"
)


@dataclass
class DiffSide:
    """One side of a diff: the estate as its JSON export, and how to name it."""

    label: str
    document: dict[str, Any]
    estate: Estate | None = None  # when the side was read from files, for its diagnostics


def diff(
    old: str, new: str, store: str | Path | None = None
) -> tuple[dict[str, Any], DiffSide, DiffSide]:
    """What changed from ``old`` to ``new``. Each side is an estate folder or file, an
    export JSON, a snapshot (id, ``latest``, ``latest~N``, ``7d`` for the last one taken
    at least 7 days ago, or a day ``2026-11-19``), or a git revision (``HEAD~3``) of the
    other side's folder. Snapshots come from ``store``, else from the store of the side
    that is a folder, else from ``.flowscope/snapshots.db`` here."""
    folders = [t for t in (old, new) if not _SNAPSHOT.fullmatch(t) and Path(t).exists()]
    base = _locate(folders[0]).root if folders else Path(".")
    location = Path(store) if store else default_store(base)
    sides = [_diff_side(text, location, folders) for text in (old, new)]
    return diff_documents(sides[0].document, sides[1].document), sides[0], sides[1]


def _diff_side(text: str, location: Path, folders: list[str]) -> DiffSide:
    wanted = _SNAPSHOT.fullmatch(text)
    if wanted is not None:
        return _snapshot_side(text, wanted, location)
    if not Path(text).exists() and folders:
        checkout = _git_checkout(text, Path(folders[0]))
        if checkout is not None:
            scratch, estate_folder = checkout
            try:
                estate = load(estate_folder)
                return DiffSide(f"{text} of {folders[0]}", _document(estate), estate)
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
    estate = load(text)
    return DiffSide(text, _document(estate), estate)


def _document(estate: Estate) -> dict[str, Any]:
    """The export as it reads back from JSON (tuples as lists, dates as text)."""
    loaded: dict[str, Any] = json.loads(json.dumps(json_graph.to_document(estate), default=str))
    return loaded


def _no_snapshot(location: Path, message: str) -> InputError:
    return InputError(Diagnostic(Level.ERROR, message, Source(str(location))))


def _snapshot_side(text: str, wanted: re.Match[str], location: Path) -> DiffSide:
    if not location.exists():
        raise _no_snapshot(location, "no snapshot store here: run scan --save first")
    with _open_store(location) as snapshots:
        kept = snapshots.history()
        if wanted["id"]:
            chosen = [s for s in kept if s.id == int(wanted["id"])]
        elif wanted["days"] or wanted["day"]:
            chosen = [s for s in kept if s.taken_at <= _cutoff(wanted)][-1:]
        else:
            back = int(wanted["back"] or 0)
            chosen = [kept[-1 - back]] if back < len(kept) else []
        if not chosen:
            raise _no_snapshot(location, f"no snapshot {text!r} ({len(kept)} kept)")
        snapshot = chosen[0]
        return DiffSide(
            f"snapshot {snapshot.id} ({snapshot.taken_at})", snapshots.document(snapshot.id)
        )


def _cutoff(wanted: re.Match[str]) -> str:
    """The latest moment a snapshot may have been taken at, as stored (UTC, ISO 8601)."""
    if wanted["days"]:
        moment = datetime.now(UTC) - timedelta(days=int(wanted["days"]))
        return moment.isoformat(timespec="seconds")
    return f"{wanted['day']}T23:59:59+00:00"


def _git_checkout(revision: str, folder: Path) -> tuple[Path, Path] | None:
    """The estate folder as it was at ``revision``, extracted from git into a temporary
    folder (the working tree is not touched); None when it is no revision of a checkout."""
    top = _git(folder, "rev-parse", "--show-toplevel")
    if top is None or revision.startswith("-"):
        return None
    if _git(folder, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}") is None:
        return None
    relative = folder.resolve().relative_to(Path(top).resolve())
    target = Path(tempfile.mkdtemp(prefix="flowscope-git-"))
    archive = subprocess.run(
        ["git", "-C", top, "archive", "--format=tar", revision, "--", str(relative)],
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    if archive.returncode != 0:
        shutil.rmtree(target, ignore_errors=True)
        return None
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")  # no links out, no absolute paths
    return target, target / relative


def _git(folder: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", "-C", str(folder), *args],
            capture_output=True, text=True, timeout=30, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def _open_store(path: Path) -> SnapshotStore:
    try:
        return SnapshotStore(path)
    except StoreError as exc:
        raise InputError(Diagnostic(Level.ERROR, str(exc), Source(str(path)))) from None


def git_commit(root: Path) -> str | None:
    """HEAD of the git checkout holding ``root``; None outside git or without git."""
    commit = _git(root, "rev-parse", "--verify", "--quiet", "HEAD")
    return commit if commit and re.fullmatch(r"[0-9a-f]{40,64}", commit) else None


def baseline_document(estate: Estate) -> str:
    """What ``--update-baseline`` writes: today's fingerprints, with what they stand for."""
    entries = [
        {
            "fingerprint": f.fingerprint,
            "rule": f.rule_id,
            "subjects": list(f.subjects),
            "severity": f.severity.label,
        }
        for f in estate.findings
    ]
    return (
        json.dumps(
            {"fingerprints": sorted({e["fingerprint"] for e in entries}), "findings": entries},
            indent=2,
        )
        + "\n"
    )


def _locate(text: str) -> _Reading:
    if is_url(text):
        return _Reading(Path.cwd(), False, spec_urls=[text])
    path = Path(text)
    if path.is_dir():
        return _Reading(path, True)
    if path.is_file() and path.name == config.CONFIG_FILE:
        return _Reading(path.parent, True)
    if path.is_file() and path.suffix.lower() in (".csv", ".xlsx", ".xlsm"):
        return _Reading(_lone_file_root(path), False, inventory_files=[path])
    if path.is_file() and path.suffix.lower() == ".json" and graph_json.is_export(path):
        return _Reading(path.parent, False, export_file=path)
    if path.is_file() and path.suffix.lower() == ".sql":
        return _Reading(_lone_file_root(path), False, sql_files=[path])
    if path.is_file() and path.suffix.lower() in SPEC_SUFFIXES:
        root = _lone_file_root(path)
        if _looks_like_spec(path):
            return _Reading(root, False, spec_files=[path])
        return _Reading(root, False, systems_files=[path])
    if path.exists():
        raise InputError(_unreadable(path, "not a folder or a file flowscope knows how to read"))
    raise InputError(_unreadable(path, "no such file or folder"))


def _lone_file_root(path: Path) -> Path:
    """The estate a lone file belongs to, which its refs and links may not leave.

    The nearest folder above it with a flowscope.yaml (the file is part of
    that estate); else the current folder when the file is inside it (so a
    spec's ``../common/`` refs work from a checkout); else its own folder.
    """
    here = Path.cwd().resolve()
    resolved = path.resolve()
    for folder in resolved.parents:
        if (folder / config.CONFIG_FILE).is_file():
            return folder
        if folder == here:
            break
    return here if resolved.is_relative_to(here) else path.parent


def _looks_like_spec(path: Path) -> bool:
    """An OpenAPI document says so in a top-level key near its start."""
    try:
        with path.open("rb") as handle:
            head = handle.read(64 * 1024).decode("utf-8", "replace")
    except OSError:
        return False
    marker = _JSON_SPEC_MARKER if head.lstrip().startswith("{") else _YAML_SPEC_MARKER
    return bool(marker.search(head))


def _read_systems(estate: Estate, files: list[Path]) -> None:
    parsed = []
    for file in files:
        try:
            doc = load_yaml(file, _relative(estate.root, file))
        except InputError as exc:
            estate.diagnostics.extend(exc.diagnostics)
            continue
        parsed.append(systems.transform(doc))
    systems.load(estate, parsed)


def _classify_settings(
    cfg: config.EstateConfig,
) -> tuple[list[classify_module.Pattern], dict[str, list[str]]]:
    section = cfg.classify
    patterns = [
        classify_module.Pattern(
            p["category"], tuple(w.lower() for w in p["words"]), tuple(p.get("context", ()))
        )
        for p in section.get("patterns", [])
    ]
    return patterns, dict(section.get("overrides") or {})


def _load_export(reading: _Reading, strict: bool) -> ExploredEstate:
    """An estate read back from flowscope's JSON export, analysed again as it was."""
    assert reading.export_file is not None
    exported = graph_json.read(reading.export_file, reading.export_file.name)
    estate = ExploredEstate(name=exported.name, root=reading.root, policy=exported.policy)
    estate.policy.today = config.load_config(reading.root).policy.today
    estate.graph = exported.graph
    estate.inventories = exported.inventories
    for element, attr, where in exported.origins:
        estate.set_origin(element, attr, where)
    estate.findings = FindingList(analyze.analyze(estate))
    if strict:
        estate.diagnostics = [_promote(d) for d in estate.diagnostics]
    return estate


def _read_inventories(estate: Estate, cfg: config.EstateConfig, files: list[Path]) -> None:
    section = cfg.inventory
    settings = inventory.Settings(
        columns=dict(section.get("columns") or {}),
        day_first=section.get("date_format", "DD/MM/YYYY") == "DD/MM/YYYY",
        date_format_set="date_format" in section,
        sheet=section.get("sheet"),
    )
    for path in files:
        file = _relative(estate.root, path)
        try:
            found = inventory.read(path, file, settings)
        except InputError as exc:
            estate.diagnostics.extend(exc.diagnostics)
            continue
        inventory.load(estate, found)
        if found.vendors:  # an inventory that could not be read lists nobody: no shadow vendors
            estate.inventories.append(file)


def _read_sql(
    estate: Estate, cfg: config.EstateConfig, reading: _Reading, jobs: int | None
) -> None:
    settings = _sql_settings(estate, cfg)
    if jobs is not None:
        settings.jobs = jobs
    projects = [] if not reading.whole_estate else _dbt_projects(estate, cfg)
    catalog_tables = reading.whole_estate and bool(settings.catalog)
    if not (reading.sql_files or projects or catalog_tables):
        return
    _warehouse(estate, settings, cfg)
    batch = [
        sql_estate.SqlJob(
            str(path),
            _relative(estate.root, path),
            settings.dialect_for(_relative(estate.root, path)),
            settings.catalog,
            settings.masking,
            settings.statement_seconds,
        )
        for path in reading.sql_files
    ]
    for job, result in sql_estate.run_jobs(batch, settings.jobs):
        if isinstance(result, str):
            estate.error(result, Source(job.file))
        else:
            sql_estate.load_lineage(estate, settings, job.file, result)
    for project in projects:
        _read_dbt(estate, settings, project)
    if catalog_tables:  # a lone file uses the catalog to expand SELECT *, nothing more
        sql_estate.load_catalog(estate, settings)


def _sql_settings(estate: Estate, cfg: config.EstateConfig) -> sql_estate.SqlSettings:
    section = cfg.sql
    settings = sql_estate.SqlSettings(
        warehouse=section.get("warehouse", "warehouse"),
        dialect=section.get("dialect"),
        dialects=dict(section.get("dialects") or {}),
        masking=sql_ingest.DEFAULT_MASKING
        | {f.lower() for f in section.get("masking_functions", [])},
        jobs=int(section.get("jobs", 0)),
        statement_seconds=float(section.get("statement_seconds", sql_ingest.STATEMENT_SECONDS)),
    )
    catalog_file = section.get("catalog", config.DEFAULT_CATALOG)
    catalog_path = estate.root / catalog_file
    if ".." in Path(catalog_file).parts or Path(catalog_file).is_absolute():
        estate.error(f"catalog {catalog_file!r} points outside the estate folder", cfg.sql_where)
    elif catalog_path.is_file():
        try:
            catalog, sources, problems = sql_estate.read_catalog(catalog_path, catalog_file)
        except InputError as exc:
            estate.diagnostics.extend(exc.diagnostics)
        else:
            settings.catalog, settings.catalog_sources = catalog, sources
            estate.diagnostics.extend(problems)
    elif "catalog" in section:
        estate.error(f"catalog {catalog_file!r} not found", cfg.sql_where)
    return settings


def _warehouse(estate: Estate, settings: sql_estate.SqlSettings, cfg: config.EstateConfig) -> None:
    """The system that holds the tables: declared in systems.yaml, or made here."""
    system = f"system:{settings.warehouse}"
    if system not in estate.graph:
        estate.add_node(
            system,
            "system",
            cfg.sql_where,
            name=settings.warehouse,
            type="warehouse",
            zone="internal",
        )


def _dbt_projects(estate: Estate, cfg: config.EstateConfig) -> list[Path]:
    projects = []
    for folder in cfg.sql.get("dbt", []):
        path = (estate.root / folder).resolve()
        if not path.is_relative_to(estate.root.resolve()):
            estate.error(f"dbt project {folder!r} points outside the estate folder", cfg.sql_where)
        elif not (path / "dbt_project.yml").is_file():
            estate.error(f"dbt project {folder!r} has no dbt_project.yml", cfg.sql_where)
        else:
            projects.append(path)
    return projects


def _read_dbt(estate: Estate, settings: sql_estate.SqlSettings, project: Path) -> None:
    prefix = _relative(estate.root, project).rstrip("/") + "/"
    try:
        relations, catalog = sql_estate.read_manifest(project, prefix)
    except InputError as exc:
        estate.diagnostics.extend(exc.diagnostics)
        return
    for relation in relations:
        result = sql_estate.dbt_lineage(relation, settings, catalog)
        sql_estate.load_lineage(estate, settings, relation.source.file, result)


def _spec_links(estate: Estate) -> dict[str, tuple[str, Source]]:
    """Specs that systems name with ``openapi:``: location -> (system id, where it is said)."""
    links: dict[str, tuple[str, Source]] = {}
    for system, data in estate.nodes("system"):
        where = estate.origin(system, "openapi") or data["sources"][0]
        for link in data.get("openapi", []):
            if is_url(link):
                links[link] = (system, where)
            elif Path(link).is_absolute() or ".." in Path(link).parts:
                estate.error(f"openapi link {link!r} points outside the estate folder", where)
            else:
                links[str((estate.root / link).resolve())] = (system, where)
    return links


def _relative(root: Path, file: Path) -> str:
    try:
        return file.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return file.as_posix()


def _unreadable(path: Path, reason: str) -> Diagnostic:
    return Diagnostic(Level.ERROR, reason, Source(str(path)))


def _promote(diagnostic: Diagnostic) -> Diagnostic:
    return Diagnostic(Level.ERROR, diagnostic.message, diagnostic.source)
