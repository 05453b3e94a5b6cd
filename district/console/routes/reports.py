"""Reports with charts (ECharts, drawn in the browser from data the page carries) and every
table exportable: points earned and spent per day, week or month; per community; per
category; per donor; stock turning; debt."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from district.console.queries import reports as rq
from district.console.scope import STAFF
from district.console.tables import Column, Table, exportable
from district.console.web import Area, Ctx, ctx_of, render

area = Area()


def _period(ctx: Ctx, params: Mapping[str, str]) -> rq.Period:
    today = datetime.fromtimestamp(ctx.console.clock(), UTC).date()
    return rq.period(params.get("from", ""), params.get("to", ""), params.get("by", "day"),
                     today)


def _params(p: rq.Period) -> dict[str, str]:
    return {"from": p.start_text, "to": p.end.isoformat(), "by": p.grain}


@exportable("report_time", STAFF)
def time_table(ctx: Ctx, params: Mapping[str, str]) -> Table:
    p = _period(ctx, params)
    with ctx.db.read() as conn:
        rows = rq.over_time(conn, ctx.principal, p)
    return Table("report_time", "Points earned and spent", (
        Column("period", "Period"), Column("earned", "Earned", numeric=True),
        Column("spent", "Spent", numeric=True)), rows, params=_params(p))


@exportable("report_community", STAFF)
def community_table(ctx: Ctx, params: Mapping[str, str]) -> Table:
    p = _period(ctx, params)
    with ctx.db.read() as conn:
        rows = rq.per_community(conn, ctx.principal, p)
    return Table("report_community", "Per community", (
        Column("community", "Community"), Column("earned", "Earned", numeric=True),
        Column("spent", "Spent", numeric=True)), rows, params=_params(p))


@exportable("report_category", STAFF)
def category_table(ctx: Ctx, params: Mapping[str, str]) -> Table:
    p = _period(ctx, params)
    with ctx.db.read() as conn:
        rows = rq.per_category(conn, ctx.principal, p)
    return Table("report_category", "Spent per category", (
        Column("category", "Category", translate=True), Column("units", "Units", numeric=True),
        Column("points", "Points", numeric=True)), rows, params=_params(p))


@exportable("report_donor", STAFF)
def donor_table(ctx: Ctx, params: Mapping[str, str]) -> Table:
    with ctx.db.read() as conn:
        rows = rq.per_donor(conn, ctx.principal)
    return Table("report_donor", "Per donor (all time)", (
        Column("donor_id", "Donor", link="/donors/{donor_id}"), Column("name", "Name"),
        Column("given", "Given", numeric=True), Column("sold", "Taken", numeric=True),
        Column("volunteers", "Volunteers", numeric=True),
        Column("points", "Points spent on them", numeric=True),
        Column("on_shelf", "Still on the shelf", numeric=True)), rows)


@exportable("report_stock", STAFF)
def stock_table(ctx: Ctx, params: Mapping[str, str]) -> Table:
    p = _period(ctx, params)
    with ctx.db.read() as conn:
        rows = rq.stock_turning(conn, ctx.principal, p)
    return Table("report_stock", "Stock turning", (
        Column("item_id", "Item"), Column("name", "Name"),
        Column("on_hand", "On hand", numeric=True), Column("sold", "Taken in the period",
                                                           numeric=True),
        Column("per_day", "Per day"), Column("days_left", "Days left at this pace"),
        Column("turns", "Turns")), rows, params=_params(p))


@exportable("report_debt", STAFF)
def debt_table(ctx: Ctx, params: Mapping[str, str]) -> Table:
    with ctx.db.read() as conn:
        rows = rq.debt(conn, ctx.principal)
    return Table("report_debt", "Debt", (
        Column("community", "Community"), Column("volunteers", "Volunteers in debt",
                                                 numeric=True),
        Column("debt", "Points owed", numeric=True)), rows)


def _chart(kind: str, table: Table, label: str, series: list[tuple[str, str]], *,
           ctx: Ctx, translate_labels: bool = False) -> dict[str, Any]:
    labels = [ctx.t(str(r[label])) if translate_labels else str(r[label]) for r in table.rows]
    return {"type": kind, "labels": labels,
            "series": [{"name": ctx.t(name), "data": [r[key] for r in table.rows]}
                       for key, name in series]}


def report_tables(ctx: Ctx, params: Mapping[str, str]) -> dict[str, Table]:
    return {"time": time_table(ctx, params), "community": community_table(ctx, params),
            "category": category_table(ctx, params), "donor": donor_table(ctx, params),
            "stock": stock_table(ctx, params), "debt": debt_table(ctx, params)}


@area.get("/reports", STAFF)
def reports(request: Request) -> Response:
    ctx = ctx_of(request)
    params = dict(request.query_params)
    p = _period(ctx, params)
    tables = report_tables(ctx, params)
    both = [("earned", "Earned"), ("spent", "Spent")]
    charts = {
        "time": _chart("line", tables["time"], "period", both, ctx=ctx),
        "community": _chart("bar", tables["community"], "community", both, ctx=ctx),
        "category": _chart("pie", tables["category"], "category", [("points", "Points")],
                           ctx=ctx, translate_labels=True),
        "donor": _chart("bar", tables["donor"], "donor_id", [("points", "Points spent on them")],
                        ctx=ctx),
        "debt": _chart("bar", tables["debt"], "community", [("debt", "Points owed")], ctx=ctx),
    }
    return render(ctx, "reports.html", title="Reports", tables=tables, charts=charts,
                  period=p, grains=rq.GRAINS)
