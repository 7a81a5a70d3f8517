"""The vendor inventory as privacy teams keep it, and the vendor rules."""

from __future__ import annotations

import shutil
import textwrap
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

import flowscope
from conftest import ACME, FIXTURES, run_cli
from flowscope.ingest.inventory import table, values
from flowscope.model import Level

SYSTEMS = """\
systems:
  - {id: web-app, name: Web shop, type: service, zone: internal}
  - {id: support-chatbot, name: Support chatbot, type: service, zone: internal}
  - {id: crm, name: CRM, type: service, zone: internal}
"""


def estate_with(
    tmp_path: Path,
    inventory: str,
    name: str = "vendors.csv",
    config: str = "",
    encoding: str = "utf-8",
) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "systems.yaml").write_text(SYSTEMS)
    (tmp_path / name).write_bytes(textwrap.dedent(inventory).encode(encoding))
    (tmp_path / "flowscope.yaml").write_text(f"inventory:\n  paths: [{name}]\n{config}")
    return tmp_path


def warnings(estate: flowscope.Estate) -> list[str]:
    return [str(d) for d in estate.diagnostics if d.level is Level.WARNING]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("yes", True), ("Y", True), ("TRUE", True), ("x", True), ("✓", True), ("no", False),
     ("n", False), ("False", False), ("", None), ("unknown", None), ("n/a", None)],
)  # fmt: skip
def test_booleans_as_typed(typed: str, expected: bool | None) -> None:
    assert values.boolean(typed) is expected


def test_a_boolean_nobody_can_read() -> None:
    with pytest.raises(values.ValueProblem):
        values.boolean("sort of")


@pytest.mark.parametrize(
    ("typed", "day_first", "expected", "ambiguous"),
    [
        ("2025-03-01", True, date(2025, 3, 1), False),
        ("25/12/2025", True, date(2025, 12, 25), False),
        ("12/25/2025", False, date(2025, 12, 25), False),
        ("03/04/2025", True, date(2025, 4, 3), True),
        ("03/04/2025", False, date(2025, 3, 4), True),
        ("05/05/2025", True, date(2025, 5, 5), False),
        ("Mar 2025", True, date(2025, 3, 1), False),
        ("September 2024", True, date(2024, 9, 1), False),
        ("", True, None, False),
    ],
)
def test_dates_as_typed(
    typed: str, day_first: bool, expected: date | None, ambiguous: bool
) -> None:
    found, warning = values.a_date(typed, day_first)
    assert found == expected
    assert (warning is not None) is ambiguous


def test_lists_split_on_semicolons_commas_and_lines() -> None:
    assert values.many("a; b,c\nd") == ["a", "b", "c", "d"]


def test_a_real_looking_csv_with_semicolons_bom_and_multiline_cells(tmp_path: Path) -> None:
    root = estate_with(
        tmp_path,
        "\ufeffSupplier;DATA SHARED;Dpa signed?;Last Reviewed;SIEM;Hosting region;Used by;Tier\n"
        'Helpdesk Co;"Email addresses\nchat transcripts";Yes;31/01/2026;✓;EU;Support chatbot;2\n'
        'LLM Corp;"chat logs, user.contact.email";;Mar 2025;;US;support chatbot;1\n',
    )
    estate = flowscope.load(root)
    helpdesk = estate.node("system:helpdesk-co")
    assert helpdesk["zone"] == "third_party" and helpdesk["type"] == "saas"
    assert helpdesk["dpa"] is True and helpdesk["monitored"] is True
    assert helpdesk["last_review"] == "2026-01-31" and helpdesk["region"] == "EU"
    assert helpdesk["inventory_categories"] == ["user.contact.email", "user.content.private"]
    assert helpdesk["raw"] == {"Tier": "2"}
    assert helpdesk["sources"][0].line == 2
    llm = estate.node("system:llm-corp")
    assert llm["sources"][0].line == 4  # the multi-line cell above moved it down a line
    assert "dpa" not in llm  # blank is unknown, never "no"
    flow = estate.graph.edges[
        "system:support-chatbot", "system:llm-corp", "flow:support-chatbot->llm-corp"
    ]
    assert flow["declared_categories"] == ["user.content.private", "user.contact.email"]
    assert "vendors.csv:1: warning: columns kept as raw attributes: 'Tier'" in warnings(estate)


