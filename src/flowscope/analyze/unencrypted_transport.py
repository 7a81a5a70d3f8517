"""FS305: sensitive data over a flow not known to be encrypted, or to an http:// server."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from flowscope.analyze.rule import Rule, flow_finding
from flowscope.analyze.unmonitored_third_party_flow import flow_categories
from flowscope.analyze.vendors import severity_for
from flowscope.model import Estate, Finding, Severity, Stride
from flowscope.model.categories import Sensitivity, highest_sensitivity

CLEAR_PROTOCOLS = frozenset({"http", "ftp", "smtp", "telnet", "pstn", "sms"})
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def check(estate: Estate) -> Iterator[Finding]:
    yield from _flows(estate)
    yield from _servers(estate)


def _flows(estate: Estate) -> Iterator[Finding]:
    for source, target, key, data in estate.flows():
        categories = flow_categories(data)
        level = highest_sensitivity(categories)
        if level < Sensitivity.PERSONAL or data.get("encrypted") is True:
            continue
        if data.get("origin") in ("webhook", "callback"):
            continue  # the spec's servers say how it is sent; see the server check below
        zones = {estate.node(source).get("zone"), estate.node(target).get("zone")}
        protocol = str(data.get("protocol", "")).lower()
        if data.get("encrypted") is False:
            why = "is marked unencrypted"
        elif protocol in CLEAR_PROTOCOLS:
            why = f"uses {protocol}, which is not encrypted"
        elif "third_party" in zones or "public" in zones:
            why = "crosses the estate's edge with no encryption on record"
        elif None in zones:  # a system only a spec or a vendor row named: unknown is not safe
            why = "reaches a system with no declared zone, with no encryption on record"
        else:
            continue
        yield flow_finding(
            RULE,
            (source, target, key),
            severity_for(level),
            f"{estate.node(source)['name']} → {estate.node(target)['name']} {why}; "
            f"it carries {', '.join(categories)}",
            categories,
            tuple(data["sources"]),
        )


def _servers(estate: Estate) -> Iterator[Finding]:
    for system, data in estate.nodes("system"):
        plain = [
            u
            for u in data.get("servers", [])
            if urlsplit(u).scheme == "http" and urlsplit(u).hostname not in LOCAL_HOSTS
        ]
        if not plain:
            continue
        categories = sorted(
            {
                c
                for _, endpoint in estate.graph.out_edges(system)
                for f in estate.node(endpoint).get("request_fields", [])
                + estate.node(endpoint).get("response_fields", [])
                for c in estate.node(f).get("categories", [])
            }
        )
        if highest_sensitivity(categories) < Sensitivity.PERSONAL:
            continue
        # the spec that names the server, rather than the systems file that names the system
        where = tuple(s for s in data["sources"] if s.file != "systems.yaml")[:1]
        yield Finding(
            rule_id=RULE.id,
            severity=severity_for(highest_sensitivity(categories)),
            title=RULE.title,
            message=(
                f"{data['name']} is served over {plain[0]} and its API handles "
                f"{', '.join(categories)}"
            ),
            subjects=(system, plain[0]),
            categories=tuple(categories),
            locations=where or tuple(data["sources"][:1]),
        )


RULE = Rule(
    id="FS305",
    title="Sensitive data without encryption in transit",
    severity=Severity.HIGH,
    rationale="Data sent in the clear can be read or changed by anyone on the path.",
    remediation=(
        "Use TLS (https, SIP-TLS, SFTP…) and record `encrypted: true` on the flow; "
        "drop http:// servers."
    ),
    stride=Stride.INFORMATION_DISCLOSURE,
    cwe=319,
    check=check,
)
