"""Cell values as people type them: yes/✓/blank, 03/04/2025 or Mar 2025, a; b, c."""

from __future__ import annotations

import re
from datetime import date, datetime

YES = frozenset(
    {"yes", "y", "true", "t", "x", "✓", "✔", "☑", "1", "signed", "on", "enabled", "in place"}
)
NO = frozenset(
    {"no", "n", "false", "f", "✗", "✘", "0", "none", "off", "disabled", "not signed", "missing"}
)
UNKNOWN = frozenset({"", "?", "unknown", "n/a", "na", "tbc", "tbd", "-", "—", "pending"})
MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")]
    )
    for m in names
}  # fmt: skip
_SPLIT = re.compile(r"\s*(?:;|,|\n|\r)\s*")
_SLASHED = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_MONTH_YEAR = re.compile(r"^([A-Za-z]+)\.?\s+(\d{4})$")


class ValueProblem(ValueError):
    """A value that could not be read, or could be read two ways."""


def boolean(value: object) -> bool | None:
    """Yes, no, or unknown: a blank is unknown, never no.

    >>> [boolean(v) for v in ("Yes", "n", "✓", "", None, "TBC", True)]
    [True, False, True, None, None, None, True]
    """
    if isinstance(value, bool) or value is None:
        return value
    text = str(value).strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    if text in UNKNOWN:
        return None
    raise ValueProblem(f"{value!r} is not yes or no")


def a_date(value: object, day_first: bool = True) -> tuple[date | None, str | None]:
    """A date and, when the text could mean two dates, a warning.

    >>> a_date("2025-03-01")
    (datetime.date(2025, 3, 1), None)
    >>> a_date("03/04/2025")[0], a_date("03/04/2025", day_first=False)[0]
    (datetime.date(2025, 4, 3), datetime.date(2025, 3, 4))
    >>> a_date("Mar 2025")
    (datetime.date(2025, 3, 1), None)
    >>> a_date("")
    (None, None)
    """
    if value is None or isinstance(value, (datetime, date)):
        return (value.date() if isinstance(value, datetime) else value), None
    text = str(value).strip()
    if not text or text.lower() in UNKNOWN:
        return None, None
    try:
        return date.fromisoformat(text[:10]), None
    except ValueError:
        pass
    if match := _SLASHED.match(text):
        first, second, year = (int(g) for g in match.groups())
        day, month = (first, second) if day_first else (second, first)
        warning = None
        if first <= 12 and second <= 12 and first != second:
            order = "DD/MM/YYYY" if day_first else "MM/DD/YYYY"
            warning = f"date {text!r} could be read either way; read as {order} (date_format)"
        return _checked(year, month, day, text), warning
    if (match := _MONTH_YEAR.match(text)) and match.group(1).lower() in MONTHS:
        return date(int(match.group(2)), MONTHS[match.group(1).lower()], 1), None
    raise ValueProblem(f"{text!r} is not a date")


def _checked(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueProblem(f"{text!r} is not a date") from None


def many(value: object) -> list[str]:
    """Items of a cell that lists several: split on ';', ',' or new lines.

    >>> many("Email addresses; names,\\nphone numbers")
    ['Email addresses', 'names', 'phone numbers']
    """
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part for part in _SPLIT.split(str(value).strip()) if part]


def text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    cleaned = " ".join(str(value).split())
    return cleaned or None
