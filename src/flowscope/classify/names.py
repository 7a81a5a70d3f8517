"""Field names to tokens: camelCase, snake_case, kebab-case and digits all split alike."""

from __future__ import annotations

import re

_BOUNDARY = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|[^A-Za-z0-9]+")
_TRAILING_DIGITS = re.compile(r"^([a-z]+)\d+$")


def tokens(name: str) -> tuple[str, ...]:
    """Lower-case words of a name; a word's trailing digits are dropped (address1).

    >>> tokens("customerEmailAddress")
    ('customer', 'email', 'address')
    >>> tokens("street_2")
    ('street', '2')
    >>> tokens("address1")
    ('address',)
    >>> tokens("IPAddress")
    ('ip', 'address')
    """
    words = [w.lower() for w in _BOUNDARY.split(name) if w]
    return tuple(m.group(1) if (m := _TRAILING_DIGITS.match(w)) else w for w in words)


def split_path(path: str) -> tuple[str, tuple[str, ...]]:
    """The leaf of a dotted field path and the names above it.

    >>> split_path("customer.address[].street")
    ('street', ('customer', 'address'))
    >>> split_path("email")
    ('email', ())
    """
    parts = [p.replace("[]", "") for p in path.split(".")]
    parts = [p for p in parts if p and p != "*"]
    if not parts:
        return path, ()
    return parts[-1], tuple(parts[:-1])
