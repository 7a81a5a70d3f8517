"""Which field names mean which data category: the classifier's rule table.

Each rule matches the words of a field's own name (``words``: all must be
present, in order, as a run), optionally only under a parent whose words
include one of ``context`` and never under one of ``unless``. Keys are in the
Fides (fideslang) taxonomy.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pattern:
    category: str
    words: tuple[str, ...]
    context: tuple[str, ...] = ()  # required parent words (any)
    unless: tuple[str, ...] = ()  # forbidden words in the name or its parents


PEOPLE = (
    "customer", "user", "person", "contact", "member", "subscriber", "cardholder", "holder",
    "owner", "patient", "employee", "recipient", "sender", "caller", "agent", "profile",
    "account", "applicant", "guest", "buyer", "billing", "shipping", "author", "requester",
    "payer", "beneficiary", "shopper", "passenger", "traveler", "driver", "student", "signup",
)  # fmt: skip
CONVERSATION = (
    "message", "messages", "chat", "conversation", "conversations", "prompt", "comment",
    "comments", "ticket", "tickets", "reply", "replies", "note", "notes", "transcript",
    "turn", "turns", "thread", "email", "sms", "choices", "completion", "input",
)  # fmt: skip
NOT_PEOPLE = (
    "product", "company", "organization", "organisation", "org", "file", "app", "application",
    "model", "event", "tag", "plan", "category", "service", "project", "team", "repo",
    "repository", "bucket", "branch", "field", "metric", "feature", "template", "list",
    "segment", "campaign", "workspace", "channel", "queue", "group", "role", "tool", "function",
    "schema", "table", "column", "index", "domain", "store", "merchant", "business", "brand",
    "vendor", "bank", "host", "server", "cluster", "region", "zone", "price", "currency",
    "sku", "item", "variant", "environment", "device", "browser", "os", "country", "language",
    "locale", "city", "state", "street", "label", "key", "header", "parameter", "attribute",
)  # fmt: skip

P = Pattern
PATTERNS: tuple[Pattern, ...] = (
    # contact
    P("user.contact.email", ("email",), unless=("template", "campaign", "settings", "verified", "enabled", "count")),
    P("user.contact.email", ("e", "mail")),
    P("user.contact.phone_number", ("phone",), unless=("verified", "enabled")),
    P("user.contact.phone_number", ("mobile",), unless=("app", "os", "device")),
    P("user.contact.phone_number", ("msisdn",)),
    P("user.contact.phone_number", ("telephone",)),
    P("user.contact.phone_number", ("tel",)),
    P("user.contact.phone_number", ("fax",)),
    P("user.contact.address.street", ("street",)),
    P("user.contact.address.street", ("address", "line")),
    P("user.contact.address.postal_code", ("postal", "code")),
    P("user.contact.address.postal_code", ("postcode",)),
    P("user.contact.address.postal_code", ("zip",), unless=("file", "archive")),
    P("user.contact.address.postal_code", ("zipcode",)),
    P("user.contact.address.city", ("city",), context=(*PEOPLE, "address")),
    P("user.contact.address", ("address",), unless=("ip", "mac", "email", "wallet", "url", "web", "server", "host", "contract", "bitcoin")),
    # names
    P("user.name", ("first", "name")),
    P("user.name", ("firstname",)),
    P("user.name", ("fname",)),
    P("user.name", ("given", "name")),
    P("user.name", ("last", "name")),
    P("user.name", ("lastname",)),
    P("user.name", ("lname",)),
    P("user.name", ("surname",)),
    P("user.name", ("family", "name")),
    P("user.name", ("middle", "name")),
    P("user.name", ("full", "name")),
    P("user.name", ("fullname",)),
    P("user.name", ("maiden", "name")),
    P("user.name", ("name",), context=PEOPLE, unless=NOT_PEOPLE),
    P("user.name", ("customer", "name")),
    P("user.name", ("contact", "name")),
    P("user.name", ("cardholder", "name")),
    P("user.name", ("holder", "name")),
    P("user.name", ("display", "name"), context=PEOPLE, unless=NOT_PEOPLE),
    P("user.account.username", ("username",)),
    P("user.account.username", ("user", "name")),
    P("user.account.username", ("login",), unless=("at", "count", "url", "date", "time", "last")),
    # demographics
    P("user.demographic.date_of_birth", ("dob",)),
    P("user.demographic.date_of_birth", ("birth",)),
    P("user.demographic.date_of_birth", ("birthdate",)),
    P("user.demographic.date_of_birth", ("birthday",)),
    P("user.demographic.age_range", ("age",), context=PEOPLE),
    P("user.demographic.gender", ("gender",)),
    P("user.demographic.gender", ("sex",)),
    P("user.demographic.race_ethnicity", ("ethnicity",)),
    P("user.demographic.race_ethnicity", ("race",), unless=("condition",)),
    P("user.demographic.religious_belief", ("religion",)),
    P("user.demographic.sexual_orientation", ("sexual", "orientation")),
    P("user.demographic.political_opinion", ("political",)),
    # government ids
    P("user.government_id.national_identification_number", ("ssn",)),
    P("user.government_id.national_identification_number", ("social", "security")),
    P("user.government_id.national_identification_number", ("national", "id")),
    P("user.government_id.passport_number", ("passport",)),
    P("user.government_id.drivers_license_number", ("driver", "license")),
    P("user.government_id.drivers_license_number", ("drivers", "license")),
    P("user.government_id", ("tax", "id"), context=PEOPLE),
    # money
    P("user.financial.credit_card", ("card", "number")),
    P("user.financial.credit_card", ("cardnumber",)),
    P("user.financial.credit_card", ("pan",)),
    P("user.financial.credit_card", ("cvv",)),
    P("user.financial.credit_card", ("cvc",)),
    P("user.financial.credit_card", ("cvv2",)),
    P("user.financial.credit_card", ("credit", "card")),
    P("user.financial.credit_card", ("exp", "month"), context=("card",)),
    P("user.financial.credit_card", ("exp", "year"), context=("card",)),
    P("user.financial.credit_card", ("number",), context=("card",)),
    P("user.financial.bank_account", ("iban",)),
    P("user.financial.bank_account", ("account", "number"), unless=("tax",)),
    P("user.financial.bank_account", ("routing", "number")),
    P("user.financial.bank_account", ("sort", "code")),
    P("user.financial.bank_account", ("bank", "account")),
    P("user.financial", ("salary",)),
    P("user.financial", ("income",)),
    # credentials
    P("user.authorization.password", ("password",), unless=("policy", "reset", "expires", "length", "changed", "change", "authentication")),
    P("user.authorization.password", ("passwd",)),
    P("user.authorization.credentials", ("secret",), unless=("name", "id", "arn")),
    P("user.authorization.credentials", ("access", "token")),
    P("user.authorization.credentials", ("refresh", "token")),
    P("user.authorization.credentials", ("api", "key"), unless=("name", "id")),
    P("user.authorization.credentials", ("apikey",)),
    P("user.authorization.credentials", ("private", "key")),
    P("user.authorization.credentials", ("otp",)),
    P("user.authorization.credentials", ("token",), unless=("type", "types", "expires", "count", "url", "scopes")),
    P("user.authorization.credentials", ("public", "key")),
    P("user.authorization.credentials", ("key",), context=("gpg", "ssh", "signing", "key", "keys")),
    P("user.authorization.credentials", ("validation", "code")),
    P("user.contact.email", ("emails",)),
    # devices and places
    P("user.device.ip_address", ("ip",)),
    P("user.device.ip_address", ("ipaddress",)),
    P("user.device.ip_address", ("ip", "address")),
    P("user.device.device_id", ("device", "id")),
    P("user.device.device_id", ("idfa",)),
    P("user.device.device_id", ("advertising", "id")),
    P("user.device.cookie_id", ("cookie",)),
    P("user.device.cookie_id", ("anonymous", "id")),
    P("user.location.precise", ("latitude",)),
    P("user.location.precise", ("longitude",)),
    P("user.location.precise", ("lat",)),
    P("user.location.precise", ("lng",)),
    P("user.location.precise", ("lon",)),
    P("user.location.precise", ("geolocation",)),
    P("user.location.imprecise", ("location",), context=PEOPLE),
    # identifiers of people
    P("user.unique_id", ("customer", "id")),
    P("user.unique_id", ("user", "id")),
    P("user.unique_id", ("userid",)),
    P("user.unique_id", ("member", "id")),
    P("user.unique_id", ("subscriber", "hash")),
    P("user.unique_id", ("subscriber", "id")),
    P("user.unique_id", ("contact", "id")),
    P("user.unique_id", ("patient", "id")),
    P("user.unique_id", ("id",), context=("customer", "user", "member", "subscriber", "patient")),
    # voice and content
    P("user.biometric.voice", ("audio",)),
    P("user.biometric.voice", ("recording",), unless=("id", "ids", "url", "status", "count", "duration", "sid")),
    P("user.biometric.voice", ("recordings",), unless=("id", "ids", "count", "url")),
    P("user.biometric.voice", ("voice",), unless=("id", "name", "model", "url", "method", "fallback")),
    P("user.content.self_image", ("avatar",), unless=("id", "ids")),
    P("user.content.self_image", ("gravatar",)),
    P("user.biometric.voice", ("voicemail",)),
    P("user.biometric.voice", ("file",), context=("audio", "transcriptions", "transcription", "recording", "recordings", "speech", "voice", "listen")),
    P("user.biometric.fingerprint", ("fingerprint",), unless=("key", "ssh", "tls", "cert", "certificate", "authorization", "gpg", "token")),
    P("user.biometric", ("face",), context=PEOPLE),
    P("user.content.private", ("transcript",)),
    P("user.content.private", ("transcription",)),
    P("user.content.private", ("utterance",)),
    P("user.content.private", ("prompt",), unless=("id", "template", "tokens")),
    P("user.content.private", ("messages",), unless=("count", "id")),
    P("user.content.private", ("content",), context=CONVERSATION),
    P("user.content.private", ("text",), context=CONVERSATION),
    P("user.content.private", ("body",), context=CONVERSATION),
    P("user.content.private", ("message",), context=CONVERSATION, unless=("id", "type", "status", "error")),
    P("user.content.private", ("chat", "history")),
    # health
    P("user.health_and_medical", ("diagnosis",)),
    P("user.health_and_medical", ("medical",)),
    P("user.health_and_medical", ("medication",)),
    P("user.health_and_medical", ("allergy",)),
    P("user.health_and_medical", ("allergies",)),
    P("user.health_and_medical", ("health",), unless=("check", "status", "endpoint")),
    P("user.health_and_medical", ("blood",)),
    P("user.health_and_medical", ("symptoms",)),
)  # fmt: skip

# OpenAPI/JSON Schema formats that name a category by themselves.
FORMATS: dict[str, str] = {
    "email": "user.contact.email",
    "idn-email": "user.contact.email",
    "ipv4": "user.device.ip_address",
    "ipv6": "user.device.ip_address",
    "password": "user.authorization.password",
    "phone": "user.contact.phone_number",
    "tel": "user.contact.phone_number",
    "e164": "user.contact.phone_number",
    "credit-card": "user.financial.credit_card",
    "iban": "user.financial.bank_account",
}

# The top-level media type of a whole request or response body.
MEDIA_TYPES: dict[str, str] = {
    "audio": "user.biometric.voice",
}

# -- context: what a field sits in says as much as its name --------------------

# People a field can point at: a field named after one holds a person (or their id).
PERSON_REFERENCES = (
    "user", "users", "owner", "owners", "assignee", "assignees", "creator", "author", "authors",
    "actor", "sender", "recipient", "recipients", "invitee", "inviter", "reviewer", "reviewers",
    "requester", "approver", "uploader", "committer", "contributor", "contributors", "member",
    "members", "follower", "subscriber", "customer", "patient", "employee",
    "shopper", "buyer", "claimant", "principal", "participant", "participants", "caller",
    "callee", "agent", "clerk", "manager", "person", "editor", "mentioned",
    "usernames", "identity", "attendee", "guest", "passenger", "applicant", "beneficiary",
    "receiver", "payer", "payee", "cardholder", "holder", "recipient", "minister",
)  # fmt: skip
# Names for what a row is keyed by: with a person word before them, a person's id.
ID_WORDS = ("id", "ids", "key", "sk", "reference", "ref", "identifier", "dn", "uuid", "guid", "no")
# Contexts about people: under them, generic fields (url, locale, photo …) are personal.
PERSON_CONTEXTS = frozenset(PEOPLE) | frozenset(
    {"person", "people", "users", "user", "profile", "account", "author", "member", "members",
     "shopper", "customer", "customers", "patient", "contact", "contacts", "social", "private",
     "public", "identity", "participant", "employee", "employees", "owner", "minister", "caller",
     "address", "addresses", "location", "browser", "device", "client", "auth", "credential",
     "credentials", "login", "shipping", "billing", "recipient", "holder"}
)  # fmt: skip
# Contexts about things: a `name`, `email` or `address` there belongs to a thing, not a person.
THING_CONTEXTS = frozenset(
    {"organization", "organisation", "org", "orgs", "group", "groups", "supplier", "store",
     "warehouse", "center", "site", "promotion", "repository", "repo", "connection",
     "network", "endpoint", "port", "peer", "tunnel", "dns", "webhook", "server", "host",
     "container", "node", "bank", "merchant", "company", "category", "installation", "runner",
     "domain", "ice", "sip", "incoming", "traffic", "filter", "scanning", "income", "band",
     "item", "product", "catalog", "page", "api", "overview", "health", "check", "pages"}
)  # fmt: skip
# A field that says something about data, not the data: is_…, can_edit_email, email_sent.
FLAG_FIRST = frozenset(
    {
        "is",
        "has",
        "can",
        "skip",
        "allow",
        "allowed",
        "enable",
        "should",
        "use",
        "show",
        "must",
        "verifiable",
    }
)
FLAG_LAST = frozenset(
    {
        "type",
        "types",
        "count",
        "enabled",
        "sent",
        "digests",
        "domains",
        "result",
        "status",
        "index",
        "template",
        "in",
        "allowed",
        "policy",
        "band",
        "strangers",
        "verified",
        "length",
        "changed",
        "mode",
    }
)
# Words kept as they are when a name starts with a short prefix (c_name: the c_ goes).
SHORT_WORDS = FLAG_FIRST | frozenset(
    {
        "ip",
        "id",
        "os",
        "dob",
        "ssn",
        "zip",
        "tax",
        "pin",
        "sms",
        "url",
        "api",
        "vat",
        "sdk",
        "iso",
        "gmt",
        "bio",
        "sex",
        "age",
        "dea",
        "npi",
        "mac",
        "gps",
        "lat",
        "lng",
        "lon",
        "pan",
        "cvc",
        "cvv",
        "bic",
        "ein",
        "otp",
        "fax",
        "tel",
        "job",
        "raw",
        "to",
        "from",
        "pm",
        "key",
        "e",
        "ni",
    }
)
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "custkey": ("customer", "key"), "cust": ("customer",), "addr": ("address",),
    "emailaddress": ("email", "address"), "acct": ("account",), "usr": ("user",),
}  # fmt: skip
# Table and object names whose every column is about a person's health or demographics.
HEALTH_CONTEXTS = frozenset(
    {"condition", "drug", "measurement", "observation", "death", "visit", "diagnosis",
     "procedure", "specimen", "note", "clinical", "medication", "prescription", "lab",
     "vital", "vitals", "encounter", "allergy", "immunization", "nlp", "exposure", "cost"}
)  # fmt: skip
DEMOGRAPHIC_CONTEXTS = frozenset({"demographics", "demographic", "household"})
# Generic fields that are personal under a person context, and what they hold there.
UNDER_PEOPLE: dict[str, str] = {
    "url": "user.contact.url", "html": "user.contact.url", "blog": "user.contact.url",
    "website": "user.contact.url", "homepage": "user.contact.url", "same": "user.contact.url",
    "twitter": "user.account.username", "photo": "user.content.self_image",
    "picture": "user.content.self_image", "image": "user.content.self_image",
    "bio": "user.demographic.profile", "about": "user.demographic.profile",
    "hireable": "user.demographic.profile", "company": "user.workplace",
    "job": "user.job_title", "locale": "user.demographic.language",
    "language": "user.demographic.language", "timezone": "user.location.imprecise",
    "zone": "user.location.imprecise", "gmt": "user.location.imprecise",
    "country": "user.contact.address.country", "state": "user.contact.address.state",
    "region": "user.contact.address.state", "county": "user.contact.address",
    "province": "user.contact.address.state", "house": "user.contact.address.street",
    "suite": "user.contact.address.street", "browser": "user.device", "os": "user.device",
    "device": "user.device", "agent": "user.device", "screen": "user.device",
    "location": "user.location.imprecise", "ldap": "user.unique_id", "external": "user.unique_id",
    "salutation": "user.name", "marital": "user.demographic.marital_status",
    "education": "user.demographic", "income": "user.financial", "credit": "user.financial",
    "acctbal": "user.financial", "balance": "user.financial", "nation": "user.contact.address.country",
    "nationkey": "user.contact.address.country", "specialty": "user.job_title",
    "npi": "user.government_id", "dea": "user.government_id", "emails": "user.contact.email",
}  # fmt: skip
# Phone numbers under a messaging or calling context: from, to, number.
PHONE_CONTEXTS = frozenset(
    {
        "sms",
        "call",
        "calls",
        "message",
        "messages",
        "verify",
        "lookup",
        "lookups",
        "ni",
        "phone",
        "to",
        "conversation",
        "fax",
    }
)
PHONE_WORDS = frozenset({"from", "to", "number", "msisdn", "forwarded", "caller"})
# Content under a conversation or post: body, text, raw …
CONTENT_CONTEXTS = frozenset(
    {
        "post",
        "posts",
        "message",
        "messages",
        "comment",
        "comments",
        "issue",
        "issues",
        "review",
        "topic",
        "topics",
        "note",
        "notes",
        "pm",
        "chat",
        "conversation",
        "invite",
        "reply",
        "ticket",
        "content",
    }
)
CONTENT_WORDS = frozenset(
    {"body", "raw", "cooked", "text", "snippet", "message", "content", "excerpt"}
)
# Card data under a card or payment-method context.
CARD_CONTEXTS = frozenset(
    {"card", "cards", "carddetails", "payment", "stored", "method", "recurring", "additional"}
)
CARD_WORDS = frozenset(
    {
        "expiry",
        "expiration",
        "security",
        "last",
        "four",
        "last4",
        "summary",
        "alias",
        "cvc",
        "cvv",
        "pan",
    }
)
# In a health record, these describe the record, not the person.
RECORD_WORDS = frozenset(
    {
        "type",
        "unit",
        "range",
        "low",
        "high",
        "system",
        "encoding",
        "language",
        "lot",
        "revenue",
        "charge",
        "cost",
        "paid",
        "total",
        "occurrence",
    }
)
# Words in a field's own name that say whose data it is (billing_email, receiverEmail).
PERSON_WORDS = frozenset(PEOPLE) | frozenset(PERSON_REFERENCES)
