"""A voucher sold while the sync daemon could not sign it (not running, stuck): the sale goes
through, the paper says the voucher can be redeemed once the kiosk has synced, its QR code is
refused as "not synced yet" until then, and after the sync it is redeemed like any other
(once); a copy with any field changed is refused. A real kiosk, a real district on 127.0.0.1,
both engines; the daemon's socket path is real and nobody listens on it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from district.vouchers import redeem as r
from kiosk.core.checkout import Checkout
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine
from kiosk.core.voucher_text import voucher_slip
from kiosk.services import district_overrides
from kiosk.sync.signer import DaemonSigner
from points_protocol import vouchers as protocol
from tests.conftest import ManualClock
from tests.district.test_vouchers import BREAKFAST, ZHANG, kiosk, redeem  # noqa: F401
from tests.live_district import Kiosk, LiveServer


@pytest.mark.expect_log(r"^voucher \S+ printed unsigned: the sync daemon did not sign it")
def test_a_voucher_printed_unsigned_is_redeemable_once_its_sale_synced(
        kiosk: Kiosk, district: LiveServer, clock: ManualClock, tmp_path: Path  # noqa: F811
        ) -> None:
    services = kiosk.services
    without_daemon = Checkout(services.conn, clock, services.kiosk, services.policy,
                              district_overrides(),
                              voucher_signer=DaemonSigner(tmp_path / "kiosk.sqlite.sign"))
    receipt = without_daemon.checkout(uuid7(), ZHANG, [CartLine("breakfast", 1)])
    paper = receipt.vouchers[0]
    assert not protocol.is_signed(paper.token)
    printed = "\n".join([*voucher_slip(receipt, paper).above, *voucher_slip(receipt, paper).below])
    assert "同步后" in printed and "核销码" in printed

    early = redeem(district.store, paper.token, clock, method="scan")
    assert early.outcome == r.NOT_SYNCED
    assert redeem(district.store, paper.voucher.code, clock).outcome == r.UNKNOWN

    kiosk.daemon.run_once()                       # the sale reaches the district
    altered = protocol.unsigned_token(replace(paper.voucher, value=400))
    assert redeem(district.store, altered, clock, method="scan").outcome == r.FORGED
    assert redeem(district.store, paper.token, clock, method="scan").outcome == r.REDEEMED
    again = redeem(district.store, protocol.show_code(paper.voucher.code), clock)
    assert again.outcome == r.ALREADY
    assert district.store.verify() == []
    kiosk.close()