def test_the_xlsx_twin_of_the_sample_inventory(tmp_path: Path) -> None:
    root = tmp_path / "acme"
    shutil.copytree(ACME, root, ignore=shutil.ignore_patterns("vendors.csv", ".flowscope"))
    shutil.copy(FIXTURES / "inventory" / "vendors.xlsx", root / "vendors.xlsx")
    config = (
        (root / "flowscope.yaml")
        .read_text()
        .replace("paths: [vendors.csv]", "paths: [vendors.xlsx]")
    )
    (root / "flowscope.yaml").write_text(config)
    from_xlsx = flowscope.load(root)
    from_csv = flowscope.load(ACME)

    def vendor_facts(estate: flowscope.Estate) -> dict:
        keys = ("dpa", "last_review", "monitored", "region", "inventory_categories", "contract_end")
        return {
            n: {k: d.get(k) for k in keys} for n, d in estate.nodes("system") if d.get("inventory")
        }

    assert vendor_facts(from_xlsx) == vendor_facts(from_csv)
    assert {f.fingerprint for f in from_xlsx.findings} == {f.fingerprint for f in from_csv.findings}


def test_a_named_sheet(tmp_path: Path) -> None:
    root = tmp_path
    shutil.copy(FIXTURES / "inventory" / "vendors.xlsx", root / "vendors.xlsx")
    (root / "flowscope.yaml").write_text("inventory:\n  paths: [vendors.xlsx]\n  sheet: Archive\n")
    estate = flowscope.load(root)
    assert [d["name"] for _, d in estate.nodes("system")] == ["Old CRM Ltd"]
    (root / "flowscope.yaml").write_text("inventory:\n  paths: [vendors.xlsx]\n  sheet: Nope\n")
    [error] = flowscope.load(root).errors
    assert str(error) == "vendors.xlsx: error: no sheet named 'Nope' (sheets: Vendors, Archive)"


def test_a_yaml_inventory(tmp_path: Path) -> None:
    root = estate_with(
        tmp_path,
        """\
        vendors:
          - vendor: Transcribe Inc
            type: speech-to-text AI
            data shared: [call recordings]
            dpa: no
            region: US
          - supplier: Nameless
        """,
        name="vendors.yaml",
    )
    estate = flowscope.load(root)
    vendor = estate.node("system:transcribe-inc")
    assert vendor["type"] == "ai_provider" and vendor["dpa"] is False
    assert vendor["sources"][0].line == 2


def test_an_estate_names_its_own_columns(tmp_path: Path) -> None:
    root = estate_with(
        tmp_path,
        "Partner,What we send,Paper signed\nAcme Mail,emails,yes\n",
        config="  columns: {Partner: name, What we send: data, Paper signed: dpa}\n",
    )
    vendor = flowscope.load(root).node("system:acme-mail")
    assert vendor["dpa"] is True and vendor["inventory_categories"] == ["user.contact.email"]


def test_a_missing_vendor_column_is_an_error_naming_the_file(tmp_path: Path) -> None:
    root = estate_with(tmp_path, "Data shared,DPA\nemails,yes\n")
    result = run_cli("scan", str(root))
    assert result.returncode == 2
    assert result.stderr.splitlines()[0].startswith(
        "vendors.csv:1: error: no column for the vendor name"
    )
    assert "Traceback" not in result.stderr


def test_no_row_is_dropped_silently(tmp_path: Path) -> None:
    root = estate_with(
        tmp_path,
        """\
        Vendor,Data shared,DPA signed?,Last review,Integrated systems
        Good One,emails,yes,2026-01-01,CRM
        ,names,yes,2026-01-01,CRM

        Odd Dates,emails,maybe,31/31/2025,Billing v1
        Vague,vibes; emails,yes,2026-02-01,
        """,
    )
    estate = flowscope.load(root)
    assert warnings(estate) == [
        "vendors.csv:3: warning: row 3 skipped: no vendor name",
        "vendors.csv:5: warning: row 5: dpa: 'maybe' is not yes or no; left unknown",
        "vendors.csv:5: warning: row 5: last review: '31/31/2025' is not a date; left unknown",
        "vendors.csv:6: warning: row 6: data not in the taxonomy, kept as written: 'vibes'",
        "vendors.csv:5: warning: row 5: integrated system 'Billing v1' is not a known system; no flow",
    ]
    assert estate.node("system:vague")["unmapped_categories"] == ["vibes"]
    assert estate.graph.has_edge("system:crm", "system:good-one")


