"""A real district server for tests: the reference app on uvicorn, on a free 127.0.0.1 port,
plus helpers to give it the demo district and to build kiosks that sync with it."""

from __future__ import annotations

import socket
import threading
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import uvicorn
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from district.app import QrIssuer, create_app
from district.catalogue_cli import cmd_import_catalogue
from district.store import Store
from kiosk import demo
from kiosk.config import Config, DatabaseSection, KioskSection, QrSection, SyncSection
from kiosk.core.clock import Clock
from kiosk.core.tokens import TokenVerifier
from kiosk.services import Services, build
from kiosk.sync.client import HttpTransport
from kiosk.sync.daemon import Daemon
from points_protocol import card_tokens, signing
from points_protocol.names import mask_name


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """uvicorn in a thread; ``stop`` asks it to exit and waits."""

    def __init__(self, store: Store, qr_issuer: QrIssuer | None = None) -> None:
        self.store = store
        self.port = free_port()
        config = uvicorn.Config(create_app(store, qr_issuer=qr_issuer), host="127.0.0.1",
                                port=self.port, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("district server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def seed_district(store: Store) -> None:
    """The demo district: the demo people with their balances as credits, and the catalogue."""
    people = tomllib.loads(demo.DEMO_PEOPLE.read_text("utf-8"))
    store.upsert_volunteers([(v["id"], mask_name(v["name"]), "active")
                             for v in people["volunteer"]])
    for v in people["volunteer"]:
        for c in v["cards"]:
            store.upsert_card(c["id"], v["id"], c["kind"], is_operator=c.get("operator", False))
            if c.get("status") == "blocked":
                store.set_card_status(c["id"], "blocked")
        if v["balance"]:
            store.credit(f"opening-{v['id']}", v["id"], v["balance"])

    class Args:
        file = str(demo.DEMO_CATALOGUE)

    cmd_import_catalogue(store, Args())  # type: ignore[arg-type]


@dataclass
class Kiosk:
    services: Services
    key: Ed25519PrivateKey
    transport: HttpTransport
    daemon: Daemon

    @property
    def conn(self):  # type: ignore[no-untyped-def]
        return self.services.conn

    def close(self) -> None:
        self.transport.close()
        self.services.conn.close()


DEMO_QR = QrSection(district_id="demo-district",
                    public_key=str(demo.DEMO_PEOPLE.parent / "demo-district-public.key"))


def demo_qr_issuer() -> QrIssuer:
    """The district side of :data:`DEMO_QR` (the demo key pair shipped in assets/demo)."""
    pem = demo.DEMO_PEOPLE.parent / "demo-district-key.DEMO-ONLY.pem"
    return QrIssuer(card_tokens.load_private_key(pem), "demo-district")


@contextmanager
def issuing_district(path: Path) -> Iterator[LiveServer]:
    """The demo district on 127.0.0.1, holding the demo QR signing key."""
    store = Store(path)
    seed_district(store)
    server = LiveServer(store, qr_issuer=demo_qr_issuer()).start()
    try:
        yield server
    finally:
        server.stop()


def make_kiosk(tmp: Path, kiosk_id: str, store: Store, url: str, clock: Clock,
               *, qr: QrSection | None = None, **sync: int) -> Kiosk:
    """A kiosk with its own SQLite file and the demo shop, registered with the district;
    with ``qr`` it accepts (and can have the district issue) QR cards."""
    config = replace(Config(), base_dir=tmp,
                     kiosk=KioskSection(id=kiosk_id),
                     database=DatabaseSection(path=str(tmp / f"{kiosk_id}.sqlite")),
                     sync=SyncSection(**sync), qr=qr or QrSection(),
                     district=replace(Config().district, key_path=f"{kiosk_id}-key.pem"))
    # The kiosk's key on file, as 'kiosk-sync keygen' makes it: it also signs its vouchers.
    key = signing.generate_key_file(tmp / config.district.key_path)
    services = build(config, clock, create=True)
    demo.seed(services)
    store.register_kiosk(kiosk_id, signing.public_key_text(key))
    transport = HttpTransport(url, kiosk_id, key, connect_timeout=5, read_timeout=30,
                              request_deadline=config.sync.request_deadline_seconds)
    verifier = TokenVerifier.from_settings(config.qr.public_key, config.qr.district_id, clock,
                                           base_dir=tmp)
    daemon = Daemon(services.conn, transport, clock, kiosk_id, config.sync,
                    verify_card=None if verifier is None else verifier.verify)
    return Kiosk(services, key, transport, daemon)
