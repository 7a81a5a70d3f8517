"""Independent counts for spec tests: read the raw document without flowscope."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def raw(path: Path) -> Any:
    text = path.read_text(encoding="utf-8", errors="replace")
    return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)


def path_operations(path: Path) -> int:
    """Operations under ``paths``, following a path item's local-file or in-document $ref."""
    document = raw(path)
    count = 0
    for item in (document.get("paths") or {}).values():
        if isinstance(item, dict) and "$ref" in item:
            item = _follow(path, document, item["$ref"])
        if isinstance(item, dict):
            count += len(METHODS & {str(k) for k in item})
    return count


def _follow(path: Path, document: Any, ref: str) -> Any:
    target, _, fragment = ref.partition("#")
    value = raw(path.parent / target) if target else document
    for token in [t for t in fragment.split("/") if t]:
        value = value[token.replace("~1", "/").replace("~0", "~")]
    return value
