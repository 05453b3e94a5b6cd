"""Reports: today, this week, the last 30 days or a chosen period at a glance (figures, points
per day and goods per donor as bar charts, top items), and the whole report as CSV onto a
folder or a USB stick.

A chosen period is two whole days in the shop's zone, both included, turned into a period by
:func:`kiosk.core.reports.between`, the same call ``kiosk-admin report period --from --to``
makes, so the screen and the command line always agree."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.core import reports
from kiosk.ui.admin.base import AdminContext, AdminScreen, clicked, heading
from kiosk.ui.admin.chart import BarChart
from kiosk.ui.theme import Metrics
from kiosk.ui.widgets import button, label, touch_list

PERIODS = ("today", "week", "30days", "chosen")


def date_picker(m: Metrics) -> QDateEdit:
    """A day field whose calendar pops up with finger-sized days (7 columns, about 7 rows
    with the month bar); ISO dates read the same in both languages."""
    picker = QDateEdit()
    picker.setCalendarPopup(True)
    picker.setDisplayFormat("yyyy-MM-dd")
    picker.setMinimumHeight(m.touch)
    calendar = picker.calendarWidget()
    calendar.setMinimumSize(m.touch * 7, m.touch * 7)
    calendar.setGridVisible(True)
    # the month arrows and the month/year buttons are small tool buttons by default
    calendar.setStyleSheet(f"QCalendarWidget QToolButton {{ min-width: {m.touch}px; "
                           f"min-height: {m.touch}px; qproperty-iconSize: {m.unit}px; }}")
    return picker


def as_date(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


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
        self.asked: reports.Period | None = None  # the period whose report is on its way
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
        self.range_row = self._range_row(m)
        box.addWidget(self.range_row)
        grid = QGridLayout()
        self.figures = label(wrap=False)  # short lines; a wrapped label spanning rows is squeezed
        self.per_day_heading = heading()
        self.per_day = BarChart(m.unit)
        self.per_donor_heading = heading()
        self.per_donor = BarChart(m.unit)
        self.top_heading = heading()
        self.top = touch_list(QListWidget(), self.ctx.metrics)
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
        self.exported.hide()  # shown after an export: 800 px has no line to spare
        box.addWidget(self.exported)

    def _range_row(self, m: Metrics) -> QWidget:
        """From [day] to [day]: shown with the "chosen period" tab."""
        row = QWidget()
        chosen = QHBoxLayout(row)
        chosen.setContentsMargins(0, 0, 0, 0)
        self.from_label, self.to_label = label(wrap=False), label(wrap=False)
        self.first_day, self.last_day = date_picker(m), date_picker(m)
        self.dates_set = False  # this month on first opening, then the operator's choice
        for picker in (self.first_day, self.last_day):
            picker.dateChanged.connect(lambda _day: self._dates_changed())
        chosen.addWidget(self.from_label)
        chosen.addWidget(self.first_day, 1)
        chosen.addSpacing(m.unit)
        chosen.addWidget(self.to_label)
        chosen.addWidget(self.last_day, 1)
        row.hide()
        return row

    def title(self) -> str:
        return self.tr("Reports")

    def retranslate(self) -> None:
        names = {"today": self.tr("Today"), "week": self.tr("This week"),
                 "30days": self.tr("Last 30 days"), "chosen": self.tr("Chosen period")}
        for key, b in self.tabs.items():
            b.setText(names[key])
            b.setChecked(key == self.period_key)
        self.per_day_heading.setText(self.tr("Points per day"))
        self.per_donor_heading.setText(self.tr("Goods given out, per donor"))
        self.top_heading.setText(self.tr("Top items"))
        self.export.setText(self.tr("Export CSV"))
        self.from_label.setText(self.tr("From"))
        self.to_label.setText(self.tr("to (included)"))
        for picker in (self.first_day, self.last_day):
            picker.setLocale(self.lang.locale())  # month and day names in the calendar
        self._show()

    def refresh(self) -> None:
        self.folder.clear()
        for path in export_folders(self.export_dir):
            self.folder.addItem(self.place(path), str(path))
        self.exported.clear()
        self.exported.hide()
        if not self.dates_set:
            today = self.ctx.clock.now().astimezone(self.zone).date()
            self.set_dates(today.replace(day=1), today)
        self.choose(self.period_key)

    def set_dates(self, first: date, last: date) -> None:
        """Both days of the chosen period at once (one report, not two)."""
        for picker, day in ((self.first_day, first), (self.last_day, last)):
            picker.blockSignals(True)
            picker.setDate(QDate(day.year, day.month, day.day))
            picker.blockSignals(False)
        self.dates_set = True
        if self.period_key == "chosen":
            self.choose("chosen")

    def _dates_changed(self) -> None:
        self.dates_set = True
        if self.period_key == "chosen":
            self.choose("chosen")

    def period(self) -> reports.Period:
        """The shown period; ValueError when the chosen one ends before it starts."""
        now, tz = self.ctx.clock.now(), self.zone
        if self.period_key == "today":
            return reports.today(now, tz)
        if self.period_key == "week":
            return reports.this_week(now, tz)
        if self.period_key == "chosen":
            return reports.between(as_date(self.first_day.date()),
                                   as_date(self.last_day.date()), tz)
        last = now.astimezone(tz).date()
        return reports.between(last - timedelta(days=29), last, tz)

    def choose(self, key: str) -> None:
        self.period_key = key
        for k, b in self.tabs.items():
            b.setChecked(k == key)
        self.range_row.setVisible(key == "chosen")
        try:
            period = self.period()
        except ValueError:
            self.asked = self.report = None  # no figures under dates that were refused
            self._show()
            self.say(self.tr("The first day is after the last day: choose the dates again."))
            return
        self.asked = period

        def done(report: reports.Report) -> None:
            if report.period == self.asked:  # not an older request's
                self.say(None)
                self.report = report
                self._show()
        self.run(lambda: self.ctx.work.report(period), done)

    def _show(self) -> None:
        r = self.report
        self.export.setEnabled(r is not None)
        if r is None:
            self.figures.clear()
            self.per_day.set_bars([])
            self.per_donor.set_bars([])
            self.top.clear()
            return
        lines = [self.tr("Period: %1").replace("%1", r.period.label),
                 self.tr("Orders: %1 (voided: %2)").replace("%1", self.n(r.sales))
                 .replace("%2", self.n(r.voids)),
                 self.tr("Points redeemed: %1").replace("%1", self.n(r.points_redeemed)),
                 self.tr("Items out: %1").replace("%1", self.n(r.items_out)),
                 self.lang.count(len(r.low_stock), self.tr("Low stock: 1 item"),
                                 self.tr("Low stock: %1 items")),
                 self.tr("Offline sales: %1, not yet confirmed: %2")
                 .replace("%1", self.n(r.offline.offline_sales))
                 .replace("%2", self.n(r.offline.unconfirmed_entries)),
                 self.tr("Below zero: %1, %2").replace("%1", self.lang.count(
                     r.offline.volunteers_below_zero, self.tr("1 volunteer"),
                     self.tr("%1 volunteers"))).replace("%2", self.lang.points(
                         r.offline.points_below_zero))]
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

    def place(self, folder: Path) -> str:
        """Where the files go, in words: a USB stick by its name, not a mount path."""
        if folder == self.export_dir:
            return self.tr("this kiosk (for staff to collect)")
        return self.tr("the USB stick \"%1\"").replace("%1", folder.name)

    def export_csv(self) -> None:
        if self.report is None:
            return
        rep, folder = self.report, Path(str(self.folder.currentData() or self.export_dir))

        def done(files: list[Path]) -> None:
            self.say(None)
            self.exported.setText(self.lang.count(
                len(files), self.tr("1 file saved to %2"),
                self.tr("%1 files saved to %2")).replace("%2", self.place(folder)))
            self.exported.show()
        self.run(lambda: self.ctx.work.export(rep, folder), done)
