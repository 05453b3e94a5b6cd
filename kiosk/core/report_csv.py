"""A report as CSV files, one per table, for a folder or a USB stick.

UTF-8 with a BOM (``utf-8-sig``): without it spreadsheet programs on Windows guess the
local code page and show the Chinese names as garbage. Headers carry both languages because
the same files go to the district and to partner businesses.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from kiosk.core import csv_safe
from kiosk.core.audit import AuditEntry
from kiosk.core.reports import Report


def _write(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    csv_safe.write(path, header, rows)   # no cell a spreadsheet would run as a formula
    return path


def write_report(report: Report, folder: Path, audit: Sequence[AuditEntry] = ()) -> list[Path]:
    """Write every table of ``report`` (and the audit rows) into ``folder``; returns the files."""
    folder.mkdir(parents=True, exist_ok=True)
    tag = report.period.label.replace("..", "_")
    r, off = report, report.offline
    files = [
        _write(folder / f"summary_{tag}.csv", ("指标 measure", "数值 value"), [
            ("period", r.period.label), ("sales", r.sales), ("voids", r.voids),
            ("points_redeemed", r.points_redeemed), ("items_out", r.items_out),
            ("offline_sales", off.offline_sales), ("offline_points", off.offline_points),
            ("unconfirmed_entries", off.unconfirmed_entries),
            ("volunteers_below_zero", off.volunteers_below_zero),
            ("points_below_zero", off.points_below_zero)]),
        _write(folder / f"top_items_{tag}.csv",
               ("商品编号 item_id", "名称 name_zh", "name_en", "数量 quantity", "积分 points"),
               [(t.item_id, t.name_zh, t.name_en, t.quantity, t.points) for t in r.top_items]),
        _write(folder / f"points_per_day_{tag}.csv", ("日期 day", "积分 points"),
               r.points_per_day),
        _write(folder / f"items_per_category_{tag}.csv", ("类别 category", "数量 quantity"),
               r.items_per_category),
        _write(folder / f"donors_{tag}.csv",
               ("捐赠方编号 donor_id", "捐赠方 donor", "商品编号 item_id", "名称 name_zh",
                "name_en", "收到 received", "已兑出 given_out", "报损 written_off"),
               [(d.donor_id or "", d.donor_name, d.item_id, d.name_zh, d.name_en, d.received,
                 d.given_out, d.written_off) for d in r.donors]),
        _write(folder / f"low_stock_{tag}.csv",
               ("商品编号 item_id", "名称 name_zh", "name_en", "库存 on_hand",
                "提醒线 threshold"),
               [(s.item_id, s.name_zh, s.name_en, s.on_hand, s.threshold)
                for s in r.low_stock]),
        _write(folder / f"audit_{tag}.csv",
               ("时间 at", "操作员 operator", "操作 action", "对象 subject", "之前 before",
                "之后 after"),
               [(a.at, a.operator_id, a.action, a.subject or "",
                 "" if a.before is None else json.dumps(a.before, ensure_ascii=False),
                 "" if a.after is None else json.dumps(a.after, ensure_ascii=False))
                for a in audit]),
    ]
    return files
