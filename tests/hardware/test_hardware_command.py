"""kiosk-admin hardware against the real stacks: pcscd with a virtual card, a recorded camera
source, and a TCP printer on 127.0.0.1."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from kiosk.cli.hardware_commands import cmd_hardware
from kiosk.config import CameraSection, PrinterSection
from kiosk.services import Services
from tests.hardware.pcsc_stack import READER, PcscDaemon, VirtualCard, wait_until
from tests.hardware.qr_frames import card_in_hand, write_video
from tests.hardware.tcp_printer import TcpPrinter, decode_text


def test_lists_reader_card_camera_and_prints_a_test_receipt(
        shop: Services, pcscd: PcscDaemon, put_card: Callable[..., VirtualCard],
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    video = tmp_path / "camera.avi"
    rng = np.random.default_rng(1)
    write_video(video, [card_in_hand("hello", (640, 480), rng) for _ in range(5)])
    printer = TcpPrinter()
    try:
        shop.config = replace(
            shop.config,
            camera=CameraSection(source=str(video)),
            printer=PrinterSection(kind="network", host="127.0.0.1", port=printer.port))
        args = argparse.Namespace(test_print=False)
        assert cmd_hardware(shop.config, args) == 0
        before = capsys.readouterr().out
        assert f"{READER}: no card" in before
        assert f"{video} (used): frames 640x480" in before
        assert f"127.0.0.1:{printer.port}" in before
        assert "paper: ok" in before

        put_card(uid="04AABBCCDDEEFF")
        from kiosk.hardware.nfc import list_readers
        wait_until(lambda: any(card for _, card in list_readers()), "the card on the reader")
        assert cmd_hardware(shop.config, argparse.Namespace(test_print=True)) == 0
        after = capsys.readouterr().out
        assert f"{READER}: card present" in after
        assert "test receipt sent" in after
        # The first connections only asked for the paper status; the receipt follows them.
        wait_until(lambda: any("测试商品：香皂" in decode_text(job) for job in printer.jobs),
                   "the test receipt at the printer")
    finally:
        printer.close()


@pytest.mark.expect_log(r"could not read the paper status")
def test_reports_a_missing_pcsc_service_and_dead_printer(
        shop: Services, capsys: pytest.CaptureFixture[str]) -> None:
    # No pcscd fixture here: the test session points PC/SC at a socket nobody serves.
    shop.config = replace(shop.config, camera=CameraSection(source="/nonexistent/cam.avi"),
                          printer=PrinterSection(kind="network", host="127.0.0.1", port=1))
    assert cmd_hardware(shop.config, argparse.Namespace(test_print=True)) == 1
    out = capsys.readouterr().out
    assert "no PC/SC service" in out
    assert "/nonexistent/cam.avi (used): cannot be opened or gives no frames" in out
    assert "test print FAILED" in out
