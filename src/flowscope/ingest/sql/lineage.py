"""Lineage of a SQL script: per statement, and end to end through intermediate tables.

``script_lineage`` splits a script into statements with the dialect's own
tokenizer (so every statement knows its line), parses each once, works out
what it reads and writes, traces its columns (``columns.QueryTracer``), and
keeps the script's state as it goes: tables created, dropped and renamed, and
what each written column is made of in terms of the script's inputs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel, SqlglotError
from sqlglot.schema import MappingSchema
from sqlglot.tokenizer_core import Token, TokenType

from flowscope.ingest.sql.columns import (
    DEFAULT_MASKING,
    Output,
    QueryTracer,
    Sources,
    comment_tags,
    identifier,
    merge,
    strongest,
    table_name,
)

# sqlglot logs a warning for each statement it falls back on; flowscope says so itself.
logging.getLogger("sqlglot").setLevel(logging.ERROR)

_UNLOAD = re.compile(r"^\s*\(\s*'((?:[^']|'')*)'\s*\)\s*to\s*'([^']*)'", re.IGNORECASE | re.DOTALL)
# Statements that move no data: no lineage, and nothing to warn about.
_QUIET = (
    exp.Use, exp.Set, exp.Transaction, exp.Commit, exp.Rollback, exp.Grant, exp.Revoke,
    exp.Comment, exp.Analyze, exp.Declare, exp.Describe, exp.Show, exp.Pragma,
)  # fmt: skip
_QUIET_COMMANDS = frozenset(
    {
        "set",
        "use",
        "grant",
        "revoke",
        "begin",
        "commit",
        "end",
        "vacuum",
        "analyze",
        "go",
        "print",
        "refresh",
        "msck",
        "alter",
    }
)


class StatementTimeout(Exception):
    """Raised by a caller's timer to stop a statement that takes too long."""


@dataclass
class Statement:
    index: int
    line: int
    kind: str
    sources: set[str] = field(default_factory=set)
    targets: set[str] = field(default_factory=set)
    columns: dict[str, Sources] = field(default_factory=dict)  # "table.column" -> sources
    temporary: set[str] = field(default_factory=set)  # tables this statement creates as temporary
    locations: dict[str, str] = field(default_factory=dict)  # table -> "path:<uri>" it is stored at
    tags: dict[str, list[str]] = field(
        default_factory=dict
    )  # "table.column" -> declared categories

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "line": self.line,
            "kind": self.kind,
            "sources": sorted(self.sources),
            "targets": sorted(self.targets),
            "columns": _edges(self.columns),
            "temporary": sorted(self.temporary),
            "locations": dict(sorted(self.locations.items())),
            "tags": dict(sorted(self.tags.items())),
        }


@dataclass
class ScriptState:
    """What the script has done so far: the tables it wrote and what they hold."""

    dialect: str | None
    catalog: dict[str, list[str]]
    masking: frozenset[str]
    columns: bool = True  # False: table lineage only, without tracing columns
    written: dict[str, dict[str, Sources]] = field(
        default_factory=dict
    )  # table -> column -> inputs
    known_columns: dict[str, list[str]] = field(default_factory=dict)
    inputs: set[str] = field(default_factory=set)
    intermediate: set[str] = field(default_factory=set)
    renamed: dict[str, str] = field(default_factory=dict)  # new name -> old script input
    results: dict[str, Sources] = field(default_factory=dict)  # plain SELECT output -> inputs

    def columns_of(self, table: str) -> list[str] | None:
        return self.known_columns.get(table) or self.catalog.get(table)

    def schema(self) -> MappingSchema | None:
        """Columns known so far, for ``SELECT *``: padded to one depth, as sqlglot needs."""
        tables = {**self.catalog, **self.known_columns}
        tables = {t: cols for t, cols in tables.items() if cols and "*" not in cols}
        if not tables:
            return None
        depth = max(t.count(".") + 1 for t in tables)
        nested: dict[str, Any] = {}
        for table, cols in tables.items():
            bare = table.lstrip("#")  # sqlglot names a T-SQL #temp table without its mark
            parts = ["_"] * (depth - bare.count(".") - 1) + bare.split(".")
            level = nested
            for part in parts[:-1]:
                level = level.setdefault(part, {})
            level[parts[-1]] = {c: "text" for c in cols}
        try:
            return MappingSchema(nested, dialect=self.dialect, normalize=True)
        except (SqlglotError, ValueError):
            return None


