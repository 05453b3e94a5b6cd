"""The steps every import page takes, whatever the file holds (volunteer lists, service
records): the upload is read and held as a pending import, then each look at it plans it again
against the database as it is now, and the preview shows why in the reader's language. The
volunteers' and the credits' pages differ only in what they read and plan."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from fastapi import UploadFile
from fastapi.responses import Response
from sqlalchemy import Connection

from district.console import web
from district.console.imports import pending, tabular
from district.console.imports.reasons_zh import reason_zh
from district.console.scope import Principal
from district.console.web import Ctx, NotFound

Row = TypeVar("Row")
Planned = TypeVar("Planned")


@dataclass(frozen=True)
class ImportKind(Generic[Row, Planned]):
    kind: str                    # the pending import's kind: only this page may load it
    default_name: str            # for an upload whose browser sent no file name
    read_rows: Callable[[tabular.Sheet, Ctx], list[Row]]
    row: Callable[..., Row]      # a held row back from its JSON
    plan: Callable[[Connection, Principal, list[Row]], list[Planned]]
    page: str                    # the preview's path under the console, e.g. "/credits/import"


async def upload(ctx: Ctx, file: UploadFile, what: ImportKind[Row, Any],
                 refused: Callable[[str], Response]) -> Response:
    """Read the file and hold its rows; a file that cannot be read is ``refused`` with the
    reason, nothing held."""
    name = (file.filename or what.default_name)[:200]
    try:
        sheet = tabular.read(await file.read(tabular.MAX_FILE_BYTES + 1), name)
        rows = what.read_rows(sheet, ctx)
    except tabular.FileRefused as exc:
        return refused(str(exc))
    import_id = pending.save(ctx.db, what.kind, ctx.principal, name, rows)
    return web.redirect(f"{web.PREFIX}{what.page}/{import_id}")


def planned(ctx: Ctx, import_id: str, what: ImportKind[Row, Planned]
            ) -> tuple[str, str, list[Planned]]:
    """(file name, status, the plan now) of this person's held import; NotFound for anyone
    else's, or another page's."""
    held = pending.load(ctx.db, import_id, ctx.principal, what.kind)
    if held is None:
        raise NotFound
    file_name, status, raw = held
    rows = [what.row(**r) for r in raw]
    with ctx.db.read() as conn:
        return file_name, status, what.plan(conn, ctx.principal, rows)


def shown(ctx: Ctx, row: dict[str, Any]) -> dict[str, Any]:
    """A preview row with its reason in the reader's language."""
    if ctx.lang == "zh" and row["reason"]:
        row["reason"] = reason_zh(str(row["reason"]))
    return row
