"""Snapshots of scans, kept so that later scans can say what changed."""

from flowscope.store.snapshots import (
    SCHEMA_VERSION,
    Snapshot,
    SnapshotStore,
    StoreError,
    default_store,
)

__all__ = ["SCHEMA_VERSION", "Snapshot", "SnapshotStore", "StoreError", "default_store"]
