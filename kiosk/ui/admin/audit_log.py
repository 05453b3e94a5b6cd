"""The audit log, newest first: who did what and when, in words (names of people and goods,
what changed), with codes and ids only when the operator asks for them. Read-only: the log is
append-only in the schema too."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QListWidget, QVBoxLayout

from kiosk.core import audit
from kiosk.operations.operator_work import Names
from kiosk.ui.admin.audit_words import AuditWords
from kiosk.ui.admin.base import AdminContext, AdminScreen, heading
from kiosk.ui.widgets import touch_list

SHOWN = 200


class AuditScreen(AdminScreen):
    def __init__(self, ctx: AdminContext) -> None:
        super().__init__(ctx)
        box = QVBoxLayout(self)
        top = QHBoxLayout()
        self.heading = heading()
        self.details = QCheckBox()
        self.details.setMinimumHeight(ctx.metrics.touch)
        self.details.toggled.connect(lambda _on: self._show())
        top.addWidget(self.heading, 1)
        top.addWidget(self.details)
        self.rows = touch_list(QListWidget(), ctx.metrics)
        box.addLayout(top)
        box.addWidget(self.rows, 1)
        box.addWidget(self.notice)
        self.entries: list[audit.AuditEntry] = []
        self.names = Names()

    def title(self) -> str:
        return self.tr("Audit log")

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Every operator action, newest first"))
        self.details.setText(self.tr("Show codes and details"))
        self._show()

    def refresh(self) -> None:
        def done(view: tuple[list[audit.AuditEntry], Names]) -> None:
            self.entries, self.names = view
            self._show()
        self.run(lambda: self.ctx.work.audit_view(SHOWN), done)

    def _show(self) -> None:
        words = AuditWords(self.lang.chinese)
        details = self.details.isChecked()
        self.rows.clear()
        for e in self.entries:
            line = f"{self.when(e.at)}  {words.headline(e, self.names, details)}"
            changes = words.changes(e, self.names, details)
            self.rows.addItem(line + (f"\n{changes}" if changes else ""))
