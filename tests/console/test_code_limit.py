"""Typed redemption codes cannot be guessed on the partner's page: after ten codes that find
no voucher (or another partner's) an account is refused typed codes for a while, and so is a
client address after thirty from any of its accounts; the refusal says how long, QR codes still
work meanwhile, a mistyped code does not count, and the window passes. Both engines, through
the real console on 127.0.0.1."""

from __future__ import annotations

import re

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from district.console.scope import Role
from district.vouchers import limits
from points_protocol import signing
from points_protocol import vouchers as protocol
from points_protocol.vouchers import Voucher
from tests.console.world import Client, ConsoleServer, password


def outcome(page: str) -> str:
    found = re.search(r'data-outcome="([a-z_]+)"', page)
    assert found is not None, page[:2000]
    return found.group(1)


def typed(client: Client, code: str, confirm: bool = False) -> str:
    path = "/console/partner/redeem/confirm" if confirm else "/console/partner/redeem/check"
    return client.post(path, {"code": code, "method": "code"}).text


def partner(console: ConsoleServer, name: str) -> Client:
    console.accounts.create(name, password(name), Role.PARTNER, partner_id="green-home")
    client = Client(console.url)
    assert client.sign_in(name, password(name)).status_code == 303
    return client


def test_an_account_that_types_ten_unknown_codes_waits(console: ConsoleServer, signed_in  # type: ignore[no-untyped-def]
                                                       ) -> None:
    green = signed_in("green")
    for n in range(limits.MAX_PER_ACCOUNT):
        assert outcome(typed(green, protocol.new_code(), confirm=n % 2 == 1)) == "unknown"
    refused = typed(green, protocol.new_code())
    assert outcome(refused) == "limited"
    assert "15" in refused or "minutes" in refused or "分钟" in refused
    assert outcome(typed(green, protocol.new_code(), confirm=True)) == "limited"

    # A QR code still works: its signature cannot be guessed.
    key = Ed25519PrivateKey.generate()
    console.store.register_kiosk("k-limit", signing.public_key_text(key))
    voucher = Voucher(voucher_id="v-limit-1", kiosk_id="k-limit", item_id="breakfast",
                      partner_id="green-home", value=40, masked_name="张*华",
                      expires_at="2099-12-31T23:59:59+08:00", code=protocol.new_code())
    scanned = green.post("/console/partner/redeem/check",
                         {"token": protocol.sign(voucher, key), "method": "scan"}).text
    assert outcome(scanned) == "valid"

    # Another account of the same shop is not held by green's failures.
    other = partner(console, "green-2")
    assert outcome(typed(other, protocol.new_code())) == "unknown"


def test_a_mistyped_code_does_not_count(console: ConsoleServer, signed_in) -> None:  # type: ignore[no-untyped-def]
    green = signed_in("green")
    code = protocol.new_code()
    wrong_check = code[:-1] + next(c for c in protocol.ALPHABET if c != code[-1])
    for _ in range(limits.MAX_PER_ACCOUNT + 2):
        assert outcome(typed(green, wrong_check)) == "mistyped"
    assert limits.failures(console.store.db, "account:green") == 0
    assert outcome(typed(green, protocol.new_code())) == "unknown"


def test_one_address_trying_many_accounts_is_held_too(console: ConsoleServer) -> None:
    clients = [partner(console, f"shop-{n}") for n in range(4)]
    tried = 0
    for client in clients:
        for _ in range(limits.MAX_PER_ACCOUNT - 1):     # each account stays under its own limit
            if tried == limits.MAX_PER_CLIENT:
                break
            assert outcome(typed(client, protocol.new_code())) == "unknown"
            tried += 1
    assert tried == limits.MAX_PER_CLIENT
    assert outcome(typed(clients[-1], protocol.new_code())) == "limited"
    fresh = partner(console, "shop-new")                # a new account from the same address
    assert outcome(typed(fresh, protocol.new_code())) == "limited"


def test_the_limit_passes_with_its_window(console: ConsoleServer) -> None:
    db, now = console.store.db, 1_000_000.0
    for n in range(limits.MAX_PER_ACCOUNT):
        assert limits.check(db, "acct", "10.0.0.1", now + n) is None
        limits.record_failure(db, "acct", "10.0.0.1", now + n)
    held = limits.check(db, "acct", "10.0.0.1", now + 60)
    assert held is not None and held.wait_s == limits.WINDOW_S - 60
    assert limits.check(db, "acct", "10.0.0.2", now + 60) is not None     # the account
    assert limits.check(db, "other", "10.0.0.1", now + 60) is None       # the address: 10
    assert limits.check(db, "acct", "10.0.0.1", now + limits.WINDOW_S + 1) is None
