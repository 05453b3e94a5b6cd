"""Reports: today, this week or the last 30 days at a glance (figures, points per day and
goods per donor as bar charts, top items), and the whole report as CSV onto a folder or a
USB stick."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from pathlib import Path

from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QListWidget, QVBoxLayout

from kiosk.core import reports
from kiosk.ui.admin.base import AdminContext, AdminScreen, clicked, heading
from kiosk.ui.admin.chart import BarChart
from kiosk.ui.admin.work import Result
from kiosk.ui.widgets import button, label

PERIODS = ("today", "week", "30days")


def export_folders(default: Path) -> list[Path]:
    """The kiosk's own export folder and any mounted USB stick (udisks mounts them under
    /media/USER/NAME or /run/media/USER/NAME)."""
    found = [default]
    for root in (Path("/media"), Path("/run/media")):
        if root.is_dir():
            found += sorted(p for user in root.iterdir() if user.is_dir()
                            for p in user.iterdir() if p.is_dir())
    return found


class ReportsScreen(AdminScreen):
    def __init__(self, ctx: AdminContext, export_dir: Path) -> None:
        super().__init__(ctx)
        m = ctx.metrics
        self.export_dir = export_dir
        self.period_key = "today"
        self.report: reports.Report | None = None
        box = QVBoxLayout(self)
        box.setSpacing(m.unit // 2)
        tabs = QHBoxLayout()
        self.tabs = {}
        for key in PERIODS:
            b = button(role="tab")
            b.setCheckable(True)
            clicked(b, partial(self.choose, key))
            self.tabs[key] = b
            tabs.addWidget(b)
        box.addLayout(tabs)
        grid = QGridLayout()
        self.figures = label()
        self.per_day_heading = heading()
        self.per_day = BarChart(m.unit)
        self.per_donor_heading = heading()
        self.per_donor = BarChart(m.unit)
        self.top_heading = heading()
        self.top = QListWidget()
        grid.addWidget(self.figures, 0, 0, 2, 1)
        grid.addWidget(self.per_day_heading, 0, 1)
        grid.addWidget(self.per_day, 1, 1)
        grid.addWidget(self.top_heading, 2, 0)
        grid.addWidget(self.top, 3, 0)
        grid.addWidget(self.per_donor_heading, 2, 1)
        grid.addWidget(self.per_donor, 3, 1)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)
        box.addLayout(grid, 1)
        export = QHBoxLayout()
        self.folder = QComboBox()
        self.folder.setMinimumHeight(m.touch)
        self.export = button(role="go")
        clicked(self.export, self.export_csv)
        export.addWidget(self.folder, 3)
        export.addWidget(self.export, 1)
        box.addLayout(export)
        box.addWidget(self.notice)
        self.exported = label("", "Muted")
        box.addWidget(self.exported)

    def title(self) -> str:
        return self.tr("Reports")

    def retranslate(self) -> None:
        names = {"today": self.tr("Today"), "week": self.tr("This week"),
                 "30days": self.tr("Last 30 days")}
        for key, b in self.tabs.items():
            b.setText(names[key])
            b.setChecked(key == self.period_key)
        self.per_day_heading.setText(self.tr("Points per day"))
        self.per_donor_heading.setText(self.tr("Goods given out, per donor"))
        self.top_heading.setText(self.tr("Top items"))
        self.export.setText(self.tr("Export CSV"))
        self._show()

    def refresh(self) -> None:
        self.folder.clear()
        for path in export_folders(self.export_dir):
            self.folder.addItem(str(path), str(path))
        self.exported.clear()
        self.choose(self.period_key)

    def period(self) -> reports.Period:
        now, tz = self.ctx.clock.now(), self.ctx.work.services.kiosk.timezone
        if self.period_key == "today":
            return reports.today(now, tz)
        if self.period_key == "week":
            return reports.this_week(now, tz)
        last = now.astimezone(tz).date()
        return reports.between(last - timedelta(days=29), last, tz)

    def choose(self, key: str) -> None:
        self.period_key = key
        for k, b in self.tabs.items():
            b.setChecked(k == key)
        period = self.period()

        def done(result: Result) -> None:
            if result.ok:
                self.report = result.value
                self._show()
        self.run(lambda: self.ctx.work.report(period), done)

    def _show(self) -> None:
        r = self.report
        if r is None:
            return
        lines = [self.tr("Period: %1").replace("%1", r.period.label),
                 self.tr("Orders: %1 (voided: %2)").replace("%1", self.n(r.sales))
                 .replace("%2", self.n(r.voids)),
                 self.tr("Points redeemed: %1").replace("%1", self.n(r.points_redeemed)),
                 self.tr("Items out: %1").replace("%1", self.n(r.items_out)),
                 self.tr("Low stock: %1 items").replace("%1", self.n(len(r.low_stock))),
                 self.tr("Offline sales: %1, not yet confirmed: %2")
                 .replace("%1", self.n(r.offline.offline_sales))
                 .replace("%2", self.n(r.offline.unconfirmed_entries)),
                 self.tr("Below zero: %1 volunteers, %2 points")
                 .replace("%1", self.n(r.offline.volunteers_below_zero))
                 .replace("%2", self.n(r.offline.points_below_zero))]
        self.figures.setText("\n".join(lines))
        self.per_day.set_bars([(day[5:], points) for day, points in r.points_per_day])
        donors: dict[str, int] = {}
        for d in r.donors:
            name = d.donor_name or self.tr("(no donor)")
            donors[name] = donors.get(name, 0) + d.given_out
        self.per_donor.set_bars(sorted(donors.items(), key=lambda kv: -kv[1]))
        self.top.clear()
        for t in r.top_items:
            self.top.addItem(f"{self.lang.pick(t.name_zh, t.name_en)}  × {self.n(t.quantity)}"
                             f"  ({self.n(t.points)})")

    def export_csv(self) -> None:
        if self.report is None:
            return
        rep, folder = self.report, Path(str(self.folder.currentData() or self.export_dir))

        def done(result: Result) -> None:
            if result.ok:
                self.say(None)
                self.exported.setText(self.tr("%1 files written to %2")
                                      .replace("%1", self.n(len(result.value)))
                                      .replace("%2", str(folder)))
        self.run(lambda: self.ctx.work.export(rep, folder), done)
