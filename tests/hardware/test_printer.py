"""The ESC/POS printer adapter against escpos's Dummy and a real TCP printer on 127.0.0.1.

Each receipt comes from a real checkout in the demo shop (real SQLite file); the bytes the
printer received are decoded back to text the way the printer reads them (GB18030 between
FS & and FS .) and every field is checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from escpos.printer import Dummy

from kiosk.config import PRINTER_KINDS, ConfigError, PrinterSection, load_config
from kiosk.core import cards
from kiosk.core.devices import PrinterFault
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard, Receipt
from kiosk.core.printing import print_and_record, reprint, unprinted_orders
from kiosk.core.receipt_text import left_right, short_order_id
from kiosk.hardware.escpos_connections import CONNECTIONS
from kiosk.hardware.escpos_job import UnknownProfile, render_job
from kiosk.hardware.printer import EscposReceiptPrinter, decode_paper_status
from kiosk.hardware.receipt_image import render_receipt_image
from kiosk.services import Services
from tests.conftest import mark_synced
from tests.hardware.tcp_printer import (
    DLE_EOT_PAPER,
    PAPER_LOW,
    PAPER_OK,
    PAPER_OUT,
    TcpPrinter,
    decode_text,
    double_size_lines,
    has_cut,
    has_raster_image,
    native_qr_contents,
    prints_native_qr,
)

CARD = "04A1B2C3D4E5F6"   # 张小华, 800 points in the demo shop
PUNCTUATION_FOOTER = "～～～！！！～～～"  # no character in U+4E00..U+9FA5 at all


@pytest.fixture
def tcp_printer() -> Iterator[TcpPrinter]:
    printer = TcpPrinter()
    yield printer
    printer.close()


def network(printer: TcpPrinter, **changes: object) -> EscposReceiptPrinter:
    settings = PrinterSection(kind="network", host="127.0.0.1", port=printer.port,
                              footer=PUNCTUATION_FOOTER, timeout_seconds=20)
    return EscposReceiptPrinter(replace(settings, **changes))  # type: ignore[arg-type]


def sell(shop: Services) -> Receipt:
    return shop.checkout.checkout(uuid7(), PresentedCard(CARD),
                                  [CartLine("soap", 2), CartLine("detergent", 1)])


def assert_every_field(data: bytes, receipt: Receipt, footer: str) -> None:
    text = decode_text(data)
    lines = text.split("\n")
    assert "?" not in text
    assert "汉阳区积分超市" in text and "示范社区" in text and "积分兑换凭证" in text
    assert "2026-11-30 10:00:00" in text            # 02:00 UTC in Asia/Shanghai
    assert "张*华" in text and "张小华" not in text  # masked on paper, never the full name
    assert "香皂" in lines and "洗衣液" in lines
    assert any(line.startswith("  2 x 30") and line.endswith("60 分") for line in lines)
    assert any(line.startswith("  1 x 230") and line.endswith("230 分") for line in lines)
    assert any(line.startswith("合计") and line.endswith(" 290 分") for line in lines)
    # The balance after, in double size on a line of its own under its caption.
    assert lines[lines.index("兑换后余额") + 1] == "510 分"
    assert "510 分" in double_size_lines(data) and "积分兑换凭证" in double_size_lines(data)
    # The order number on one line, short; the whole id is in the QR code.
    assert left_right("订单号", short_order_id(receipt.order_id), 32) in lines
    assert receipt.order_id not in text.replace("\n", "")
    assert footer in [line.strip() for line in lines]  # full-width punctuation alone survives
    assert all(len(line.encode("gb18030")) <= 32 for line in lines)  # fits 58 mm paper
    assert all(len(line.encode("gb18030")) <= 16 for line in double_size_lines(data))
    assert has_cut(data)


def test_a_receipt_over_the_network_carries_every_field(shop: Services,
                                                        tcp_printer: TcpPrinter) -> None:
    receipt = sell(shop)
    outcome = print_and_record(shop.conn, shop.clock, network(tcp_printer), receipt)
    assert outcome.printed and outcome.fault is None
    [job] = tcp_printer.wait_for_jobs(1, ending_with=DLE_EOT_PAPER)
    assert_every_field(job, receipt, PUNCTUATION_FOOTER)
    assert native_qr_contents(job) == [receipt.order_id] and prints_native_qr(job)
    assert job.startswith(DLE_EOT_PAPER) and job.count(DLE_EOT_PAPER) == 2  # asked before/after
    assert unprinted_orders(shop.conn) == []


def test_the_job_built_with_escpos_dummy(shop: Services) -> None:
    receipt = sell(shop)
    job = render_job(receipt, columns=32, footer=PUNCTUATION_FOOTER)
    assert_every_field(job, receipt, PUNCTUATION_FOOTER)
    assert native_qr_contents(job) == [receipt.order_id]
    wide = decode_text(render_job(receipt, columns=48, footer=""))
    assert max(len(line.encode("gb18030")) for line in wide.split("\n")) == 48


def test_escpos_own_text_would_lose_full_width_punctuation() -> None:
    """Why the job encodes GB18030 itself: python-escpos's magic encoder turns a line without a
    character in U+4E00..U+9FA5 into '?'. If this starts failing, escpos learnt GB18030."""
    printer = Dummy()
    printer.text(PUNCTUATION_FOOTER + "\n")
    assert b"?" in printer.output
    assert PUNCTUATION_FOOTER.encode("gb18030") not in printer.output


def test_qr_as_image_where_the_profile_has_no_qr_command(shop: Services) -> None:
    receipt = sell(shop)
    job = render_job(receipt, columns=32, footer="", profile="POS-5890")
    assert native_qr_contents(job) == [] and has_raster_image(job)
    assert short_order_id(receipt.order_id) in decode_text(job)  # the id is in the picture
    assert not has_cut(job)  # the profile says this model has no cutter
    forced = render_job(receipt, columns=32, footer="", native_qr=False)
    assert native_qr_contents(forced) == [] and has_raster_image(forced) and has_cut(forced)


def sale_is_intact(shop: Services, receipt: Receipt) -> None:
    row = shop.conn.execute("SELECT total FROM orders WHERE id = ?",
                            (receipt.order_id,)).fetchone()
    assert row is not None and row["total"] == 290
    assert cards.look_up(shop.conn, PresentedCard(CARD)).balance == 800 - 290
    moved = shop.conn.execute("SELECT COUNT(*) FROM stock_movements WHERE order_id = ?",
                              (receipt.order_id,)).fetchone()[0]
    assert moved == 2


@pytest.mark.parametrize(("fault", "expected"), [
    ("refuse", "not reachable"),
    ("close", "connection lost mid-job"),
    ("stall", "stopped responding"),
])
@pytest.mark.expect_log(r"could not print the receipt", r"not printed")
def test_a_printer_fault_leaves_the_sale_and_a_reprint_works(
        shop: Services, tcp_printer: TcpPrinter, fault: str, expected: str) -> None:
    receipt = sell(shop)
    if fault == "refuse":
        tcp_printer.refuse()
    else:
        tcp_printer.mode = fault  # type: ignore[assignment]
    # A short timeout only where the printer never answers: the stall must end the wait.
    printer = network(tcp_printer, timeout_seconds=1 if fault == "stall" else 20)
    outcome = print_and_record(shop.conn, shop.clock, printer, receipt)

    assert not outcome.printed and outcome.fault is not None
    assert outcome.detail is not None
    assert expected in outcome.detail and f"127.0.0.1:{tcp_printer.port}" in outcome.detail
    assert "补打" in outcome.fault.zh and "reprint" in outcome.fault.en
    sale_is_intact(shop, receipt)
    [pending] = unprinted_orders(shop.conn)
    assert (pending.order_id, pending.attempts, pending.masked_name) == \
        (receipt.order_id, 1, "张*华")
    assert expected in (pending.last_detail or "")

    tcp_printer.come_back()
    again = reprint(shop.conn, shop.clock, printer, shop.kiosk, receipt.order_id)
    assert again.printed
    assert unprinted_orders(shop.conn) == []
    job = tcp_printer.wait_for_jobs(len(tcp_printer.jobs), ending_with=DLE_EOT_PAPER)[-1]
    assert_every_field(job, receipt, PUNCTUATION_FOOTER)
    outcomes = [r[0] for r in shop.conn.execute(
        "SELECT outcome FROM receipt_prints WHERE order_id = ? ORDER BY id",
        (receipt.order_id,))]
    assert outcomes == ["failed", "printed"]


def test_reprints_say_which_copy_they_are(shop: Services, tcp_printer: TcpPrinter) -> None:
    """Two slips of one sale must never pass for two sales: every copy after the first that
    came out is marked 补打（第N次）, N counted per order."""
    mark_synced(shop, shop.clock.now())   # online: two sales beyond the offline cap
    printer = network(tcp_printer)
    first = sell(shop)
    other = shop.checkout.checkout(uuid7(), PresentedCard(CARD), [CartLine("notebooks", 1)])
    assert print_and_record(shop.conn, shop.clock, printer, first).printed
    assert print_and_record(shop.conn, shop.clock, printer, other).printed
    for _ in range(2):
        assert reprint(shop.conn, shop.clock, printer, shop.kiosk, first.order_id).printed
    assert reprint(shop.conn, shop.clock, printer, shop.kiosk, other.order_id).printed
    jobs = tcp_printer.wait_for_jobs(5, ending_with=DLE_EOT_PAPER)
    marks = [[line for line in double_size_lines(job) if line.startswith("补打")]
             for job in jobs]
    assert marks == [[], [], ["补打（第1次）"], ["补打（第2次）"], ["补打（第1次）"]]
    for job in jobs[2:]:
        assert native_qr_contents(job)[0] in (first.order_id, other.order_id)


def test_a_donation_is_titled_as_one(shop: Services) -> None:
    receipt = shop.checkout.checkout(uuid7(), PresentedCard(CARD), [CartLine("donate-10", 2)])
    job = render_job(receipt, columns=32, footer="")
    assert "爱心捐赠凭证" in double_size_lines(job) and "积分兑换凭证" not in decode_text(job)
    mixed = shop.checkout.checkout(uuid7(), PresentedCard(CARD),
                                   [CartLine("donate-10", 1), CartLine("soap", 1)])
    assert "积分兑换凭证" in double_size_lines(render_job(mixed, columns=32, footer=""))


@pytest.mark.expect_log(r"could not print the receipt")
def test_the_same_printer_object_recovers_after_refusals(shop: Services,
                                                         tcp_printer: TcpPrinter) -> None:
    """python-escpos poisons a printer object whose open failed (bare AssertionError next
    time); the adapter opens a fresh one per job."""
    printer = network(tcp_printer)
    receipt = sell(shop)
    tcp_printer.refuse()
    for _ in range(2):
        with pytest.raises(PrinterFault) as caught:
            printer.print_receipt(receipt)
        assert "not reachable" in caught.value.detail
    tcp_printer.come_back()
    printer.print_receipt(receipt)
    assert native_qr_contents(tcp_printer.wait_for_jobs(1)[0]) == [receipt.order_id]


@pytest.mark.parametrize(("byte", "status"), [
    (PAPER_OK, "ok"), (PAPER_LOW, "low"), (PAPER_OUT, "out")])
def test_paper_status(tcp_printer: TcpPrinter, byte: int, status: str) -> None:
    tcp_printer.paper = byte
    assert network(tcp_printer).paper_status() == status


@pytest.mark.expect_log(r"could not print the receipt", r"not printed")
def test_paper_out_refuses_the_receipt_before_sending_it(shop: Services,
                                                         tcp_printer: TcpPrinter) -> None:
    tcp_printer.paper = PAPER_OUT
    receipt = sell(shop)
    outcome = print_and_record(shop.conn, shop.clock, network(tcp_printer), receipt)
    assert not outcome.printed and "out of paper" in (outcome.detail or "")
    assert tcp_printer.wait_for_jobs(1) == [DLE_EOT_PAPER]  # only the question, no receipt
    sale_is_intact(shop, receipt)
    assert [p.order_id for p in unprinted_orders(shop.conn)] == [receipt.order_id]


def test_without_status_checks_only_the_receipt_is_sent(shop: Services,
                                                        tcp_printer: TcpPrinter) -> None:
    receipt = sell(shop)
    network(tcp_printer, check_status=False).print_receipt(receipt)
    [job] = tcp_printer.wait_for_jobs(1, ending_with=b"\x1dV\x00")
    assert DLE_EOT_PAPER not in job
    assert_every_field(job, receipt, PUNCTUATION_FOOTER)


@pytest.mark.expect_log(r"could not read the paper status")
def test_paper_status_of_an_unreachable_printer_is_a_fault(tcp_printer: TcpPrinter) -> None:
    tcp_printer.refuse()
    with pytest.raises(PrinterFault) as caught:
        network(tcp_printer).paper_status()
    assert "not reachable" in caught.value.detail


def test_status_bytes_are_read_like_an_epson_printer() -> None:
    assert decode_paper_status(b"") == "unknown"
    assert decode_paper_status(b"\x00") == "unknown"  # fixed bits missing: not a status byte
    assert decode_paper_status(b"\x12\x12") == "ok"
    assert decode_paper_status(b"\x1e") == "low"
    assert decode_paper_status(b"\x72") == "out"


@pytest.mark.expect_log(r"could not print the receipt")
def test_a_printer_device_file(shop: Services, tmp_path: Path) -> None:
    receipt = sell(shop)
    path = tmp_path / "lp0"
    path.touch()  # a device node exists before anyone writes to it
    printer = EscposReceiptPrinter(PrinterSection(kind="file", file_path=str(path),
                                                  footer=PUNCTUATION_FOOTER))
    assert printer.paper_status() == "unknown"  # a file cannot answer
    printer.print_receipt(receipt)
    assert_every_field(path.read_bytes(), receipt, PUNCTUATION_FOOTER)
    missing = EscposReceiptPrinter(PrinterSection(kind="file",
                                                  file_path=str(tmp_path / "no" / "lp9")))
    with pytest.raises(PrinterFault) as caught:
        missing.print_receipt(receipt)
    assert "not reachable" in caught.value.detail


@pytest.mark.expect_log(r"could not print the receipt", r"not printed")
def test_no_printer_records_every_receipt_as_unprinted(shop: Services) -> None:
    receipt = sell(shop)
    outcome = print_and_record(shop.conn, shop.clock,
                               EscposReceiptPrinter(PrinterSection()), receipt)
    assert not outcome.printed and "printer.kind = 'none'" in (outcome.detail or "")
    sale_is_intact(shop, receipt)


@pytest.mark.expect_log(r"could not print the receipt")
def test_cups_without_pycups_is_a_fault_not_a_crash(shop: Services) -> None:
    pytest.importorskip("escpos.printer.cups")
    from escpos.printer import CupsPrinter
    if CupsPrinter.is_usable():
        pytest.skip("pycups is installed here; this checks the message when it is not")
    with pytest.raises(PrinterFault) as caught:
        EscposReceiptPrinter(PrinterSection(kind="cups")).print_receipt(sell(shop))
    assert "pycups is not installed" in caught.value.detail


def test_dummy_printer_takes_the_whole_job(shop: Services) -> None:
    printer = EscposReceiptPrinter(PrinterSection(kind="dummy"))
    receipt = sell(shop)
    printer.print_receipt(receipt)  # kind = "dummy" discards, but must not fail
    job = printer.render(receipt)
    assert short_order_id(receipt.order_id) in decode_text(job)  # the id is in the picture
    assert has_cut(job)
    assert printer.paper_status() == "unknown"


def test_an_unknown_profile_is_refused_at_start() -> None:
    with pytest.raises(UnknownProfile, match="TM-T1000"):
        EscposReceiptPrinter(PrinterSection(profile="TM-T1000"))


def test_the_config_names_what_the_chosen_printer_needs(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[printer]\nkind = "network"\ncolumns = 12\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.problems == [
        "printer.columns = 12: must be between 24 and 64",
        "printer.host = '': must be set when printer.kind = 'network'"]
    path.write_text('[printer]\nkind = "usb"\nusb_vendor_id = 0x0416\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="usb_product_id: must be set"):
        load_config(path)
    path.write_text('[printer]\nkind = "usb"\nusb_vendor_id = 0x0416\nusb_product_id = 0x5011\n',
                    encoding="utf-8")
    assert EscposReceiptPrinter(load_config(path).printer).describe() == "USB printer 0416:5011"


def test_a_receipt_drawn_as_a_picture(shop: Services) -> None:
    receipt = sell(shop)
    image = render_receipt_image(receipt, columns=32, footer=PUNCTUATION_FOOTER)
    assert image.width == 32 * 12 + 2 * 24
    histogram = image.histogram()
    dark = sum(histogram[:128])
    assert dark > 0.05 * image.width * image.height  # text and a QR code, not a blank page


def test_every_printer_kind_has_its_own_connection() -> None:
    """One small class per way of reaching a printer; only those whose answers come back
    are asked about paper."""
    assert set(CONNECTIONS) == set(PRINTER_KINDS)
    readable = {kind for kind, cls in CONNECTIONS.items() if cls.readable}
    assert readable == {"network", "usb", "serial"}
    words = {EscposReceiptPrinter(replace(PrinterSection(), kind=kind, host="10.0.0.9",
                                          port=9100)).describe() for kind in PRINTER_KINDS}
    assert len(words) == len(PRINTER_KINDS) and "network printer 10.0.0.9:9100" in words