@dataclass
class Problem:
    line: int
    message: str


def script_lineage(
    sql: str,
    dialect: str | None = None,
    catalog: dict[str, list[str]] | None = None,
    masking: frozenset[str] = DEFAULT_MASKING,
    guard: Callable[[], Any] | None = None,
    columns: bool = True,
) -> dict[str, Any]:
    """The lineage JSON of a SQL script (see ``flowscope.lineage``)."""
    catalog = {k.lower(): list(v) for k, v in (catalog or {}).items()}
    state = ScriptState(dialect, catalog, masking, columns)
    statements: list[Statement] = []
    problems: list[Problem] = []
    for index, (line, chunk, parse_problem) in enumerate(split_statements(sql, dialect)):
        if parse_problem:
            problems.append(Problem(line, parse_problem))
            continue
        try:
            with guard() if guard else _nothing():
                statement = read_statement(chunk, index, line, state) if chunk else None
        except StatementTimeout:
            problems.append(Problem(line, "statement skipped: it took longer than the time limit"))
            continue
        except RecursionError:
            problems.append(Problem(line, "statement skipped: nested too deeply"))
            continue
        except (
            Exception
        ) as exc:  # one statement sqlglot (or flowscope) trips on must not end the file
            problems.append(
                Problem(line, f"statement skipped: {type(exc).__name__}: {_short(exc)}")
            )
            continue
        if isinstance(statement, Problem):
            problems.append(statement)
            continue
        if statement is not None:
            statements.append(statement)
            _advance(state, statement)
    return {
        "statements": [s.to_dict() for s in statements],
        "script": _script(state),
        "errors": [{"line": p.line, "message": p.message} for p in problems],
    }


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


# -- splitting --------------------------------------------------------------


def split_statements(sql: str, dialect: str | None) -> list[tuple[int, exp.Expr | None, str]]:
    """(line, parsed statement, problem) for each statement, in order."""
    dialect_obj = Dialect.get_or_raise(dialect)
    try:
        tokens = dialect_obj.tokenize(sql)
    except SqlglotError as exc:
        return [(_error_line(exc), None, f"cannot read the SQL: {_short(exc)}")]
    out: list[tuple[int, exp.Expr | None, str]] = []
    for chunk in _chunks(tokens):
        line = chunk[0].line
        try:
            parsed = dialect_obj.parser(error_level=ErrorLevel.RAISE).parse(chunk, sql)
        except SqlglotError as exc:
            out.append((line, None, f"statement not understood: {_short(exc)}"))
            continue
        out.extend((line, expression, "") for expression in parsed if expression is not None)
    return out


def _chunks(tokens: list[Token]) -> list[list[Token]]:
    chunks: list[list[Token]] = [[]]
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            chunks.append([])
        else:
            chunks[-1].append(token)
    return [c for c in chunks if c]


def _error_line(exc: SqlglotError) -> int:
    errors = getattr(exc, "errors", None) or [{}]
    return int(errors[0].get("line") or 1)


def _short(exc: Exception) -> str:
    """sqlglot's first error, without the terminal highlighting it adds."""
    errors = getattr(exc, "errors", None)
    if errors and errors[0].get("description"):
        first = errors[0]
        text = f"{first['description']} (line {first.get('line')}, column {first.get('col')})"
    else:
        text = re.sub(r"\x1b\[[0-9;]*m", "", " ".join(str(exc).split()))
    return text if len(text) < 160 else text[:157] + "..."


# -- statements -------------------------------------------------------------


