"""Fixtures for the hardware adapters' tests that need a real PC/SC stack (see pcsc_stack.py)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.hardware.nfc import PcscCardReader
from tests.hardware.pcsc_stack import EventRecorder, PcscDaemon, VirtualCard

# libpcsclite reads PCSCLITE_CSOCK_NAME once, at the first PC/SC call of the process, so it is
# set here, while tests are collected, and points this whole session at the pcscd the fixtures
# start (in its own mount namespace) instead of a system one.
PCSC_RUN_DIR = Path(tempfile.mkdtemp(prefix="kiosk-test-pcscd-"))
os.environ["PCSCLITE_CSOCK_NAME"] = str(PCSC_RUN_DIR / "pcscd.comm")
atexit.register(shutil.rmtree, PCSC_RUN_DIR, True)


@pytest.fixture
def pcsc_daemon(tmp_path: Path) -> Iterator[PcscDaemon]:
    """Our own pcscd, not started yet; stopped after the test whatever happened."""
    daemon = PcscDaemon(tmp_path, PCSC_RUN_DIR)
    yield daemon
    daemon.stop()


@pytest.fixture
def pcscd(pcsc_daemon: PcscDaemon) -> PcscDaemon:
    """Our own pcscd, running, with the vpcd reader listed."""
    pcsc_daemon.start()
    return pcsc_daemon


@pytest.fixture
def put_card(pcsc_daemon: PcscDaemon) -> Iterator[Callable[..., VirtualCard]]:
    """Put a virtual card on the vpcd reader; every card is taken off after the test."""
    cards: list[VirtualCard] = []

    def put(**options: Any) -> VirtualCard:
        card = VirtualCard(pcsc_daemon.port, **options)
        cards.append(card)
        return card

    yield put
    for card in cards:
        card.remove()


@pytest.fixture
def start_reader(
        pcsc_daemon: PcscDaemon,
) -> Iterator[Callable[..., tuple[PcscCardReader, EventRecorder]]]:
    """Start a PcscCardReader recording its events; each is stopped before pcscd is."""
    readers: list[PcscCardReader] = []

    def start(**options: Any) -> tuple[PcscCardReader, EventRecorder]:
        options.setdefault("retry_seconds", 0.2)
        reader = PcscCardReader(**options)
        events = EventRecorder()
        readers.append(reader)
        reader.start(events)
        return reader, events

    yield start
    for reader in readers:
        reader.stop()
