"""Warehouse SQL: table and column lineage into the estate graph.

``lineage`` is the pure function behind ``flowscope.lineage`` and
``flowscope lineage``; ``read_sql`` runs it over an estate's SQL files (in
parallel) and loads datasets, fields and lineage edges under the warehouse
system.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flowscope.ingest.sql.columns import DEFAULT_MASKING
from flowscope.ingest.sql.lineage import StatementTimeout, script_lineage

STATEMENT_SECONDS = 10.0


def lineage(
    sql: str,
    dialect: str | None = None,
    catalog: dict[str, list[str]] | None = None,
    masking_functions: frozenset[str] | None = None,
    statement_seconds: float | None = STATEMENT_SECONDS,
    columns: bool = True,
) -> dict[str, Any]:
    """Table and column lineage of a SQL script, per statement and end to end.

    ``columns=False`` gives table lineage only, several times faster.

    >>> result = lineage("create table marts.c as select id, md5(email) as email from raw.c")
    >>> result["script"]["sources"], result["script"]["targets"]
    (['raw.c'], ['marts.c'])
    >>> [(c["source"], c["target"], c["transform"]) for c in result["script"]["columns"]]
    [('raw.c.email', 'marts.c.email', 'masked'), ('raw.c.id', 'marts.c.id', 'direct')]
    """
    guard = (lambda: time_limit(statement_seconds)) if statement_seconds else None
    masking = masking_functions or DEFAULT_MASKING
    return script_lineage(sql, dialect, catalog, masking, guard, columns)


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise StatementTimeout after ``seconds`` (main thread on Unix only; else no limit)."""
    usable = (
        seconds
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise StatementTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, float(seconds or 0))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


__all__ = ["DEFAULT_MASKING", "StatementTimeout", "lineage", "time_limit"]
