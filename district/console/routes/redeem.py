"""A merchant's or property company's voucher pages (issue 13): redeem a voucher by its typed
code or by its QR code through the phone's camera (jsQR, vendored), see what it is for and
whether it is valid, confirm; then the redemptions and a monthly settlement statement, both
exportable. Every page is the partner account's own partner only."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import func, select

from district.console import audit
from district.console.routes.partner import PARTNER
from district.console.tables import Column, Table, exportable
from district.console.web import Area, Ctx, ctx_of, render
from district.db import tables as t
from district.entry_checks import SHOP_ZONE
from district.vouchers import limits
from district.vouchers import redeem as r
from district.vouchers import schema as vs
from points_protocol.vouchers import TOKEN_MAX, is_token

area = Area()

MONTH_RE = re.compile(r"20\d\d-(0[1-9]|1[0-2])")
METHODS = ("code", "scan")

# What a partner reads for each answer (English; Chinese in messages_zh).
SAYS = {
    r.VALID: "Valid: you can redeem this voucher.",
    r.REDEEMED: "Redeemed at {at}. Please give the service.",
    r.ALREADY: "Already redeemed at {by} on {at}. Do not give the service again.",
    r.EXPIRED: "Expired on {expires}: it cannot be redeemed.",
    r.VOIDED: "Voided at the kiosk on {at} (the volunteer got the points back): it cannot be "
              "redeemed.",
    r.REFUSED: "The district refused this voucher's sale: please ask the social-work "
               "organisation before giving the service.",
    r.OTHER_PARTNER: "This voucher is for another partner ({by}), not for you.",
    r.UNKNOWN: "No voucher has this code. A voucher sold in the last minutes may not have "
               "reached the district yet: scan its QR code instead.",
    r.FORGED: "This QR code is not a genuine voucher: its signature does not match any kiosk "
              "of the district.",
    r.MISTYPED: "This code is mistyped: please check it against the paper.",
    r.NOT_SYNCED: "This voucher was printed before its kiosk could sign it: it can be redeemed "
                  "once the kiosk has synced, usually within minutes. Please try again later.",
    r.LIMITED: "Too many codes typed here matched no voucher of yours: typed codes are refused "
               "for {minutes} more minutes. You can scan the voucher's QR code meanwhile.",
}
# What a typed code that finds nothing is: a guess, as far as the limit is concerned.
MISSES = (r.UNKNOWN, r.OTHER_PARTNER)


def _local(moment: str | None) -> str:
    if not moment:
        return ""
    return datetime.fromisoformat(moment).astimezone(SHOP_ZONE).strftime("%Y-%m-%d %H:%M")


def _now(ctx: Ctx) -> datetime:
    return datetime.fromtimestamp(ctx.console.clock(), UTC)


def _said(ctx: Ctx, answer: r.Answer) -> str:
    v = answer.voucher or {}
    return ctx.t(SAYS[answer.outcome], at=_local(answer.redeemed_at), by=answer.redeemed_by,
                 expires=_local(v.get("expires_at")), minutes=answer.detail or "")


def _limited(ctx: Ctx, text: str, look: Callable[[], r.Answer]) -> r.Answer:
    """``look`` unless this account or address typed too many codes that found nothing; a
    typed code that finds nothing counts (district.vouchers.limits). QR codes pass."""
    if is_token(text):
        return look()
    account, now = ctx.principal.account_id, ctx.console.clock()
    held = limits.check(ctx.store.db, account, ctx.address, now)
    if held is not None:
        return r.Answer(r.LIMITED, detail=str(held.minutes))
    answer = look()
    if answer.outcome in MISSES:
        limits.record_failure(ctx.store.db, account, ctx.address, now)
    return answer


def _given(form: Any) -> tuple[str, str]:
    """(what names the voucher, how it was read): a scanned token or a typed code."""
    token = form.get("token")
    if isinstance(token, str) and token.strip():
        return token.strip()[:TOKEN_MAX + 1], "scan"
    code = form.get("code")
    return (code.strip()[:40] if isinstance(code, str) else ""), "code"


def _page(ctx: Ctx, answer: r.Answer | None = None, text: str = "", method: str = "code"
          ) -> Response:
    return render(ctx, "redeem.html", title="Redeem a voucher", answer=answer,
                  said=_said(ctx, answer) if answer else "", text=text, method=method,
                  expires=_local((answer.voucher or {}).get("expires_at")) if answer else "")


@area.get("/partner/redeem", PARTNER)
def redeem_page(request: Request) -> Response:
    return _page(ctx_of(request))


@area.post("/partner/redeem/check", PARTNER)
async def check(request: Request) -> Response:
    ctx = ctx_of(request)
    text, method = _given(await request.form())
    answer = _limited(ctx, text, lambda: r.look(ctx.store.db, text,
                                                ctx.principal.partner_id or "", _now(ctx)))
    return _page(ctx, answer, text, method)


@area.post("/partner/redeem/confirm", PARTNER)
async def confirm(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await request.form()
    text, _ = _given(form)
    method = form.get("method") if form.get("method") in METHODS else "code"
    answer = _limited(ctx, text, lambda: r.redeem(
        ctx.store.db, text, partner_id=ctx.principal.partner_id or "",
        account_id=ctx.principal.account_id, now=_now(ctx), method=str(method)))
    if answer.outcome == r.REDEEMED and answer.voucher is not None:
        audit.log(ctx.db, ctx.principal.account_id, "voucher.redeem", answer.voucher["id"],
                  after={"value": answer.voucher["value"], "method": method},
                  address=ctx.address)
    return _page(ctx, answer, "", str(method))


def _month(ctx: Ctx, params: Mapping[str, str]) -> str:
    month = params.get("month", "")
    return month if MONTH_RE.fullmatch(month) else _now(ctx).astimezone(SHOP_ZONE).strftime(
        "%Y-%m")


REDEMPTION_COLUMNS = (Column("at", "Redeemed at"), Column("item", "Voucher"),
                      Column("value", "Points", numeric=True),
                      Column("masked_name", "Volunteer"), Column("method", "How", translate=True),
                      Column("account", "Account"), Column("code", "Code"))


@exportable("voucher_redemptions", PARTNER)
def redemptions_table(ctx: Ctx, params: Mapping[str, str]) -> Table:
    month = _month(ctx, params)
    with ctx.db.read() as conn:
        rows = conn.execute(
            select(vs.redemptions, vs.vouchers.c.item_id, vs.vouchers.c.masked_name,
                   vs.vouchers.c.code, t.items.c.spec)
            .join(vs.vouchers, vs.vouchers.c.id == vs.redemptions.c.voucher_id)
            .outerjoin(t.items, t.items.c.id == vs.vouchers.c.item_id)
            .where(vs.redemptions.c.partner_id == (ctx.principal.partner_id or ""),
                   vs.redemptions.c.month == month)
            .order_by(vs.redemptions.c.redeemed_at.desc())).mappings().all()
    key = "name_zh" if ctx.lang == "zh" else "name_en"
    return Table("voucher_redemptions", "Redemptions", REDEMPTION_COLUMNS, [
        {"at": _local(x["redeemed_at"]), "value": int(x["value"]),
         "item": json.loads(x["spec"]).get(key) if x["spec"] else x["item_id"],
         "masked_name": x["masked_name"], "method": x["method"], "account": x["account_id"],
         "code": x["code"] or ""} for x in rows], params={"month": month})


STATEMENT_COLUMNS = (Column("day", "Day"), Column("count", "Vouchers", numeric=True),
                     Column("points", "Points", numeric=True))


@exportable("voucher_statement", PARTNER)
def statement_table(ctx: Ctx, params: Mapping[str, str]) -> Table:
    """The month's settlement statement: per day, how many vouchers and how many points, and
    the month's total as its last row."""
    month = _month(ctx, params)
    with ctx.db.read() as conn:
        rows = conn.execute(
            select(vs.redemptions.c.day, func.count(), func.sum(vs.redemptions.c.value))
            .where(vs.redemptions.c.partner_id == (ctx.principal.partner_id or ""),
                   vs.redemptions.c.month == month)
            .group_by(vs.redemptions.c.day).order_by(vs.redemptions.c.day)).all()
    days = [{"day": day, "count": int(n), "points": int(points or 0)} for day, n, points in rows]
    total = {"day": ctx.t("Month total"), "count": sum(d["count"] for d in days),
             "points": sum(d["points"] for d in days)}
    return Table("voucher_statement", "Settlement statement", STATEMENT_COLUMNS,
                 [*days, total] if days else [], params={"month": month})


@area.get("/partner/vouchers", PARTNER)
def vouchers_page(request: Request) -> Response:
    ctx = ctx_of(request)
    params = {k: v[:20] for k, v in request.query_params.items()}
    statement = statement_table(ctx, params)
    return render(ctx, "partner_vouchers.html", title="Vouchers redeemed",
                  month=statement.params["month"], statement=statement,
                  redemptions=redemptions_table(ctx, params))
