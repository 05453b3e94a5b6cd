"""kiosk-admin reprint / test-print against the TCP printer on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.cli.admin import main
from kiosk.config import PrinterSection
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from kiosk.core.printing import print_and_record, unprinted_orders
from kiosk.core.receipt_text import short_order_id
from kiosk.hardware.printer import EscposReceiptPrinter
from kiosk.services import Services
from tests.hardware.tcp_printer import DLE_EOT_PAPER, TcpPrinter, decode_text, native_qr_contents


@pytest.fixture
def tcp_printer() -> Iterator[TcpPrinter]:
    printer = TcpPrinter()
    yield printer
    printer.close()


def admin(shop: Services, tmp_path: Path, port: int, *args: str) -> int:
    config = tmp_path / "admin.toml"
    config.write_text(f'[printer]\nkind = "network"\nhost = "127.0.0.1"\nport = {port}\n'
                      'timeout_seconds = 20\n', encoding="utf-8")
    return main(["--config", str(config), "--database", str(shop.config.database_path), *args])


@pytest.mark.expect_log(r"could not print the receipt", r"not printed")
def test_list_and_reprint_an_unprinted_receipt(shop: Services, tmp_path: Path,
                                               tcp_printer: TcpPrinter,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    receipt = shop.checkout.checkout(uuid7(), PresentedCard("04A1B2C3D4E5F6"),
                                     [CartLine("soap", 1)])
    tcp_printer.refuse()
    printer = EscposReceiptPrinter(PrinterSection(kind="network", host="127.0.0.1",
                                                  port=tcp_printer.port))
    assert not print_and_record(shop.conn, shop.clock, printer, receipt).printed

    assert admin(shop, tmp_path, tcp_printer.port, "reprint", "--unprinted") == 0
    listing = capsys.readouterr().out
    assert receipt.order_id in listing and "not reachable" in listing and "1 receipt(s)" in listing
    assert admin(shop, tmp_path, tcp_printer.port, "reprint", receipt.order_id) == 1
    assert "NOT printed" in capsys.readouterr().out

    tcp_printer.come_back()
    assert admin(shop, tmp_path, tcp_printer.port, "reprint", receipt.order_id) == 0
    assert "printed on network printer" in capsys.readouterr().out
    [job] = tcp_printer.wait_for_jobs(1, ending_with=DLE_EOT_PAPER)
    assert native_qr_contents(job) == [receipt.order_id]
    assert short_order_id(receipt.order_id) in decode_text(job)
    assert unprinted_orders(shop.conn) == []


def test_test_print(shop: Services, tmp_path: Path, tcp_printer: TcpPrinter,
                    capsys: pytest.CaptureFixture[str]) -> None:
    assert admin(shop, tmp_path, tcp_printer.port, "test-print") == 0
    out = capsys.readouterr().out
    assert "paper: ok" in out
    jobs = tcp_printer.wait_for_jobs(2, ending_with=DLE_EOT_PAPER)
    assert jobs[0] == DLE_EOT_PAPER  # the paper status question on its own connection
    assert "测试商品：香皂" in decode_text(jobs[1])
    tcp_printer.refuse()
    assert admin(shop, tmp_path, tcp_printer.port, "test-print") == 1
    assert "test print FAILED" in capsys.readouterr().out
    assert unprinted_orders(shop.conn) == []  # a test page is no sale
