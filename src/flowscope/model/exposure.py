"""What propagation found: a data category reaching a system, and one witness path."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flowscope.model.finding import Hop


@dataclass(frozen=True)
class Exposure:
    """``category`` reaches ``system``; ``masked`` when every way it gets there is masked."""

    category: str
    system: str
    masked: bool
    path: tuple[Hop, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "system": self.system,
            "masked": self.masked,
            "path": [hop.to_dict() for hop in self.path],
        }