def test_ambiguous_dates_are_warned_unless_the_estate_says_how_it_writes_them(
    tmp_path: Path,
) -> None:
    inventory = "Vendor,Last review\nX,03/04/2026\n"
    loose = flowscope.load(estate_with(tmp_path / "a", inventory))
    assert warnings(loose) == [
        "vendors.csv:2: warning: row 2: date '03/04/2026' could be read either way; read as DD/MM/YYYY (date_format)"
    ]
    strict = flowscope.load(
        estate_with(tmp_path / "b", inventory, config="  date_format: MM/DD/YYYY\n")
    )
    assert warnings(strict) == []
    assert strict.node("system:x")["last_review"] == "2026-03-04"


def test_windows_1252_csv_is_read_with_a_warning(tmp_path: Path) -> None:
    root = estate_with(tmp_path, "Vendor,Region\nCafé Analytics,EU\n", encoding="cp1252")
    estate = flowscope.load(root)
    assert estate.node("system:cafe-analytics")["name"] == "Café Analytics"
    assert "vendors.csv:2: warning: not UTF-8; read as Windows-1252" in warnings(estate)


def test_a_row_matches_a_system_by_id_name_or_domain(tmp_path: Path) -> None:
    (tmp_path / "systems.yaml").write_text(
        "systems:\n"
        "  - {id: crm, name: CRM, type: service, zone: internal}\n"
        "  - {id: llm, name: Big Model, type: ai_provider, zone: third_party, domains: [api.bigmodel.ai]}\n"
        "flows:\n  - {from: crm, to: llm}\n"
    )
    (tmp_path / "vendors.csv").write_text(
        "Vendor,Website,DPA\nBigModel Inc.,https://www.bigmodel.ai,yes\n"
    )
    estate = flowscope.load(tmp_path)
    assert estate.node("system:llm")["dpa"] is True
    assert "system:bigmodel-inc" not in estate.graph


# -- the vendor rules ---------------------------------------------------------

RULES_ESTATE = {
    "systems.yaml": """\
        systems:
          - {id: app, type: service, zone: internal}
          - {id: signed, type: saas, zone: third_party}
          - {id: unsigned, type: saas, zone: third_party}
          - {id: stale, type: saas, zone: third_party}
          - {id: abroad, type: ai_provider, zone: third_party}
          - {id: shadow, type: saas, zone: third_party}
          - {id: ops-only, type: saas, zone: third_party}
        flows:
          - {from: app, to: signed, categories: [user.contact.email], monitored: true}
          - {from: app, to: unsigned, categories: [user.biometric.voice], monitored: true}
          - {from: app, to: stale, categories: [user.name], monitored: true}
          - {from: app, to: abroad, categories: [user.content.private], monitored: true}
          - {from: app, to: shadow, categories: [user.contact.email], monitored: true}
          - {from: app, to: ops-only, categories: [system.operations], monitored: true}
        """,
    "vendors.csv": """\
        Vendor,DPA signed?,Last review,Region
        signed,yes,2026-06-01,EU
        unsigned,no,2026-06-01,EU
        stale,yes,2024-01-31,UK
        abroad,yes,2026-06-01,US
        ops-only,,,US
        """,
    "flowscope.yaml": "policy:\n  allowed_regions: [EU, UK]\n",
}


def test_each_vendor_rule_fires_where_it_should(tmp_path: Path) -> None:
    for name, text in RULES_ESTATE.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    estate = flowscope.load(tmp_path)
    found = {
        (f.rule_id, f.subjects[0], f.severity.label)
        for f in estate.findings
        if f.rule_id.startswith("FS2")
    }
    assert found == {
        ("FS201", "system:unsigned", "high"),
        ("FS202", "system:stale", "medium"),
        ("FS202", "system:ops-only", "low"),
        ("FS203", "system:abroad", "high"),
        ("FS204", "system:shadow", "medium"),
    }
    stale = next(
        f for f in estate.findings if f.rule_id == "FS202" and f.subjects == ("system:stale",)
    )
    assert stale.message == "stale was last reviewed on 2024-01-31, 1030 days ago (policy: 365)"
    assert (stale.location.file, stale.location.line) == ("vendors.csv", 4)


def test_review_age_follows_the_policy(tmp_path: Path) -> None:
    for name, text in RULES_ESTATE.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    (tmp_path / "flowscope.yaml").write_text("policy:\n  review_max_age_days: 2000\n")
    estate = flowscope.load(tmp_path)
    assert [f.subjects[0] for f in estate.findings if f.rule_id == "FS202"] == ["system:ops-only"]


