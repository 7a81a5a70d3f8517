"""What a notebook gets from ``flowscope.load``: the estate, plus a map and a findings table."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flowscope.model import Estate, Finding
from flowscope.render import map as map_render


class FindingList(list[Finding]):
    """The findings, as a list; ``to_pandas()`` when pandas is installed."""

    def to_pandas(self) -> Any:
        import pandas  # optional: only notebooks that ask for a frame need it

        rows = [
            {
                "severity": f.severity.label,
                "rule": f.rule_id,
                "title": f.title,
                "message": f.message,
                "subjects": ", ".join(f.subjects),
                "categories": ", ".join(f.categories),
                "location": str(f.location or ""),
                "fingerprint": f.fingerprint,
            }
            for f in self
        ]
        return pandas.DataFrame(rows)


@dataclass
class MapView:
    """The HTML map; Jupyter shows it inline (an iframe with srcdoc, so its scripts run)."""

    page: str
    height: int = 650

    def _repr_html_(self) -> str:
        return (
            f'<iframe srcdoc="{html.escape(self.page, quote=True)}" '
            f'style="width:100%;height:{self.height}px;border:0" '
            'sandbox="allow-scripts"></iframe>'
        )

    def save(self, path: str | Path) -> Path:
        target = Path(path)
        target.write_text(self.page, encoding="utf-8")
        return target


@dataclass(eq=False)
class ExploredEstate(Estate):
    """An estate read by ``flowscope.load``, with what notebooks use on top."""

    def map(
        self, level: str = "system", focus: str | None = None, category: str | None = None
    ) -> MapView:
        return MapView(map_render.render(self, level, focus, category))
