"""Validation with openapi-spec-validator, confined to the estate, off the main path.

openapi-spec-validator resolves ``$ref``s itself and, left alone, would read
any file and fetch any URL a spec names. Its resolver handlers are replaced
by ones that read only inside the estate root and fetch only when remote refs
are allowed. Validating a big spec takes longer than reading it, so all specs
are validated in one background process while the main process builds the
graph; each spec has a time budget.
"""

from __future__ import annotations

import multiprocessing
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from openapi_spec_validator import (
    OpenAPIV2SpecValidator,
    OpenAPIV30SpecValidator,
    OpenAPIV31SpecValidator,
)

from flowscope.ingest.openapi.documents import DocumentStore, is_url
from flowscope.model import InputError

VALIDATORS: dict[str, Any] = {
    "2.0": OpenAPIV2SpecValidator,
    "3.0": OpenAPIV30SpecValidator,
    "3.1": OpenAPIV31SpecValidator,
}
MAX_PROBLEMS_PER_SPEC = 25
SECONDS_PER_SPEC = 60


@dataclass(frozen=True)
class Job:
    location: str  # absolute path or URL of the spec's root document
    version: str


Problem = tuple[str, str]  # (JSON pointer, message)


class _Handlers:
    """Resolver handlers that read through flowscope's own bounded, confined store."""

    def __init__(self, store: DocumentStore) -> None:
        self.store = store

    def file(self, uri: str) -> Any:
        path = Path(url2pathname(urlsplit(uri).path))
        if not path.resolve().is_relative_to(self.store.root):
            raise ValueError(f"{uri} is outside the estate folder")
        return self._data(lambda: self.store.load_file(path))

    def remote(self, uri: str) -> Any:
        if not self.store.allow_remote_refs:
            raise ValueError(f"remote $ref {uri} not followed")
        return self._data(lambda: self.store.load_url(uri))

    def refuse(self, uri: str) -> Any:
        raise ValueError(f"$ref {uri} not followed")

    @staticmethod
    def _data(load: Any) -> Any:
        try:
            return load().data
        except InputError as exc:
            raise ValueError(exc.diagnostics[0].message) from None

    def table(self) -> dict[str, Any]:
        return {
            "<all_urls>": self.refuse,
            "file": self.file,
            "http": self.remote,
            "https": self.remote,
        }


def validate_spec(job: Job, store: DocumentStore) -> list[Problem]:
    """Problems openapi-spec-validator finds in one spec, at most MAX_PROBLEMS_PER_SPEC."""
    base = VALIDATORS.get(job.version)
    if base is None:
        return [("", f"no validator for version {job.version}")]
    document = (
        store.load_url(job.location)
        if is_url(job.location)
        else store.load_file(Path(job.location))
    )
    confined = type(base.__name__, (base,), {"resolver_handlers": _Handlers(store).table()})
    base_uri = job.location if is_url(job.location) else Path(job.location).as_uri()
    problems: list[Problem] = []
    try:
        for error in confined(document.data, base_uri=base_uri).iter_errors():
            path = getattr(error, "absolute_path", None) or ()
            pointer = "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)
            problems.append((pointer, _one_line(getattr(error, "message", str(error)))))
            if len(problems) >= MAX_PROBLEMS_PER_SPEC:
                problems.append(("", "more problems not listed"))
                break
    except _Timeout:
        problems.append(("", f"validation stopped after {SECONDS_PER_SPEC} s"))
    except Exception as exc:  # the validator's own failures must not stop a scan
        problems.append(("", f"validation stopped: {_one_line(str(exc)) or type(exc).__name__}"))
    return problems


def _one_line(text: str, limit: int = 300) -> str:
    """One line, cut in the middle when long: the verdict is often at the end.

    >>> _one_line("[" + "'x', " * 200 + "'y'] has non-unique elements", 60)
    "['x', 'x', 'x', 'x … , 'x', 'x', 'y'] has non-unique elements"
    """
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    tail = limit * 2 // 3
    return flat[: limit - tail - 2] + " … " + flat[-tail:]


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout


def _worker(jobs: list[Job], root: str, allow_remote: bool, connection: Any) -> None:
    timed = hasattr(signal, "SIGALRM")  # not on Windows: there specs are validated untimed
    if timed:
        signal.signal(signal.SIGALRM, _alarm)
    store = DocumentStore(Path(root), allow_remote_refs=allow_remote)
    results: dict[str, list[Problem]] = {}
    for job in jobs:
        if timed:
            signal.alarm(SECONDS_PER_SPEC)
        try:
            results[job.location] = validate_spec(job, store)
        except _Timeout:
            results[job.location] = [("", f"validation stopped after {SECONDS_PER_SPEC} s")]
        except InputError as exc:
            results[job.location] = [("", exc.diagnostics[0].message)]
        finally:
            if timed:
                signal.alarm(0)
    connection.send(results)
    connection.close()


class BackgroundValidation:
    """All specs of a scan validated in one child process while the scan goes on."""

    def __init__(self, jobs: list[Job], root: Path, allow_remote: bool) -> None:
        self.jobs = jobs
        self._process: Any = None
        if not jobs:
            return
        method = "fork" if hasattr(signal, "SIGALRM") else "spawn"
        context: Any = multiprocessing.get_context(method)
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_worker, args=(jobs, str(root), allow_remote, send), daemon=True
        )
        self._process.start()
        send.close()

    def results(self) -> dict[str, list[Problem]]:
        """Wait for the child; a child that died gives one problem per spec, not a crash."""
        if self._process is None:
            return {}
        budget = SECONDS_PER_SPEC * len(self.jobs) + 10
        try:
            if self._receive.poll(budget):
                results: dict[str, list[Problem]] = self._receive.recv()
                return results
        except (EOFError, OSError):
            pass
        finally:
            self._process.join(timeout=1)
            if self._process.is_alive():
                self._process.kill()
        return {job.location: [("", "validation did not finish")] for job in self.jobs}
