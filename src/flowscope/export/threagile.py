"""Threagile model YAML: technical assets, data assets, links and boundaries, findings as risks.

Each system is a technical asset; each data category a flow carries is a data
asset, rated by how sensitive it is; each flow is a communication link on its
sender, with the protocol, authentication and the data assets it sends; the
internal and third-party zones are trust boundaries (the public zone is the
internet, outside every boundary). Each rule that found something becomes an
individual risk category with one identified risk per finding, so Threagile's
report lists flowscope's findings beside its own.

What flowscope does not know is written as Threagile's most cautious value
and said in the docs: machines are ``virtual``, nothing is encrypted at rest,
and an authenticated link uses a ``token`` over HTTP and ``credentials``
otherwise.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import yaml

from flowscope.export.rules import RuleWords, rule_stride
from flowscope.export.views import (
    ZONE_TITLES,
    dfd_kind,
    flow_description,
    received_and_sent,
    system_description,
)
from flowscope.model import Estate, Finding, Severity
from flowscope.model.categories import Sensitivity, sensitivity, taxonomy
from flowscope.model.ids import slug

THREAGILE_VERSION = "1.0.0"
CONFIDENTIALITY = {
    Sensitivity.SPECIAL: "strictly-confidential",
    Sensitivity.PERSONAL: "confidential",
    Sensitivity.OPERATIONAL: "internal",
    Sensitivity.NONE: "internal",
}
TECHNOLOGY = {
    "actor": "client-system", "ai_provider": "ai", "saas": "web-service-rest",
    "datastore": "database", "warehouse": "data-lake",
}  # fmt: skip
# flowscope's protocol -> Threagile's, unencrypted and encrypted.
PROTOCOLS = {
    "http": ("http", "https"), "https": ("https", "https"), "ws": ("ws", "wss"),
    "wss": ("wss", "wss"), "jdbc": ("jdbc", "jdbc-encrypted"), "odbc": ("odbc", "odbc-encrypted"),
    "postgres": ("sql-access-protocol", "sql-access-protocol-encrypted"),
    "postgresql": ("sql-access-protocol", "sql-access-protocol-encrypted"),
    "mysql": ("sql-access-protocol", "sql-access-protocol-encrypted"),
    "mongodb": ("nosql-access-protocol", "nosql-access-protocol-encrypted"),
    "smtp": ("smtp", "smtp-encrypted"), "imap": ("imap", "imap-encrypted"),
    "ftp": ("ftp", "ftps"), "ftps": ("ftps", "ftps"), "sftp": ("sftp", "sftp"),
    "ssh": ("ssh", "ssh"), "scp": ("scp", "scp"), "ldap": ("ldap", "ldaps"),
    "ldaps": ("ldaps", "ldaps"), "mqtt": ("mqtt", "mqtt"), "jms": ("jms", "jms"),
    "nfs": ("nfs", "nfs"), "smb": ("smb", "smb-encrypted"),
}  # fmt: skip
ASSET_TYPES = {"actor": "external-entity", "store": "datastore", "process": "process"}
BOUNDARIES = {"internal": "network-on-prem", "third_party": "network-cloud-provider"}
RISK_SEVERITY = {
    Severity.CRITICAL: ("critical", "very-high"),
    Severity.HIGH: ("high", "high"),
    Severity.MEDIUM: ("medium", "medium"),
    Severity.LOW: ("low", "low"),
    Severity.INFO: ("low", "low"),
}
_NOT_ID = re.compile(r"[^a-z0-9]+")
MAX_TITLE = 120  # longer keys become YAML's "? key" form, which is hard to read


def threagile_id(text: str) -> str:
    """flowscope's slug, but Threagile ids allow letters, digits and hyphens only.

    >>> threagile_id("system:support-chatbot.receivers")
    'support-chatbot-receivers'
    """
    return _NOT_ID.sub("-", slug(text.removeprefix("system:"))).strip("-") or "unnamed"


class Names:
    """Unique ids and titles: two systems may share a name, or slug to the same id."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}
        self.titles: dict[str, str] = {}
        self._taken: tuple[set[str], set[str]] = (set(), set())

    def add(self, element: str, title: str) -> None:
        ids, titles = self._taken
        self.ids[element] = _unique(threagile_id(element), ids, "-{n}")
        self.titles[element] = _unique(title, titles, " ({n})")
        ids.add(self.ids[element])
        titles.add(self.titles[element])