def read_statement(
    expression: exp.Expr, index: int, line: int, state: ScriptState
) -> Statement | Problem | None:
    handler = _HANDLERS.get(type(expression))
    if handler is not None:
        return handler(expression, Statement(index, line, _kind(expression)), state)
    if isinstance(expression, exp.Query):
        return _query_statement(expression, Statement(index, line, "select"), state)
    if isinstance(expression, _QUIET):
        return None
    if isinstance(expression, exp.Command):
        return _command(expression, Statement(index, line, "command"), state)
    text = " ".join(expression.sql(dialect=state.dialect).split())
    text = text if len(text) <= 40 else text[:37] + "..."
    return Problem(line, f"statement not understood ({text!r}); skipped")


def _kind(expression: exp.Expr) -> str:
    if isinstance(expression, exp.Create):
        kind = str(expression.args.get("kind") or "table").lower()
        return f"create_{kind}" + (
            "_as" if expression.expression is not None and kind == "table" else ""
        )
    return type(expression).__name__.lower()


def _create(
    expression: exp.Create, statement: Statement, state: ScriptState
) -> Statement | Problem | None:
    target_node = expression.this
    declared = []
    if isinstance(target_node, exp.Schema):  # column definitions, or a view's column names
        declared = [
            identifier(c.this if isinstance(c, exp.ColumnDef) else c)
            for c in target_node.expressions
            if isinstance(c, (exp.ColumnDef, exp.Identifier, exp.Column))
        ]
        for column in target_node.expressions:
            if isinstance(column, exp.ColumnDef) and comment_tags(column):
                name = f"{table_name(target_node.this)}.{identifier(column.this)}"
                statement.tags[name] = list(comment_tags(column))
        target_node = target_node.this
    if not isinstance(target_node, exp.Table):
        kind = str(expression.args.get("kind") or "").upper()
        if kind in ("PROCEDURE", "FUNCTION") and expression.expression is not None:
            return Problem(
                statement.line,
                f"CREATE {kind}: its body is not read as a unit; "
                "statements after its first are read as top-level statements",
            )
        return None  # CREATE INDEX, a function without a body …: no data moves
    target = table_name(target_node)
    if expression.find(exp.TemporaryProperty) or target.startswith("#"):
        statement.temporary.add(target)
    location = expression.find(exp.LocationProperty)
    if location is not None and location.this is not None:  # an external table's files
        statement.locations[target] = f"path:{location.this.name}"
    query = expression.expression
    like = expression.find(exp.LikeProperty)
    if isinstance(query, exp.Query):
        outputs = _trace(query, state, statement)
        names = declared or [o.name for o in outputs]
        _write(statement, target, names, outputs)
        state.known_columns[target] = names if "*" not in names else []
    elif like is not None and isinstance(like.this, exp.Table):
        source = state.renamed.get(table_name(like.this), table_name(like.this))
        statement.sources.add(source)
        statement.targets.add(target)
        state.known_columns[target] = state.columns_of(source) or []
    else:  # a table declared with its columns: nothing moves yet, but SELECT * can expand
        state.known_columns[target] = declared
        state.written.pop(target, None)
        return statement if statement.locations or statement.tags else None
    return statement


def _insert(expression: exp.Insert, statement: Statement, state: ScriptState) -> Statement:
    target_node = expression.this
    listed: list[str] = []
    if isinstance(target_node, exp.Schema):
        listed = [identifier(c) for c in target_node.expressions]
        target_node = target_node.this
    if isinstance(target_node, exp.Directory):
        target = f"path:{target_node.this.name}"
    elif isinstance(target_node, exp.Table):
        target = table_name(target_node)
    else:
        target = target_node.sql() if target_node is not None else "?"
    query = _with_statement_ctes(expression, expression.expression)
    while isinstance(query, exp.Subquery):  # INSERT INTO t (SELECT …)
        query = query.this
    outputs = _trace(query, state, statement) if isinstance(query, exp.Query) else []
    if isinstance(query, exp.Values) or query is None:
        statement.targets.add(target)
        return statement
    known = state.columns_of(target) or []
    if listed:
        names = listed
    elif expression.args.get("by_name"):
        names = [o.name for o in outputs]
    elif known and len(known) == len(outputs):
        names = known
    else:
        names = [o.name for o in outputs]
    _write(statement, target, names, outputs)
    return statement


