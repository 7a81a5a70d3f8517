"""Safe, bounded YAML loading that remembers the line of every value.

Estate files are written by hand, so errors must name the line. PyYAML's
composer gives every node a position; we walk that tree once to map each
JSON pointer to its line, then validate the data against a JSON Schema and
translate each schema error into a one-line message at the right line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from flowscope.model import Diagnostic, InputError, Level, Source

MAX_YAML_BYTES = 10 * 1024 * 1024
MAX_NODES = 5_000_000  # values after expanding aliases; stops "billion laughs"


# libyaml's parser when PyYAML has it (every wheel does): big specs parse ~10x faster.
_SafeBase: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeBase):  # type: ignore[misc]
    """The safe loader, minus timestamps: dates stay the strings people wrote."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class YamlDoc:
    """A parsed YAML document with the line of every JSON pointer in it."""

    file: str
    data: Any
    lines: dict[str, int] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)

    def source(self, pointer: str) -> Source:
        """Source of the value at ``pointer``, falling back to its nearest parent."""
        probe = pointer
        while probe and probe not in self.lines:
            probe = probe.rsplit("/", 1)[0]
        return Source(self.file, self.lines.get(probe, 1), pointer)


def pointer_join(base: str, token: object) -> str:
    """>>> pointer_join("/systems", "a/b~c")
    '/systems/a~1b~0c'
    """
    return f"{base}/{str(token).replace('~', '~0').replace('/', '~1')}"


def load_yaml(path: Path, file: str) -> YamlDoc:
    """Read ``path`` (shown to users as ``file``) with the safe loader."""
    return parse_yaml(read_text(path, file), file)


def parse_yaml(text: str, file: str) -> YamlDoc:
    """Parse YAML text safely, with lines for every pointer and bounded size."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        lines, problems = _index(node, file) if node is not None else ({}, [])
        if node is not None and _expanded_size(node, {}) > MAX_NODES:
            raise InputError(_error(file, 1, f"YAML expands to more than {MAX_NODES} values"))
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise InputError(_error(file, line, f"not valid YAML: {reason}")) from None
    except yaml.YAMLError as exc:
        raise InputError(_error(file, 1, f"not valid YAML: {exc}")) from None
    except RecursionError:
        raise InputError(_error(file, 1, "YAML nested too deeply")) from None
    finally:
        loader.dispose()
    return YamlDoc(file, data, lines, problems)


def read_text(path: Path, file: str, limit: int = MAX_YAML_BYTES) -> str:
    """UTF-8 text of a file no larger than ``limit`` bytes, or an InputError."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputError(_error(file, 0, f"file too large ({size} bytes, limit {limit})"))
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise InputError(_error(file, line, "not UTF-8 text")) from None
    except OSError as exc:
        raise InputError(_error(file, 0, f"cannot read: {exc.strerror or exc}")) from None


def _index(root: yaml.Node, file: str) -> tuple[dict[str, int], list[Diagnostic]]:
    """Map JSON pointers to 1-based lines and report duplicate keys.

    An aliased node is indexed once, at its anchor.
    """
    lines: dict[str, int] = {"": root.start_mark.line + 1}
    problems: list[Diagnostic] = []
    seen: set[int] = set()
    stack: list[tuple[str, yaml.Node]] = [("", root)]
    while stack:
        pointer, node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first_line: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value)
                line = key_node.start_mark.line + 1
                child = pointer_join(pointer, key)
                if key in first_line:
                    message = f"duplicate key {key!r} (first at line {first_line[key]})"
                    problems.append(Diagnostic(Level.ERROR, message, Source(file, line, child)))
                first_line.setdefault(key, line)
                lines[child] = line
                stack.append((child, value_node))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                child = pointer_join(pointer, index)
                lines[child] = item.start_mark.line + 1
                stack.append((child, item))
    return lines, problems


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """How many values the document has once every alias is expanded."""
    if id(node) not in memo:
        memo[id(node)] = 1  # a self-referencing alias counts once
        if isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            children = []
        memo[id(node)] = 1 + sum(_expanded_size(child, memo) for child in children)
    return memo[id(node)]


def _error(file: str, line: int, message: str) -> Diagnostic:
    return Diagnostic(Level.ERROR, message, Source(file, line))


# -- JSON Schema ------------------------------------------------------------


@cache
def packaged_schema(name: str) -> dict[str, Any]:
    """A JSON Schema shipped in ``flowscope/schemas``."""
    text = resources.files("flowscope").joinpath("schemas", name).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def validate(doc: YamlDoc, schema_name: str) -> list[Diagnostic]:
    """Every schema violation in ``doc`` as an error at its line, in file order."""
    schema = packaged_schema(schema_name)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    found = [d for error in validator.iter_errors(doc.data) for d in _explain(doc, error)]
    return sorted(found, key=lambda d: (d.source.line, d.message))


def _explain(doc: YamlDoc, error: jsonschema.ValidationError) -> list[Diagnostic]:
    rule: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    value: Any = error.validator_value
    pointer = "".join(pointer_join("", part) for part in error.absolute_path)
    where = _where(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = rule.get("properties", {})
        return [
            Diagnostic(
                Level.ERROR, f"unknown key {key!r}{where}", doc.source(pointer_join(pointer, key))
            )
            for key in error.instance
            if key not in allowed
        ]
    if error.validator == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else error.message
        message = f"missing required field {missing!r}{where}"
    elif error.validator == "enum":
        choices = ", ".join(str(c) for c in value)
        message = f"bad value {_short(error.instance)}{where}: expected one of {choices}"
    elif error.validator == "type":
        message = f"bad value {_short(error.instance)}{where}: expected {value}"
    elif error.validator == "pattern":
        hint = rule.get("description", f"must match {value}")
        message = f"bad value {_short(error.instance)}{where}: {hint}"
    else:
        message = f"bad value{where}: {_short(error.message, 160)}"
    return [Diagnostic(Level.ERROR, message, doc.source(pointer))]


def _short(value: Any, limit: int = 80) -> str:
    """A value for an error line: its repr, cut so that one line stays one line."""
    text = value if isinstance(value, str) and limit > 80 else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _where(path: Any) -> str:
    parts = [str(p) for p in path if not isinstance(p, int)]
    return f" in {parts[-1]}" if parts else ""
