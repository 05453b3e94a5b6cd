"""``/console/export/NAME.xlsx|csv``: any table a page shows, for the same person and the same
query, as a file."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import Response

from district.console import audit, export
from district.console.scope import ALL_ROLES
from district.console.tables import EXPORTS
from district.console.web import Area, Denied, NotFound, ctx_of

area = Area()
TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "csv": "text/csv; charset=utf-8"}


@area.get("/export/{name}.{fmt}", ALL_ROLES)
def export_table(name: str, fmt: str, request: Request) -> Response:
    ctx = ctx_of(request)
    source = EXPORTS.get(name)
    if source is None or fmt not in TYPES:
        raise NotFound
    if ctx.principal.role not in source.roles:
        raise Denied
    params = {k: v[:200] for k, v in request.query_params.items()}
    table = source.source(ctx, params)
    headers = [ctx.t(c.label) for c in table.columns]
    title = ctx.t(table.title)
    data = export.to_csv(table, headers) if fmt == "csv" else export.to_xlsx(table, headers,
                                                                              title)
    audit.log(ctx.db, ctx.principal.account_id, "export", f"{name}.{fmt}",
              after={"rows": len(table.rows), "params": params}, address=ctx.address)
    stamp = datetime.fromtimestamp(ctx.console.clock(), UTC).strftime("%Y%m%d")
    filename = f"{name}-{stamp}.{fmt}"
    return Response(data, media_type=TYPES[fmt], headers={
        "Content-Disposition": f"attachment; filename={filename}; "
                               f"filename*=UTF-8''{quote(filename)}"})
