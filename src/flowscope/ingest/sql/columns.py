"""Column lineage of one query, in one pass over its scopes.

The query is qualified once (sqlglot's ``qualify``), its scopes built once,
and every output column traced to the real table columns it reads, with the
strongest transform met on the way. Results are memoised per scope, so a CTE
used by ten columns is traced once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import Scope, build_scope
from sqlglot.schema import MappingSchema

TRANSFORMS = ("direct", "derived", "aggregated", "masked")  # weakest to strongest
_STRENGTH = {name: index for index, name in enumerate(TRANSFORMS)}

DEFAULT_MASKING = frozenset(
    {
        "md5", "sha", "sha1", "sha2", "sha256", "sha512", "hash", "farm_fingerprint", "hmac",
        "mask", "mask_inner", "mask_outer", "mask_first_n", "mask_last_n", "mask_show_first_n",
        "mask_show_last_n", "redact", "regexp_replace", "left", "right", "substr", "substring",
        "encrypt", "aes_encrypt", "tokenize", "hash_md5", "sha256_hex", "to_hex_sha256",
    }
)  # fmt: skip

Sources = dict[str, str]  # source column id ("schema.table.column") -> transform


def strongest(a: str, b: str) -> str:
    """>>> strongest("derived", "masked")
    'masked'
    """
    return a if _STRENGTH[a] >= _STRENGTH[b] else b


def merge(into: Sources, more: Sources) -> None:
    for column, transform in more.items():
        into[column] = strongest(into[column], transform) if column in into else transform


def through(sources: Sources, transform: str) -> Sources:
    """Sources seen through one more step of ``transform``."""
    return {column: strongest(t, transform) for column, t in sources.items()}


def identifier(node: exp.Expr | None) -> str:
    """A name as written: unquoted names lower-cased, quoted ones kept."""
    if node is None:
        return ""
    if isinstance(node, exp.Identifier):
        name = str(node.this) if node.quoted else str(node.this).lower()
        return f"#{name}" if node.args.get("temporary") else name  # T-SQL's #temp tables
    return str(node.name).lower()


def table_name(table: exp.Table) -> str:
    """``catalog.db.name`` as far as the SQL qualifies it."""
    parts = [table.args.get("catalog"), table.args.get("db"), table.this]
    return ".".join(identifier(p) for p in parts if p is not None and identifier(p))


_KEY = re.compile(r"^(user|system|employee)(\.[a-z0-9_]+)*$")
_TAG = re.compile(r"flowscope:\s*([a-z0-9_.,\s]+)", re.IGNORECASE)


def comment_tags(node: exp.Expr) -> tuple[str, ...]:
    """Categories a ``-- flowscope: user.contact.email`` comment on a column declares.

    >>> column = exp.column("email")
    >>> column.add_comments([" flowscope: user.contact.email, user.name"])
    >>> comment_tags(column)
    ('user.contact.email', 'user.name')
    """
    found: list[str] = []
    for comment in node.comments or []:
        match = _TAG.search(comment)
        if match:  # keys only: words after them are the comment's, not tags
            found += [t for t in re.split(r"[,\s]+", match.group(1).lower()) if _KEY.match(t)]
    return tuple(found)


@dataclass
class Output:
    name: str
    sources: Sources
    tags: tuple[str, ...] = ()


class QueryTracer:
    """Traces every output column of a query to its source columns."""

    def __init__(self, masking: frozenset[str]) -> None:
        self.masking = masking
        self._memo: dict[int, list[Output]] = {}
        self._scopes: dict[int, Scope] = {}
        self._active: set[int] = set()  # expressions being traced: a recursive CTE's own name
        self._cte_names: set[str] = set()

    def outputs(
        self, query: exp.Expr, dialect: str | None, schema: MappingSchema | None
    ) -> list[Output]:
        qualified = _qualified(query, dialect, schema)
        self._cte_names = {
            identifier(cte.args["alias"].this)
            for cte in qualified.find_all(exp.CTE)
            if cte.args.get("alias")
        }
        root = build_scope(qualified)
        if root is None:
            return []
        for scope in root.traverse():
            self._scopes[id(scope.expression)] = scope
        return self._scope_outputs(root)

    # -- scopes -------------------------------------------------------------

    def _scope_outputs(self, scope: Scope) -> list[Output]:
        key = id(scope)
        if key not in self._memo:
            self._memo[key] = []  # a recursive CTE reaching itself sees nothing more
            self._active.add(id(scope.expression))
            self._memo[key] = _renamed(scope, self._compute(scope))
            self._active.discard(id(scope.expression))
        return self._memo[key]

    def _compute(self, scope: Scope) -> list[Output]:
        expression = scope.expression
        if isinstance(expression, exp.SetOperation):
            return self._union(scope)
        if isinstance(expression, (exp.Unnest, exp.Lateral, exp.Explode)) or not isinstance(
            expression, exp.Select
        ):
            return self._table_function(scope)
        outputs = []
        for projection in expression.selects:
            outputs.extend(self._projection(scope, projection))
        return outputs

    def _union(self, scope: Scope) -> list[Output]:
        branches = [self._scope_outputs(s) for s in scope.set_operation_scopes]
        if not branches or not branches[0]:
            return []
        outputs = [Output(o.name, dict(o.sources)) for o in branches[0]]
        for branch in branches[1:]:
            for position, output in enumerate(branch[: len(outputs)]):
                merge(outputs[position].sources, output.sources)
        return outputs

    def _table_function(self, scope: Scope) -> list[Output]:
        """UNNEST/explode: every column it yields derives from what it unnests."""
        sources: Sources = {}
        for column in scope.expression.find_all(exp.Column):
            merge(sources, through(self._column(scope, column), "derived"))
        names = _yielded_names(scope.expression)
        return [Output(name, dict(sources)) for name in names] or [Output("*", sources)]

    # -- expressions --------------------------------------------------------

    def _projection(self, scope: Scope, projection: exp.Expr) -> list[Output]:
        if isinstance(projection, exp.Star) or (
            isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star)
        ):
            return self._star(scope, projection)
        sources: Sources = {}
        for node, transform in self._columns_in(projection):
            if isinstance(node, exp.Column):
                merge(sources, through(self._column(scope, node), transform))
            else:  # a scalar subquery
                inner = self._scopes.get(id(node))
                for output in self._scope_outputs(inner)[:1] if inner else []:
                    merge(sources, through(output.sources, strongest(transform, "derived")))
        return [Output(output_name(projection), sources, comment_tags(projection))]

    def _star(self, scope: Scope, projection: exp.Expr) -> list[Output]:
        wanted = projection.table if isinstance(projection, exp.Column) else ""
        outputs: list[Output] = []
        for alias, source in scope.selected_sources.items():
            if wanted and alias != wanted:
                continue
            if isinstance(source[1], Scope):
                outputs.extend(self._scope_outputs(source[1]))
            elif isinstance(source[1], exp.Table):
                outputs.append(Output("*", {f"{table_name(source[1])}.*": "direct"}))
        return outputs

    def _columns_in(self, root: exp.Expr) -> Iterator[tuple[exp.Expr, str]]:
        """Each column (or scalar subquery) under ``root`` with the transform on its path."""
        stack: list[tuple[exp.Expr, str]] = [(root, "direct")]
        while stack:
            node, transform = stack.pop()
            if node is not root and isinstance(node, (exp.Subquery, exp.Select)):
                yield (node.this if isinstance(node, exp.Subquery) else node), transform
                continue
            if isinstance(node, exp.Column):
                yield node, transform
                continue
            if isinstance(node, exp.Window):
                stack.append((node.this, transform))  # partition and order add no lineage
                continue
            step = self._step(node, root)
            for child in node.iter_expressions():
                stack.append((child, strongest(transform, step)))

    def _step(self, node: exp.Expr, root: exp.Expr) -> str:
        if isinstance(node, (exp.Alias, exp.Paren)) or (
            node is root and isinstance(node, exp.Alias)
        ):
            return "direct"
        if isinstance(node, exp.Func) and _function_names(node) & self.masking:
            return "masked"
        if isinstance(node, exp.AggFunc):
            return "aggregated"
        return "derived"

    def _column(self, scope: Scope, column: exp.Column) -> Sources:
        name = identifier(column.this) if not isinstance(column.this, exp.Star) else "*"
        source = self._source_of(scope, column)
        if source is None:
            return {}
        if (
            isinstance(source, exp.Table)
            and not source.args.get("db")
            and identifier(source.this) in self._cte_names
        ):
            return {}  # a recursive CTE reading itself adds nothing to its base case
        if isinstance(source, exp.Table):
            return {f"{table_name(source)}.{name}": "direct"}
        outputs = self._scope_outputs(source)
        for output in outputs:
            if output.name.lower() == name or output.name == name:
                return dict(output.sources)
        stars = [o for o in outputs if o.name == "*"]
        return {k.removesuffix("*") + name: t for o in stars for k, t in o.sources.items()}

    def _source_of(self, scope: Scope, column: exp.Column) -> exp.Table | Scope | None:
        if column.table:
            found = scope.sources.get(column.table)
            if found is None and scope.parent is not None:  # a correlated reference
                return self._source_of(scope.parent, column)
            return found if isinstance(found, (exp.Table, Scope)) else None
        # only what FROM, JOIN and lateral views select from: other CTEs in view are not
        selected = [source for _, source in scope.selected_sources.values()]
        if not selected:  # a table function's scope reads from its enclosing FROM
            selected = list(scope.sources.values())
        selected += [
            s for s in scope.sources.values()
            if isinstance(s, Scope) and (s.is_udtf or s in scope.lateral_sources.values())
            and s not in selected
        ]  # fmt: skip
        candidates = [
            s
            for s in selected
            if isinstance(s, exp.Table)
            or (isinstance(s, Scope) and id(s.expression) not in self._active)
        ]
        name = identifier(column.this)
        yielding = [
            s
            for s in candidates
            if isinstance(s, Scope) and any(o.name == name for o in self._scope_outputs(s))
        ]
        if len(yielding) == 1:
            return yielding[0]
        tables = [s for s in candidates if isinstance(s, exp.Table)]
        if len(tables) == 1 and not yielding:
            return tables[0]
        if len(candidates) == 1:
            return candidates[0]
        return None


def _renamed(scope: Scope, outputs: list[Output]) -> list[Output]:
    """``(SELECT …) AS t (a, b)`` and ``WITH t (a, b) AS …`` rename columns by position."""
    parent = scope.expression.parent
    alias = parent.args.get("alias") if isinstance(parent, (exp.Subquery, exp.CTE)) else None
    names = [identifier(c) for c in alias.columns] if isinstance(alias, exp.TableAlias) else []
    if not names:
        return outputs
    return [
        Output(names[i] if i < len(names) else o.name, o.sources) for i, o in enumerate(outputs)
    ]


def output_name(projection: exp.Expr) -> str:
    """The name a projection gives its column, as written (unquoted: lower case)."""
    if isinstance(projection, exp.Alias):
        return identifier(projection.args.get("alias"))
    if isinstance(projection, exp.Column):
        return identifier(projection.this)
    return projection.alias_or_name.lower()


def _qualified(query: exp.Expr, dialect: str | None, schema: MappingSchema | None) -> exp.Expr:
    """Qualify with the schema; failing that without it; failing that, tables only."""
    attempts: list[dict[str, Any]] = [
        {"schema": schema},
        {"schema": None},
        {"schema": None, "qualify_columns": False},
    ]
    for options in attempts:
        try:
            return qualify(
                query.copy(), dialect=dialect, identify=False, quote_identifiers=False,
                validate_qualify_columns=False, allow_partial_qualification=True, **options,
            )  # fmt: skip
        except (SqlglotError, KeyError, ValueError, AttributeError, TypeError):
            continue
    return query.copy()


# sqlglot's class for a function, by the name people write (and list in masking_functions).
_FUNCTION_NAMES = {
    "md5digest": "md5",
    "sha1digest": "sha1",
    "sha2digest": "sha2",
    "standardhash": "hash",
    "regexpreplace": "regexp_replace",
    "substringindex": "substring_index",
}


def _function_names(node: exp.Func) -> set[str]:
    """The names a function goes by: as written, and as sqlglot's class says.

    >>> sorted(_function_names(exp.SHA2Digest(this=exp.column("x"))))
    ['sha2', 'sha2_digest', 'sha2digest']
    >>> sorted(_function_names(exp.Anonymous(this="FARM_FINGERPRINT")))
    ['farm_fingerprint']
    """
    if isinstance(node, exp.Anonymous):
        return {str(node.name).lower()}
    name = type(node).__name__
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
    return {name.lower(), snake, _FUNCTION_NAMES.get(name.lower(), snake)}


def _yielded_names(expression: exp.Expr) -> list[str]:
    alias = expression.args.get("alias")
    if isinstance(alias, exp.TableAlias) and alias.columns:
        return [identifier(c) for c in alias.columns]
    if isinstance(alias, exp.TableAlias) and alias.this:
        return [identifier(alias.this)]
    return []
