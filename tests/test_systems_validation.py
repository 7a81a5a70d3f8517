"""systems.yaml and flowscope.yaml: every error names its file and line; the rest is still read."""

from __future__ import annotations

from pathlib import Path

import pytest

import flowscope
from flowscope.model import InputError, Level

GOOD = """\
systems:
  - id: app
    type: service
    zone: internal
  - id: vendor
    type: saas
    zone: third_party
flows:
  - from: app
    to: vendor
"""


def errors(estate: flowscope.Estate) -> list[str]:
    return [str(d) for d in estate.diagnostics if d.level is Level.ERROR]


def test_a_valid_file_loads_without_diagnostics(make_estate) -> None:
    estate = flowscope.load(make_estate(GOOD))
    assert estate.diagnostics == []
    assert sorted(n for n, _ in estate.nodes("system")) == ["system:app", "system:vendor"]
    assert [(u, v) for u, v, _, _ in estate.flows()] == [("system:app", "system:vendor")]


def test_unknown_key_is_named_at_its_line(make_estate) -> None:
    estate = flowscope.load(
        make_estate(
            GOOD.replace("    zone: internal\n", "    zone: internal\n    monitord: true\n")
        )
    )
    assert errors(estate) == ["systems.yaml:5: error: unknown key 'monitord' in systems"]


def test_missing_field_and_bad_value(make_estate) -> None:
    text = GOOD.replace("    type: service\n", "").replace("zone: third_party", "zone: external")
    estate = flowscope.load(make_estate(text))
    assert errors(estate) == [
        "systems.yaml:2: error: missing required field 'type' in systems",
        "systems.yaml:6: error: bad value 'external' in zone: expected one of internal, third_party, public",
    ]
    # both broken systems are skipped, and the flow between them adds no second error
    assert list(estate.nodes("system")) == []
    assert list(estate.flows()) == []


def test_flow_to_an_undefined_system(make_estate) -> None:
    estate = flowscope.load(make_estate(GOOD + "  - from: app\n    to: ghost\n"))
    assert errors(estate) == ["systems.yaml:12: error: flow to undefined system 'ghost'"]
    assert len(list(estate.flows())) == 1  # the good flow is still there


def test_duplicate_system_id_in_one_file(make_estate) -> None:
    text = GOOD.replace("flows:", "  - id: app\n    type: datastore\n    zone: internal\nflows:")
    estate = flowscope.load(make_estate(text))
    assert errors(estate) == ["systems.yaml:8: error: duplicate system id 'app' (first at line 2)"]
    assert estate.node("system:app")["type"] == "service"


def test_duplicate_yaml_key(make_estate) -> None:
    estate = flowscope.load(
        make_estate(GOOD.replace("    zone: internal\n", "    zone: internal\n    zone: public\n"))
    )
    assert "systems.yaml:5: error: duplicate key 'zone' (first at line 4)" in errors(estate)


def test_bad_date_and_bad_category(make_estate) -> None:
    text = GOOD.replace("zone: third_party", "zone: third_party\n    last_review: 2025-13-45")
    text += "    categories: [Email Address]\n"
    estate = flowscope.load(make_estate(text))
    messages = errors(estate)
    assert messages[0].startswith(
        "systems.yaml:8: error: bad value in last_review: '2025-13-45' is not a 'date'"
    )
    assert messages[1] == (
        "systems.yaml:12: error: bad value 'Email Address' in categories: "
        "must be a data category key such as user.contact.email"
    )


def test_yaml_syntax_error_names_the_line_and_other_files_are_still_read(make_estate) -> None:
    root = make_estate(
        GOOD,
        config="systems: [systems.yaml, broken.yaml]\n",
        **{"broken.yaml": "systems:\n  - id: x\n    type: [service\n"},
    )
    estate = flowscope.load(root)
    [problem] = errors(estate)
    assert problem.startswith("broken.yaml:4: error: not valid YAML")
    assert len(list(estate.nodes("system"))) == 2


def test_non_utf8_file(make_estate) -> None:
    root = make_estate(GOOD)
    (root / "systems.yaml").write_bytes(b"systems:\n  - id: caf\xe9\n")
    estate = flowscope.load(root)
    assert errors(estate) == ["systems.yaml:2: error: not UTF-8 text"]


def test_alias_flood_is_refused(make_estate) -> None:
    bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        previous = chr(ord("a") + level - 1)
        name = chr(ord("a") + level)
        bomb.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    estate = flowscope.load(make_estate("\n".join(bomb) + "\n"))
    assert errors(estate) == ["systems.yaml:1: error: YAML expands to more than 5000000 values"]


def test_two_files_describing_one_system_merge_and_conflicts_are_warned(make_estate) -> None:
    root = make_estate(
        GOOD.replace("zone: third_party", "zone: third_party\n    monitored: true"),
        config="systems: ['*.yaml']\n",
        **{
            "vendors.yaml": "systems:\n  - id: vendor\n    type: saas\n    zone: third_party\n    monitored: false\n    owner: legal\n"
        },
    )
    estate = flowscope.load(root)
    vendor = estate.node("system:vendor")
    assert vendor["monitored"] is False
    assert vendor["owner"] == "legal"
    assert [s.file for s in vendor["sources"]] == ["systems.yaml", "vendors.yaml"]
    [warning] = estate.diagnostics
    assert warning.level is Level.WARNING
    assert (
        "true at systems.yaml:8" in warning.message and "false at vendors.yaml:5" in warning.message
    )


