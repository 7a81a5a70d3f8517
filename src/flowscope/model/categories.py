"""How sensitive a data category is, in the Fides (fideslang) key space.

The taxonomy is vocabulary shared by the classifier and the rules, so it
lives in the model: both layers may read it without importing each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum


class Sensitivity(IntEnum):
    NONE = 0
    OPERATIONAL = 1  # data about systems, not about people
    PERSONAL = 2  # identifies or describes a person
    SPECIAL = 3  # payment, health, biometrics, private content, credentials …


# Prefixes whose loss hurts a person most: special categories under GDPR art. 9,
# payment data under PCI DSS, credentials, and private content such as chats.
SPECIAL_PREFIXES: tuple[str, ...] = (
    "user.financial",
    "user.health_and_medical",
    "user.biometric",
    "user.genetic",
    "user.content",
    "user.authorization",
    "user.government_id",
    "user.criminal_history",
    "user.demographic.race_ethnicity",
    "user.demographic.religious_belief",
    "user.demographic.sexual_orientation",
    "user.demographic.political_opinion",
    "user.childrens",
)


def _under(key: str, prefix: str) -> bool:
    return key == prefix or key.startswith(prefix + ".")


def sensitivity(key: str) -> Sensitivity:
    """Sensitivity of one category key.

    >>> sensitivity("user.contact.email").name
    'PERSONAL'
    >>> sensitivity("user.biometric.voice").name
    'SPECIAL'
    >>> sensitivity("system.operations").name
    'OPERATIONAL'
    """
    if any(_under(key, prefix) for prefix in SPECIAL_PREFIXES):
        return Sensitivity.SPECIAL
    if _under(key, "user"):
        return Sensitivity.PERSONAL
    return Sensitivity.OPERATIONAL


def highest_sensitivity(keys: Iterable[str]) -> Sensitivity:
    """>>> highest_sensitivity(["system.operations", "user.contact.email"]).name
    'PERSONAL'
    >>> highest_sensitivity([]).name
    'NONE'
    """
    return max((sensitivity(key) for key in keys), default=Sensitivity.NONE)