def _select_into(expression: exp.Select, statement: Statement, state: ScriptState) -> Statement:
    into = expression.args["into"]
    query = expression.copy()
    query.set("into", None)
    target = table_name(into.this) if isinstance(into.this, exp.Table) else identifier(into.this)
    outputs = _trace(query, state, statement)
    names = [o.name for o in outputs]
    _write(statement, target, names, outputs)
    state.known_columns[target] = names if "*" not in names else []
    statement.kind = "select_into"
    if target.startswith("#"):
        statement.temporary.add(target)
    return statement


def _query_statement(expression: exp.Query, statement: Statement, state: ScriptState) -> Statement:
    if isinstance(expression, exp.Select) and expression.args.get("into"):
        return _select_into(expression, statement, state)
    if _leftmost(expression).args.get("into"):  # SELECT … INTO t FROM … UNION SELECT …
        whole = expression.copy()
        into = _leftmost(whole).args["into"]
        _leftmost(whole).set("into", None)
        query = exp.select("*").from_(whole.subquery("_u"))
        query.set("into", into)
        return _select_into(query, statement, state)
    outputs = _trace(expression, state, statement)
    for output in outputs:
        statement.columns.setdefault(output.name, {})
        merge(statement.columns[output.name], output.sources)
    return statement


def _leftmost(query: exp.Expr) -> exp.Expr:
    while isinstance(query, exp.SetOperation):
        query = query.this
    return query


def _assignments_statement(
    statement: Statement,
    state: ScriptState,
    target_node: exp.Table,
    assignments: list[tuple[str, exp.Expr]],
    joined: list[exp.Expr],
    extra_reads: list[exp.Expr | None],
) -> Statement:
    """UPDATE and MERGE: each assigned value traced as a projection over the target and sources."""
    target = table_name(target_node)
    select = exp.select(
        *[exp.alias_(value.copy(), f"_c{i}") for i, (_, value) in enumerate(assignments)]
        or [exp.Literal.number(1)]
    )
    select = select.from_(target_node.copy())
    for source in joined:
        select = select.join(source.copy(), join_type="cross")
    outputs = _trace(select, state, statement, ignore_reads=False)
    for node in extra_reads:
        _note_reads(node, statement, state)
    for (column, _), output in zip(assignments, outputs, strict=False):
        key = f"{target}.{column}"
        statement.columns.setdefault(key, {})
        merge(statement.columns[key], output.sources)
    reads_self = any(src.startswith(f"{target}.") for out in outputs for src in out.sources)
    if not reads_self:
        statement.sources.discard(target)
    statement.targets.add(target)
    return statement


def _update(expression: exp.Update, statement: Statement, state: ScriptState) -> Statement:
    target_node = expression.this
    if not isinstance(target_node, exp.Table):
        return statement
    joined = []
    from_ = expression.args.get("from_") or expression.args.get("from")
    if isinstance(from_, exp.From):
        joined.append(from_.this)
    joined += [j.this for j in expression.args.get("joins") or []]
    joined += [j.this for j in target_node.args.get("joins") or []]
    aliased = [t for t in joined if isinstance(t, exp.Table) and t.alias == target_node.name]
    if aliased and not target_node.args.get("db"):  # T-SQL: UPDATE c … FROM crm.customers c
        target_node = aliased[0]
        joined = [t for t in joined if t is not target_node]
    assignments = []
    for eq in expression.expressions:
        if isinstance(eq, exp.EQ):
            assignments += _assigned(eq)
    assignments = [(c, _own_columns(v, target_node, joined, state)) for c, v in assignments]
    return _assignments_statement(
        statement, state, target_node, assignments, joined, [expression.args.get("where")]
    )


def _assigned(eq: exp.EQ) -> list[tuple[str, exp.Expr]]:
    """``SET a = x`` and ``SET (a, b) = (x, y)``; DEFAULT reads nothing."""
    left, right = eq.this, eq.expression
    pairs = (
        list(zip(left.expressions, right.expressions, strict=False))
        if isinstance(left, exp.Tuple) and isinstance(right, exp.Tuple)
        else [(left, right)]
    )
    out = []
    for column, value in pairs:
        name = identifier(column.this if isinstance(column, exp.Column) else column)
        if isinstance(value, exp.Column) and not value.table and value.name.lower() == "default":
            value = exp.Null()
        out.append((name, value))
    return out


