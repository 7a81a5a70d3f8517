"""The field classifier: the labelled set, and the command that reads names from stdin."""

from __future__ import annotations

import json
import subprocess
import sys

import flowscope
from classify_eval.evaluate import evaluate


def test_personal_vs_not_on_the_labelled_set_reaches_the_target() -> None:
    scores = evaluate()
    total = (
        scores.true_positive + scores.false_positive + scores.false_negative + scores.true_negative
    )
    assert total >= 400
    assert scores.f1 >= 0.85, (
        f"F1 {scores.f1:.3f} (precision {scores.precision:.3f}, recall {scores.recall:.3f})"
    )


def test_every_classification_says_why() -> None:
    for name, context in [
        ("email", ()),
        ("name", ("customer",)),
        ("ss_customer_sk", ("store_sales",)),
    ]:
        result = flowscope.classify(name, context)
        assert result["categories"] and len(result["reasons"]) == len(result["categories"])


def test_context_decides_whose_name_it_is() -> None:
    assert flowscope.classify("name", ["customer"])["categories"] == ["user.name"]
    assert flowscope.classify("name", ["product"])["categories"] == []
    assert flowscope.classify("email", ["organization"])["categories"] == []
    assert flowscope.classify("billing_email", ["organization"])["categories"] == [
        "user.contact.email"
    ]
    assert flowscope.classify("address1", ["customer"])["categories"] == ["user.contact.address"]
    assert flowscope.classify("street2", [])["categories"] == ["user.contact.address.street"]
    assert flowscope.classify("ip_address", ["session"])["categories"] == ["user.device.ip_address"]
    assert flowscope.classify("is_email_verified", [])["categories"] == []


def test_flowscope_classify_reads_names_and_json_lines() -> None:
    stdin = 'customerEmail\n{"name": "name", "context": ["product"]}\n\n{"oops": 1}\n'
    result = subprocess.run(
        [sys.executable, "-m", "flowscope", "classify"],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines == [
        {
            "name": "customerEmail",
            "categories": ["user.contact.email"],
            "reasons": ["name 'customerEmail' matches user.contact.email"],
        },
        {"name": "name", "categories": [], "reasons": []},
    ]
    assert "not a name or a JSON line" in result.stderr


def test_an_estate_adds_its_own_words_and_overrides(tmp_path) -> None:
    (tmp_path / "sql").mkdir()
    (tmp_path / "sql" / "x.sql").write_text(
        "create table marts.m as select mbr_handle, tier, zz_secret from raw.r;\n"
    )
    (tmp_path / "flowscope.yaml").write_text(
        "classify:\n"
        "  patterns:\n"
        "    - {category: user.account.username, words: [mbr, handle]}\n"
        "  overrides:\n"
        "    tier: [user.financial]\n"
        '    "field:warehouse/marts.m.zz_secret": []\n'
    )
    estate = flowscope.load(tmp_path)
    field = "field:warehouse/marts.m."
    assert estate.node(field + "mbr_handle")["categories"] == ["user.account.username"]
    assert estate.node(field + "tier")["classified_by"] == "override"
    assert estate.node(field + "tier")["categories"] == ["user.financial"]
    assert estate.node(field + "zz_secret")["categories"] == []
