"""A district with a console for tests: two communities, the demo people split between them,
two kiosks (one per community), two donors, and an account of every role; served with the
kiosks' API on 127.0.0.1 as ``kiosk-district serve`` serves it."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import requests
import uvicorn
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from district.app import create_app
from district.console import schema as s
from district.console.accounts import Accounts
from district.console.app import create_console, with_console
from district.console.scope import Role
from district.db.upsert import upsert
from district.store import Store
from points_protocol import signing
from tests.live_district import demo_qr_issuer, free_port, seed_district

COMMUNITIES = {"qintai": "琴台社区", "yuehu": "月湖社区"}
HOME = {"V0001": "qintai", "V0002": "qintai", "V0003": "yuehu", "S0001": "yuehu"}
SITES = {"k-qintai": "qintai", "k-yuehu": "yuehu"}
ACCOUNTS = {   # account: (role, communities, partner)
    "admin": (Role.ADMIN, (), None),
    "sw-qintai": (Role.SOCIAL_WORKER, ("qintai",), None),
    "sw-yuehu": (Role.SOCIAL_WORKER, ("yuehu",), None),
    "green": (Role.PARTNER, (), "green-home"),
}


def password(account: str) -> str:
    return f"pw-{account}-0123456789"


def seed_console(store: Store, clock: Any = time.time) -> Accounts:
    seed_district(store)
    with store.db.write() as conn:
        upsert(conn, s.communities, [{"id": k, "name": v} for k, v in COMMUNITIES.items()],
               ("id",), ("name",))
        upsert(conn, s.volunteer_profiles, [{"volunteer_id": v, "community_id": c}
                                            for v, c in HOME.items()],
               ("volunteer_id",), ("community_id",))
        upsert(conn, s.partners, [
            {"id": "green-home", "name": "绿家日化有限公司", "kind": "donor",
             "community_id": "qintai"},
            {"id": "hanyang-mart", "name": "汉阳惠民超市", "kind": "donor",
             "community_id": None}], ("id",), ("name", "kind", "community_id"))
    for kiosk, community in SITES.items():
        store.register_kiosk(kiosk, signing.public_key_text(Ed25519PrivateKey.generate()))
        with store.db.write() as conn:
            upsert(conn, s.kiosk_sites, {"kiosk_id": kiosk, "community_id": community},
                   ("kiosk_id",), ("community_id",))
    accounts = Accounts(store.db, clock)
    for name, (role, communities, partner) in ACCOUNTS.items():
        accounts.create(name, password(name), role, communities=communities,
                        partner_id=partner, display_name=name)
    return accounts


@dataclass
class ConsoleServer:
    store: Store
    accounts: Accounts
    port: int = field(default_factory=free_port)

    def __post_init__(self) -> None:
        app = with_console(create_app(self.store, qr_issuer=demo_qr_issuer()),
                           create_console(self.store, qr_issuer=demo_qr_issuer(),
                                          accounts=self.accounts))
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port,
                                                    log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ConsoleServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("console server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


CSRF_RE = re.compile(r'"X-CSRF-Token": "([^"]+)"')


class Client:
    """A signed-in person, over plain HTTP (the browser tests use chromium)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()
        self.csrf = ""

    def sign_in(self, account: str, secret: str | None = None) -> requests.Response:
        page = self.http.get(self.base + "/console/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert token is not None
        answer = self.http.post(self.base + "/console/login", allow_redirects=False, data={
            "csrf": token.group(1), "account": account,
            "password": password(account) if secret is None else secret})
        if answer.status_code == 303:
            found = CSRF_RE.search(self.http.get(self.base + answer.headers["location"]).text)
            assert found is not None
            self.csrf = found.group(1)
        return answer

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.http.get(self.base + path, allow_redirects=False, **kw)

    def post(self, path: str, data: dict[str, Any] | None = None, *, csrf: bool = True,
             **kw: Any) -> requests.Response:
        body = dict(data or {})
        if csrf:
            body.setdefault("csrf", self.csrf)
        return self.http.post(self.base + path, data=body, allow_redirects=False, **kw)
