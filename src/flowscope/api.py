"""The functions a notebook or a script calls; the CLI is a thin layer over them."""

from __future__ import annotations

from pathlib import Path

from flowscope import analyze, config, export
from flowscope.ingest import systems
from flowscope.ingest.yamldoc import load_yaml
from flowscope.model import Diagnostic, Estate, InputError, Level, Severity, Source

YAML_SUFFIXES = (".yaml", ".yml")


def load(path: str | Path, *, strict: bool = False) -> Estate:
    """Read an estate folder (or one systems file), build its graph and run every rule.

    Problems in single files are collected in ``estate.diagnostics`` and the
    rest is still read; ``strict`` turns warnings into errors. Raises
    ``InputError`` only when nothing can be read at all.
    """
    root, only_file = _locate(Path(path))
    cfg = config.load_config(root)
    estate = Estate(name=cfg.name, root=root, policy=cfg.policy)
    if only_file is not None:
        files: list[Path] = [only_file]
    else:
        files, problems = config.expand_globs(root, cfg.systems)
        estate.diagnostics.extend(problems)
    _read_systems(estate, files)
    estate.findings = analyze.run_rules(estate)
    if strict:
        estate.diagnostics = [_promote(d) for d in estate.diagnostics]
    return estate


def scan(path: str | Path, *, strict: bool = False) -> Estate:
    """Alias of :func:`load` that reads better in scripts: ``flowscope.scan(path).findings``."""
    return load(path, strict=strict)


def export_estate(estate: Estate, fmt: str) -> str:
    """The estate in one of :data:`flowscope.export.EXPORTERS`' formats, as text."""
    try:
        exporter = export.EXPORTERS[fmt]
    except KeyError:
        raise ValueError(
            f"unknown export format {fmt!r}: expected one of {', '.join(export.EXPORTERS)}"
        ) from None
    return exporter(estate)


def at_or_above(estate: Estate, threshold: Severity) -> int:
    """How many findings reach ``threshold``: what ``--fail-on`` counts."""
    return sum(1 for finding in estate.findings if finding.severity >= threshold)


def _locate(path: Path) -> tuple[Path, Path | None]:
    if path.is_dir():
        return path, None
    if path.is_file() and path.suffix.lower() in YAML_SUFFIXES:
        if path.name == config.CONFIG_FILE:
            return path.parent, None
        return path.parent, path
    if path.exists():
        raise InputError(_unreadable(path, "not a folder or a file flowscope knows how to read"))
    raise InputError(_unreadable(path, "no such file or folder"))


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


def _relative(root: Path, file: Path) -> str:
    try:
        return file.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return file.as_posix()


def _unreadable(path: Path, reason: str) -> Diagnostic:
    return Diagnostic(Level.ERROR, reason, Source(str(path)))


def _promote(diagnostic: Diagnostic) -> Diagnostic:
    return Diagnostic(Level.ERROR, diagnostic.message, diagnostic.source)
