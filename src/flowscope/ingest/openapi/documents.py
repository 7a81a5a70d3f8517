"""The documents of one or many specs: parsed once, lines kept, refs resolved safely.

A spec may be split over many files that point at each other with relative
``$ref``s. Every document is read at most once per scan; a ``$ref`` never
leaves the estate root and never fetches a URL unless remote refs are allowed.
"""

from __future__ import annotations

import bisect
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import requests

from flowscope.ingest.yamldoc import parse_yaml, pointer_join
from flowscope.model import Diagnostic, InputError, Level, Source

MAX_SPEC_BYTES = 64 * 1024 * 1024
MAX_DOCUMENTS = 5_000
FETCH_TIMEOUT_SECONDS = 20
USER_AGENT = "flowscope (OpenAPI fetch)"


class RefError(Exception):
    """A ``$ref`` that cannot be followed; the message names it.

    Most are warnings (the rest of the spec is still read); a ref that tries
    to leave the estate folder is an error.
    """

    def __init__(self, message: str, level: Level = Level.WARNING) -> None:
        super().__init__(message)
        self.level = level


@dataclass
class Document:
    """One parsed file (or fetched URL) with a way to find the line of a pointer."""

    location: str  # absolute path or URL: what relative refs resolve against
    file: str  # as shown to users: relative to the estate root, or the URL
    data: Any
    lines: dict[str, int] = field(default_factory=dict)
    text: str = ""
    problems: list[Diagnostic] = field(default_factory=list)

    def source(self, pointer: str) -> Source:
        return Source(self.file, self.line(pointer), pointer)

    def line(self, pointer: str) -> int:
        """Line of ``pointer``, or of its nearest parent that has one."""
        if not self.lines and self.text:
            self.lines = json_lines(self.text)
        probe = pointer
        while probe and probe not in self.lines:
            probe = probe.rsplit("/", 1)[0]
        return self.lines.get(probe, 1)


# A string (a key when a colon follows), or a bracket or comma: the JSON structure.
_JSON_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"(\s*:)?|([{}\[\],])')


def json_lines(text: str) -> dict[str, int]:
    r"""The line of every object member and array item of a JSON text, by JSON pointer.

    The standard parser keeps no positions, so one regular-expression pass
    over the structure rebuilds them (about 0.5 s for a 13 MB spec).

    >>> json_lines('{"a": {"b": 1},\n "c": [\n{"d": 2}]}')
    {'/a': 1, '/a/b': 1, '/c': 2, '/c/0': 3, '/c/0/d': 3}
    """
    newlines = [m.start() for m in re.finditer("\n", text)]
    lines: dict[str, int] = {}
    stack: list[list[Any]] = []  # [pointer, index or None for objects]
    pending = ""  # pointer of the value that comes next
    for match in _JSON_TOKEN.finditer(text):
        key, colon, mark = match.groups()
        if colon:
            name = json.loads(f'"{key}"') if "\\" in key else key
            pending = pointer_join(stack[-1][0], name) if stack else ""
            lines[pending] = bisect.bisect_left(newlines, match.start()) + 1
            continue
        if mark == ",":
            if stack and stack[-1][1] is not None:
                stack[-1][1] += 1
            continue
        if mark in ("}", "]"):
            if stack:
                stack.pop()
            continue
        if stack and stack[-1][1] is not None:  # an array item starts here
            pending = pointer_join(stack[-1][0], stack[-1][1])
            lines.setdefault(pending, bisect.bisect_left(newlines, match.start()) + 1)
        if mark in ("{", "["):
            stack.append([pending if stack else "", 0 if mark == "[" else None])
    return lines


def unescape(token: str) -> str:
    """>>> unescape("~1pets~1{id}")
    '/pets/{id}'
    """
    return token.replace("~1", "/").replace("~0", "~")


def split_pointer(pointer: str) -> list[str]:
    """>>> split_pointer("/paths/~1pets/get")
    ['paths', '/pets', 'get']
    """
    return [unescape(token) for token in pointer.split("/")[1:]] if pointer else []


def is_url(text: str) -> bool:
    return urlsplit(text).scheme in ("http", "https")


