"""Signing in: Argon2id hashes, a lockout that grows with wrong passwords, cookies a script
cannot read, a CSRF token on every form, and an audit log nobody can edit."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.exc import DBAPIError

from district.console.accounts import FREE_TRIES, Accounts, lock_seconds
from district.console.scope import Role
from district.store import Store
from tests.console.world import Client, ConsoleServer


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_passwords_are_argon2id_and_wrong_ones_lock_for_longer_each_time(
        district_location: tuple[str, str]) -> None:
    location, name = district_location
    clock = Clock()
    with Store(location, district=name) as store:
        accounts = Accounts(store.db, clock)
        accounts.create("clerk", "right password 1", Role.ADMIN)
        stored = store.query("SELECT password_hash FROM console_accounts")[0][0]
        assert stored.startswith("$argon2id$") and "right password" not in stored
        assert accounts.sign_in("clerk", "right password 1").principal is not None
        locks = []
        for _ in range(FREE_TRIES + 2):
            result = accounts.sign_in("clerk", "wrong")
            assert result.principal is None
            locks.append(result.locked_for_s)
            clock.now += result.locked_for_s + 1      # wait the lock out, try again
        assert locks[:FREE_TRIES - 1] == [0.0] * (FREE_TRIES - 1)
        assert locks[FREE_TRIES - 1] > 0 and locks[FREE_TRIES] == 2 * locks[FREE_TRIES - 1]
        # Locked: even the right password is refused until the lock runs out.
        accounts.sign_in("clerk", "wrong")
        refused = accounts.sign_in("clerk", "right password 1")
        assert refused.principal is None and refused.locked_for_s > 0
        clock.now += lock_seconds(FREE_TRIES + 3) + 1
        assert accounts.sign_in("clerk", "right password 1").principal is not None
        assert accounts.sign_in("clerk", "wrong").locked_for_s == 0.0   # count reset
        # An unknown name gets the same answer as a wrong password.
        assert accounts.sign_in("nobody", "x").principal is None


def test_the_session_cookie_is_httponly_and_samesite(console: ConsoleServer) -> None:
    client = Client(console.url)
    answer = client.sign_in("admin")
    cookie = answer.headers["set-cookie"]
    assert "console_session=" in cookie and "HttpOnly" in cookie
    assert "SameSite=lax" in cookie and "Path=/console" in cookie
    assert "Secure" not in cookie         # plain HTTP on loopback; under TLS it is set
    page = client.get("/console/")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert client.post("/console/logout").status_code == 303
    assert client.get("/console/").status_code == 303            # signed out: to sign-in


@pytest.mark.expect_log(r"sign-in refused")
def test_a_wrong_password_on_the_page_is_refused_and_locks(console: ConsoleServer) -> None:
    client = Client(console.url)
    for _ in range(FREE_TRIES):
        answer = client.sign_in("admin", "not the password")
        assert answer.status_code == 401
    assert "锁定" in answer.text
    assert client.sign_in("admin").status_code == 401         # locked, right password or not


@pytest.mark.expect_log(r"refused without a valid CSRF token")
def test_every_form_needs_its_csrf_token(console: ConsoleServer,
                                         signed_in: Callable[[str], Client]) -> None:
    admin = signed_in("admin")
    for path, data in (("/console/credits/manual", {"volunteer_id": "V0001", "points": "50",
                                                    "reason": "forged"}),
                       ("/console/cards/04A1B2C3D4E5F6/block", {}),
                       ("/console/settings", {"key": "offline.after_seconds",
                                              "value": "60"}),
                       ("/console/logout", {})):
        assert admin.post(path, data, csrf=False).status_code == 403, path
        assert admin.post(path, {**data, "csrf": "x" * 43}, csrf=False).status_code == 403
    other = signed_in("sw-qintai")           # another session's token is no token
    assert admin.post("/console/cards/04A1B2C3D4E5F6/block", {"csrf": other.csrf},
                      csrf=False).status_code == 403
    held = console.store.query("SELECT status FROM cards WHERE card_id = '04A1B2C3D4E5F6'")
    assert held[0][0] == "active"
    assert console.store.query("SELECT COUNT(*) FROM service_records WHERE record_id LIKE "
                               "'manual/%'")[0][0] == 0
    # The sign-in form has its own token.
    assert Client(console.url).http.post(console.url + "/console/login", data={
        "account": "admin", "password": "pw-admin-0123456789"},
        allow_redirects=False).status_code == 403
    # With the token, the same block goes through and is audited with before and after.
    assert admin.post("/console/cards/04A1B2C3D4E5F6/block").status_code == 303
    row = console.store.query("SELECT account_id, action, subject, before, after FROM "
                              "console_audit WHERE action = 'card_blocked'")[0]
    assert tuple(row[:3]) == ("admin", "card_blocked", "04A1B2C3D4E5F6")
    assert '"active"' in row[3] and '"blocked"' in row[4]


def test_the_audit_log_is_append_only(console: ConsoleServer) -> None:
    store = console.store
    admin = Client(console.url)
    assert admin.sign_in("admin").status_code == 303      # audited
    assert admin.post("/console/credits/manual", {"volunteer_id": "V0002", "points": "40",
                                                  "reason": "helped at the fair"}
                      ).status_code == 303
    assert store.query("SELECT COUNT(*) FROM console_audit")[0][0] == 2
    assert store.query("SELECT COUNT(*) FROM console_credits")[0][0] == 1
    for statement in ("UPDATE console_audit SET action = 'nothing'",
                      "DELETE FROM console_audit", "DELETE FROM console_credits",
                      "UPDATE console_credit_batches SET points = 0"):
        with pytest.raises(DBAPIError):
            store.execute(statement)
