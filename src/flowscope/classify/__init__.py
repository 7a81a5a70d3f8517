"""Field classification: which data categories a field holds, and why.

Explicit tags always win (``x-data-categories`` in a spec); then the field's
``format``; then the media type of a whole body (``audio/*``); then its name,
read in the context of its parents. ``by`` says which: tag, format, media or name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from flowscope.classify.names import split_path, tokens
from flowscope.classify.patterns import (
    ABBREVIATIONS,
    CARD_CONTEXTS,
    CARD_WORDS,
    CONTENT_CONTEXTS,
    CONTENT_WORDS,
    DEMOGRAPHIC_CONTEXTS,
    FLAG_FIRST,
    FLAG_LAST,
    FORMATS,
    HEALTH_CONTEXTS,
    ID_WORDS,
    MEDIA_TYPES,
    PATTERNS,
    PERSON_CONTEXTS,
    PERSON_REFERENCES,
    PERSON_WORDS,
    PHONE_CONTEXTS,
    PHONE_WORDS,
    RECORD_WORDS,
    SHORT_WORDS,
    THING_CONTEXTS,
    UNDER_PEOPLE,
    Pattern,
)
from flowscope.model import Estate


@dataclass(frozen=True)
class Classification:
    categories: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    by: str | None = None  # tag, format or name


@dataclass
class _Found:
    categories: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    def add(self, category: str, reason: str) -> None:
        if category not in self.categories:
            self.categories.append(category)
            self.reasons.append(reason)


def classify(
    name: str,
    context: Iterable[str] = (),
    fmt: str | None = None,
    tags: Iterable[str] = (),
    media_type: str | None = None,
) -> Classification:
    """Categories of one field, each with the reason it was given.

    >>> classify("email").categories
    ('user.contact.email',)
    >>> classify("name", context=["customer"]).reasons
    ("name 'name' under 'customer' matches user.name",)
    >>> classify("name", context=["product"]).categories
    ()
    >>> classify("contact", fmt="email").by
    'format'
    """
    return _classify(name, tuple(context), fmt, tuple(tags), media_type)


# Field names repeat across operations (one schema, many endpoints): cache by input.
@lru_cache(maxsize=100_000)
def _classify(
    name: str,
    context: tuple[str, ...],
    fmt: str | None,
    tags: tuple[str, ...],
    media_type: str | None,
) -> Classification:
    explicit = tags
    if explicit:
        return Classification(explicit, tuple(f"tagged {t}" for t in explicit), "tag")
    if fmt and fmt.lower() in FORMATS:
        return Classification((FORMATS[fmt.lower()],), (f"format {fmt!r}",), "format")
    for media in (media_type or "").split(","):
        category = MEDIA_TYPES.get(media.strip().split("/")[0])
        if category:
            return Classification((category,), (f"media type {media.strip()!r}",), "media")
    leaf, parents = split_path(name)
    parent_words = [w for p in (*context, *parents) for w in tokens(p)]
    words = core_words(tokens(leaf))
    near = set(parent_words[-3:])
    if not words or words[0] in FLAG_FIRST:
        return Classification()  # a flag about data, not the data
    person = _person_reference(words)
    if person:  # a pointer at a person is personal wherever it sits
        return Classification((person[0],), (f"name {leaf!r} {person[1]}",), "name")
    whose = set(words) & PERSON_WORDS
    if near & THING_CONTEXTS and not near & PERSON_CONTEXTS and not whose:
        return Classification()  # the name, e-mail or address of a thing, not of a person
    table = _table_context(words, near, parents or tuple(context))
    if table:
        return Classification((table[0],), (f"name {leaf!r} {table[1]}",), "name")
    if words[-1] in FLAG_LAST:
        return Classification()  # a count or a status about data, not the data
    found = _Found()
    candidates = {id(p): p for word in words for p in _BY_FIRST_WORD.get(word, ())}
    for pattern in sorted(candidates.values(), key=_ORDER.__getitem__):
        if words[-1] in ID_WORDS and words[-1] not in pattern.words:
            continue  # address_sk, location_id: a key to a row, not the data in it
        if _matches(pattern, words, parent_words):
            where = f" under {_nearest(parents, context)!r}" if pattern.context else ""
            found.add(pattern.category, f"name {leaf!r}{where} matches {pattern.category}")
    if not found.categories:
        by_context = _by_context(words, near, parents or tuple(context))
        if by_context:
            category, why = by_context
            found.add(category, f"name {leaf!r} {why}")
    by = "name" if found.categories else None
    return Classification(tuple(found.categories), tuple(found.reasons), by)


def core_words(words: tuple[str, ...]) -> tuple[str, ...]:
    """Words that carry meaning: a table's short prefix dropped (c_name, ss_customer_sk),
    abbreviations spelt out (custkey).

    >>> core_words(("ss", "customer", "sk")), core_words(("custkey",))
    (('customer', 'sk'), ('customer', 'key'))
    >>> core_words(("ip", "address"))
    ('ip', 'address')
    """
    if len(words) >= 2 and len(words[0]) <= 3 and words[0] not in SHORT_WORDS:
        words = words[1:]
    spelt: list[str] = []
    for word in words:
        spelt += ABBREVIATIONS.get(word, (word,))
    return tuple(spelt)


def _person_reference(words: tuple[str, ...]) -> tuple[str, str] | None:
    """A field that names a person: owner, assignee, created_by, customer_sk, owner_name."""
    last, first = words[-1], words[0]
    if len(words) >= 2 and last == "name" and words[-2] in PERSON_REFERENCES:
        return "user.name", "is a person's name"
    if last in PERSON_REFERENCES or (last == "by" and len(words) >= 2 and words[-2].endswith("ed")):
        return "user.unique_id", "names a person"
    if last in ID_WORDS and any(w in PERSON_REFERENCES for w in words[:-1]):
        return "user.unique_id", "is a person's key"
    if first in PERSON_REFERENCES and len(words) >= 2 and words[1] in ID_WORDS:
        return "user.unique_id", "is a person's key"
    return None


def _table_context(
    words: tuple[str, ...], near: set[str], parents: Iterable[str]
) -> tuple[str, str] | None:
    """Tables whose every column is about a person's health or demographics."""
    where = next(iter(reversed(tuple(parents))), "")
    if words[-1] in ID_WORDS:
        return None  # the table's own key, or a key to another table
    if near & HEALTH_CONTEXTS and not set(words) & RECORD_WORDS:
        return "user.health_and_medical", f"is part of a health record ({where!r})"
    if near & DEMOGRAPHIC_CONTEXTS and not set(words) & {"band", "income"}:
        return "user.demographic", f"describes people ({where!r})"
    return None


