"""Command line: parse arguments, call the API, print, map outcomes to exit codes."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

from flowscope import api
from flowscope.export import FORMATS
from flowscope.ingest.sql.estate import read_catalog
from flowscope.model import Diagnostic, Estate, InputError, Level, Severity, Source
from flowscope.render import diff_report
from flowscope.render.report import SEVERITY_CHOICES, lineage_table, paths_table, printable

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2
REMOTE_HELP = "follow $refs in specs to http(s) URLs (off by default)"
STORE_HELP = "the snapshot store (default: .flowscope/snapshots.db under the estate)"
JOBS_HELP = "processes reading SQL files (default: the estate's sql.jobs, else one per core)"
LINEAGE_EXAMPLES = """\
examples:
  flowscope lineage inventories/acme/sql/marts/customer_360.sql --dialect snowflake
  flowscope lineage etl.sql --dialect spark --format json -o lineage.json
"""
PATH_HELP = (
    "estate folder, or one file: systems.yaml, an OpenAPI spec (or its http(s) URL), "
    "a .sql file, or a vendor inventory (.csv, .xlsx)"
)

EXAMPLES = """\
examples:
  flowscope scan inventories/acme                      findings as a table
  flowscope scan inventories/acme --fail-on medium     exit 1 on medium or worse
  flowscope scan inventories/acme --format json -o findings.json
  flowscope export inventories/acme --format json -o acme.json
  flowscope map inventories/acme -o acme-map.html        the map for the weekly review
  flowscope export specs/openai.yaml --format json     one spec on its own

exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
            2 bad usage or input that could not be read (file and line on stderr)
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
        return code
    except InputError as exc:
        for diagnostic in exc.diagnostics:
            _say(str(diagnostic))
        return EXIT_BAD_INPUT
    except OSError as exc:
        _say(f"flowscope: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # no traceback reaches a user unless asked for
        if os.environ.get("FLOWSCOPE_DEBUG"):
            raise
        _say(f"flowscope: internal error: {type(exc).__name__}: {exc}")
        _say("flowscope: set FLOWSCOPE_DEBUG=1 to see the traceback")
        return EXIT_BAD_INPUT


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="flowscope",
        description="Map how data flows through an estate and where it leaks out.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"flowscope {version('flowscope')}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    scan = commands.add_parser("scan", help="read an estate and report findings", epilog=EXAMPLES,
                               formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    scan.add_argument("path", help=PATH_HELP)
    scan.add_argument("--format", choices=api.FINDING_FORMATS, default="table")
    scan.add_argument("-o", "--output", default="-", help="file to write (default: stdout)")
    scan.add_argument(
        "--fail-on",
        choices=SEVERITY_CHOICES,
        default=None,
        help="exit 1 when a finding is at or above this (default: the policy's, else high)",
    )
    _reading_options(scan)
    scan.add_argument(
        "--baseline",
        default=None,
        help="a JSON of accepted findings (a scan's JSON, or --update-baseline's): "
        "only findings not in it count for --fail-on",
    )
    scan.add_argument(
        "--update-baseline",
        default=None,
        metavar="FILE",
        help="write this scan's findings as the new baseline",
    )
    scan.add_argument("--html", default=None, metavar="FILE", help="also write the HTML map")
    scan.add_argument(
        "--save", action="store_true", help="keep this scan in the snapshot store (see history)"
    )
    scan.add_argument("--store", default=None, metavar="FILE", help=STORE_HELP)
    _notify_options(scan)
    scan.set_defaults(run=_scan)

    dif = commands.add_parser(
        "diff",
        help="what changed between two estates, snapshots or exports",
        description="OLD and NEW: an estate folder or file, an export JSON, a snapshot id, "
        "latest or latest~N (N scans before the latest)",
    )
    dif.add_argument("sides", nargs="+", metavar="OLD NEW",
                     help="the two sides; with --since, NEW alone")  # fmt: skip
    dif.add_argument("--since", default=None, metavar="AGE",
                     help="OLD is the last snapshot taken at least this long ago: 7d, or a day "
                     "2026-11-19")  # fmt: skip
    dif.add_argument("--store", default=None, metavar="FILE", help=STORE_HELP)
    dif.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    dif.add_argument("-o", "--output", default="-", help="file to write (default: stdout)")
    dif.set_defaults(run=_diff)

    chk = commands.add_parser(
        "check",
        help="for CI: fail only on findings not in the baseline",
        description="Scan PATH and exit 1 when a finding that is not in the baseline is at "
        "or above --fail-on. --update-baseline accepts today's findings instead.",
    )
    chk.add_argument("path", help=PATH_HELP)
    chk.add_argument("--baseline", required=True, metavar="FILE", help="the accepted findings")
    chk.add_argument("--update-baseline", action="store_true",
                     help="write today's findings to the baseline file and exit 0")  # fmt: skip
    chk.add_argument("--fail-on", choices=SEVERITY_CHOICES, default=None,
                     help="default: the policy's fail_on, else high")  # fmt: skip
    chk.add_argument("--format", choices=api.FINDING_FORMATS, default="table")
    chk.add_argument("-o", "--output", default="-", help="file to write (default: stdout)")
    chk.add_argument("--sarif", default=None, metavar="FILE", help="also write SARIF, for upload")
    _reading_options(chk)
    _notify_options(chk)
    chk.set_defaults(run=_check)

    rev = commands.add_parser(
        "review", help="the weekly review pack: what changed, as Markdown and a map"
    )
    rev.add_argument("path", help=PATH_HELP)
    rev.add_argument("--since", default="7d", metavar="AGE",
                     help="compare with the last snapshot at least this old (default 7d), "
                     "or any diff side: latest, a snapshot id, an export, HEAD~1")  # fmt: skip
    rev.add_argument("-o", "--output", required=True, metavar="DIR", help="the folder to write")
    rev.add_argument("--store", default=None, metavar="FILE", help=STORE_HELP)
    rev.set_defaults(run=_review)

    hist = commands.add_parser("history", help="the scans kept with --save, oldest first")
    hist.add_argument("path", help=PATH_HELP)
    hist.add_argument("--store", default=None, metavar="FILE", help=STORE_HELP)
    hist.add_argument("--format", choices=("table", "json"), default="table")
    hist.set_defaults(run=_history)

    mp = commands.add_parser("map", help="the interactive HTML map: one offline file")
    mp.add_argument("path", help=PATH_HELP)
    mp.add_argument("-o", "--output", required=True, help="the HTML file to write")
    mp.add_argument("--level", choices=("system", "dataset", "field"), default="system")
    mp.add_argument(
        "--focus", default=None, help="a node id: show only what flows into and out of it"
    )
    mp.add_argument("--category", default=None, help="show only flows that carry this category")
    _reading_options(mp)
    mp.set_defaults(run=_map)

    paths = commands.add_parser("paths", help="witness paths of a data category, hop by hop")
    paths.add_argument("path", help=PATH_HELP)
    paths.add_argument("--category", required=True, help="taxonomy key, e.g. user.contact.email")
    paths.add_argument(
        "--to", default=None, help="a system id or name (default: every third party)"
    )
    paths.add_argument("--masked", action="store_true", help="show masked paths too")
    paths.add_argument("--format", choices=("table", "json"), default="table")
    _reading_options(paths)
    paths.set_defaults(run=_paths)

    rnk = commands.add_parser(
        "rank",
        help="integration points by exposure score: where to red-team first",
        description="Scores every flow into a third party or the public zone; "
        "docs/architecture.md gives the formula.",
    )
    rnk.add_argument("path", help=PATH_HELP)
    rnk.add_argument("--top", type=int, default=20)
    rnk.add_argument("--format", choices=("table", "json"), default="table")
    _reading_options(rnk)
    rnk.set_defaults(run=_rank)

    clf = commands.add_parser(
        "classify",
        help="classify field names read from stdin (one per line, or JSON lines)",
        description='Reads names, one per line, or JSON lines {"name": ..., "context": [...]}; '
        'prints one JSON line each: {"name", "categories", "reasons"}.',
    )
    clf.set_defaults(run=_classify)

    exp = commands.add_parser("export", help="write the estate graph in another tool's format")
    exp.add_argument("path", help=PATH_HELP)
    exp.add_argument("--format", choices=sorted(FORMATS), required=True)
    exp.add_argument("-o", "--output", default="-", help="file to write (default: stdout)")
    exp.add_argument("--focus", default=None, metavar="NODE",
                     help="only what flows into and out of this node or system")  # fmt: skip
    exp.add_argument("--category", default=None, metavar="KEY",
                     help="only the flows that carry this category, and their systems")  # fmt: skip
    _reading_options(exp)
    exp.set_defaults(run=_export)

    lin = commands.add_parser(
        "lineage",
        help="table and column lineage of a SQL file",
        epilog=LINEAGE_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    lin.add_argument("file", help="a .sql file, or - for standard input")
    lin.add_argument(
        "--dialect", default=None, help="sqlglot dialect (snowflake, bigquery, spark …)"
    )
    lin.add_argument("--format", choices=("table", "json"), default="table")
    lin.add_argument("--catalog", default=None, help="column catalog CSV (table, column[, type])")
    lin.add_argument("-o", "--output", default="-", help="file to write (default: stdout)")
    lin.set_defaults(run=_lineage)
    return parser


def _scan(args: argparse.Namespace) -> int:
    estate = _load(args)
    if args.baseline:
        estate.baseline = api.read_baseline(args.baseline)
    _write(api.render_findings(estate, args.format), args.output)
    if args.update_baseline:
        _write(api.baseline_document(estate), args.update_baseline)
    if args.html:
        _write(api.render_map(estate), args.html)
    if args.save:
        snapshot = api.save_snapshot(estate, args.store)
        _say(f"flowscope: saved snapshot {snapshot} in {api.store_path(estate, args.store)}")
    _alert(estate, args)
    if estate.errors:
        _say(f"flowscope: {len(estate.errors)} error(s) in the input; findings may be incomplete")
        return EXIT_BAD_INPUT
    threshold = args.fail_on or estate.policy.fail_on
    if threshold != "none" and api.at_or_above(estate, Severity.parse(threshold)):
        return EXIT_FINDINGS
    return EXIT_OK


def _reading_options(command: argparse.ArgumentParser) -> None:
    """How every command that reads an estate reads it."""
    command.add_argument("--strict", action="store_true", help="treat warnings as errors")
    command.add_argument("--allow-remote-refs", action="store_true", help=REMOTE_HELP)
    command.add_argument("--jobs", type=int, default=None, help=JOBS_HELP)


def _load(args: argparse.Namespace) -> Estate:
    """The estate at ``args.path``, read as its options say, its problems printed."""
    estate = api.load(
        args.path, strict=args.strict, allow_remote_refs=args.allow_remote_refs, jobs=args.jobs
    )
    _report_diagnostics(estate)
    return estate


def _notify_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--notify", default=None, metavar="URL",
                         help="post new findings to this webhook (Slack-style JSON)")  # fmt: skip
    command.add_argument("--notify-on", choices=SEVERITY_CHOICES[:-1], default="high",
                         help="the least severity posted (default: high)")  # fmt: skip


def _alert(estate: Estate, args: argparse.Namespace) -> None:
    """Post new findings when asked; a failure is said, never fatal: the scan stands."""
    if args.notify:
        failure = api.notify(estate, args.notify, Severity.parse(args.notify_on))
        if failure:
            _say(f"flowscope: warning: {printable(failure)}")


def _check(args: argparse.Namespace) -> int:
    estate = _load(args)
    if estate.errors:  # an estate read in part must not become the accepted state
        _say(f"flowscope: {len(estate.errors)} error(s) in the input; nothing checked")
        return EXIT_BAD_INPUT
    if args.update_baseline:
        _write(api.baseline_document(estate), args.baseline)
        _say(f"flowscope: {len(estate.findings)} finding(s) accepted in {args.baseline}")
        return EXIT_OK
    if not Path(args.baseline).exists():
        _say(f"{args.baseline}: error: no baseline yet: run check --update-baseline first")
        return EXIT_BAD_INPUT
    estate.baseline = api.read_baseline(args.baseline)
    _write(api.render_findings(estate, args.format), args.output)
    if args.sarif:
        _write(api.render_findings(estate, "sarif"), args.sarif)
    _alert(estate, args)
    threshold = args.fail_on or estate.policy.fail_on
    failing = 0 if threshold == "none" else api.at_or_above(estate, Severity.parse(threshold))
    new = sum(1 for f in estate.findings if f.fingerprint not in estate.baseline)
    _say(f"flowscope check: {new} new finding(s), {failing} at or above {threshold}")
    return EXIT_FINDINGS if failing else EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    wanted = 1 if args.since else 2
    if len(args.sides) != wanted:
        _say("flowscope: error: diff takes OLD NEW, or --since AGE NEW")
        return EXIT_BAD_INPUT
    sides = [args.since, *args.sides] if args.since else args.sides
    result, old, new = api.diff(sides[0], sides[1], args.store)
    errors = 0
    for side in (old, new):
        if side.estate is not None:
            _report_diagnostics(side.estate)
            errors += len(side.estate.errors)
    if args.format == "json":
        text = json.dumps({"old": old.label, "new": new.label, **result}, indent=2) + "\n"
    elif args.format == "markdown":
        text = diff_report.to_markdown(result, old.label, new.label)
    else:
        text = diff_report.to_table(result, old.label, new.label)
    _write(text, args.output)
    return EXIT_BAD_INPUT if errors else EXIT_OK


def _review(args: argparse.Namespace) -> int:
    pack, estate = api.review_pack(args.path, args.since, args.store)
    _report_diagnostics(estate)
    folder = Path(args.output)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in pack.items():
        _write(text, str(folder / name))
    _say(f"flowscope: review pack written to {folder}: {', '.join(pack)}")
    return EXIT_OK


def _history(args: argparse.Namespace) -> int:
    snapshots = api.history(args.path, args.store)
    if args.format == "json":
        print(json.dumps([s.to_dict() for s in snapshots], indent=2))
        return EXIT_OK
    if not snapshots:
        print("no snapshots yet: run flowscope scan PATH --save")
        return EXIT_OK
    print(f"{'id':>4}  {'taken at (UTC)':25}  {'commit':12}  systems  flows  findings")
    for s in snapshots:
        commit = (s.git_commit or "-")[:12]
        counts = f"{s.systems:>7}  {s.flows:>5}  {s.findings:>8}"
        print(f"{s.id:>4}  {s.taken_at:25}  {commit:12}  {counts}")
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    estate = _load(args)
    try:
        part = estate.cut(args.focus, args.category) if args.focus or args.category else estate
    except LookupError as exc:
        _say(f"flowscope: error: --focus {printable(str(exc))}")
        return EXIT_BAD_INPUT
    if not any(True for _ in part.nodes("system")):
        _say(
            f"flowscope: warning: no flow carries {printable(args.category)!r}: the export is empty"
        )
    _write(api.export_estate(part, args.format), args.output)
    return EXIT_BAD_INPUT if estate.errors else EXIT_OK


def _lineage(args: argparse.Namespace) -> int:
    text, label = _read_sql_input(args.file)
    catalog = _catalog(args.catalog) if args.catalog else None
    result = api.lineage(text, args.dialect, catalog)
    for error in result["errors"]:
        _say(f"{label}:{error['line']}: warning: {error['message']}")
    rendered = (
        json.dumps(result, indent=2) + "\n" if args.format == "json" else lineage_table(result)
    )
    _write(rendered, args.output)
    return EXIT_OK


def _read_sql_input(name: str) -> tuple[str, str]:
    if name == "-":
        return sys.stdin.read(), "<stdin>"
    path = Path(name)
    try:
        return path.read_text(encoding="utf-8-sig", errors="replace"), name
    except OSError as exc:
        raise InputError(
            Diagnostic(Level.ERROR, f"cannot read: {exc.strerror or exc}", Source(name))
        ) from None


def _catalog(name: str) -> dict[str, list[str]]:
    catalog, _, problems = read_catalog(Path(name), name)
    for problem in problems:
        _say(str(problem))
    return catalog


def _map(args: argparse.Namespace) -> int:
    estate = _load(args)
    if args.focus and args.focus not in estate.graph:
        _say(f"flowscope: error: --focus {printable(args.focus)!r} is no node of the estate "
             "(ids look like system:crm or dataset:warehouse/marts.customer_360)")  # fmt: skip
        return EXIT_BAD_INPUT
    _write(api.render_map(estate, args.level, args.focus, args.category), args.output)
    _say(f"flowscope: map written to {args.output}")
    return EXIT_BAD_INPUT if estate.errors else EXIT_OK


def _paths(args: argparse.Namespace) -> int:
    estate = _load(args)
    found = estate.paths(args.category, args.to, masked=args.masked)
    if args.to is None:
        found = [e for e in found if estate.node(e.system).get("zone") == "third_party"]
    if args.format == "json":
        _write(json.dumps([e.to_dict() for e in found], indent=2) + "\n", "-")
    else:
        _write(paths_table(estate, found), "-")
    if estate.errors:  # paths through a half-read estate may be missing
        return EXIT_BAD_INPUT
    return EXIT_OK if found or args.to is None else EXIT_FINDINGS


def _rank(args: argparse.Namespace) -> int:
    estate = _load(args)
    points = api.rank(estate)[: args.top]
    if args.format == "json":
        _write(json.dumps(points, indent=2) + "\n", "-")
        return EXIT_BAD_INPUT if estate.errors else EXIT_OK
    lines = [f"{'SCORE':>6}  INTEGRATION POINT  (why)"]
    for point in points:
        ends = f"{estate.node(point['source'])['name']} → {estate.node(point['target'])['name']}"
        why = ", ".join(
            f"{k} x{v}" if k != "data" else f"data {v}" for k, v in point["factors"].items()
        )
        lines.append(f"{point['score']:>6}  {ends}  ({why})")
    _write("\n".join(printable(line) for line in lines) + "\n", "-")
    return EXIT_BAD_INPUT if estate.errors else EXIT_OK


def _classify(args: argparse.Namespace) -> int:
    for raw in sys.stdin:
        line = raw.strip()
        if not line:
            continue
        name, context = line, []
        if line.startswith("{"):
            try:
                item = json.loads(line)
                name, context = str(item["name"]), [str(c) for c in item.get("context", [])]
            except (ValueError, KeyError, TypeError):
                _say(f"<stdin>: warning: not a name or a JSON line with a name: {line[:60]!r}")
                continue
        result = api.classify(name, context)
        print(json.dumps(result, ensure_ascii=False))
    return EXIT_OK


def _report_diagnostics(estate: Estate) -> None:
    for diagnostic in estate.diagnostics:
        _say(str(diagnostic))


def _write(text: str, destination: str) -> None:
    """Write to stdout, or replace a file atomically so a failure never leaves half of one."""
    if destination == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    target = Path(destination)
    fd, temporary = tempfile.mkstemp(dir=target.parent or Path("."), prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as open() would have made it, not mkstemp's 0600
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _say(line: str) -> None:
    print(line, file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
