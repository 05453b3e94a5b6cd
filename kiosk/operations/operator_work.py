"""What the operator screens ask of the core: plain calls with no Qt.

Each returns its value or raises; the UI runs them through its one runner
(``kiosk/ui/runner.py``), which hands the screen a typed ``Done[T]`` or the refusal's words
(:mod:`kiosk.operations.outcome`). Every action that changes something goes through
:mod:`kiosk.core.audit`, so it is recorded with the operator who did it. What needs the
printer is in :mod:`kiosk.operations.operator_printing`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol, runtime_checkable

from kiosk.core import (
    audit,
    catalogue,
    item_pictures,
    operators,
    order_search,
    qr_cards,
    report_csv,
    reports,
    sync_status,
)
from kiosk.core import cards as card_store
from kiosk.core import stock as stock_store
from kiosk.core.audit import AuditEntry
from kiosk.core.cards import card_id_of
from kiosk.core.catalogue import CatalogueEntry
from kiosk.core.clock import to_db
from kiosk.core.errors import ItemInvalid, UserFacingError
from kiosk.core.ids import uuid7
from kiosk.core.models import PresentedCard, Receipt, SunCounter
from kiosk.core.operators import Operator
from kiosk.services import Services
from points_protocol.catalogue import ItemSpec, check_spec
from points_protocol.errors import Invalid

log = logging.getLogger("kiosk.operations.operator")

PHOTO_DIR = "var/photos"  # pictures taken with the camera, until saved with their item


@runtime_checkable
class PhotoCamera(Protocol):
    """A camera that can give the operator a picture of an item (the QR camera)."""

    def photo(self, path: Path) -> Path: ...


@dataclass(frozen=True)
class Names:
    """Names for the ids an audit row holds (operators, items, donors), per language."""

    operators: Mapping[str, str] = field(default_factory=dict)
    items: Mapping[str, tuple[str, str]] = field(default_factory=dict)   # id -> (zh, en)
    donors: Mapping[str, str] = field(default_factory=dict)


class OperatorWork:
    def __init__(self, services: Services, policy: operators.PinPolicy,
                 camera: PhotoCamera | None = None) -> None:
        self.services = services
        self.policy = policy
        self.camera = camera

    # -- getting in ------------------------------------------------------------------------------

    def sign_in_pin(self, pin: str) -> Operator:
        s = self.services
        return operators.sign_in_with_pin(s.conn, s.clock, self.policy, pin)

    def operator_card(self, card: PresentedCard) -> Operator | None:
        """The operator behind this card, or None for any other card (a volunteer's tap then
        goes on to the volunteer screens, whatever is wrong with the card): never refuses."""
        s = self.services
        try:
            return operators.sign_in_with_card(s.conn, s.clock, card)
        except UserFacingError:
            return None
        except Exception:
            log.exception("operator card check failed")
            return None

    # -- stock -----------------------------------------------------------------------------------

    def goods(self) -> list[CatalogueEntry]:
        return [e for e in catalogue.entries(self.services.conn) if e.stock is not None]

    def by_barcode(self, code: str) -> CatalogueEntry | None:
        return catalogue.find_by_barcode(self.services.conn, code.strip())

    def donors(self) -> list[tuple[str, str]]:
        return stock_store.donors(self.services.conn)

    def add_donor(self, operator_id: str, name: str, contact: str | None) -> str:
        s = self.services
        donor_id = uuid7()
        audit.add_donor(s.conn, s.clock, operator_id, donor_id, name=name.strip(),
                        contact=contact or None)
        return donor_id

    def restock(self, operator_id: str, lines: Mapping[str, int], donor_id: str | None,
                note: str | None) -> dict[str, tuple[int, int]]:
        """Each item's stock (before, after)."""
        s = self.services
        before = {i: stock_store.on_hand(s.conn, i) for i in lines}
        audit.restock(s.conn, s.clock, operator_id,
                      [stock_store.Restock(i, q) for i, q in lines.items()],
                      donor_id=donor_id, note=note or None)
        return {i: (before[i], stock_store.on_hand(s.conn, i)) for i in lines}

    def count(self, operator_id: str, counted: Mapping[str, int], reason: str) -> dict[str, int]:
        """The adjustment each difference made."""
        s = self.services
        return audit.record_count(s.conn, s.clock, operator_id, counted, reason)

    # -- orders ----------------------------------------------------------------------------------

    def find_orders(self, text: str) -> list[order_search.OrderSummary]:
        return order_search.find(self.services.conn, text)

    def void(self, operator_id: str, order_id: str, reason: str) -> Receipt:
        s = self.services
        return audit.void(s.conn, s.clock, s.kiosk, s.policy, operator_id,
                          void_id=uuid7(), order_id=order_id, reason=reason)

    # -- cards -----------------------------------------------------------------------------------

    def card(self, card_id: str) -> card_store.CardInfo | None:
        return card_store.card_info(self.services.conn, card_id_of(card_id))

    def set_card_status(self, operator_id: str, card_id: str,
                        status: str) -> card_store.CardInfo | None:
        s = self.services
        audit.set_card_status(s.conn, s.clock, operator_id, card_id, status)
        return self.card(card_id)

    def volunteers(self, prefix: str = "", limit: int = 100) -> list[tuple[str, str]]:
        """Active volunteers whose number starts with ``prefix``, at most ``limit`` (a district
        has hundreds of thousands: the list is a search, never all of them)."""
        return card_store.active_volunteers(self.services.conn, prefix.strip(), limit)

    def register_card(self, operator_id: str, card_id: str, volunteer_id: str,
                      sun: SunCounter | None = None) -> bool:
        """True registered, False it already was this volunteer's. ``sun``: the card was
        tapped with a signature (it is registered as a card that signs)."""
        s = self.services
        return audit.register_card(s.conn, s.clock, operator_id, card_id, volunteer_id, sun=sun)

    def request_qr_card(self, operator_id: str, volunteer_id: str) -> str:
        """Ask the district for this volunteer's QR card; the daemon is woken to send it."""
        s = self.services
        request_id = qr_cards.request(s.conn, s.clock, operator_id, volunteer_id)
        sync_status.request_sync(s.conn, s.clock)
        return request_id

    def qr_card_requests(self) -> list[qr_cards.QrCardRequest]:
        return qr_cards.recent(self.services.conn)

    # -- catalogue -------------------------------------------------------------------------------

    def catalogue_items(self) -> list[CatalogueEntry]:
        """Every item, retired ones too (the operator can bring them back)."""
        return catalogue.entries(self.services.conn, include_retired=True)

    def price_history(self, item_id: str) -> list[tuple[str, int]]:
        return catalogue.price_history(self.services.conn, item_id)

    def save_item(self, operator_id: str, spec: ItemSpec,
                  picture: Path | None) -> CatalogueEntry | None:
        """Add or edit ``spec``; ``picture`` (a file anywhere, e.g. a USB stick) is copied
        into the kiosk's data folder first and the item points at the copy."""
        s = self.services
        owner = catalogue.find_by_barcode(s.conn, spec.barcode) if spec.barcode else None
        if owner is not None and owner.item_id != spec.item_id:
            raise UserFacingError(
                f"条码 {spec.barcode} 已经属于“{owner.name_zh}”。",
                f"Barcode {spec.barcode} already belongs to \"{owner.name_en}\".")
        try:
            check_spec(spec, local_image=True)
        except Invalid as exc:
            raise ItemInvalid(exc.problems) from None
        item = spec
        if picture is not None:
            folder = s.config.database_path.parent / item_pictures.PICTURE_DIR
            stored = item_pictures.store_picture(picture, folder, spec.item_id)
            item = replace(spec, image=str(stored))
        audit.upsert_item(s.conn, s.clock, operator_id, item)
        return catalogue.entry(s.conn, spec.item_id)

    def set_item_active(self, operator_id: str, item_id: str,
                        active: bool) -> CatalogueEntry | None:
        s = self.services
        audit.set_active(s.conn, s.clock, operator_id, item_id, active)
        return catalogue.entry(s.conn, item_id)

    def take_photo(self) -> Path:
        """A picture of the item held up to the kiosk's camera, square, in var/photos."""
        camera = self.camera
        if camera is None:
            raise UserFacingError("这台机器没有摄像头。", "This kiosk has no camera.")
        folder = self.services.config.base_dir / PHOTO_DIR
        try:
            return camera.photo(folder / f"photo-{uuid7()}.png")
        except Exception as exc:  # no frame yet, camera gone
            log.warning("no photo: %s", exc)
            raise UserFacingError("摄像头现在拍不了照片，请稍后再试，或从U盘选择图片。",
                                  "The camera cannot take a picture now. Try again, or "
                                  "choose a file from a USB stick.") from None

    # -- reports ---------------------------------------------------------------------------------

    def report(self, period: reports.Period) -> reports.Report:
        s = self.services
        return reports.report(s.conn, period, s.kiosk.timezone)

    def export(self, rep: reports.Report, folder: Path) -> list[Path]:
        s = self.services
        rows = audit.entries(s.conn, to_db(rep.period.start), to_db(rep.period.end))
        return report_csv.write_report(rep, folder, rows)

    def audit_view(self, limit: int) -> tuple[list[AuditEntry], Names]:
        """The latest audit rows and the names of the people, goods and donors they name."""
        conn = self.services.conn
        people, donors = audit.people_and_donors(conn)
        goods = {e.item_id: (e.name_zh, e.name_en)
                 for e in catalogue.entries(conn, include_retired=True)}
        return audit.latest(conn, limit), Names(people, goods, donors)

    def sync_now(self) -> None:
        s = self.services
        sync_status.request_sync(s.conn, s.clock)
