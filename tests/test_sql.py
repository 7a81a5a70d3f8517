"""SQL lineage: the API's contract, bad input, the estate's warehouse, dbt, the CLI."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import networkx as nx
import pytest

import flowscope
from conftest import ACME, run_cli
from flowscope.model import Level


def test_the_json_contract() -> None:
    result = flowscope.lineage(
        "create temp table t as select id, email from raw.users;\n"
        "insert into marts.contacts select id, sha2(email) as email_hash from t;\n",
        dialect="postgres",
    )
    assert set(result) == {"statements", "script", "errors"}
    first = result["statements"][0]
    assert set(first) >= {"index", "line", "kind", "sources", "targets", "columns"}
    assert (first["index"], first["line"], first["sources"], first["targets"]) == (
        0,
        1,
        ["raw.users"],
        ["t"],
    )
    assert result["statements"][1]["line"] == 2
    assert result["script"] == {
        "sources": ["raw.users"],
        "targets": ["marts.contacts"],
        "intermediate": ["t"],
        "columns": [
            {
                "source": "raw.users.email",
                "target": "marts.contacts.email_hash",
                "transform": "masked",
            },
            {"source": "raw.users.id", "target": "marts.contacts.id", "transform": "direct"},
        ],
    }


def test_catalog_expands_select_star_and_case_folds_by_dialect() -> None:
    sql = "create table marts.copy as select * from RAW.Users"
    without = flowscope.lineage(sql, "snowflake")
    assert without["script"]["columns"] == [
        {"source": "raw.users.*", "target": "marts.copy.*", "transform": "direct"}
    ]
    known = flowscope.lineage(sql, "snowflake", catalog={"raw.users": ["id", "email"]})
    assert {c["target"] for c in known["script"]["columns"]} == {
        "marts.copy.id",
        "marts.copy.email",
    }


def test_statements_it_cannot_understand_are_warnings_and_the_rest_is_read() -> None:
    sql = textwrap.dedent(
        """\
        create table a as select x from s;
        do $$ begin perform 1; end $$;
        selec broken stuff from;
        insert into b select x from a;
        """
    )
    result = flowscope.lineage(sql, "postgres")
    assert [e["line"] for e in result["errors"]] == [2, 3]
    assert result["script"]["targets"] == ["b"]
    assert result["script"]["columns"] == [
        {"source": "s.x", "target": "b.x", "transform": "direct"}
    ]


def test_a_statement_over_the_time_limit_is_skipped() -> None:
    huge = "select " + " + ".join(f"coalesce(c{i}, {i})" for i in range(6000)) + " as total from t"
    sql = f"create table slow as {huge};\ncreate table quick as select x from s;\n"
    assert len(sql) > 100_000
    from flowscope.ingest.sql import lineage

    result = lineage(sql, "postgres", statement_seconds=0.05)
    assert result["errors"] == [
        {"line": 1, "message": "statement skipped: it took longer than the time limit"}
    ]
    assert result["script"]["targets"] == ["quick"]


SAMPLE = {
    "sql/exports/marketing_audience.sql": {
        ("marts.customer_360.customer_id", "exports.marketing_audience.customer_id", "direct"),
        ("marts.customer_360.email", "exports.marketing_audience.email", "direct"),
        ("marts.customer_360.first_name", "exports.marketing_audience.first_name", "direct"),
        (
            "marts.customer_360.lifetime_value",
            "exports.marketing_audience.lifetime_value",
            "direct",
        ),
        ("marts.customer_360.phone", "exports.marketing_audience.phone", "direct"),
    },
    "sql/exports/product_analytics.sql": {
        ("marts.customer_360.avg_csat", "exports.product_analytics.avg_csat", "direct"),
        ("marts.customer_360.email", "exports.product_analytics.email_hash", "masked"),
        (
            "marts.customer_360.last_ordered_at",
            "exports.product_analytics.last_order_month",
            "derived",
        ),
        ("marts.customer_360.lifetime_value", "exports.product_analytics.lifetime_value", "direct"),
        ("marts.customer_360.order_count", "exports.product_analytics.order_count", "direct"),
        ("marts.customer_360.ticket_count", "exports.product_analytics.ticket_count", "direct"),
    },
    "sql/marts/customer_360.sql": {
        ("staging.tickets.satisfaction_score", "marts.customer_360.avg_csat", "aggregated"),
        ("staging.customers.customer_id", "marts.customer_360.customer_id", "direct"),
        ("staging.customers.date_of_birth", "marts.customer_360.date_of_birth", "direct"),
        ("staging.customers.email", "marts.customer_360.email", "direct"),
        ("staging.customers.first_name", "marts.customer_360.first_name", "direct"),
        ("staging.customers.last_name", "marts.customer_360.last_name", "direct"),
        ("staging.orders.ordered_at", "marts.customer_360.last_ordered_at", "aggregated"),
        ("staging.orders.total_amount", "marts.customer_360.lifetime_value", "aggregated"),
        ("staging.customers.marketing_opt_in", "marts.customer_360.marketing_opt_in", "direct"),
        ("staging.customers.phone", "marts.customer_360.phone", "direct"),
    },
    "sql/staging/stg_customers.sql": {
        ("raw.crm_contacts.created_at", "staging.customers.created_at", "direct"),
        ("raw.crm_contacts.id", "staging.customers.customer_id", "direct"),
        ("raw.crm_contacts.date_of_birth", "staging.customers.date_of_birth", "direct"),
        ("raw.crm_contacts.email", "staging.customers.email", "derived"),
        ("raw.crm_contacts.first_name", "staging.customers.first_name", "direct"),
        ("raw.crm_contacts.last_name", "staging.customers.last_name", "direct"),
        ("raw.crm_contacts.marketing_opt_in", "staging.customers.marketing_opt_in", "direct"),
        ("raw.crm_contacts.phone", "staging.customers.phone", "direct"),
    },
}


@pytest.mark.parametrize("file", sorted(SAMPLE))
def test_the_sample_estates_models_exactly(file: str) -> None:
    result = run_cli("lineage", str(ACME / file), "--dialect", "snowflake", "--format", "json")
    assert result.returncode == 0 and result.stderr == ""
    script = json.loads(result.stdout)["script"]
    assert {(c["source"], c["target"], c["transform"]) for c in script["columns"]} == SAMPLE[file]
    assert script["intermediate"] == (["order_totals"] if "customer_360" in file else [])


def test_lineage_cli_table_stdin_and_bad_file(tmp_path: Path) -> None:
    table = run_cli(
        "lineage", str(ACME / "sql/exports/product_analytics.sql"), "--dialect", "snowflake"
    )
    assert "script: marts.customer_360 -> exports.product_analytics" in table.stdout
    assert "->  exports.product_analytics.email_hash  (masked)" in table.stdout
    missing = run_cli("lineage", str(tmp_path / "nope.sql"))
    assert missing.returncode == 2 and "nope.sql: error: cannot read" in missing.stderr
    broken = tmp_path / "broken.sql"
    broken.write_text("create table a as select 1 as x;\nselect from from;\n")
    result = run_cli("lineage", str(broken))
    assert result.returncode == 0
    assert result.stderr.startswith(f"{broken}:2: warning: statement not understood")


def test_the_sample_warehouse_in_the_graph() -> None:
    estate = flowscope.load(ACME)
    assert [str(d) for d in estate.diagnostics if d.source.file != "vendors.csv"] == []
    wh = "field:warehouse/"
    lineage_only = nx.DiGraph(
        (u, v) for u, v, _, d in estate.edges("lineage") if u.startswith("field:")
    )
    # e-mail travels from the CRM's raw table to the marketing export, unmasked all the way
    path = nx.shortest_path(
        lineage_only, f"{wh}raw.crm_contacts.email", f"{wh}exports.marketing_audience.email"
    )
    assert [p.removeprefix(wh) for p in path] == [
        "raw.crm_contacts.email",
        "staging.customers.email",
        "marts.customer_360.email",
        "exports.marketing_audience.email",
    ]
    hashed = estate.graph.edges[
        f"{wh}marts.customer_360.email",
        f"{wh}exports.product_analytics.email_hash",
        "lineage:masked",
    ]
    assert hashed["transform"] == "masked"
    assert hashed["sources"][0].file == "sql/exports/product_analytics.sql"
    # the catalog's columns are fields too, with the catalog's line
    born = estate.node(f"{wh}raw.crm_contacts.date_of_birth")
    assert born["categories"] == ["user.demographic.date_of_birth"]
    flows = {(u, v): d for u, v, _, d in estate.flows()}
    marketing = flows["system:warehouse", "system:marketing-automation"]
    assert "user.contact.email" in marketing["observed_categories"]
    analytics = flows["system:warehouse", "system:analytics"]
    assert "user.contact.email" not in analytics.get("observed_categories", [])  # hashed on the way


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def test_temp_tables_of_two_files_stay_apart_and_dialects_go_by_folder(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "flowscope.yaml": """\
                sql:
                  dialect: postgres
                  dialects: {"sql/spark/*": spark}
                """,
            "sql/a.sql": "create temp table tmp as select email from raw.a;\ninsert into out_a select email from tmp;\n",
            "sql/b.sql": "create temp table tmp as select phone from raw.b;\ninsert into out_b select phone from tmp;\n",
            "sql/spark/c.sql": "insert overwrite table out_c select item from raw.c lateral view explode(items) x as item;\n",
        },
    )
    estate = flowscope.load(root)
    assert estate.diagnostics == []
    temps = sorted(n for n, d in estate.nodes("dataset") if d.get("temporary"))
    assert temps == ["dataset:warehouse/tmp@sql/a.sql", "dataset:warehouse/tmp@sql/b.sql"]
    assert not estate.graph.has_edge(
        "field:warehouse/tmp@sql/a.sql.email", "field:warehouse/out_b.phone"
    )
    assert estate.graph.has_edge("field:warehouse/raw.c.items", "field:warehouse/out_c.item")


def test_files_read_in_parallel_give_the_same_graph(tmp_path: Path) -> None:
    files = {
        f"sql/step{i}.sql": f"create table t{i + 1} as select a, b from t{i};\n" for i in range(8)
    }
    root = write(tmp_path, files)
    serial = flowscope.load(root, jobs=1)
    parallel = flowscope.load(root, jobs=2)
    assert sorted(serial.graph.edges(keys=True)) == sorted(parallel.graph.edges(keys=True))
    assert nx.has_path(parallel.graph, "field:warehouse/t0.a", "field:warehouse/t8.a")


def test_catalog_csv_in_both_shapes(tmp_path: Path) -> None:
    for header, rows in (
        ("table,column,type", ["raw.users,id,int", "raw.users,email,text"]),
        (
            "table_schema,table_name,column_name,data_type",
            ["raw,users,id,int", "raw,users,email,text"],
        ),
    ):
        root = write(
            tmp_path / header.split(",")[0],
            {
                "catalog.csv": "\n".join([header, *rows]) + "\n",
                "sql/x.sql": "create table marts.users as select * from raw.users;\n",
            },
        )
        estate = flowscope.load(root)
        assert "field:warehouse/marts.users.email" in estate.graph
        sources = estate.node("field:warehouse/raw.users.email")["sources"]
        assert ("catalog.csv", 3) in {(s.file, s.line) for s in sources}


def test_a_flow_shipping_an_unknown_table_is_an_error(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "systems.yaml": """\
                systems:
                  - {id: warehouse, type: warehouse, zone: internal}
                  - {id: vendor, type: saas, zone: third_party}
                flows:
                  - from: warehouse
                    to: vendor
                    dataset: marts.nowhere
                """,
            "sql/x.sql": "create table marts.somewhere as select email from raw.users;\n",
        },
    )
    estate = flowscope.load(root)
    assert [str(d) for d in estate.errors] == [
        "systems.yaml:7: error: dataset 'marts.nowhere' is not a table the estate's SQL or catalog knows"
    ]


MANIFEST = {
    "nodes": {
        "model.shop.stg_users": {
            "resource_type": "model",
            "relation_name": '"analytics"."staging"."stg_users"',
            "compiled_code": 'select id as user_id, lower(email) as email from "analytics"."raw"."users"',
            "depends_on": {"nodes": ["source.shop.raw.users"]},
        },
        "model.shop.mailing": {
            "resource_type": "model",
            "relation_name": '"analytics"."marts"."mailing"',
            "compiled_code": 'select user_id, md5(email) as email_md5 from "analytics"."staging"."stg_users"',
            "depends_on": {"nodes": ["model.shop.stg_users"]},
        },
        "test.shop.not_null": {"resource_type": "test"},
    },
    "sources": {
        "source.shop.raw.users": {"relation_name": '"analytics"."raw"."users"'},
    },
}


def test_a_compiled_dbt_project(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "flowscope.yaml": "sql:\n  dbt: [shop]\n",
            "shop/dbt_project.yml": "name: shop\n",
            "shop/target/manifest.json": json.dumps(MANIFEST),
        },
    )
    estate = flowscope.load(root)
    assert estate.diagnostics == []
    wh = "field:warehouse/analytics."
    assert estate.graph.edges[
        f"{wh}raw.users.email", f"{wh}staging.stg_users.email", "lineage:derived"
    ]
    masked = estate.graph.edges[
        f"{wh}staging.stg_users.email", f"{wh}marts.mailing.email_md5", "lineage:masked"
    ]
    assert masked["sources"][0].file == "shop/target/manifest.json"
    tables = {(u, v) for u, v, _, d in estate.edges("lineage") if u.startswith("dataset:")}
    assert (
        "dataset:warehouse/analytics.raw.users",
        "dataset:warehouse/analytics.staging.stg_users",
    ) in tables


def test_a_dbt_project_that_was_never_compiled(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {"flowscope.yaml": "sql:\n  dbt: [shop]\n", "shop/dbt_project.yml": "name: shop\n"},
    )
    estate = flowscope.load(root)
    assert [str(d) for d in estate.errors] == [
        "shop/dbt_project.yml: error: dbt project has no compiled manifest: run `dbt compile` (or `dbt build`) first"
    ]
    assert [d.level for d in estate.diagnostics] == [Level.ERROR]


def test_an_external_tables_storage_is_a_dataset_of_its_own(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "sql/ext.sql": """\
                create external table exports.partner_feed (id int, email string)
                stored as parquet location 's3://partner-bucket/feed/';
                insert overwrite table exports.partner_feed select id, email from crm.contacts;
                """,
            "flowscope.yaml": "sql:\n  dialect: hive\n",
        },
    )
    estate = flowscope.load(root)
    assert estate.diagnostics == []
    feed = "dataset:warehouse/exports.partner_feed"
    stored = "dataset:warehouse/path:s3://partner-bucket/feed/"
    assert estate.node(feed)["location"] == "s3://partner-bucket/feed/"
    assert estate.node(stored)["type"] == "file"
    assert estate.graph.has_edge(feed, stored)
    assert nx.has_path(estate.graph, "dataset:warehouse/crm.contacts", stored)


def test_dbt_sql_that_quotes_names_in_capitals_keeps_its_columns(tmp_path: Path) -> None:
    manifest = json.loads(json.dumps(MANIFEST))
    model = manifest["nodes"]["model.shop.stg_users"]
    model["compiled_code"] = (
        'select "ID" as user_id, lower("EMAIL") as email from "ANALYTICS"."RAW"."USERS"'
    )
    root = write(
        tmp_path,
        {
            "flowscope.yaml": "sql:\n  dbt: [shop]\n  dialect: snowflake\n",
            "shop/dbt_project.yml": "name: shop\n",
            "shop/target/manifest.json": json.dumps(manifest),
        },
    )
    estate = flowscope.load(root)
    edge = estate.graph.edges[
        "field:warehouse/analytics.raw.users.email",
        "field:warehouse/analytics.staging.stg_users.email",
        "lineage:derived",
    ]
    assert edge["sources"][0].pointer == "/nodes/model.shop.stg_users"


def test_a_procedure_body_is_named_not_passed_over() -> None:
    result = flowscope.lineage(
        "create procedure load_users as begin insert into a select x from b; end;", "tsql"
    )
    assert result["errors"][0]["message"].startswith(
        "CREATE PROCEDURE: its body is not read as a unit"
    )


def test_a_comment_tag_declares_a_columns_categories(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "sql/tagged.sql": """\
                create table marts.contacts (
                    handle varchar -- flowscope: user.contact.email
                );
                create table marts.export as
                select handle as contact, -- flowscope: user.contact.email
                       notes
                from marts.contacts;
                """,
        },
    )
    estate = flowscope.load(root)
    export = estate.node("field:warehouse/marts.export.contact")
    assert export["categories"] == ["user.contact.email"]
    assert export["classified_by"] == "tag"
    assert estate.node("field:warehouse/marts.contacts.handle")["categories"] == [
        "user.contact.email"
    ]
