"""Health: is the kiosk talking to the district (last success, what waits, last error, with
"sync now"), does the printer have paper, are the card reader and camera there."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QVBoxLayout

from kiosk.core.printing import PrintOutcome
from kiosk.operations.operator_printing import HealthInfo
from kiosk.ui.admin.base import AdminContext, AdminScreen, clicked, heading
from kiosk.ui.widgets import button, label


class HealthScreen(AdminScreen):
    def __init__(self, ctx: AdminContext, devices: dict[str, bool]) -> None:
        super().__init__(ctx)
        m = ctx.metrics
        self.devices = devices  # source name -> present, kept by the gate from device events
        self.info: HealthInfo | None = None
        box = QVBoxLayout(self)
        box.setSpacing(m.unit // 2)
        self.sync_heading = heading()
        self.sync = label()
        self.sync_now = button(role="go")
        clicked(self.sync_now, self.request_sync)
        self.printer_heading = heading()
        self.printer = label()
        self.test_print = button()
        clicked(self.test_print, self.print_test_page)
        self.devices_heading = heading()
        self.device_text = label()
        self.check = button()
        clicked(self.check, self.refresh)
        self.details = QCheckBox()
        self.details.setMinimumHeight(m.touch)
        self.details.toggled.connect(lambda _on: self._show())
        # Sync on the left, the devices on the right: one column does not fit 800 px.
        columns = QHBoxLayout()
        columns.setSpacing(m.unit * 2)
        for widgets in ((self.sync_heading, self.sync, self.sync_now),
                        (self.printer_heading, self.printer, self.test_print,
                         self.devices_heading, self.device_text, self.check)):
            column = QVBoxLayout()
            column.setSpacing(m.unit // 2)
            for widget in widgets:
                column.addWidget(widget)
            column.addStretch(1)
            columns.addLayout(column, 1)
        box.addLayout(columns, 1)
        box.addWidget(self.details)
        box.addWidget(self.notice)

    def title(self) -> str:
        return self.tr("Health")

    def retranslate(self) -> None:
        self.sync_heading.setText(self.tr("Sync with the district"))
        self.sync_now.setText(self.tr("Sync now"))
        self.printer_heading.setText(self.tr("Receipt printer"))
        self.devices_heading.setText(self.tr("Card reader and camera"))
        self.check.setText(self.tr("Check again"))
        self.test_print.setText(self.tr("Test print"))
        self.details.setText(self.tr("Show device names and error details"))
        self._show()

    def refresh(self) -> None:
        def done(info: HealthInfo) -> None:
            self.info = info
            self._show()
        self.run_on_printer(self.ctx.printing.health(), done, changes=False)

    def _when(self, stamp: str | None) -> str:
        return self.tr("never") if stamp is None else self.when(stamp)

    def device_kind(self, source: str) -> str:
        """A device in words, not its driver's name or path ("camera /dev/video0")."""
        lowered = source.lower()
        if lowered.startswith("camera"):
            return self.tr("Camera (QR codes)")
        if "wedge" in lowered or "scanner" in lowered:
            return self.tr("Barcode scanner")
        return self.tr("Card reader")

    def _show(self) -> None:
        ready, missing = self.tr("ready"), self.tr("not found")
        details = self.details.isChecked()
        self.device_text.setText("\n".join(
            f"{self.device_kind(name)}{f' ({name})' if details else ''}: "
            f"{ready if self.devices[name] else missing}"
            for name in sorted(self.devices)) or self.tr("No card reader or camera has "
                                                         "reported yet"))
        if self.info is None:
            return
        s = self.info.sync
        lines = [*self._stop_lines(), *self._clock_lines(),
                 self.tr("Last success: %1").replace("%1", self._when(s.last_success_at)),
                 self.tr("Last attempt: %1").replace("%1", self._when(s.last_attempt_at)),
                 self.tr("Waiting to be sent: %1").replace("%1", self.n(s.waiting)),
                 self.tr("Refused by the district: %1").replace("%1", self.n(s.rejected))]
        if s.last_error:
            lines.append(self.tr("Last error: %1").replace("%1", s.last_error) if details
                         else self.tr("The last try failed (details below)."))
        if s.sync_requested:
            lines.append(self.tr("A sync has been asked for and will run shortly."))
        self.sync.setText("\n".join(lines))
        paper = {"ok": self.tr("Paper: OK"), "low": self.tr("Paper: running low"),
                 "out": self.tr("Paper: OUT — change the roll"),
                 "offline": self.tr("Printer not reachable"),
                 "unknown": self.tr("Paper: this printer cannot report it")}
        self.printer.setText(paper.get(self.info.paper, self.info.paper))

    def _moment(self, moment: datetime | None) -> str:
        return "?" if moment is None else self.when(moment)

    def _stop_lines(self) -> list[str]:
        """Why the kiosk sells nothing now, first of all (the detail says what to do)."""
        stops = self.info.stops if self.info is not None else ()
        return [self.tr("SELLING STOPPED: %1").replace("%1", stop.detail) for stop in stops]

    def _clock_lines(self) -> list[str]:
        """A wrong clock first: days for caps and limits are counted by it."""
        problem = self.info.clock if self.info is not None else None
        if problem is None:
            return []
        if problem.kind == "district":
            text = self.tr("CLOCK IS WRONG: %1 s off the district's clock.").replace(
                "%1", self.n(round(-(problem.skew_seconds or 0))))
        elif problem.kind == "last_sync":
            text = self.tr("CLOCK IS WRONG: the last successful sync (%1) is later than "
                           "now.").replace("%1", self._moment(problem.reference))
        else:
            text = self.tr("CLOCK IS WRONG: the newest sale (%1) is later than now.").replace(
                "%1", self._moment(problem.reference))
        return [text, self.tr("Sales count as offline (the offline caps apply) until the "
                              "clock is right.")]

    def request_sync(self) -> None:
        self.change(self.ctx.work.sync_now, lambda _none: self.refresh())

    def print_test_page(self) -> None:
        """A sample receipt through the real printer (on the printer's thread: a printer can
        stall), then the paper status read again."""
        op = self.operator_id
        self.test_print.setEnabled(False)

        def done(outcome: PrintOutcome) -> None:
            self.test_print.setEnabled(True)
            self.say(self.tr("Test page printed") if outcome.printed else
                     self.tr("Test print failed: %1").replace("%1", str(outcome.detail)))
            self.refresh()
        self.run_on_printer(self.ctx.printing.test_print(op), done,
                            lambda _refused: self.test_print.setEnabled(True), changes=True)
