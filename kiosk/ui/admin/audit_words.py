"""The audit log in words an operator reads: who did what to which item or card, and what
changed, instead of action codes and JSON. Item, donor and operator names replace their ids;
ids, order numbers in full and printer details show only when the operator asks for them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject

from kiosk.core.audit import AuditEntry
from kiosk.core.receipt_text import short_order_id
from kiosk.operations.operator_work import Names


class AuditWords(QObject):
    def __init__(self, chinese: bool) -> None:
        super().__init__()
        self.chinese = chinese

    def actions(self) -> dict[str, str]:
        return {
            "restock": self.tr("Restocked"), "donor": self.tr("Donor saved"),
            "count": self.tr("Stock counted"), "void": self.tr("Sale voided"),
            "block": self.tr("Card blocked"), "unblock": self.tr("Card unblocked"),
            "item_add": self.tr("Item added"), "item_edit": self.tr("Item changed"),
            "price": self.tr("Price changed"), "retire": self.tr("Item retired"),
            "unretire": self.tr("Item back on sale"), "reprint": self.tr("Receipt reprinted"),
            "card_register": self.tr("Card registered"),
            "test_print": self.tr("Printed a test page"),
            "qr_card_request": self.tr("QR card asked for"),
            "qr_card_print": self.tr("QR card printed"),
            "operator_set": self.tr("Operator saved"), "sign_in": self.tr("Signed in"),
        }

    def fields(self) -> dict[str, str]:
        return {
            "price": self.tr("price"), "name_zh": self.tr("Chinese name"),
            "name_en": self.tr("English name"), "category": self.tr("category"),
            "kind": self.tr("kind"), "barcode": self.tr("barcode"),
            "limit_count": self.tr("max pieces"), "limit_points": self.tr("max points"),
            "limit_period": self.tr("limit per"), "low_stock_threshold": self.tr("low stock at"),
            "active": self.tr("on sale"), "image": self.tr("picture"),
            "status": self.tr("status"), "reason": self.tr("reason"),
            "refund": self.tr("points returned"), "name": self.tr("name"),
            "contact": self.tr("contact"), "note": self.tr("note"),
            "printed": self.tr("printed"), "via": self.tr("with"),
            "kind_of_card": self.tr("card type"), "pin": self.tr("PIN"),
        }

    def values(self) -> dict[Any, str]:
        return {True: self.tr("yes"), False: self.tr("no"), "active": self.tr("in use"),
                "blocked": self.tr("blocked"), "pin": self.tr("PIN"),
                "card": self.tr("operator card"), "changed": self.tr("changed"),
                "nfc": self.tr("NFC card"), "qr": self.tr("QR card")}

    # -- one row ---------------------------------------------------------------------------------

    def headline(self, e: AuditEntry, names: Names, details: bool) -> str:
        who = names.operators.get(e.operator_id, e.operator_id)
        what = self.actions().get(e.action, self.tr("Other action"))
        about = self.subject(e, names, details)
        return f"{who} · {what}" + (f": {about}" if about else "")

    def subject(self, e: AuditEntry, names: Names, details: bool) -> str:
        """Whom or what the action was about, by name; ids only when asked for."""
        s = e.subject
        if s is None or e.action == "sign_in":
            return ""
        if e.action in ("item_add", "item_edit", "price", "retire", "unretire"):
            return self._item(s, names) + (f" ({s})" if details else "")
        shown = {
            "void": lambda: self.tr("order %1").replace("%1", s if details
                                                        else short_order_id(s)),
            "donor": lambda: names.donors.get(s, s),
            "operator_set": lambda: names.operators.get(s, s),
            "qr_card_request": lambda: self.tr("volunteer %1").replace("%1", s),
        }
        shown["reprint"] = shown["void"]
        for action in ("block", "unblock", "card_register", "qr_card_print"):
            shown[action] = lambda: self.tr("card %1").replace("%1", s)
        if e.action in shown:
            return shown[e.action]()
        return s if details else ""  # a restock's entry id: only when asked for

    def changes(self, e: AuditEntry, names: Names, details: bool) -> str:
        """What changed, one phrase each: "soap 38 → 50", "price 30 → 35"."""
        before = e.before if isinstance(e.before, dict) else {}
        after = e.after if isinstance(e.after, dict) else {}
        out = []
        stock_before, stock_after = before.get("stock") or {}, after.get("stock") or {}
        for item_id in sorted(set(stock_before) | set(stock_after)):
            out.append(f"{self._item(item_id, names)} {stock_before.get(item_id, '?')} → "
                       f"{stock_after.get(item_id, '?')}")
        if after.get("donor_id"):
            out.append(self.tr("donor: %1").replace(
                "%1", names.donors.get(after["donor_id"], after["donor_id"])))
        words = self.fields()
        for key in sorted(set(before) | set(after)):
            if key in ("stock", "donor_id", "lines", "adjustments", "item_id", "void_id",
                       "request_id", "volunteer_id", "detail"):
                if key == "detail" and details and after.get(key):
                    out.append(self.tr("printer said: %1").replace("%1", str(after[key])))
                continue
            old, new = before.get(key), after.get(key)
            if old == new or (key == "image" and not details):
                continue
            name = words.get(key, key if details else "")
            if not name:
                continue
            if key in before and old is not None:
                out.append(f"{name} {self._shown(old)} → {self._shown(new)}")
            elif new not in (None, ""):
                out.append(f"{name}: {self._shown(new)}")
        return "; ".join(out)

    def _shown(self, value: Any) -> str:
        if isinstance(value, (bool, str)):
            return self.values().get(value, str(value))
        return str(value)

    def _item(self, item_id: str, names: Names) -> str:
        zh_en = names.items.get(item_id)
        if zh_en is None:
            return item_id
        return zh_en[0] if self.chinese else zh_en[1]
