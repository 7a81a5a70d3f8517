"""Alerts: post new findings to a webhook (Slack-compatible JSON) without ever losing a scan.

The payload has ``text`` (what Slack, Mattermost, Rocket.Chat and Teams'
incoming webhooks show) and ``findings`` (the same findings as data, for
anything else listening). Transient failures (connection errors, 429 and
5xx) are retried with exponential backoff; a failure after the retries is
returned as a message for the caller to report, never raised.
"""

from __future__ import annotations

from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

TIMEOUT_SECONDS = (5, 10)  # connect, read
RETRIES = 3
BACKOFF_SECONDS = 0.5  # 0.5 s, 1 s, 2 s between the tries
MAX_LISTED = 20  # a chat message stays readable; the data carries them all


def payload(estate: str, findings: list[dict[str, Any]], threshold: str) -> dict[str, Any]:
    lines = [f"flowscope: {len(findings)} new finding(s) at or above {threshold} in {estate}"]
    lines += [f"• {f['severity']} {f['rule']}: {f['message']}" for f in findings[:MAX_LISTED]]
    if len(findings) > MAX_LISTED:
        lines.append(f"… and {len(findings) - MAX_LISTED} more")
    return {"text": "\n".join(lines), "estate": estate, "findings": findings}


def _session() -> requests.Session:
    retry = Retry(
        total=RETRIES,
        backoff_factor=BACKOFF_SECONDS,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"POST"}),  # posting twice beats not alerting at all
        raise_on_status=False,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def post(url: str, body: dict[str, Any]) -> str | None:
    """Post ``body``; None when delivered, else why not (one line)."""
    try:
        with _session() as session:
            response = session.post(url, json=body, timeout=TIMEOUT_SECONDS)
    except requests.RequestException as exc:
        return f"could not notify {url}: {type(exc).__name__}: {_first_line(exc)}"
    if response.status_code >= 300:
        return f"could not notify {url}: HTTP {response.status_code} after {RETRIES} retries"
    return None


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else ""
