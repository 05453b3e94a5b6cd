"""Spreadsheets as the volunteer platform exports them, made for tests."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

VOLUNTEER_HEADERS = ("志愿者统一编号", "姓名", "所属社区", "状态", "卡号")
SERVICE_HEADERS = ("志愿者统一编号", "活动编号", "服务日期", "服务时长", "活动类型")


def xlsx(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_text(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    return "\r\n".join(",".join(str(c) for c in r) for r in [headers, *rows]) + "\r\n"
