"""Propagation: where each category travels, masked or not, with a witness for every hop."""

from __future__ import annotations

import textwrap
from pathlib import Path

import flowscope
from conftest import ACME


def kinds_and_ends(exposure) -> list[tuple[str, str, str]]:
    return [(hop.kind, hop.source, hop.target) for hop in exposure.path]


def test_e_mail_travels_from_the_crm_through_the_warehouse_sql_into_the_marketing_platform() -> (
    None
):
    estate = flowscope.load(ACME)
    [email] = estate.paths("user.contact.email", to="mailchimp")
    assert not email.masked
    wh = "field:warehouse/"
    assert kinds_and_ends(email) == [
        (
            "classified",
            "field:crm/GET /contacts#request.query.email",
            "field:crm/GET /contacts#request.query.email",
        ),
        ("served_by", "endpoint:crm/GET /contacts", "system:crm"),
        ("lands_in", "system:crm", f"{wh}raw.crm_contacts.email"),
        ("lineage", f"{wh}raw.crm_contacts.email", f"{wh}staging.customers.email"),
        ("lineage", f"{wh}staging.customers.email", f"{wh}marts.customer_360.email"),
        ("lineage", f"{wh}marts.customer_360.email", f"{wh}exports.marketing_audience.email"),
        (
            "stored_in",
            f"{wh}exports.marketing_audience.email",
            "dataset:warehouse/exports.marketing_audience",
        ),
        ("shipped_by", "dataset:warehouse/exports.marketing_audience", "system:warehouse"),
        ("flow", "system:warehouse", "system:marketing-automation"),
        ("flow", "system:marketing-automation", "system:mailchimp"),
    ]
    # every hop that moves data names the file and line that says so
    assert all(hop.evidence and hop.evidence[0].line > 0 for hop in email.path)
    sql_hops = [hop.evidence[0].file for hop in email.path if hop.kind == "lineage"]
    assert sql_hops == [
        "sql/staging/stg_customers.sql",
        "sql/marts/customer_360.sql",
        "sql/exports/marketing_audience.sql",
    ]


def test_masking_in_sql_makes_the_difference_for_product_analytics() -> None:
    estate = flowscope.load(ACME)
    assert estate.paths("user.contact.email", to="analytics") == []
    [masked] = estate.paths("user.contact.email", to="analytics", masked=True)
    assert masked.masked
    hashed = [hop for hop in masked.path if hop.kind == "lineage"][-1]
    assert hashed.target == "field:warehouse/exports.product_analytics.email_hash"


def test_chat_transcripts_reach_the_llm_and_call_recordings_the_transcription_vendor() -> None:
    estate = flowscope.load(ACME)
    [chat] = estate.paths("user.content.private", to="openai")
    assert [hop.target for hop in chat.path if hop.kind == "flow"][-1] == "system:openai"
    [voice] = estate.paths("user.biometric.voice", to="deepgram")
    systems = [hop.target for hop in voice.path if hop.kind == "flow"]
    assert systems[-2:] == ["system:call-transcription", "system:deepgram"]
    findings = {(f.rule_id, f.subjects[0]): f for f in estate.findings}
    assert (
        findings["FS302", "system:openai"].path == chat.path
        or "user.content.private" in findings["FS302", "system:openai"].categories
    )
    assert findings["FS302", "system:deepgram"].severity.label == "critical"


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text))
    return root


def test_masked_on_a_flow_and_tokenising_systems_mask_what_passes(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "systems.yaml": """\
                systems:
                  - {id: people, type: actor, zone: public}
                  - {id: app, type: service, zone: internal}
                  - {id: vault, type: service, zone: internal, tokenizes: true}
                  - {id: ads, type: saas, zone: third_party}
                  - {id: cards, type: saas, zone: third_party}
                flows:
                  - {from: people, to: app, categories: [user.contact.email, user.financial.credit_card]}
                  - {from: app, to: ads, categories: [user.contact.email], masked: [user.contact.email]}
                  - {from: app, to: vault, categories: [user.financial.credit_card]}
                  - {from: vault, to: cards, categories: [user.financial.credit_card]}
                """,
        },
    )
    estate = flowscope.load(root)
    assert estate.paths("user.contact.email", to="ads") == []
    assert estate.paths("user.contact.email", to="ads", masked=True)[0].masked
    # the vault tokenises card numbers: what it passes on is masked
    assert estate.paths("user.financial.credit_card", to="cards") == []
    [card] = estate.paths("user.financial.credit_card", to="cards", masked=True)
    assert [hop.target for hop in card.path] == ["system:app", "system:vault", "system:cards"]
    assert "FS301" not in {f.rule_id for f in estate.findings}
