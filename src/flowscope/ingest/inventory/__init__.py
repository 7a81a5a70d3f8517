"""The vendor inventory the privacy team keeps: CSV, XLSX or YAML, columns named as they like.

``transform`` maps a table's columns through an alias table, reads every
value as people type it and returns one record per row (or the reason a row
was skipped); ``load`` turns records into third-party systems and the
declared flows of the systems they are integrated with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flowscope.ingest.inventory import values
from flowscope.ingest.inventory.table import Table, read_table
from flowscope.model import Diagnostic, Estate, Level, Source
from flowscope.model.categories import category_for, meant
from flowscope.model.ids import flow_key, slug, system_id

# canonical field -> the column names people use for it (compared without case,
# spaces or punctuation); an estate adds its own in flowscope.yaml.
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("vendor", "vendor name", "supplier", "supplier name", "company", "provider",
             "third party", "name", "service", "service name", "processor", "sub-processor"),
    "id": ("id", "vendor id", "system id", "flowscope id"),
    "type": ("type", "vendor type", "service category", "category", "kind", "service type"),
    "data": ("data shared", "data", "data categories", "personal data", "data processed",
             "data types", "categories of data", "data elements", "data shared with vendor"),
    "categories": ("categories", "taxonomy", "data category keys", "fides categories"),
    "dpa": ("dpa", "dpa signed", "dpa in place", "data processing agreement", "dpa on file"),
    "last_review": ("last review", "last reviewed", "review date", "last assessment",
                    "last security review", "reviewed on"),
    "monitored": ("logging / siem", "logging", "siem", "monitored", "monitoring", "audit logging",
                  "logged to siem"),
    "region": ("region", "data region", "hosting region", "data location", "location", "country",
               "data residency"),
    "owner": ("owner", "business owner", "vendor owner", "accountable", "relationship owner"),
    "integrated": ("integrated systems", "systems", "integrations", "used by", "connected systems",
                   "internal systems", "integrated with"),
    "domains": ("domain", "domains", "website", "url", "api host", "hosts"),
    "contract_end": ("contract end", "contract expiry", "renewal date", "contract renewal",
                     "renewal"),
    "description": ("description", "purpose", "notes", "comments", "use case"),
    "openapi": ("openapi", "openapi spec", "api spec", "api specification", "spec"),
}  # fmt: skip
REQUIRED = ("name",)
AI_WORDS = re.compile(
    r"(\b|_)(ai|llm|ml|genai|speech|transcription|machine learning|model|ai_provider)(\b|_)", re.I
)


def normal(header: str) -> str:
    """>>> normal("DPA signed?"), normal("Logging / SIEM")
    ('dpasigned', 'loggingsiem')
    """
    return re.sub(r"[^a-z0-9]", "", str(header).lower())


@dataclass
class Settings:
    columns: dict[str, str] = field(default_factory=dict)  # extra header -> field
    day_first: bool = True
    date_format_set: bool = False  # the estate says how dates are written: no ambiguity
    sheet: str | None = None


@dataclass
class VendorRecord:
    row: int
    source: Source
    name: str
    facts: dict[str, Any]
    categories: list[str]
    unmapped_categories: list[str]
    integrated: list[str]
    origins: dict[str, Source]
    raw: dict[str, str]


@dataclass
class Inventory:
    file: str
    vendors: list[VendorRecord] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)


def read(path: Any, file: str, settings: Settings) -> Inventory:
    """Read and transform one inventory file; raises InputError when it cannot be read."""
    return transform(read_table(path, file, settings.sheet), settings)


def transform(table: Table, settings: Settings) -> Inventory:
    out = Inventory(table.file, problems=list(table.problems))
    mapping, unmapped = _columns(table.header, settings)
    if unmapped:
        names = ", ".join(repr(h) for h in unmapped)
        out.problems.append(
            _warn(f"columns kept as raw attributes: {names}", Source(table.file, 1))
        )
    missing = [f for f in REQUIRED if f not in mapping.values()]
    if missing:
        looked = ", ".join(ALIASES[missing[0]][:4])
        message = f"no column for the vendor {missing[0]} (looked for: {looked} …)"
        out.problems.append(Diagnostic(Level.ERROR, message, Source(table.file, 1)))
        return out
    for number, cells in table.rows:
        if not any(str(c).strip() for c in cells):
            continue  # an empty line carries nothing to drop
        record = _record(table, mapping, unmapped, number, cells, settings, out.problems)
        if record is not None:
            out.vendors.append(record)
    return out


def _columns(header: list[str], settings: Settings) -> tuple[dict[int, str], list[str]]:
    lookup = {normal(alias): name for name, aliases in ALIASES.items() for alias in aliases}
    lookup |= {normal(h): f for h, f in settings.columns.items()}
    mapping: dict[int, str] = {}
    unmapped: list[str] = []
    for index, title in enumerate(header):
        target = lookup.get(normal(title))
        if target and target not in mapping.values():
            mapping[index] = target
        elif str(title).strip():
            unmapped.append(str(title).strip())
    return mapping, unmapped


def _record(
    table: Table, mapping: dict[int, str], unmapped: list[str], number: int, cells: list[Any],
    settings: Settings, problems: list[Diagnostic],
) -> VendorRecord | None:  # fmt: skip
    where = Source(table.file, number, f"row/{number}")
    cell = {name: cells[i] if i < len(cells) else "" for i, name in mapping.items()}
    name = values.text(cell.get("name"))
    if not name:
        problems.append(_warn(f"row {number} skipped: no vendor name", where))
        return None
    facts: dict[str, Any] = {}
    for key, reader in _READERS.items():
        if key in cell:
            try:
                facts[key] = reader(cell[key], settings, problems, where)
            except values.ValueProblem as exc:
                problems.append(
                    _warn(f"row {number}: {key.replace('_', ' ')}: {exc}; left unknown", where)
                )
    categories, unknown = _categories(cell)
    if unknown:
        listed = ", ".join(repr(u) for u in unknown)
        problems.append(
            _warn(f"row {number}: data not in the taxonomy, kept as written: {listed}", where)
        )
    for key in categories:
        if fix := meant(key):
            problems.append(
                _warn(f"row {number}: {key!r} is not in the taxonomy: did you mean {fix!r}?", where)
            )
    raw = {
        t: str(cells[i])
        for i, t in enumerate(table.header)
        if t in unmapped and i < len(cells) and str(cells[i]).strip()
    }
    origins = {key: where for key in facts}
    return VendorRecord(
        number,
        where,
        name,
        facts,
        categories,
        unknown,
        values.many(cell.get("integrated")),
        origins,
        raw,
    )


def _bool(value: Any, settings: Settings, problems: list[Diagnostic], where: Source) -> bool | None:
    return values.boolean(value)


def _date(value: Any, settings: Settings, problems: list[Diagnostic], where: Source) -> str | None:
    found, warning = values.a_date(value, settings.day_first)
    if warning and not settings.date_format_set:
        problems.append(_warn(f"row {where.line}: {warning}", where))
    return found.isoformat() if isinstance(found, date) else None


def _text(value: Any, settings: Settings, problems: list[Diagnostic], where: Source) -> str | None:
    return values.text(value)


def _list(
    value: Any, settings: Settings, problems: list[Diagnostic], where: Source
) -> list[str] | None:
    return [host_of(v) for v in values.many(value)] or None


def _paths(
    value: Any, settings: Settings, problems: list[Diagnostic], where: Source
) -> list[str] | None:
    return values.many(value) or None


_READERS = {
    "id": _text, "type": _text, "dpa": _bool, "last_review": _date, "monitored": _bool,
    "region": _text, "owner": _text, "domains": _list, "contract_end": _date, "description": _text,
    "openapi": _paths,
}  # fmt: skip


def _categories(cell: dict[str, Any]) -> tuple[list[str], list[str]]:
    found: list[str] = []
    unknown: list[str] = []
    for item in values.many(cell.get("categories")) + values.many(cell.get("data")):
        key = category_for(item)
        if key is None:
            unknown.append(item)
        elif key not in found:
            found.append(key)
    return found, unknown


# -- into the graph ---------------------------------------------------------


def load(estate: Estate, inventory: Inventory) -> None:
    estate.diagnostics.extend(inventory.problems)
    for record in inventory.vendors:
        vendor = match_vendor(estate, record)
        facts = dict(record.facts)
        kind = _kind(facts.pop("type", None), record)
        facts.pop("id", None)
        estate.add_node(
            vendor, "system", record.source, record.origins,
            name=record.name, zone="third_party", type=kind if vendor not in estate.graph else None,
            inventory=[inventory.file], inventory_categories=record.categories or None,
            unmapped_categories=record.unmapped_categories or None, raw=record.raw or None, **facts,
        )  # fmt: skip
        if estate.node(vendor).get("type") is None:
            estate.node(vendor)["type"] = kind
        for internal in record.integrated:
            _integration(estate, vendor, internal, record)


def match_vendor(estate: Estate, record: VendorRecord) -> str:
    """The system a row describes: by id, then by name, then by domain; else a new one."""
    if record.facts.get("id"):
        return system_id(str(record.facts["id"]))
    wanted = record.name.casefold()
    systems = list(estate.nodes("system"))
    for node, data in systems:
        if node == system_id(record.name) or str(data.get("name", "")).casefold() == wanted:
            return node
    domains = set(record.facts.get("domains") or [])
    for node, data in systems:
        known = {d.lower() for d in data.get("domains", [])}
        known |= {h.lower() for h in data.get("hosts", [])}
        if domains and any(_same_site(d, k) for d in domains for k in known):
            return node
    return system_id(record.name)


def _same_site(given: str, known: str) -> bool:
    """>>> _same_site("https://www.openai.com", "api.openai.com")
    True
    """

    def site(host: str) -> str:
        labels = host_of(host).split(".")
        # example.co.uk: the registrable part is three labels when the second-level one is generic
        size = (
            3 if len(labels) >= 3 and labels[-2] in ("co", "com", "org", "net", "ac", "gov") else 2
        )
        return ".".join(labels[-size:])

    return site(given) == site(known)


def host_of(text: str) -> str:
    """>>> host_of("https://www.OpenAI.com/about")
    'openai.com'
    """
    host = re.sub(r"^[a-z]+://", "", text.strip().lower()).split("/")[0].split(":")[0]
    return host.removeprefix("www.")


def _kind(written: str | None, record: VendorRecord) -> str:
    """ai_provider when the row says AI, LLM, speech …; else saas."""
    hint = " ".join(filter(None, [written, record.facts.get("description")]))
    return "ai_provider" if AI_WORDS.search(hint) else "saas"


def _integration(estate: Estate, vendor: str, internal: str, record: VendorRecord) -> None:
    found = _internal_system(estate, internal)
    if found is None:
        estate.warn(
            f"row {record.row}: integrated system {internal!r} is not a known system; no flow",
            record.source,
        )
        return
    estate.add_edge(
        found,
        vendor,
        "flow",
        record.source,
        key=flow_key(found, vendor),
        declared_categories=record.categories or None,
    )


def _internal_system(estate: Estate, text: str) -> str | None:
    wanted = text.casefold().strip()
    for node, data in estate.nodes("system"):
        if data.get("zone") == "third_party":
            continue
        if (
            node == system_id(text)
            or str(data.get("name", "")).casefold() == wanted
            or slug(text) == node.split(":", 1)[1]
        ):
            return node
    return None


def _warn(message: str, where: Source) -> Diagnostic:
    return Diagnostic(Level.WARNING, message, where)


__all__ = ["ALIASES", "Inventory", "Settings", "load", "read", "transform"]
