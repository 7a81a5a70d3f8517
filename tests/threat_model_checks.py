"""What the threat-modelling tools demand of a model: their schemas and their loaders' checks.

The schemas are flowscope's own statements of each tool's format (see the
READMEs beside them); a published schema, once it can be fetched, is one more
entry in the list.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from conftest import FIXTURES
from flowscope.export import threat_dragon
from flowscope.export.views import trust_zone
from flowscope.model import Estate


def validators(paths: list[Path]) -> list[Draft202012Validator]:
    out = []
    for path in paths:
        schema = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        out.append(Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER))
    return out


THREAT_DRAGON_SCHEMAS = [FIXTURES / "threat-dragon" / "model.schema.json"]
NODE_SHAPES = {"actor", "process", "store"}


def threat_dragon_problems(document: dict[str, Any]) -> list[str]:
    """Schema errors, plus what a schema cannot say: ids unique, flows between drawn shapes."""
    found = [
        f"{list(e.absolute_path)}: {e.message}"
        for v in validators(THREAT_DRAGON_SCHEMAS)
        for e in v.iter_errors(document)
    ]
    cells = document["detail"]["diagrams"][0]["cells"]
    ids = [cell["id"] for cell in cells]
    if len(ids) != len(set(ids)):
        found.append("duplicate cell ids")
    shapes = {cell["id"]: cell["shape"] for cell in cells}
    for cell in cells:
        if cell["shape"] == "flow":
            for end in ("source", "target"):
                if shapes.get(cell[end]["cell"]) not in NODE_SHAPES:
                    found.append(f"flow {cell['data']['name']} {end} points at no shape")
    return found


def cells(document: dict[str, Any]) -> list[dict[str, Any]]:
    [diagram] = document["detail"]["diagrams"]
    result: list[dict[str, Any]] = diagram["cells"]
    return result


def box(cell: dict[str, Any]) -> threat_dragon.Box:
    position, size = cell["position"], cell["size"]
    return threat_dragon.Box(position["x"], position["y"], size["width"], size["height"])


def assert_every_system_inside_its_boundary(estate: Estate, document: dict[str, Any]) -> None:
    by_id = {cell["id"]: cell for cell in cells(document)}
    boundaries = {
        cell["data"]["description"].split("'")[1]: box(cell)
        for cell in by_id.values()
        if cell["shape"] == "trust-boundary-box"
    }
    for system, data in estate.nodes("system"):
        shape = box(by_id[threat_dragon.cell_id(system)])
        zone = trust_zone(data)
        # Threat Dragon places a shape in a boundary when it lies wholly inside the box
        inside = [z for z, b in boundaries.items() if b.contains(shape)]
        assert inside == [zone], (system, zone, inside)


THREAGILE_SCHEMAS = [FIXTURES / "threagile" / "model.schema.json"]


def link_id(asset: str, title: str) -> str:
    """Threagile's id of a link: its sender's id, '>', the title lower-cased and dashed."""
    return f"{asset}>{re.sub('[^a-z0-9]+', '-', title.lower()).strip('-')}"


def threagile_problems(model: dict[str, Any]) -> list[str]:
    """Schema errors, then the checks Threagile's loader makes beyond its schema."""
    found = [
        f"{list(e.absolute_path)}: {e.message}"
        for v in validators(THREAGILE_SCHEMAS)
        for e in v.iter_errors(model)
    ]
    if found:
        return found
    assets = model["technical_assets"].values()
    data_ids = [d["id"] for d in model["data_assets"].values()]
    asset_ids = [a["id"] for a in assets]
    boundaries = model.get("trust_boundaries", {}).values()
    for kind, ids in (("data asset", data_ids), ("technical asset", asset_ids),
                      ("trust boundary", [b["id"] for b in boundaries])):  # fmt: skip
        found += [f"duplicate {kind} id {i}" for i, n in Counter(ids).items() if n > 1]
    known_data, known_assets = set(data_ids), set(asset_ids)
    links: set[str] = set()
    for asset in assets:
        refs = (asset.get("data_assets_processed") or []) + (asset.get("data_assets_stored") or [])
        for title, link in (asset["communication_links"] or {}).items():
            refs += (link.get("data_assets_sent") or []) + (link.get("data_assets_received") or [])
            if link["target"] not in known_assets:
                found.append(f"link {title} of {asset['id']} targets no asset")
            if link_id(asset["id"], title) in links:
                found.append(f"two links of {asset['id']} have the id of {title}")
            links.add(link_id(asset["id"], title))
        found += [
            f"{asset['id']} names unknown data asset {r}" for r in refs if r not in known_data
        ]
    placed = Counter(i for b in boundaries for i in b["technical_assets_inside"] or [])
    found += [f"{i} is in {n} trust boundaries" for i, n in placed.items() if n > 1]
    found += [f"boundary member {i} is no asset" for i in placed if i not in known_assets]
    declared = set(model["tags_available"])
    used = {t for section in ("data_assets", "technical_assets", "trust_boundaries")
            for entry in model.get(section, {}).values() for t in entry.get("tags") or []}  # fmt: skip
    found += [f"tag {t} not in tags_available" for t in sorted(used - declared)]
    for category in model.get("individual_risk_categories", {}).values():
        for title, risk in category["risks_identified"].items():
            refs = risk.get("data_breach_technical_assets", []) + [
                risk[k] for k in ("most_relevant_technical_asset",) if k in risk
            ]
            found += [
                f"risk {title} names unknown asset {r}" for r in refs if r not in known_assets
            ]
            link = risk.get("most_relevant_communication_link")
            if link is not None and link not in links:
                found.append(f"risk {title} names an unknown link {link}")
    return found