def test_invalid_config_is_fatal(make_estate) -> None:
    root = make_estate(GOOD, config="name: x\npolicy:\n  fail_on: hihg\n")
    with pytest.raises(InputError) as caught:
        flowscope.load(root)
    assert str(caught.value.diagnostics[0]).startswith(
        "flowscope.yaml:3: error: bad value 'hihg' in fail_on"
    )


def test_globs_never_leave_the_estate(make_estate, tmp_path: Path) -> None:
    root = make_estate(GOOD, config="systems: ['../*.yaml', systems.yaml]\n")
    estate = flowscope.load(root)
    assert errors(estate) == [
        "flowscope.yaml:1: error: '../*.yaml' points outside the estate folder"
    ]


def test_strict_promotes_warnings(make_estate) -> None:
    root = make_estate(GOOD, config="systems: [systems.yaml, missing/*.yaml]\n")
    assert errors(flowscope.load(root)) == []
    assert errors(flowscope.load(root, strict=True)) == [
        "flowscope.yaml:1: error: no file matches 'missing/*.yaml'"
    ]


def test_a_repeated_flow_is_an_error_and_cannot_lend_its_facts(make_estate) -> None:
    text = GOOD + "    monitored: true\n  - from: app\n    to: vendor\n"
    estate = flowscope.load(make_estate(text))
    assert errors(estate) == [
        "systems.yaml:12: error: duplicate flow app -> vendor (first at line 9); "
        "give one a name to declare two flows"
    ]
    named = flowscope.load(make_estate(text + "    name: backfill\n"))
    assert errors(named) == []
    assert len(list(named.flows())) == 2
    assert [f.subjects[2] for f in named.findings if f.rule_id == "FS101"] == [
        "flow:app->vendor#backfill"
    ]


def test_ids_must_be_their_own_slug(make_estate) -> None:
    text = GOOD.replace(
        "  - id: vendor", "  - id: app-\n    type: saas\n    zone: third_party\n  - id: vendor"
    )
    estate = flowscope.load(make_estate(text))
    assert errors(estate) == [
        "systems.yaml:5: error: bad value 'app-' in id: must be a lower-case slug: "
        "letters, digits and '.', '_', '-' between them"
    ]
    assert estate.node("system:app")["zone"] == "internal"


def test_entries_with_duplicate_keys_are_skipped(make_estate) -> None:
    text = GOOD.replace("    zone: third_party\n", "    zone: third_party\n    zone: internal\n")
    estate = flowscope.load(make_estate(text))
    assert errors(estate) == ["systems.yaml:8: error: duplicate key 'zone' (first at line 7)"]
    assert "system:vendor" not in estate.graph
    assert list(estate.flows()) == []  # the flow to the skipped system is not a second error


def test_long_bad_values_are_cut_in_messages(make_estate) -> None:
    estate = flowscope.load(make_estate(GOOD.replace("zone: internal", "zone: " + "x" * 5000)))
    [message] = errors(estate)
    assert len(message) < 200 and message.endswith("expected one of internal, third_party, public")


def test_merging_names_tags_and_zones_across_files(make_estate) -> None:
    root = make_estate(
        GOOD.replace("zone: third_party", "zone: third_party\n    tags: [marketing]"),
        config="systems: ['*.yaml']\n",
        **{
            "z.yaml": "systems:\n  - id: vendor\n    name: Vendor Inc\n    type: saas\n"
            "    zone: internal\n    tags: [eu]\n"
        },
    )
    estate = flowscope.load(root)
    vendor = estate.node("system:vendor")
    assert vendor["name"] == "Vendor Inc"  # a real name replaces the default one, silently
    assert vendor["tags"] == ["marketing", "eu"]
    assert vendor["zone"] == "third_party"  # a third party is not outvoted into the estate
    [warning] = [str(d) for d in estate.diagnostics]
    assert warning == (
        "z.yaml:5: warning: conflicting 'zone' for system:vendor: "
        "'third_party' at systems.yaml:7, 'internal' at z.yaml:5; keeping 'third_party'"
    )


def test_a_misspelt_category_is_warned_with_the_key_meant(make_estate) -> None:
    flows = (
        "  - from: app\n    to: vendor\n"
        "    categories: [user.contact.emial, user.loyalty_points, user.name]\n"
        "    masked: [user.contact.phone_numbre]\n"
    )
    estate = flowscope.load(make_estate(GOOD.split("flows:\n")[0] + "flows:\n" + flows))
    assert [str(d) for d in estate.diagnostics] == [
        "systems.yaml:11: warning: category 'user.contact.emial' is not in the taxonomy: "
        "did you mean 'user.contact.email'?",
        "systems.yaml:12: warning: category 'user.contact.phone_numbre' is not in the taxonomy: "
        "did you mean 'user.contact.phone_number'?",
    ]  # the estate's own key, far from any in the taxonomy, is kept quietly