def _by_context(
    words: tuple[str, ...], near: set[str], parents: Iterable[str]
) -> tuple[str, str] | None:
    """Categories that only what a field sits in can tell."""
    where = next(iter(reversed(tuple(parents))), "")
    first = words[0]
    if words[-1] in ID_WORDS:
        return None
    if first in PHONE_WORDS and near & PHONE_CONTEXTS:
        return "user.contact.phone_number", f"is a phone number of a call or message ({where!r})"
    if set(words) & CONTENT_WORDS and near & CONTENT_CONTEXTS:
        return "user.content.private", f"is what someone wrote ({where!r})"
    if set(words) & CARD_WORDS and near & CARD_CONTEXTS:
        return "user.financial.credit_card", f"describes a payment card ({where!r})"
    if near & PERSON_CONTEXTS or set(words) & PERSON_WORDS:
        for word in words:
            if word in UNDER_PEOPLE:
                return UNDER_PEOPLE[word], f"describes a person ({where!r})"
    return None


# Only patterns whose first word is in the name can match: look them up by it.
_BY_FIRST_WORD: dict[str, list[Pattern]] = {}
for _pattern in PATTERNS:
    _BY_FIRST_WORD.setdefault(_pattern.words[0], []).append(_pattern)
_ORDER = {pattern: index for index, pattern in enumerate(PATTERNS)}


def _nearest(parents: tuple[str, ...], context: Iterable[str]) -> str:
    chain = (*context, *parents)
    return chain[-1] if chain else ""


def _matches(pattern: Pattern, words: tuple[str, ...], parent_words: list[str]) -> bool:
    if not _has_run(words, pattern.words):
        return False
    if pattern.unless and (set(pattern.unless) & (set(words) | set(parent_words[-2:]))):
        return False
    return not pattern.context or bool(set(pattern.context) & set(parent_words[-2:]))


def _has_run(words: tuple[str, ...], run: tuple[str, ...]) -> bool:
    size = len(run)
    return any(words[i : i + size] == run for i in range(len(words) - size + 1))


def annotate(
    estate: Estate,
    patterns: Iterable[Pattern] = (),
    overrides: dict[str, list[str]] | None = None,
) -> None:
    """Classify every field node of the estate in place (categories, reasons, by).

    ``patterns`` are the estate's own (they add to the built-in ones);
    ``overrides`` maps a field id or a field name to its categories and wins
    over everything but a tag in the source.
    """
    extra = tuple(patterns)
    overrides = overrides or {}
    for node_id, data in estate.nodes("field"):
        context = _context(estate, node_id)
        tags = data.get("declared_categories", ())
        name, fmt, media = str(data.get("name", "")), data.get("format"), data.get("media_type")
        fixed = overrides.get(node_id, overrides.get(name))
        if fixed is not None and not tags:
            data["categories"], data["classified_by"] = list(fixed), "override"
            data["classification_reasons"] = [
                f"flowscope.yaml says {name!r} holds {fixed or 'nothing personal'}"
            ]
            continue
        result = _with_extra(classify(name, context, fmt, tags, media), name, context, extra)
        if result.categories:
            data["categories"] = list(result.categories)
            data["classified_by"] = result.by
            data["classification_reasons"] = list(result.reasons)


def _with_extra(
    result: Classification, name: str, context: tuple[str, ...], extra: tuple[Pattern, ...]
) -> Classification:
    if not extra or result.by == "tag":
        return result
    leaf, parents = split_path(name)
    written, words = tokens(leaf), core_words(tokens(leaf))  # the estate's words, as written
    parent_words = [w for p in (*context, *parents) for w in tokens(p)]
    found = _Found(list(result.categories), list(result.reasons))
    for pattern in extra:
        if _matches(pattern, written, parent_words) or _matches(pattern, words, parent_words):
            found.add(
                pattern.category,
                f"name {leaf!r} matches the estate's pattern for {pattern.category}",
            )
    by = result.by or ("name" if found.categories else None)
    return Classification(tuple(found.categories), tuple(found.reasons), by)


def _context(estate: Estate, field_id: str) -> tuple[str, ...]:
    """What a field sits in: the static path segments of its endpoint, or its table."""
    for parent in estate.graph.predecessors(field_id):
        data = estate.node(parent)
        if data["kind"] == "endpoint" and isinstance(data.get("path"), str):
            return tuple(s for s in data["path"].split("/") if s and not s.startswith("{"))
        if data["kind"] == "dataset":  # marts.customer_emails: its words say whose data it is
            return tuple(str(data.get("name", "")).split("."))
    return ()


__all__ = ["Classification", "Pattern", "annotate", "classify"]
