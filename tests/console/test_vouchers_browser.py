"""Vouchers with real parts end to end: a kiosk sells a breakfast voucher and a property-fee
voucher through its real checkout and prints them on the TCP printer on 127.0.0.1; the
printed bytes are decoded back and each QR code read from the printed picture (pyzbar); the
kiosk syncs with a real district; the breakfast shop signs in with Debian's chromium and
redeems by the typed code, the property office through the camera (chromium's fake camera fed
a video of the printed QR code, decoded in the page by the vendored jsQR); the second
redemption of each is refused, saying when and where; the month's statement is exported."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from openpyxl import load_workbook
from PIL import Image
from pyzbar.pyzbar import decode

from district.console.scope import Role
from district.store import Store
from kiosk.config import PrinterSection
from kiosk.core import printing
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from kiosk.hardware.printer import EscposReceiptPrinter
from points_protocol.vouchers import show_code
from tests.conftest import ManualClock
from tests.console.browser import ARGS, CHROMIUM, browser, sign_in  # noqa: F401
from tests.console.world import ConsoleServer, password, seed_console
from tests.district.test_vouchers import BREAKFAST, PROPERTY, add_partners
from tests.hardware.tcp_printer import TcpPrinter, decode_text, raster_images
from tests.live_district import make_kiosk

pytestmark = pytest.mark.slow
ZHANG = PresentedCard("04A1B2C3D4E5F6")   # 张小华, 800 points
SHOP, OFFICE = "breakfast-shop", "property-office"
SECRET = "pw-partner-0123456789"  # noqa: S105 (a test account's)
# Set to a folder to keep the pages as pictures for the docs (docs/screenshots/vouchers).
SHOTS = os.environ.get("VOUCHER_SCREENSHOTS")


@pytest.fixture
def site(tmp_path: Path) -> Iterator[ConsoleServer]:
    with Store(tmp_path / "district.sqlite") as store:
        accounts = seed_console(store)
        add_partners(store)
        accounts.create(SHOP, SECRET, Role.PARTNER, partner_id=BREAKFAST,
                        display_name="钟家村早点铺")
        accounts.create(OFFICE, SECRET, Role.PARTNER, partner_id=PROPERTY,
                        display_name="汉阳物业")
        server = ConsoleServer(store, accounts).start()
        yield server
        server.stop()


def shoot(page: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def y4m_of(picture: Image.Image, path: Path, frames: int = 20) -> Path:
    """A video for chromium's fake camera: the printed QR code, enlarged, centred in 640x480
    grey frames, written as YUV4MPEG2 (I420: the Y plane is the picture, U and V neutral)."""
    qr = picture.resize((picture.width * 2, picture.height * 2), Image.Resampling.NEAREST)
    frame = Image.new("L", (640, 480), 230)
    frame.paste(qr, ((640 - qr.width) // 2, (480 - qr.height) // 2))
    y = np.asarray(frame, dtype=np.uint8).tobytes()
    uv = bytes([128]) * (320 * 240)
    with path.open("wb") as out:
        out.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(frames):
            out.write(b"FRAME\n" + y + uv + uv)
    return path


def answer(page: Any) -> tuple[str, str]:
    section = page.wait_for_selector("#answer")
    return section.get_attribute("data-outcome"), section.inner_text()


def test_vouchers_printed_synced_and_redeemed_once_by_code_and_by_camera(
        site: ConsoleServer, browser: Any, tmp_path: Path) -> None:  # noqa: F811
    clock = ManualClock(datetime.now(UTC))   # the district redeems by its own clock
    kiosk = make_kiosk(tmp_path, "k1", site.store, site.url, clock)
    kiosk.daemon.run_once()
    receipt = kiosk.services.checkout.checkout(
        uuid7(), ZHANG, [CartLine("breakfast", 1), CartLine("property-fee", 1)])
    tcp = TcpPrinter()
    printer = EscposReceiptPrinter(PrinterSection(kind="network", host="127.0.0.1",
                                                  port=tcp.port, native_qr=False,
                                                  timeout_seconds=20))
    assert printing.print_and_record(kiosk.conn, clock, printer, receipt).printed
    job = tcp.wait_for_jobs(1)[0]
    tcp.close()
    text = decode_text(job)
    assert text.count("服务兑换券") == 2 and "合作早餐店早餐" in text and "物业费抵扣" in text
    codes = [show_code(p.voucher.code) for p in receipt.vouchers]
    assert all(code in text for code in codes)
    read = [d.data.decode() for picture in raster_images(job) for d in decode(picture)]
    tokens = [p.token for p in receipt.vouchers]
    assert [x for x in read if x.startswith("V1.")] == tokens     # the paper's QR codes
    property_qr = next(picture for picture in raster_images(job)
                       if [d.data.decode() for d in decode(picture)] == [tokens[1]])
    kiosk.daemon.run_once()                                          # the sale reaches it

    page = browser.new_context(viewport={"width": 390, "height": 844},
                               accept_downloads=True).new_page()
    sign_in(page, site.url, SHOP, SECRET)
    page.goto(site.url + "/console/partner/redeem")
    shoot(page, "redeem-start")
    page.fill("#code", codes[0].lower())
    page.click("text=查验")
    outcome, said = answer(page)
    assert outcome == "valid" and "合作早餐店早餐" in said and "张*华" in said
    shoot(page, "redeem-valid")
    page.click("#confirm")
    outcome, said = answer(page)
    assert outcome == "redeemed" and "请提供服务" in said
    page.fill("#code", codes[0])
    page.click("text=查验")
    outcome, said = answer(page)
    assert outcome == "already" and "钟家村早点铺" in said and "请勿重复" in said
    shoot(page, "redeem-again")
    page.fill("#code", codes[1])                         # the property office's voucher
    page.click("text=查验")
    outcome, said = answer(page)
    assert outcome == "other_partner" and "汉阳物业" in said and "张*华" not in said
    page.goto(site.url + "/console/partner/vouchers")
    assert "40" in page.inner_text("section.table")
    shoot(page, "statement")
    with page.expect_download() as download:
        page.click("a[href*='voucher_statement.xlsx']")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert sheet is not None
    rows = [tuple(c for c in row if c is not None) for row in sheet.iter_rows(values_only=True)]
    assert any(row[-2:] == (1, 40) for row in rows if len(row) >= 2)
    page.context.close()

    # The property office, on a phone with a camera: chromium's fake camera shows the paper.
    video = y4m_of(property_qr, tmp_path / "voucher.y4m")
    camera = browser.browser_type.launch(executable_path=CHROMIUM, args=[
        *ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}"])
    try:
        phone = camera.new_context(viewport={"width": 390, "height": 844},
                                   permissions=["camera"]).new_page()
        sign_in(phone, site.url, OFFICE, SECRET)
        phone.goto(site.url + "/console/partner/redeem")
        with phone.expect_navigation():     # the page posts what the camera read
            phone.click("#start-camera")
        outcome, said = answer(phone)
        assert outcome == "valid" and "物业费抵扣" in said and "500" in said
        shoot(phone, "redeem-camera")
        phone.click("#confirm")
        assert answer(phone)[0] == "redeemed"
        with phone.expect_navigation():
            phone.click("#start-camera")                    # the same paper again
        outcome, said = answer(phone)
        assert outcome == "already" and "汉阳物业" in said
    finally:
        camera.close()

    # The community's social worker registers a family in need through the page's form.
    worker = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    sign_in(worker, site.url, "sw-qintai", password("sw-qintai"))
    worker.goto(site.url + "/console/families")
    form = worker.locator("form[action$='/console/families']")
    form.locator("input[name=family_id]").fill("F0001")
    form.locator("input[name=household]").fill("王小明")
    form.locator("input[name=members]").fill("3")
    form.locator("input[name=reason]").fill("低保户，社区走访核实")
    form.locator("button").click()
    worker.wait_for_load_state("networkidle")
    table = worker.inner_text("section.table")
    assert "F0001" in table and "王*明家" in table and "sw-qintai" in table
    shoot(worker, "families")
    worker.context.close()
    kiosk.close()
