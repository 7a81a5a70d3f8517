"""Problems met while reading an estate, each naming the file and line."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from flowscope.model.provenance import Source


class Level(StrEnum):
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Diagnostic:
    """One problem in the input, rendered as a single line for the terminal.

    >>> str(Diagnostic(Level.ERROR, "unknown key 'zon'", Source("systems.yaml", 4)))
    "systems.yaml:4: error: unknown key 'zon'"
    """

    level: Level
    message: str
    source: Source

    def __str__(self) -> str:
        return f"{self.source}: {self.level.value}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {"level": self.level.value, "message": self.message, **self.source.to_dict()}


class InputError(Exception):
    """Input that cannot be read at all; carries the diagnostics to show."""

    def __init__(self, diagnostic: Diagnostic, *more: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostics = (diagnostic, *more)