@dataclass
class DocumentStore:
    """Every document of a scan, by location; refs are resolved through it."""

    root: Path
    allow_remote_refs: bool = False
    documents: dict[str, Document] = field(default_factory=dict)
    session: requests.Session | None = None

    def __post_init__(self) -> None:
        self.root = self.root.resolve()

    # -- reading ------------------------------------------------------------

    def load_file(self, path: Path) -> Document:
        """Parse a local file inside the root (once); raises InputError."""
        resolved = path.resolve()
        location = str(resolved)
        if location not in self.documents:
            self._check_budget(location)
            file = self._display(resolved)
            if not resolved.is_relative_to(self.root):
                raise InputError(_problem(Level.ERROR, file, 0, "outside the estate folder"))
            self.documents[location] = self._parse(self._read_file(resolved, file), location, file)
        return self.documents[location]

    def load_url(self, url: str) -> Document:
        """Fetch and parse a spec given by URL (once); raises InputError."""
        if url not in self.documents:
            self._check_budget(url)
            self.documents[url] = self._parse(self._fetch(url), url, url)
        return self.documents[url]

    def _check_budget(self, location: str) -> None:
        if len(self.documents) >= MAX_DOCUMENTS:
            message = f"more than {MAX_DOCUMENTS} documents referenced; not read"
            raise InputError(_problem(Level.ERROR, location, 0, message))

    def _display(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def _read_file(self, path: Path, file: str) -> tuple[bytes, str]:
        try:
            size = path.stat().st_size
            if size > MAX_SPEC_BYTES:
                message = f"file too large ({size} bytes, limit {MAX_SPEC_BYTES})"
                raise InputError(_problem(Level.ERROR, file, 0, message))
            return path.read_bytes(), file
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise InputError(_problem(Level.ERROR, file, 0, f"cannot read: {reason}")) from None

    def _fetch(self, url: str) -> tuple[bytes, str]:
        session = self.session or requests.Session()
        try:
            with session.get(
                url, timeout=FETCH_TIMEOUT_SECONDS, stream=True, headers={"User-Agent": USER_AGENT}
            ) as response:
                response.raise_for_status()
                body = bytearray()
                deadline = time.monotonic() + FETCH_TIMEOUT_SECONDS
                for chunk in response.iter_content(64 * 1024):
                    body += chunk
                    if time.monotonic() > deadline:  # the timeout above is per read
                        raise requests.Timeout
                    if len(body) > MAX_SPEC_BYTES:
                        message = f"response larger than {MAX_SPEC_BYTES} bytes; not read"
                        raise InputError(_problem(Level.ERROR, url, 0, message))
                return bytes(body), url
        except requests.RequestException as exc:
            reason = _request_failure(exc)
            raise InputError(_problem(Level.ERROR, url, 0, f"cannot fetch: {reason}")) from None

    def _parse(self, raw: tuple[bytes, str], location: str, file: str) -> Document:
        payload, _ = raw
        problems: list[Diagnostic] = []
        try:
            text = payload.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = payload[: exc.start].count(b"\n") + 1
            problems.append(_problem(Level.WARNING, file, line, "not UTF-8; read as Latin-1"))
            text = payload.decode("latin-1")
        if text.lstrip().startswith(("{", "[")):
            try:
                return Document(location, file, json.loads(text), text=text, problems=problems)
            except ValueError:
                pass  # JSON-looking YAML (flow style): let the YAML parser say what is wrong
            except RecursionError:
                raise InputError(_problem(Level.ERROR, file, 1, "JSON nested too deeply")) from None
        doc = parse_yaml(text, file)
        data, renamed = _string_keys(doc.data)
        if renamed:
            first_pointer, count = renamed[0], len(renamed)
            message = (
                f"{count} non-string key(s) read as strings, first at {first_pointer}"
                " (quote them: YAML reads 200: as a number)"
            )
            problems.append(_problem(Level.WARNING, file, doc.source(first_pointer).line, message))
        return Document(location, file, data, doc.lines, problems=problems + doc.problems)

    # -- references ---------------------------------------------------------

    def resolve(self, ref: str, document: Document) -> tuple[Document, str, Any]:
        """Follow ``ref`` from ``document``: the target document, pointer and value."""
        target, _, fragment = ref.partition("#")
        pointer = unquote(fragment)
        if pointer and not pointer.startswith("/"):
            raise RefError(f"$ref {ref!r}: anchors are not supported")
        target_doc = self._target_document(target, document, ref) if target else document
        value = target_doc.data
        for token in split_pointer(pointer):
            if isinstance(value, dict) and token in value:
                value = value[token]
            elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
                value = value[int(token)]
            else:
                raise RefError(f"$ref {ref!r} points at nothing in {target_doc.file}")
        return target_doc, pointer, value

    def _target_document(self, target: str, document: Document, ref: str) -> Document:
        base = document.location
        absolute = urljoin(base, target) if is_url(base) else target
        if is_url(absolute):
            if not self.allow_remote_refs:
                raise RefError(f"remote $ref {ref!r} not followed (use --allow-remote-refs)")
            return self._load_ref(lambda: self.load_url(absolute), ref)
        local = target.removeprefix("file://") if target.startswith("file://") else target
        path = (Path(base).parent / unquote(local)).resolve()
        if not path.is_relative_to(self.root):
            raise RefError(f"$ref {ref!r} points outside the estate folder", Level.ERROR)
        if not path.is_file():
            raise RefError(f"$ref {ref!r}: no such file {self._display(path)}")
        return self._load_ref(lambda: self.load_file(path), ref)

    @staticmethod
    def _load_ref(load: Any, ref: str) -> Document:
        try:
            document: Document = load()
            return document
        except InputError as exc:
            raise RefError(f"$ref {ref!r}: {exc.diagnostics[0].message}") from None


def _string_keys(data: Any, pointer: str = "") -> tuple[Any, list[str]]:
    """Copy of ``data`` whose mapping keys are all strings; where keys were renamed."""
    renamed: list[str] = []
    stack: list[tuple[Any, str]] = [(data, pointer)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, dict):
            for key in [k for k in value if not isinstance(k, str)]:
                text = str(key).lower() if isinstance(key, bool) else str(key)
                value.setdefault(text, value.pop(key))
                renamed.append(pointer_join(where, text))
            stack.extend((child, pointer_join(where, key)) for key, child in value.items())
        elif isinstance(value, list):
            stack.extend((child, pointer_join(where, i)) for i, child in enumerate(value))
    return data, sorted(renamed)


def _request_failure(exc: requests.RequestException) -> str:
    if isinstance(exc, requests.Timeout):
        return f"timed out after {FETCH_TIMEOUT_SECONDS} s"
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return f"HTTP {exc.response.status_code}"
    if isinstance(exc, requests.ConnectionError):
        return "could not connect"
    return type(exc).__name__


def _problem(level: Level, file: str, line: int, message: str) -> Diagnostic:
    return Diagnostic(level, message, Source(file, line))