def _own_columns(
    value: exp.Expr, target: exp.Table, joined: list[exp.Expr], state: ScriptState
) -> exp.Expr:
    """Unqualified names in a SET value read the target's own row, unless the
    catalog says only a joined table has them (SQL would reject the ambiguity)."""
    if not joined:
        return value
    value = value.copy()
    own = set(state.columns_of(table_name(target)) or [])
    others = {
        c for t in joined if isinstance(t, exp.Table) for c in state.columns_of(table_name(t)) or []
    }
    for column in list(value.find_all(exp.Column)):
        name = identifier(column.this)
        if column.table or (name in others and name not in own):
            continue
        column.set("table", exp.to_identifier(target.alias_or_name))
    return value


def _merge(expression: exp.Merge, statement: Statement, state: ScriptState) -> Statement:
    target_node = expression.this
    if not isinstance(target_node, exp.Table):
        return statement
    using = expression.args.get("using")
    assignments: list[tuple[str, exp.Expr]] = []
    whens = expression.args.get("whens")
    for when in (
        whens.expressions
        if isinstance(whens, exp.Whens)
        else expression.args.get("expressions") or []
    ):
        then = when.args.get("then")
        if _is_star(then):  # UPDATE SET * / INSERT *: every column, by name
            assignments += _by_name(state, target_node, using)
        elif isinstance(then, exp.Update):
            for eq in then.expressions:
                if isinstance(eq, exp.EQ):
                    column = eq.this.this if isinstance(eq.this, exp.Column) else eq.this
                    assignments.append((identifier(column), eq.expression))
        elif isinstance(then, exp.Insert):
            columns = then.this.expressions if isinstance(then.this, exp.Tuple) else []
            values = then.expression.expressions if isinstance(then.expression, exp.Tuple) else []
            if not columns and values:  # INSERT VALUES (…): the target's columns in order
                known = state.columns_of(table_name(target_node)) or []
                columns = [exp.to_identifier(c) for c in known]
            assignments += [
                (identifier(c.this if isinstance(c, exp.Column) else c), v)
                for c, v in zip(columns, values, strict=False)
            ]
    return _assignments_statement(
        statement,
        state,
        target_node,
        assignments,
        [using] if using else [],
        [expression.args.get("on")],
    )


def _is_star(then: exp.Expr | None) -> bool:
    if isinstance(then, exp.Update):
        return any(isinstance(e, exp.Star) for e in then.expressions)
    return isinstance(then, exp.Insert) and isinstance(then.this, exp.Star)


def _by_name(
    state: ScriptState, target: exp.Table, using: exp.Expr | None
) -> list[tuple[str, exp.Expr]]:
    """Assignments of ``UPDATE SET *``: each target column from the source column of its name."""
    columns = state.columns_of(table_name(target)) or []
    alias = using.alias_or_name if isinstance(using, (exp.Table, exp.Subquery)) else ""
    return [(c, exp.column(c, table=alias or None)) for c in columns]


def _delete(expression: exp.Delete, statement: Statement, state: ScriptState) -> Statement:
    target_node = expression.this
    if not isinstance(target_node, exp.Table):
        return statement
    target = table_name(target_node)
    statement.targets.add(target)
    joined = [j.this for j in target_node.args.get("joins") or []]
    for node in [*(expression.args.get("using") or []), *joined, expression.args.get("where")]:
        _note_reads(node, statement, state)
    aliases = {table_name(t) for t in expression.args.get("tables") or []}
    statement.sources -= statement.targets | aliases  # DELETE o FROM orders o: o is the target
    return statement


def _drop(expression: exp.Drop, statement: Statement, state: ScriptState) -> None:
    tables = expression.args.get("tables") or [expression.this]
    for table in tables:
        if isinstance(table, exp.Table):
            name = table_name(table)
            state.written.pop(name, None)  # a table made again later starts afresh
            state.known_columns.pop(name, None)
    return None


