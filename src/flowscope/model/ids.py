"""Stable string ids: two scans of the same estate give the same ids."""

from __future__ import annotations

import re
import unicodedata

_NOT_SLUG = re.compile(r"[^a-z0-9._-]+")


def slug(text: str) -> str:
    """Lower-case, ASCII, dash-separated form of a name.

    >>> slug("Zendesk Support (EU)")
    'zendesk-support-eu'
    >>> slug("api.openai.com")
    'api.openai.com'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-._") or "unnamed"


def system_id(name: str) -> str:
    """>>> system_id("Support Chatbot")
    'system:support-chatbot'
    """
    return f"system:{slug(name)}"


def dataset_id(system: str, qualified_name: str) -> str:
    """The name as the SQL spells it (the lineage already folds unquoted names);
    quoted names and storage paths keep their case, since case tells them apart.

    >>> dataset_id("system:warehouse", "marts.marketing_export")
    'dataset:warehouse/marts.marketing_export'
    >>> dataset_id("system:warehouse", "path:s3://Bucket/Exports/")
    'dataset:warehouse/path:s3://Bucket/Exports/'
    """
    return f"dataset:{_bare(system)}/{qualified_name}"


def field_id(dataset: str, column: str) -> str:
    """A column of a dataset.

    >>> field_id("dataset:warehouse/marts.marketing_export", "email")
    'field:warehouse/marts.marketing_export.email'
    """
    return f"field:{_bare(dataset)}.{column}"


def endpoint_id(system: str, method: str, path: str) -> str:
    """>>> endpoint_id("system:openai", "post", "/v1/chat/completions")
    'endpoint:openai/POST /v1/chat/completions'
    """
    return f"endpoint:{_bare(system)}/{method.upper()} {path}"


def flow_key(source: str, target: str, name: str = "") -> str:
    """Key of a flow edge; a name tells apart two flows between one pair.

    >>> flow_key("system:crm", "system:mailer")
    'flow:crm->mailer'
    >>> flow_key("system:crm", "system:mailer", "nightly export")
    'flow:crm->mailer#nightly-export'
    """
    key = f"flow:{_bare(source)}->{_bare(target)}"
    return f"{key}#{slug(name)}" if name else key


def kind_of(node_id: str) -> str:
    """>>> kind_of("system:crm")
    'system'
    """
    return node_id.split(":", 1)[0]


def endpoint_field_id(endpoint: str, direction: str, location: str, name: str) -> str:
    """A field of an operation: what it takes in (request) or gives back (response).

    >>> endpoint_field_id("endpoint:openai/POST /chat", "request", "body", "messages[].content")
    'field:openai/POST /chat#request.body.messages[].content'
    """
    return f"field:{_bare(endpoint)}#{direction}.{location}.{name}"


def receivers_id(system: str) -> str:
    """The unknown external parties an API calls back (webhooks, callbacks).

    >>> receivers_id("system:deepgram")
    'system:deepgram.receivers'
    """
    return f"{system}.receivers"


def _bare(node_id: str) -> str:
    return node_id.split(":", 1)[1] if ":" in node_id else node_id
