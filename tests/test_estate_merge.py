import pytest

from flowscope.model import Estate, Finding, Level, Severity, Source

A = Source("systems.yaml", 3, "/systems/0")
B = Source("teams/growth.yaml", 7, "/systems/2")


def test_two_sources_describe_one_system() -> None:
    estate = Estate()
    estate.add_node("system:crm", "system", A, name="CRM", zone="internal")
    estate.add_node("system:crm", "system", B, owner="team-growth", domains=["crm.acme.io"])
    estate.add_node("system:crm", "system", B, domains=["crm.acme.io", "api.crm.acme.io"])
    node = estate.node("system:crm")
    assert node["name"] == "CRM"
    assert node["zone"] == "internal"
    assert node["owner"] == "team-growth"
    assert node["domains"] == ["crm.acme.io", "api.crm.acme.io"]
    assert node["sources"] == [A, B]
    assert estate.diagnostics == []


def test_conflicting_safety_fact_warns_naming_both_places_and_keeps_the_pessimistic_value() -> None:
    estate = Estate()
    estate.add_node("system:x", "system", A, monitored=False)
    estate.add_node("system:x", "system", B, monitored=True)
    assert estate.node("system:x")["monitored"] is False
    [warning] = estate.diagnostics
    assert warning.level is Level.WARNING
    assert "systems.yaml:3" in warning.message and "teams/growth.yaml:7" in warning.message
    assert warning.source == B


def test_conflicting_plain_fact_keeps_the_first_and_warns() -> None:
    estate = Estate()
    estate.add_node("system:x", "system", A, owner="team-a")
    estate.add_node("system:x", "system", B, owner="team-b")
    assert estate.node("system:x")["owner"] == "team-a"
    assert (
        "'team-a' at systems.yaml:3, 'team-b' at teams/growth.yaml:7"
        in estate.diagnostics[0].message
    )


def test_unknown_never_overrides_a_known_fact() -> None:
    estate = Estate()
    estate.add_node("system:x", "system", A, monitored=True)
    estate.add_node("system:x", "system", B, monitored=None)
    assert estate.node("system:x")["monitored"] is True
    assert estate.diagnostics == []


def test_edges_merge_by_key_and_union_categories() -> None:
    estate = Estate()
    for node in ("system:a", "system:b"):
        estate.add_node(node, "system", A)
    estate.add_edge(
        "system:a", "system:b", "flow", A, key="flow:a->b", declared_categories=["user.name"]
    )
    estate.add_edge(
        "system:a",
        "system:b",
        "flow",
        B,
        key="flow:a->b",
        declared_categories=["user.contact.email"],
    )
    estate.add_edge("system:a", "system:b", "flow", B, key="flow:a->b#other")
    assert estate.graph.number_of_edges("system:a", "system:b") == 2
    data = estate.graph.edges["system:a", "system:b", "flow:a->b"]
    assert data["declared_categories"] == ["user.name", "user.contact.email"]
    assert data["sources"] == [A, B]


def test_unknown_kinds_are_refused() -> None:
    with pytest.raises(ValueError):
        Estate().add_node("table:x", "table", A)
    with pytest.raises(ValueError):
        Estate().add_edge("a", "b", "calls", A)


def test_fingerprint_depends_on_rule_subjects_and_categories_only() -> None:
    base = Finding("FS101", Severity.HIGH, "t", "m", ("system:a", "system:b"), ("user.name",))
    reworded = Finding(
        "FS101", Severity.LOW, "other", "other", ("system:a", "system:b"), ("user.name",), (A,)
    )
    other_data = Finding(
        "FS101", Severity.HIGH, "t", "m", ("system:a", "system:b"), ("user.contact.email",)
    )
    other_rule = Finding("FS102", Severity.HIGH, "t", "m", ("system:a", "system:b"), ("user.name",))
    assert base.fingerprint == reworded.fingerprint
    assert len({base.fingerprint, other_data.fingerprint, other_rule.fingerprint}) == 3
    # categories are a set: their order in the input must not change the fingerprint
    two = Finding("FS101", Severity.HIGH, "t", "m", ("s",), ("b.x", "a.y"))
    assert (
        two.fingerprint
        == Finding("FS101", Severity.HIGH, "t", "m", ("s",), ("a.y", "b.x")).fingerprint
    )


def test_conflict_names_the_source_of_the_kept_value() -> None:
    estate = Estate()
    c = Source("c.yaml", 1)
    estate.add_node("system:x", "system", A, monitored=True)
    estate.add_node("system:x", "system", B, monitored=False)
    estate.add_node("system:x", "system", c, monitored=True)
    assert "false at teams/growth.yaml:7, true at c.yaml:1" in estate.diagnostics[1].message
