"""Where a node, edge or finding came from: file, line and pointer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, order=True)
class Source:
    """One place in the estate that describes a node or an edge.

    ``file`` is relative to the estate root, ``line`` is 1-based (0 when the
    format has no lines), ``pointer`` is a JSON pointer inside a spec or YAML
    document, or a statement index inside a SQL file.

    >>> str(Source("systems.yaml", 12, "/systems/3"))
    'systems.yaml:12'
    """

    file: str
    line: int = 0
    pointer: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "pointer": self.pointer}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Source:
        return cls(str(data["file"]), int(data.get("line", 0)), str(data.get("pointer", "")))
