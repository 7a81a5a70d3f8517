"""How sensitive a data category is, in the Fides (fideslang) key space.

The taxonomy is vocabulary shared by the classifier and the rules, so it
lives in the model: both layers may read it without importing each other.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from enum import IntEnum
from functools import cache
from importlib import resources
from typing import Any

import yaml


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
    "user.health",
    "user.biometrics",
    "user.children",
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


# Tags of the taxonomy that make a category special (loss hurts a person most).
SPECIAL_TAGS = frozenset({"special", "PCI", "PHI", "credential"})


@cache
def taxonomy() -> dict[str, dict[str, Any]]:
    """The Fides data categories shipped in ``taxonomy.yaml``, by key (see TAXONOMY_NOTICE.md)."""
    text = resources.files("flowscope.model").joinpath("taxonomy.yaml").read_text("utf-8")
    return {entry["key"]: entry for entry in yaml.safe_load(text)["categories"]}


def known(key: str) -> bool:
    """>>> known("user.contact.email"), known("user.contact.emial")
    (True, False)
    """
    return key in taxonomy()


def meant(key: str) -> str | None:
    """The taxonomy key a key the taxonomy lacks is nearly the same as: a typo's fix.

    >>> meant("user.contact.emial"), meant("user.loyalty_points"), meant("user.name")
    ('user.contact.email', None, None)
    """
    if known(key):
        return None
    close = difflib.get_close_matches(key, taxonomy(), n=1, cutoff=0.9)
    return close[0] if close else None


def tags(key: str) -> frozenset[str]:
    """Roll-up tags of a key, or of its nearest ancestor the taxonomy knows.

    >>> sorted(tags("user.financial.credit_card"))
    ['PCI', 'PII']
    >>> sorted(tags("user.contact.email"))
    ['PII']
    """
    probe = key
    while probe:
        if probe in taxonomy():
            return frozenset(taxonomy()[probe].get("tags") or ())
        probe = probe.rpartition(".")[0]
    return frozenset()


def under(key: str, prefix: str) -> bool:
    """A key is under itself and its ancestors.

    >>> under("user.contact.email", "user.contact"), under("user.contacts", "user.contact")
    (True, False)
    """
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
    found = tags(key)
    if found & SPECIAL_TAGS or any(under(key, prefix) for prefix in SPECIAL_PREFIXES):
        return Sensitivity.SPECIAL
    if "PII" in found or under(key, "user"):
        return Sensitivity.PERSONAL
    return Sensitivity.OPERATIONAL


def highest_sensitivity(keys: Iterable[str]) -> Sensitivity:
    """>>> highest_sensitivity(["system.operations", "user.contact.email"]).name
    'PERSONAL'
    >>> highest_sensitivity([]).name
    'NONE'
    """
    return max((sensitivity(key) for key in keys), default=Sensitivity.NONE)


# How people name data in a spreadsheet, to taxonomy keys. Matched after
# lower-casing and dropping a trailing "s", "data", "info" or "information".
PHRASES: dict[str, str] = {
    "email": "user.contact.email",
    "email address": "user.contact.email",
    "e-mail": "user.contact.email",
    "e-mail address": "user.contact.email",
    "customer email": "user.contact.email",
    "name": "user.name",
    "full name": "user.name",
    "customer name": "user.name",
    "first and last name": "user.name",
    "phone": "user.contact.phone_number",
    "phone number": "user.contact.phone_number",
    "mobile number": "user.contact.phone_number",
    "telephone number": "user.contact.phone_number",
    "address": "user.contact.address",
    "postal address": "user.contact.address",
    "billing address": "user.contact.address",
    "shipping address": "user.contact.address",
    "contact detail": "user.contact",
    "date of birth": "user.demographic.date_of_birth",
    "birth date": "user.demographic.date_of_birth",
    "age": "user.demographic.age_range",
    "gender": "user.demographic.gender",
    "payment card": "user.financial.credit_card",
    "payment card number": "user.financial.credit_card",
    "card": "user.financial.credit_card",
    "credit card": "user.financial.credit_card",
    "card number": "user.financial.credit_card",
    "cardholder": "user.financial.credit_card",
    "pci": "user.financial.credit_card",
    "bank account": "user.financial.bank_account",
    "iban": "user.financial.bank_account",
    "payment": "user.financial",
    "financial": "user.financial",
    "transaction": "user.financial",
    "purchase history": "user.behavior.purchase_history",
    "order history": "user.behavior.purchase_history",
    "order": "user.behavior.purchase_history",
    "browsing history": "user.behavior.browsing_history",
    "usage": "user.behavior",
    "product usage": "user.behavior",
    "event": "user.behavior",
    "analytics event": "user.behavior",
    "clickstream": "user.behavior.browsing_history",
    "cookie": "user.device.cookie_id",
    "cookie id": "user.device.cookie_id",
    "device id": "user.device.device_id",
    "ip address": "user.device.ip_address",
    "ip": "user.device.ip_address",
    "location": "user.location",
    "precise location": "user.location.precise",
    "gps": "user.location.precise",
    "call recording": "user.biometric.voice",
    "voice recording": "user.biometric.voice",
    "voice": "user.biometric.voice",
    "audio": "user.biometric.voice",
    "recording": "user.biometric.voice",
    "biometric": "user.biometric",
    "chat transcript": "user.content.private",
    "chat log": "user.content.private",
    "chat": "user.content.private",
    "chat message": "user.content.private",
    "transcript": "user.content.private",
    "call transcript": "user.content.private",
    "message": "user.content.private",
    "support ticket": "user.content.private",
    "ticket": "user.content.private",
    "email content": "user.content.private",
    "health": "user.health_and_medical",
    "medical": "user.health_and_medical",
    "health record": "user.health_and_medical",
    "password": "user.authorization.password",
    "credential": "user.authorization.credentials",
    "customer id": "user.unique_id",
    "user id": "user.unique_id",
    "account id": "user.unique_id",
    "national id": "user.government_id",
    "passport number": "user.government_id.passport_number",
    "social security number": "user.government_id.national_identification_number",
    "ssn": "user.government_id.national_identification_number",
    "error log": "system.operations",
    "log": "system.operations",
    "stack trace": "system.operations",
    "crash report": "system.operations",
    "telemetry": "system.operations",
    "performance metric": "system.operations",
    "metric": "system.operations",
}

_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


def category_for(text: str) -> str | None:
    """A taxonomy key for what a person wrote: a key as is, or a known phrase.

    >>> category_for("Email addresses"), category_for("call recordings")
    ('user.contact.email', 'user.biometric.voice')
    >>> category_for("Payment card data"), category_for("user.contact.email")
    ('user.financial.credit_card', 'user.contact.email')
    >>> category_for("vibes") is None
    True
    """
    written = text.strip().lower()
    if known(written) or (_KEY.match(written) and written.split(".")[0] in ("user", "system")):
        return written
    words = " ".join(written.replace("_", " ").split())
    for candidate in _variants(words):
        if candidate in PHRASES:
            return PHRASES[candidate]
    return None


def _variants(words: str) -> list[str]:
    base = re.sub(r"\b(data|info|information|details?)$", "", words).strip() or words
    out = [words, base]
    for text in (words, base):
        out += [
            text[:-2] if text.endswith("es") else text,
            text[:-1] if text.endswith("s") else text,
        ]
    return out
