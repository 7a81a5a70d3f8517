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
from flowscope.classify.patterns import FORMATS, MEDIA_TYPES, PATTERNS, Pattern
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
    words = tokens(leaf)
    found = _Found()
    candidates = {id(p): p for word in words for p in _BY_FIRST_WORD.get(word, ())}
    for pattern in sorted(candidates.values(), key=_ORDER.__getitem__):
        if _matches(pattern, words, parent_words):
            where = f" under {_nearest(parents, context)!r}" if pattern.context else ""
            found.add(pattern.category, f"name {leaf!r}{where} matches {pattern.category}")
    by = "name" if found.categories else None
    return Classification(tuple(found.categories), tuple(found.reasons), by)


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


def annotate(estate: Estate) -> None:
    """Classify every field node of the estate in place (categories, reasons, by)."""
    for node_id, data in estate.nodes("field"):
        context = _context(estate, node_id)
        tags = data.get("declared_categories", ())
        name, fmt, media = str(data.get("name", "")), data.get("format"), data.get("media_type")
        result = classify(name, context, fmt, tags, media)
        if result.categories:
            data["categories"] = list(result.categories)
            data["classified_by"] = result.by
            data["classification_reasons"] = list(result.reasons)


def _context(estate: Estate, field_id: str) -> tuple[str, ...]:
    """What a field sits in: the static path segments of its endpoint, or its table."""
    for parent in estate.graph.predecessors(field_id):
        data = estate.node(parent)
        if data["kind"] == "endpoint" and isinstance(data.get("path"), str):
            return tuple(s for s in data["path"].split("/") if s and not s.startswith("{"))
        if data["kind"] == "dataset":  # marts.customer_emails: its words say whose data it is
            return tuple(str(data.get("name", "")).split("."))
    return ()


__all__ = ["Classification", "annotate", "classify"]