def _alter(expression: exp.Alter, statement: Statement, state: ScriptState) -> None:
    for action in expression.args.get("actions") or []:
        if isinstance(action, exp.AlterRename) and isinstance(expression.this, exp.Table):
            old, new = table_name(expression.this), table_name(action.this)
            if "." not in new and "." in old:
                new = old.rsplit(".", 1)[0] + "." + new  # RENAME TO keeps the schema
            if old in state.written:
                state.written[new] = state.written.pop(old)
            else:
                state.renamed[new] = state.renamed.pop(old, old)
            if old in state.known_columns:
                state.known_columns[new] = state.known_columns.pop(old)
    return None


def _copy(expression: exp.Copy, statement: Statement, state: ScriptState) -> Statement:
    if expression.args.get("kind") is False:  # COPY (query or table) TO 'location'
        files = expression.args.get("files") or []
        copied = exp.Copy(this=files[0] if files else None, files=[expression.this], kind=True)
        return _copy(copied, statement, state)
    target = _location_or_table(expression.this)
    for source in expression.args.get("files") or []:
        if isinstance(source, (exp.Subquery, exp.Query)):
            query = source.this if isinstance(source, exp.Subquery) else source
            outputs = _trace(query, state, statement)
            _write(statement, target, [o.name for o in outputs], outputs)
        else:
            origin = _location_or_table(source)
            origin = state.renamed.get(origin, origin)
            statement.sources.add(origin)
            statement.targets.add(target)
            statement.columns.setdefault(f"{target}.*", {})[f"{origin}.*"] = "direct"
    return statement


def _export(expression: exp.Export, statement: Statement, state: ScriptState) -> Statement:
    uri = ""
    options = expression.args.get("options")
    for prop in options.expressions if options else []:
        if prop.name.lower() == "uri":
            uri = prop.args["value"].name
    query = expression.this
    outputs = _trace(query, state, statement) if isinstance(query, exp.Query) else []
    _write(statement, f"path:{uri}", [o.name for o in outputs], outputs)
    return statement


def _command(
    expression: exp.Command, statement: Statement, state: ScriptState
) -> Statement | Problem | None:
    verb = str(expression.this).lower()
    text = expression.expression.name if isinstance(expression.expression, exp.Literal) else ""
    if verb == "unload":
        match = _UNLOAD.match(text)
        if match:
            inner = sqlglot.parse_one(match.group(1).replace("''", "'"), read=state.dialect)
            outputs = _trace(inner, state, statement)
            _write(statement, f"path:{match.group(2)}", [o.name for o in outputs], outputs)
            statement.kind = "unload"
            return statement
    if verb in _QUIET_COMMANDS:
        return None
    return Problem(statement.line, f"{verb.upper()} statement not understood; skipped")


_HANDLERS: dict[type, Callable[..., Statement | Problem | None]] = {
    exp.Create: _create,
    exp.Insert: _insert,
    exp.Update: _update,
    exp.Merge: _merge,
    exp.Delete: _delete,
    exp.Drop: _drop,
    exp.Alter: _alter,
    exp.Copy: _copy,
    exp.Export: _export,
}


# -- helpers ----------------------------------------------------------------


def _trace(
    query: exp.Expr, state: ScriptState, statement: Statement, ignore_reads: bool = False
) -> list[Output]:
    _note_reads(query, statement, state)
    if not state.columns:
        return []
    outputs = QueryTracer(state.masking).outputs(query, state.dialect, state.schema())
    if state.renamed:
        for output in outputs:
            output.sources = {_unrename(k, state): t for k, t in output.sources.items()}
    return outputs


def _unrename(column: str, state: ScriptState) -> str:
    table, _, name = column.rpartition(".")
    return f"{state.renamed.get(table, table)}.{name}"


