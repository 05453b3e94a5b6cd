"""Reports with charts (ECharts, drawn in the browser from data the page carries) and every
table exportable: points earned and spent per day, week or month; per community; per
category; stock turning; debt; and, loaded after the page (it follows every delivery's units
through the whole stock history), per donor."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from district.console import rollups
from district.console.queries import reports as rq
from district.console.scope import STAFF
from district.console.tables import Column, Table, exportable
from district.console.web import Area, Ctx, ctx_of, render

area = Area()

TIME_COLUMNS = (Column("period", "Period"), Column("earned", "Earned", numeric=True),
                Column("spent", "Spent", numeric=True))
COMMUNITY_COLUMNS = (Column("community", "Community"), Column("earned", "Earned", numeric=True),
                     Column("spent", "Spent", numeric=True))
CATEGORY_COLUMNS = (Column("category", "Category", translate=True),
                    Column("units", "Units", numeric=True),
                    Column("points", "Points", numeric=True))
STOCK_COLUMNS = (Column("item_id", "Item"), Column("name", "Item name"),
                 Column("on_hand", "On hand", numeric=True),
                 Column("sold", "Taken in the period", numeric=True),
                 Column("per_day", "Per day"), Column("days_left", "Days left at this pace"),
                 Column("turns", "Turns"))
DEBT_COLUMNS = (Column("community", "Community"),
                Column("volunteers", "Volunteers in debt", numeric=True),
                Column("debt", "Points owed", numeric=True))
DONOR_COLUMNS = (Column("donor_id", "Donor", link="/donors/{donor_id}"),
                 Column("name", "Partner name"), Column("given", "Given", numeric=True),
                 Column("sold", "Taken", numeric=True),
                 Column("volunteers", "Volunteers", numeric=True),
                 Column("points", "Points spent on them", numeric=True),
                 Column("on_shelf", "Still on the shelf", numeric=True))


def _period(ctx: Ctx, params: Mapping[str, str]) -> rq.Period:
    today = datetime.fromtimestamp(ctx.console.clock(), UTC).date()
    return rq.period(params.get("from", ""), params.get("to", ""), params.get("by", "day"),
                     today)


def _params(p: rq.Period) -> dict[str, str]:
    return {"from": p.start_text, "to": p.end.isoformat(), "by": p.grain}


def report_tables(ctx: Ctx, params: Mapping[str, str]) -> dict[str, Table]:
    """Every table of the reports page, from one read of each sum."""
    p = _period(ctx, params)
    rollups.ensure_earned(ctx.db)
    with ctx.db.read() as conn:
        key = ("reports", ctx.principal.communities, p)
        return ctx.console.cache.get(conn, key, lambda: _tables(ctx, conn, p))


def _tables(ctx: Ctx, conn: Any, p: rq.Period) -> dict[str, Table]:
    figures = rq.Figures(conn, ctx.principal, p, ctx.console.cache)
    debt = rq.debt(conn, ctx.principal)
    tables = {
        "time": Table("report_time", "Points earned and spent", TIME_COLUMNS,
                      figures.over_time()),
        "community": Table("report_community", "Per community", COMMUNITY_COLUMNS,
                           figures.per_community()),
        "category": Table("report_category", "Spent per category", CATEGORY_COLUMNS,
                          figures.per_category()),
        "stock": Table("report_stock", "Stock turning", STOCK_COLUMNS,
                       figures.stock_turning()),
        "debt": Table("report_debt", "Debt", DEBT_COLUMNS, debt)}
    for key in ("time", "community", "category", "stock"):
        tables[key].params = _params(p)
    return tables


def _one(key: str) -> Any:
    def source(ctx: Ctx, params: Mapping[str, str]) -> Table:
        return report_tables(ctx, params)[key]
    return source


for _key in ("time", "community", "category", "stock", "debt"):
    exportable(f"report_{_key}", STAFF)(_one(_key))


@exportable("report_donor", STAFF)
def donor_table(ctx: Ctx, params: Mapping[str, str]) -> Table:
    with ctx.db.read() as conn:
        rows = rq.per_donor(conn, ctx.principal, ctx.console.cache)
    return Table("report_donor", "Per donor (all time)", DONOR_COLUMNS, rows)


def _chart(kind: str, table: Table, label: str, series: list[tuple[str, str]], *,
           ctx: Ctx, translate_labels: bool = False) -> dict[str, Any]:
    labels = [ctx.t(str(r[label])) if translate_labels else str(r[label]) for r in table.rows]
    return {"type": kind, "labels": labels,
            "series": [{"name": ctx.t(name), "data": [r[key] for r in table.rows]}
                       for key, name in series]}


@area.get("/reports", STAFF)
def reports(request: Request) -> Response:
    ctx = ctx_of(request)
    params = dict(request.query_params)
    tables = report_tables(ctx, params)
    both = [("earned", "Earned"), ("spent", "Spent")]
    charts = {
        "time": _chart("line", tables["time"], "period", both, ctx=ctx),
        "community": _chart("bar", tables["community"], "community", both, ctx=ctx),
        "category": _chart("pie", tables["category"], "category", [("points", "Points")],
                           ctx=ctx, translate_labels=True),
        "debt": _chart("bar", tables["debt"], "community", [("debt", "Points owed")],
                       ctx=ctx),
    }
    return render(ctx, "reports.html", title="Reports", tables=tables, charts=charts,
                  period=_period(ctx, params), grains=rq.GRAINS)


@area.get("/reports/donors", STAFF)
def donors_part(request: Request) -> Response:
    """The per-donor part of the reports page, fetched by the page once it is shown."""
    ctx = ctx_of(request)
    table = donor_table(ctx, {})
    chart = _chart("bar", table, "donor_id", [("points", "Points spent on them")], ctx=ctx)
    return render(ctx, "report_donors.html", table=table, chart=chart)