def test_the_sample_estates_vendor_findings() -> None:
    estate = flowscope.load(ACME)
    found = {(f.rule_id, f.subjects[0]) for f in estate.findings if f.rule_id.startswith("FS2")}
    assert found == {
        ("FS201", "system:deepgram"),
        ("FS201", "system:gong"),
        ("FS202", "system:deepgram"),
        ("FS202", "system:openai"),
        ("FS202", "system:sentry"),
        ("FS203", "system:deepgram"),
        ("FS203", "system:gong"),
        ("FS203", "system:openai"),
        ("FS203", "system:mailchimp"),
        ("FS204", "system:mixpanel"),
    }
    gong = estate.node("system:gong")
    assert gong["type"] == "ai_provider" and gong["inventory"] == ["vendors.csv"]


def test_taxonomy_keys_with_underscores_and_ai_provider_types(tmp_path: Path) -> None:
    root = estate_with(
        tmp_path,
        "Vendor,Type,Data shared,Website\nPhoneCo,ai_provider,user.contact.phone_number; mailchimp.com,https://www.PhoneCo.io/about\n",
    )
    estate = flowscope.load(root)
    vendor = estate.node("system:phoneco")
    assert vendor["type"] == "ai_provider"
    assert vendor["inventory_categories"] == ["user.contact.phone_number"]
    assert vendor["unmapped_categories"] == ["mailchimp.com"]
    assert vendor["domains"] == ["phoneco.io"]


def test_an_inventory_without_a_vendor_column_makes_no_shadow_vendors(tmp_path: Path) -> None:
    (tmp_path / "systems.yaml").write_text(
        "systems:\n  - {id: app, type: service, zone: internal}\n  - {id: x, type: saas, zone: third_party}\n"
        "flows:\n  - {from: app, to: x, categories: [user.contact.email]}\n"
    )
    (tmp_path / "vendors.csv").write_text("Data shared,DPA\nemails,yes\n")
    estate = flowscope.load(tmp_path)
    assert estate.inventories == []
    assert "FS204" not in {f.rule_id for f in estate.findings}


def test_a_misspelt_taxonomy_key_in_a_row_is_warned_with_the_key_meant(tmp_path: Path) -> None:
    root = estate_with(
        tmp_path,
        "Vendor,Type,Data shared\nPhoneCo,saas,user.contact.phone_numbr; user.loyalty_points\n",
    )
    estate = flowscope.load(root)
    assert [str(d) for d in estate.diagnostics if "taxonomy" in d.message] == [
        "vendors.csv:2: warning: row 2: 'user.contact.phone_numbr' is not in the taxonomy: "
        "did you mean 'user.contact.phone_number'?"
    ]  # kept as written, like the estate's own key next to it, but now the typo is seen
    assert estate.node("system:phoneco")["inventory_categories"] == [
        "user.contact.phone_numbr",
        "user.loyalty_points",
    ]


def test_a_workbook_that_unpacks_too_far_is_refused_and_the_estate_still_read(
    tmp_path: Path,
) -> None:
    root = estate_with(tmp_path, "", name="vendors.xlsx")
    shutil.copy(FIXTURES / "inventory" / "vendors.xlsx", root / "vendors.xlsx")
    # a few hundred kilobytes on disk, 201 MB of zeros once unpacked
    with zipfile.ZipFile(root / "vendors.xlsx", "a", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/media/padding.bin", bytes(table.MAX_XLSX_UNPACKED_BYTES + 1))
    assert (root / "vendors.xlsx").stat().st_size < 1024 * 1024
    estate = flowscope.load(root)
    [refused] = [str(d) for d in estate.errors]
    assert refused.startswith("vendors.xlsx: error: workbook unpacks to ")
    assert refused.endswith(f"(limit {table.MAX_XLSX_UNPACKED_BYTES}); not read")
    assert "system:web-app" in estate.graph  # the rest of the estate is still there


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_rows_past_the_limit_are_not_read_and_say_so(tmp_path: Path, suffix: str) -> None:
    rows = [["Vendor", "Data shared"]] + [[f"V{n}", "emails"] for n in range(table.MAX_ROWS + 5)]
    path = tmp_path / f"vendors.{suffix}"
    if suffix == "csv":
        path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    else:
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("Vendors")
        for row in rows:
            sheet.append(row)
        book.save(path)
    read = table.read_table(path, path.name)
    assert len(read.rows) == table.MAX_ROWS
    assert [str(p) for p in read.problems] == [
        f"{path.name}:{table.MAX_ROWS + 2}: error: more than {table.MAX_ROWS} rows: "
        "the rest is not read"
    ]