def _note_reads(node: exp.Expr | None, statement: Statement, state: ScriptState) -> None:
    """Every real table read anywhere in ``node`` (CTE names excluded)."""
    if node is None:
        return
    ctes = {
        identifier(cte.args["alias"].this)
        for cte in node.find_all(exp.CTE)
        if cte.args.get("alias")
    }
    for table in node.find_all(exp.Table):
        if (
            not table.name
            or isinstance(table.this, (exp.Func, exp.Anonymous))
            or isinstance(table.parent, exp.Schema)
        ):
            continue
        name = table_name(table)
        if name in ctes and not table.args.get("db"):
            continue
        statement.sources.add(state.renamed.get(name, name))


def _with_statement_ctes(statement: exp.Expr, query: exp.Expr | None) -> exp.Expr | None:
    """``WITH x AS (…) INSERT … SELECT … FROM x``: the CTEs belong to the query."""
    ctes = statement.args.get("with") or statement.args.get("with_")
    if ctes is None or not isinstance(query, exp.Query):
        return query
    query = query.copy()
    for cte in ctes.expressions:
        query = query.with_(
            cte.alias, as_=cte.this.copy(), recursive=bool(ctes.args.get("recursive")), copy=False
        )
    return query


def _location_or_table(node: exp.Expr | None) -> str:
    if (
        isinstance(node, exp.Table)
        and isinstance(node.this, (exp.Literal, exp.Var))
        and not node.args.get("db")
    ):
        return f"path:{node.this.name}"
    if isinstance(node, exp.Table):
        return table_name(node)
    if isinstance(node, exp.Literal):
        return f"path:{node.name}"
    return node.sql() if node is not None else "?"


def _write(statement: Statement, target: str, names: list[str], outputs: list[Output]) -> None:
    statement.targets.add(target)
    for name, output in zip(names, outputs, strict=False):
        key = f"{target}.{name}"
        if output.tags:
            statement.tags[key] = list(output.tags)
        statement.columns.setdefault(key, {})
        merge(statement.columns[key], output.sources)


def _advance(state: ScriptState, statement: Statement) -> None:
    """Fold one statement into the script's end-to-end view."""
    for source in statement.sources - statement.targets:
        if source in state.written:
            state.intermediate.add(source)
        else:
            state.inputs.add(source)
    for source in statement.sources & statement.targets:
        if source not in state.written:
            state.inputs.add(source)
    resolved: dict[str, dict[str, Sources]] = {}
    if not statement.targets:  # a plain SELECT: its result is the script's output
        for column, sources in statement.columns.items():
            results = state.results.setdefault(column, {})
            for source_column, transform in sources.items():
                merge(results, _resolve(state, source_column, transform))
        return
    for column, sources in statement.columns.items():
        table, _, name = column.rpartition(".")
        inputs: Sources = {}
        for source_column, transform in sources.items():
            merge(inputs, _resolve(state, source_column, transform))
        resolved.setdefault(table, {}).setdefault(name, {})
        merge(resolved[table][name], inputs)
    for target in statement.targets:
        columns = state.written.setdefault(target, {})
        for name, inputs in resolved.get(target, {}).items():
            columns.setdefault(name, {})
            merge(columns[name], inputs)


def _resolve(state: ScriptState, source_column: str, transform: str) -> Sources:
    """A column read by a statement, in terms of the script's inputs."""
    table, _, name = source_column.rpartition(".")
    if table not in state.written:
        return {source_column: transform}
    columns = state.written[table]
    found = columns.get(name) or columns.get("*")
    if found is None and name == "*":
        found = {}
        for inputs in columns.values():
            merge(found, inputs)
    if found is None:
        return {}
    return {column: strongest(t, transform) for column, t in found.items()}


def _script(state: ScriptState) -> dict[str, Any]:
    targets = set(state.written) - state.intermediate
    columns = {f"{t}.{c}": inputs for t in targets for c, inputs in state.written[t].items()}
    if not targets:
        columns = dict(state.results)
    return {
        "sources": sorted(state.inputs - state.intermediate),
        "targets": sorted(targets),
        "intermediate": sorted(state.intermediate),
        "columns": _edges(columns),
    }


def _edges(columns: dict[str, Sources]) -> list[dict[str, str]]:
    return [
        {"source": source, "target": target, "transform": transform}
        for target, sources in sorted(columns.items())
        for source, transform in sorted(sources.items())
    ]