def _unique(wanted: str, taken: set[str], suffix: str) -> str:
    candidate, n = wanted, 1
    while candidate in taken:
        n += 1
        candidate = wanted + suffix.format(n=n)
    return candidate


def to_document(estate: Estate, rules: Mapping[str, RuleWords]) -> dict[str, Any]:
    systems = Names()
    for system, data in sorted(estate.nodes("system")):
        systems.add(system, str(data.get("name", system)))
    categories = Names()
    for category in sorted({c for u, v, k, _ in estate.flows() for c in estate.carried(u, v, k)}):
        categories.add(category, category)
    data_ids = categories.ids
    links, link_ids = _links(estate, systems, data_ids)
    assets = {
        systems.titles[system]: _asset(estate, system, systems, data_ids, links.get(system, {}))
        for system in sorted(systems.ids)
    }
    document: dict[str, Any] = {
        "threagile_version": THREAGILE_VERSION,
        "title": estate.name,
        "date": (estate.policy.today or dt.date.today()).isoformat(),
        "author": {"name": "flowscope", "homepage": "https://flowscope.dev"},
        "management_summary_comment": (
            f"Generated by flowscope from the estate {estate.name}: every system, data flow and "
            "data category it found in the estate's specs, SQL and vendor inventory, with its "
            "findings as individual risks."
        ),
        "business_criticality": "important",
        "business_overview": {"description": f"The estate {estate.name}.", "images": []},
        "technical_overview": {
            "description": f"{len(assets)} systems, {sum(1 for _ in estate.flows())} data flows.",
            "images": [],
        },
        "questions": {},
        "abuse_cases": {},
        "security_requirements": {},
        "tags_available": [],
        "data_assets": {c: _data_asset(c, data_ids[c]) for c in data_ids},
        "technical_assets": assets,
        "trust_boundaries": _boundaries(estate, systems),
        "shared_runtimes": {},
        "individual_risk_categories": _risk_categories(estate, rules, systems, link_ids),
        "diagram_tweak_layout_left_to_right": True,
    }
    document["tags_available"] = sorted(set(_tags(document)))
    return document


def _data_asset(category: str, asset_id: str) -> dict[str, Any]:
    entry = taxonomy().get(category, {})
    level = sensitivity(category)
    return {
        "id": asset_id,
        "description": str(entry.get("description") or entry.get("name") or category),
        "usage": _usage([category]),
        "tags": sorted(_tag(t) for t in entry.get("tags") or ()),
        "origin": "",
        "owner": "",
        "quantity": "many",
        "confidentiality": CONFIDENTIALITY[level],
        "integrity": "important",
        "availability": "operational",
        "justification_cia_rating": (
            f"flowscope rates {category} {level.name.lower()}: confidentiality follows."
        ),
    }


def _usage(categories: list[str]) -> str:
    """Data about systems rather than people is operations' business."""
    devops = categories and all(c.startswith("system.") for c in categories)
    return "devops" if devops else "business"


def _tag(text: str) -> str:
    """Threagile compares tags lower-cased: write them so."""
    return threagile_id(text)


