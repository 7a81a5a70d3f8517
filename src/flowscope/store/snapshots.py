"""The snapshot store: one SQLite file, a versioned schema, one transaction per snapshot.

Schema (``PRAGMA user_version`` holds its version; see docs/architecture.md):

- ``snapshots``: one row per saved scan: when, which estate, the git commit
  of the estate's checkout (if any), counts, and the estate's JSON export
  compressed with zlib (the graph, policy, findings and provenance);
- ``findings``: one row per finding of a snapshot (fingerprint, rule,
  severity, first subject, suppressed), so that history and diff can
  compare findings without unpacking graphs.

A snapshot is written in a single transaction: a scan killed while saving
leaves SQLite's journal behind, which the next open rolls back, so earlier
snapshots are never lost and no half-written one appears.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1
BUSY_TIMEOUT_SECONDS = 30


class StoreError(Exception):
    """The store cannot be opened or read: not SQLite, newer than this flowscope, …"""


def _create_v1(db: sqlite3.Connection) -> None:
    # One statement at a time: executescript would commit the migration's
    # transaction before it starts.
    _statements(
        db,
        """
        CREATE TABLE snapshots (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            taken_at    TEXT NOT NULL,      -- UTC, ISO 8601
            estate      TEXT NOT NULL,      -- the estate's name
            root        TEXT NOT NULL,      -- the folder scanned
            git_commit  TEXT,               -- HEAD of the estate's git checkout, if any
            systems     INTEGER NOT NULL,
            flows       INTEGER NOT NULL,
            nodes       INTEGER NOT NULL,
            edges       INTEGER NOT NULL,
            findings    INTEGER NOT NULL,   -- not suppressed
            document    BLOB NOT NULL       -- zlib(JSON export of the estate)
        );
        CREATE TABLE findings (
            snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
            fingerprint TEXT NOT NULL,
            rule        TEXT NOT NULL,
            severity    TEXT NOT NULL,
            subject     TEXT NOT NULL,
            suppressed  INTEGER NOT NULL
        );
        CREATE INDEX findings_by_snapshot ON findings(snapshot_id);
        CREATE INDEX snapshots_by_time ON snapshots(estate, taken_at);
        """,
    )


def _statements(db: sqlite3.Connection, script: str) -> None:
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line.split("--")[0].rstrip() + "\n"
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""


# MIGRATIONS[n] brings a store from version n to n + 1; each runs in the same
# transaction as the version bump, so a store is never left half-migrated.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {0: _create_v1}


@dataclass(frozen=True)
class Snapshot:
    id: int
    taken_at: str
    estate: str
    root: str
    git_commit: str | None
    systems: int
    flows: int
    nodes: int
    edges: int
    findings: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def default_store(root: Path) -> Path:
    """``.flowscope/snapshots.db`` under the estate's folder."""
    return root / ".flowscope" / "snapshots.db"


class SnapshotStore:
    """Open (creating or migrating) the store at ``path``; use as a context manager."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        try:
            self._db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(f"not a flowscope snapshot store ({exc})") from None
        except StoreError:
            self._db.close()
            raise

    def __enter__(self) -> SnapshotStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"written by a newer flowscope (schema {version}, "
                f"this one reads up to {SCHEMA_VERSION})"
            )
        while version < SCHEMA_VERSION:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                MIGRATIONS[version](self._db)
                self._db.execute(f"PRAGMA user_version = {version + 1}")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            version += 1

    def save(
        self, document: dict[str, Any], meta: dict[str, Any], findings: list[dict[str, Any]]
    ) -> int:
        """Store one snapshot, all of it or nothing; its id."""
        blob = zlib.compress(json.dumps(document, default=str).encode("utf-8"), 6)
        self._db.execute("BEGIN IMMEDIATE")
        try:
            cursor = self._db.execute(
                "INSERT INTO snapshots (taken_at, estate, root, git_commit, systems, flows,"
                " nodes, edges, findings, document) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    meta["taken_at"], meta["estate"], meta["root"], meta.get("git_commit"),
                    meta["systems"], meta["flows"], meta["nodes"], meta["edges"],
                    sum(1 for f in findings if not f["suppressed"]), blob,
                ),
            )  # fmt: skip
            snapshot_id = int(cursor.lastrowid or 0)
            self._db.executemany(
                "INSERT INTO findings VALUES (?,?,?,?,?,?)",
                [
                    (snapshot_id, f["fingerprint"], f["rule"], f["severity"], f["subject"],
                     int(f["suppressed"]))
                    for f in findings
                ],
            )  # fmt: skip
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return snapshot_id

    def history(self, estate: str | None = None) -> list[Snapshot]:
        """Snapshots, oldest first (of one estate, when named)."""
        query = (
            "SELECT id, taken_at, estate, root, git_commit, systems, flows, nodes, edges,"
            " findings FROM snapshots"
        )
        rows = (
            self._db.execute(query + " WHERE estate = ? ORDER BY id", (estate,))
            if estate
            else self._db.execute(query + " ORDER BY id")
        )
        return [Snapshot(*row) for row in rows]

    def document(self, snapshot_id: int) -> dict[str, Any]:
        """The estate export saved with a snapshot."""
        row = self._db.execute(
            "SELECT document FROM snapshots WHERE id = ?", (snapshot_id,)
        ).fetchone()
        if row is None:
            raise StoreError(f"no snapshot {snapshot_id}")
        loaded: dict[str, Any] = json.loads(zlib.decompress(row[0]))
        return loaded

    def findings(self, snapshot_id: int) -> list[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT fingerprint, rule, severity, subject, suppressed FROM findings"
            " WHERE snapshot_id = ? ORDER BY rowid",
            (snapshot_id,),
        )
        keys = ("fingerprint", "rule", "severity", "subject", "suppressed")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def integrity(self) -> str:
        """SQLite's own check of the file: ``ok`` when sound."""
        return str(self._db.execute("PRAGMA integrity_check").fetchone()[0])
