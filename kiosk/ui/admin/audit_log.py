"""The audit log, newest first: who did what and when, with the before and after. Read-only:
the log is append-only in the schema too."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QListWidget, QVBoxLayout

from kiosk.core import audit
from kiosk.ui.admin.base import AdminContext, AdminScreen, heading
from kiosk.ui.admin.work import Result

SHOWN = 200


class AuditScreen(AdminScreen):
    def __init__(self, ctx: AdminContext) -> None:
        super().__init__(ctx)
        box = QVBoxLayout(self)
        self.heading = heading()
        self.rows = QListWidget()
        self.rows.setWordWrap(True)
        box.addWidget(self.heading)
        box.addWidget(self.rows, 1)
        box.addWidget(self.notice)
        self.entries: list[audit.AuditEntry] = []

    def title(self) -> str:
        return self.tr("Audit log")

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Every operator action, newest first"))
        self._show()

    def refresh(self) -> None:
        def done(result: Result) -> None:
            if result.ok:
                self.entries = result.value
                self._show()
        self.run(lambda: self.ctx.work.audit(SHOWN), done)

    def _show(self) -> None:
        self.rows.clear()
        for e in self.entries:
            change = "" if e.after is None else json.dumps(e.after, ensure_ascii=False)
            if e.before is not None:
                change = json.dumps(e.before, ensure_ascii=False) + " → " + change
            self.rows.addItem(f"{self.when(e.at)}  {e.operator_id}  {e.action}  {e.subject or ''}\n"
                              f"{change}")
