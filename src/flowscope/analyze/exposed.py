"""What FS301 and FS302 share: sensitive data that reaches a kind of third party unmasked."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from flowscope.model import Estate, Finding, Severity
from flowscope.model.categories import Sensitivity, sensitivity
from flowscope.model.exposure import Exposure


def unmasked_exposures(
    estate: Estate, receiver: Callable[[dict[str, object]], bool]
) -> dict[str, list[Exposure]]:
    """Personal categories that reach each chosen third party unmasked, by system."""
    found: dict[str, list[Exposure]] = {}
    for exposure in estate.exposures:
        system = estate.node(exposure.system)
        if exposure.masked or system.get("zone") != "third_party" or not receiver(system):
            continue
        if sensitivity(exposure.category) >= Sensitivity.PERSONAL:
            found.setdefault(exposure.system, []).append(exposure)
    return found


def findings(
    estate: Estate, rule_id: str, title: str, exposures: dict[str, list[Exposure]],
    severity: Callable[[Sensitivity], Severity], noun: str,
) -> Iterator[Finding]:  # fmt: skip
    """One finding per third party; its path is the witness of its most sensitive category."""
    for system, reached in exposures.items():
        # the most sensitive category, and of its paths the one that tells most of the story
        worst = max(reached, key=lambda e: (sensitivity(e.category), len(e.path)))
        categories = tuple(sorted({e.category for e in reached}))
        route = " → ".join(_names(estate, worst))
        yield Finding(
            rule_id=rule_id,
            severity=severity(sensitivity(worst.category)),
            title=title,
            message=(
                f"{', '.join(categories)} reach{'es' if len(categories) == 1 else ''} "
                f"{noun} {estate.node(system)['name']} unmasked, e.g. {worst.category}: {route}"
            ),
            subjects=(system,),
            categories=categories,
            locations=tuple(s for hop in worst.path for s in hop.evidence),
            path=worst.path,
        )


def _names(estate: Estate, exposure: Exposure) -> list[str]:
    names: list[str] = []
    for hop in exposure.path:
        for node in (hop.source, hop.target):
            data = estate.graph.nodes.get(node, {})
            if data.get("kind") == "system" and (not names or names[-1] != data["name"]):
                names.append(str(data["name"]))
    return names
