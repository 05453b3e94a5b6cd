"""What the operator screens ask of the core, run on the worker thread.

Plain calls with no Qt (like :mod:`kiosk.operations.session_work`), each returning a
:class:`Result`:
the worker drops ``None`` and must never see an exception, and the screens want a refusal in
both languages to show, not a traceback. Every action that changes something goes through
:mod:`kiosk.core.audit`, so it is recorded with the operator who did it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from kiosk.core import (
    audit,
    catalogue,
    clock_check,
    item_pictures,
    operators,
    order_search,
    qr_cards,
    report_csv,
    reports,
    service_stops,
    sync_status,
)
from kiosk.core import cards as card_store
from kiosk.core import stock as stock_store
from kiosk.core.cards import card_id_of
from kiosk.core.catalogue import CatalogueEntry
from kiosk.core.clock import to_db
from kiosk.core.db import StorageError
from kiosk.core.devices import PrinterFault, ReceiptPrinter
from kiosk.core.errors import ItemInvalid, UserFacingError
from kiosk.core.ids import uuid7
from kiosk.core.models import PresentedCard, SunCounter
from kiosk.core.session_flow import STAFF, Notice
from kiosk.services import Services
from kiosk.ui.admin.audit_words import Names
from points_protocol.catalogue import ItemSpec, check_spec
from points_protocol.errors import Invalid

log = logging.getLogger("kiosk.ui.admin")

PHOTO_DIR = "var/photos"  # pictures taken with the camera, until saved with their item


@runtime_checkable
class PhotoCamera(Protocol):
    """A camera that can give the operator a picture of an item (the QR camera)."""

    def photo(self, path: Path) -> Path: ...


@dataclass(frozen=True)
class Result:
    value: Any = None
    error: Notice | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def attempt(job: Callable[[], Any]) -> Result:
    """Run ``job``; a refusal becomes its words, anything else is logged and "ask staff"."""
    try:
        return Result(job())
    except UserFacingError as refusal:
        return Result(error=Notice.of(refusal))
    except StorageError as exc:   # a full or read-only disk: say so, nothing was changed
        log.error("operator action refused by the disk: %s", exc)
        return Result(error=Notice("storage", f"本机存储出错，什么也没有改：{exc}",
                                   f"The kiosk's disk refused; nothing was changed: {exc}"))
    except Exception:
        log.exception("operator action failed")
        return Result(error=STAFF)


@dataclass(frozen=True)
class HealthInfo:
    sync: sync_status.SyncHealth
    paper: str  # ok / low / out / unknown / offline
    clock: clock_check.ClockProblem | None = None   # the clock is wrong: sales count offline
    stops: tuple[service_stops.Stop, ...] = ()       # why the kiosk does not sell now


class AdminWork:
    def __init__(self, services: Services, printer: ReceiptPrinter,
                 policy: operators.PinPolicy, camera: PhotoCamera | None = None) -> None:
        self.services = services
        self.printer = printer
        self.policy = policy
        self.camera = camera

    # -- getting in ------------------------------------------------------------------------------

    def sign_in_pin(self, pin: str) -> Result:
        s = self.services
        return attempt(lambda: operators.sign_in_with_pin(s.conn, s.clock, self.policy, pin))

    def operator_card(self, card: PresentedCard) -> Result:
        """The operator behind this card, or Result(None) for any other card (a volunteer's
        tap then goes on to the volunteer screens, whatever is wrong with the card)."""
        s = self.services
        try:
            return Result(operators.sign_in_with_card(s.conn, s.clock, card))
        except UserFacingError:
            return Result(None)
        except Exception:
            log.exception("operator card check failed")
            return Result(None)

    # -- stock -----------------------------------------------------------------------------------

    def goods(self) -> Result:
        def job() -> list[CatalogueEntry]:
            return [e for e in catalogue.entries(self.services.conn) if e.stock is not None]
        return attempt(job)

    def by_barcode(self, code: str) -> Result:
        return attempt(lambda: catalogue.find_by_barcode(self.services.conn, code.strip()))

    def donors(self) -> Result:
        return attempt(lambda: stock_store.donors(self.services.conn))

    def add_donor(self, operator_id: str, name: str, contact: str | None) -> Result:
        s = self.services

        def job() -> str:
            donor_id = uuid7()
            audit.add_donor(s.conn, s.clock, operator_id, donor_id, name=name.strip(),
                            contact=contact or None)
            return donor_id
        return attempt(job)

    def restock(self, operator_id: str, lines: Mapping[str, int], donor_id: str | None,
                note: str | None) -> Result:
        s = self.services

        def job() -> dict[str, tuple[int, int]]:
            before = {i: stock_store.on_hand(s.conn, i) for i in lines}
            audit.restock(s.conn, s.clock, operator_id,
                          [stock_store.Restock(i, q) for i, q in lines.items()],
                          donor_id=donor_id, note=note or None)
            return {i: (before[i], stock_store.on_hand(s.conn, i)) for i in lines}
        return attempt(job)

    def count(self, operator_id: str, counted: Mapping[str, int], reason: str) -> Result:
        s = self.services
        return attempt(lambda: audit.record_count(s.conn, s.clock, operator_id, counted, reason))

    # -- orders ----------------------------------------------------------------------------------

    def find_orders(self, text: str) -> Result:
        return attempt(lambda: order_search.find(self.services.conn, text))

    def void(self, operator_id: str, order_id: str, reason: str) -> Result:
        s = self.services
        return attempt(lambda: audit.void(s.conn, s.clock, s.kiosk, s.policy, operator_id,
                                          void_id=uuid7(), order_id=order_id, reason=reason))

    def reprint(self, operator_id: str, order_id: str) -> Result:
        s = self.services
        return attempt(lambda: audit.reprint(s.conn, s.clock, self.printer, s.kiosk,
                                             operator_id=operator_id, order_id=order_id))

    # -- cards -----------------------------------------------------------------------------------

    def card(self, card_id: str) -> Result:
        return attempt(lambda: card_store.card_info(self.services.conn, card_id_of(card_id)))

    def set_card_status(self, operator_id: str, card_id: str, status: str) -> Result:
        s = self.services

        def job() -> card_store.CardInfo | None:
            audit.set_card_status(s.conn, s.clock, operator_id, card_id, status)
            return self.card(card_id_of(card_id)).value  # type: ignore[no-any-return]
        return attempt(job)

    def volunteers(self, prefix: str = "", limit: int = 100) -> Result:
        """Active volunteers whose number starts with ``prefix``, at most ``limit`` (a district
        has hundreds of thousands: the list is a search, never all of them)."""
        return attempt(lambda: card_store.active_volunteers(self.services.conn, prefix.strip(),
                                                            limit))

    def register_card(self, operator_id: str, card_id: str, volunteer_id: str,
                      sun: SunCounter | None = None) -> Result:
        """Result(True) registered, Result(False) it already was this volunteer's. ``sun``:
        the card was tapped with a signature (it is registered as a card that signs)."""
        s = self.services
        return attempt(lambda: audit.register_card(s.conn, s.clock, operator_id, card_id,
                                                   volunteer_id, sun=sun))

    def request_qr_card(self, operator_id: str, volunteer_id: str) -> Result:
        """Ask the district for this volunteer's QR card; the daemon is woken to send it."""
        s = self.services

        def job() -> str:
            request_id = qr_cards.request(s.conn, s.clock, operator_id, volunteer_id)
            sync_status.request_sync(s.conn, s.clock)
            return request_id
        return attempt(job)

    def qr_card_requests(self) -> Result:
        return attempt(lambda: qr_cards.recent(self.services.conn))

    def print_qr_card(self, operator_id: str, request_id: str) -> Result:
        """Result(IssuedCard) printed; a printer fault keeps the card for another try."""
        s = self.services
        width = s.config.printer.columns

        def send(card: qr_cards.IssuedCard) -> None:
            try:
                self.printer.print_slip(qr_cards.slip(card, s.kiosk, s.clock, width))
            except PrinterFault as fault:  # its own words are about a sale's receipt
                raise qr_cards.CardNotPrinted(fault.detail) from fault
        return attempt(lambda: qr_cards.print_card(s.conn, s.clock, request_id, operator_id,
                                                   send))

    # -- catalogue -------------------------------------------------------------------------------

    def catalogue_items(self) -> Result:
        """Every item, retired ones too (the operator can bring them back)."""
        return attempt(lambda: catalogue.entries(self.services.conn, include_retired=True))

    def price_history(self, item_id: str) -> Result:
        return attempt(lambda: catalogue.price_history(self.services.conn, item_id))

    def save_item(self, operator_id: str, spec: ItemSpec,
                  picture: Path | None) -> Result:
        """Add or edit ``spec``; ``picture`` (a file anywhere, e.g. a USB stick) is copied
        into the kiosk's data folder first and the item points at the copy."""
        s = self.services

        def job() -> CatalogueEntry | None:
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
        return attempt(job)

    def set_item_active(self, operator_id: str, item_id: str, active: bool) -> Result:
        s = self.services

        def job() -> CatalogueEntry | None:
            audit.set_active(s.conn, s.clock, operator_id, item_id, active)
            return catalogue.entry(s.conn, item_id)
        return attempt(job)

    # -- reports and health ----------------------------------------------------------------------

    def report(self, period: reports.Period) -> Result:
        s = self.services
        return attempt(lambda: reports.report(s.conn, period, s.kiosk.timezone))

    def export(self, rep: reports.Report, folder: Path) -> Result:
        s = self.services

        def job() -> list[Path]:
            rows = audit.entries(s.conn, to_db(rep.period.start), to_db(rep.period.end))
            return report_csv.write_report(rep, folder, rows)
        return attempt(job)

    def low_stock(self) -> Result:
        def job() -> list[CatalogueEntry]:
            return [e for e in catalogue.entries(self.services.conn)
                    if e.stock is not None and e.stock <= e.low_stock_threshold]
        return attempt(job)

    def audit(self, limit: int) -> Result:
        def job() -> list[audit.AuditEntry]:
            return audit.latest(self.services.conn, limit)
        return attempt(job)

    def audit_view(self, limit: int) -> Result:
        """The latest audit rows and the names of the people, goods and donors they name."""
        conn = self.services.conn

        def job() -> tuple[list[audit.AuditEntry], Names]:
            people, donors = audit.people_and_donors(conn)
            goods = {e.item_id: (e.name_zh, e.name_en)
                     for e in catalogue.entries(conn, include_retired=True)}
            return audit.latest(conn, limit), Names(people, goods, donors)
        return attempt(job)

    def take_photo(self) -> Result:
        """A picture of the item held up to the kiosk's camera, square, in var/photos."""
        camera = self.camera

        def job() -> Path:
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
        return attempt(job)

    def health(self) -> Result:
        def job() -> HealthInfo:
            try:
                paper: str = self.printer.paper_status()
            except PrinterFault:
                paper = "offline"
            conn, now = self.services.conn, self.services.clock.now()
            return HealthInfo(sync_status.sync_health(conn), paper,
                              clock_check.clock_problem(conn, now),
                              tuple(service_stops.current(conn)))
        return attempt(job)

    def test_print(self, operator_id: str) -> Result:
        s = self.services
        return attempt(lambda: audit.print_test_page(s.conn, s.clock, self.printer, s.kiosk,
                                                     operator_id=operator_id))

    def sync_now(self) -> Result:
        s = self.services

        def job() -> bool:
            sync_status.request_sync(s.conn, s.clock)
            return True
        return attempt(job)