def _asset(
    estate: Estate,
    system: str,
    systems: Names,
    data_ids: dict[str, str],
    links: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    data = estate.node(system)
    kind, zone = str(data.get("type") or "service"), str(data.get("zone") or "unknown")
    received, sent = received_and_sent(estate, system)
    outside = zone == "third_party"
    stores = kind in ("datastore", "warehouse")
    level = max((sensitivity(c) for c in received | sent), default=Sensitivity.NONE)
    return {
        "id": systems.ids[system],
        "description": system_description(system, data, received, sent),
        "type": ASSET_TYPES[dfd_kind(data)],
        "usage": "business",
        "used_as_client_by_human": kind == "actor",
        "out_of_scope": outside,
        "justification_out_of_scope": (
            "Operated by a third party; flowscope checks its DPA, review and region (FS201 to "
            "FS204) and what reaches it (FS301, FS302)."
            if outside
            else ""
        ),
        "size": "service" if kind == "service" and zone == "internal" else "system",
        "technology": TECHNOLOGY.get(
            kind, "web-service-rest" if data.get("specs") else "unknown-technology"
        ),
        "tags": [_tag(zone), _tag(kind)],
        "internet": zone in ("public", "third_party"),
        "machine": "virtual",
        "encryption": "none",
        "owner": str(data.get("owner") or ""),
        "confidentiality": CONFIDENTIALITY[level],
        "integrity": "important",
        "availability": "important",
        "justification_cia_rating": "Confidentiality of the most sensitive data it handles.",
        "multi_tenant": False,
        "redundant": False,
        "custom_developed_parts": kind == "service" and zone == "internal",
        "data_assets_processed": sorted(data_ids[c] for c in received | sent),
        "data_assets_stored": sorted(data_ids[c] for c in received) if stores else [],
        "data_formats_accepted": ["json"] if data.get("specs") else [],
        "communication_links": links,
    }


def _links(
    estate: Estate, systems: Names, data_ids: dict[str, str]
) -> tuple[dict[str, dict[str, dict[str, Any]]], dict[str, str]]:
    """Each sender's communication links by title, and each flow's Threagile link id.

    Threagile names a link by its sender's id, '>' and the slug of its title,
    so titles are unique per sender as slugs too.
    """
    links: dict[str, dict[str, dict[str, Any]]] = {}
    link_ids: dict[str, str] = {}
    for u, v, key, data in sorted(estate.flows(), key=lambda edge: edge[:3]):
        mine = links.setdefault(u, {})
        wanted = str(data.get("name") or f"To {systems.titles[v]}")
        taken = {threagile_id(title) for title in mine}
        title = _unique(wanted, set(mine), " ({n})")
        while threagile_id(title) in taken:
            title += " (again)"
        mine[title] = _link(estate, (u, v, key), data, systems, data_ids)
        link_ids[key] = f"{systems.ids[u]}>{threagile_id(title)}"
    return links, link_ids


def _link(
    estate: Estate,
    edge: tuple[str, str, str],
    data: dict[str, Any],
    systems: Names,
    data_ids: dict[str, str],
) -> dict[str, Any]:
    u, v, key = edge
    carried = estate.carried(u, v, key)
    protocol = _protocol(data)
    authenticated = data.get("authenticated") is True
    person = estate.node(u).get("type") == "actor"
    return {
        "target": systems.ids[v],
        "description": flow_description(key, data, carried),
        "protocol": protocol,
        "authentication": _authentication(authenticated, protocol),
        "authorization": _authorization(authenticated, person),
        "tags": [],
        "vpn": False,
        "ip_filtered": False,
        "readonly": False,
        "usage": "devops"
        if carried and all(c.startswith("system.") for c in carried)
        else "business",
        "data_assets_sent": [data_ids[c] for c in carried],
        "data_assets_received": [],
    }


def _protocol(data: dict[str, Any]) -> str:
    """Threagile's protocol; an unnamed or unknown one is binary, encrypted if declared so."""
    encrypted = data.get("encrypted") is True
    name = str(data.get("protocol") or "").lower()
    plain, secure = PROTOCOLS.get(name, ("unknown-protocol", "binary-encrypted"))
    return secure if encrypted else plain


def _authorization(authenticated: bool, person: bool) -> str:
    if not authenticated:
        return "none"
    return "enduser-identity-propagation" if person else "technical-user"


def _authentication(authenticated: bool, protocol: str) -> str:
    if not authenticated:
        return "none"
    return "token" if protocol in ("http", "https", "ws", "wss") else "credentials"


def _boundaries(estate: Estate, systems: Names) -> dict[str, dict[str, Any]]:
    inside: dict[str, list[str]] = {zone: [] for zone in BOUNDARIES}
    for system, data in estate.nodes("system"):
        zone = str(data.get("zone") or "unknown")
        if zone in inside:
            inside[zone].append(systems.ids[system])
    return {
        ZONE_TITLES[zone]: {
            "id": f"zone-{threagile_id(zone)}",
            "description": f"flowscope trust zone {zone!r}",
            "type": BOUNDARIES[zone],
            "tags": [_tag(zone)],
            "technical_assets_inside": sorted(members),
            "trust_boundaries_nested": [],
        }
        for zone, members in inside.items()
        if members
    }


def _risk_categories(
    estate: Estate,
    rules: Mapping[str, RuleWords],
    systems: Names,
    link_ids: dict[str, str],
) -> dict[str, dict[str, Any]]:
    """One category per rule with findings, one identified risk per finding."""
    by_rule: dict[str, list[Finding]] = {}
    for finding in estate.findings:
        by_rule.setdefault(finding.rule_id, []).append(finding)
    categories = {}
    for rule_id, findings in sorted(by_rule.items()):
        rule = rules.get(rule_id)
        title = f"{rule_id} {rule.title if rule else findings[0].title}"
        categories[title] = _risk_category(rule_id, rule, findings, estate, systems, link_ids)
    return categories


def _risk_category(
    rule_id: str,
    rule: RuleWords | None,
    findings: list[Finding],
    estate: Estate,
    systems: Names,
    link_ids: dict[str, str],
) -> dict[str, Any]:
    stride = rule_stride(rule)
    risks: dict[str, dict[str, Any]] = {}
    for finding in findings:
        name = _unique(_risk_title(finding, estate), set(risks), " ({n})")
        risks[name] = _risk(finding, estate, systems, link_ids)
    return {
        "id": f"flowscope-{threagile_id(rule_id)}",
        "description": rule.rationale if rule else findings[0].title,
        "impact": rule.rationale if rule else "",
        "asvs": "",
        "cheat_sheet": "",
        "action": rule.title if rule else findings[0].title,
        "mitigation": rule.remediation if rule else "",
        "check": f"flowscope scan reports no {rule_id} finding.",
        "function": "architecture",
        "stride": stride.value,
        "detection_logic": f"flowscope rule {rule_id}, over the estate's specs, SQL and inventory.",
        "risk_assessment": "The severity flowscope gives the finding, after the overrides.",
        "false_positives": "Suppress in flowscope.yaml with a reason, an owner and an expiry.",
        "model_failure_possible_reason": False,
        "cwe": getattr(rule, "cwe", 0),
        "risks_identified": risks,
    }


def _risk_title(finding: Finding, estate: Estate) -> str:
    """The finding's message when it is short enough to be a plain YAML key, else what and where."""
    if len(finding.message) <= MAX_TITLE:
        return finding.message
    names = [
        str(estate.node(s).get("name", s)) if s in estate.graph else s for s in finding.subjects
    ]
    where = " → ".join(names[:2])
    return f"{finding.title}: {where}"


def _risk(
    finding: Finding,
    estate: Estate,
    systems: Names,
    link_ids: dict[str, str],
) -> dict[str, Any]:
    severity, impact = RISK_SEVERITY[finding.severity]
    touched = sorted({systems.ids[s] for s in _systems(estate, finding.subjects)})
    risk: dict[str, Any] = {
        "severity": severity,
        "exploitation_likelihood": "likely",
        "exploitation_impact": impact,
        "data_breach_probability": "probable" if finding.categories else "possible",
        "data_breach_technical_assets": touched,
    }
    link = link_ids.get(finding.flow[2]) if finding.flow else None
    if link is not None:
        risk["most_relevant_communication_link"] = link
    elif touched:
        risk["most_relevant_technical_asset"] = touched[0]
    return risk


def _systems(estate: Estate, subjects: Iterable[str]) -> Iterator[str]:
    for subject in subjects:
        system = estate.system_of(subject)
        if system is not None:
            yield system


def _tags(document: dict[str, Any]) -> Iterator[str]:
    for section in ("data_assets", "technical_assets", "trust_boundaries"):
        for entry in document[section].values():
            yield from entry.get("tags") or ()
            for link in (entry.get("communication_links") or {}).values():
                yield from link.get("tags") or ()


# libyaml's emitter when PyYAML was built with it: the pure-Python one takes 22 s
# on 10,000 systems.
_SafeDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_SafeDumper):  # type: ignore[valid-type,misc]
    """Safe YAML, with multi-line descriptions as literal blocks a reviewer can read."""


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    # A literal block cannot hold trailing spaces or control characters: quote those.
    block = "\n" in text and _blockable(text)
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if block else None)


def _blockable(text: str) -> bool:
    lines = text.split("\n")
    return all(line.isprintable() and line == line.rstrip() for line in lines)


_Dumper.add_representer(str, _text)


def export(estate: Estate, rules: Mapping[str, RuleWords]) -> str:
    header = "# Threagile model generated by flowscope: edit the estate, not this file.\n"
    document = to_document(estate, rules)
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return header + body
