"""A packaged kiosk sells vouchers: the touchscreen's user cannot read the kiosk's key, so the
sync daemon signs them over its local socket. Users as the package makes them (a forked copy
of this process per user, see tests/users.py), the real ``kiosk-sync run`` (its main) and the
real Unix socket; a request that is not this kiosk's voucher is refused unsigned."""

from __future__ import annotations

import encodings.ascii
import encodings.latin_1  # noqa: F401  to import a codec late: loaded here, before the fork)
import functools
import json
import os
import signal
import socket
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk import demo
from kiosk.config import load_config
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from kiosk.services import build
from kiosk.sync.daemon import main as daemon_main
from kiosk.sync.signer import DaemonSigner, socket_path
from points_protocol import signing
from points_protocol import vouchers as protocol
from points_protocol.vouchers import Voucher
from tests.conftest import mark_synced
from tests.users import SHARED_GID, SYNC, TOUCH, as_user, data_fixture  # noqa: F401

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="switching users needs root")

ZHANG = PresentedCard("04A1B2C3D4E5F6")   # 张小华, 800 points


def start_daemon(config: Path) -> int:
    """``kiosk-sync run`` (its main, as the console script calls it) in a forked copy of this
    process switched to the daemon's user, as systemd starts it (this interpreter lives where
    other users cannot exec it, so no new process is started)."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            os.setgroups([SHARED_GID])
            os.setgid(SYNC.gid)
            os.setuid(SYNC.uid)
            os.umask(0o077)
            code = daemon_main(["--config", str(config), "run"])
        finally:
            os._exit(code)
    return pid


def wait_for(path: Path, pid: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert os.waitpid(pid, os.WNOHANG) == (0, 0), "the daemon ended"
        assert time.monotonic() < deadline, "the daemon made no signing socket"
        time.sleep(0.05)


def packaged_kiosk(data: Path) -> tuple[Path, Path]:
    """(config, key) laid out as postinst and provisioning leave them: the key in the daemon's
    own 0700 folder, the ledger in the shared folder."""
    sync = data / "sync"
    sync.mkdir()
    key = sync / "kiosk-key.pem"
    signing.generate_key_file(key)
    for path, mode in ((sync, 0o700), (key, 0o600)):
        os.chown(path, SYNC.uid, SYNC.gid)
        path.chmod(mode)
    config = data / "config.toml"
    config.write_text(
        f'[kiosk]\nid = "k-packaged"\n[database]\npath = "{data / "kiosk.sqlite"}"\n'
        f'[district]\nurl = "http://127.0.0.1:9"\nkey_path = "{key}"\n'
        f'[sync]\ninterval_seconds = 3600\n', encoding="utf-8")
    os.chown(config, 0, SHARED_GID)
    config.chmod(0o640)
    services = build(load_config(config), create=True)        # kiosk-admin init, as root
    demo.seed(services)
    mark_synced(services, datetime.now(UTC))                   # the kiosk is online
    services.conn.close()
    return config, key


def test_the_touchscreen_sells_a_voucher_the_daemon_signs(data: Path) -> None:
    config, key = packaged_kiosk(data)
    daemon = start_daemon(config)
    try:
        wait_for(socket_path(data / "kiosk.sqlite"), daemon)

        def sell() -> str:
            try:
                key.read_bytes()
                return "the touchscreen could read the key"
            except PermissionError:
                pass
            services = build(load_config(config))
            receipt = services.checkout.checkout(uuid7(), ZHANG, [CartLine("breakfast", 1)])
            return receipt.vouchers[0].token

        said = as_user(TOUCH, sell)
        assert said.startswith("ok\n"), said
        token = said.split("\n", 1)[1]
        public = signing.load_key_file(key).public_key()
        voucher = protocol.verify(token, public)                # signed by the kiosk's key
        assert (voucher.kiosk_id, voucher.item_id, voucher.value) == ("k-packaged",
                                                                      "breakfast", 40)

        # The socket signs this kiosk's vouchers and nothing else.
        other = Voucher(voucher_id="v-x", kiosk_id="k-elsewhere", item_id="breakfast",
                        partner_id="p", value=40, masked_name="张*华",
                        expires_at="2026-12-06T23:59:59+08:00", code=protocol.new_code())
        assert as_user(TOUCH, lambda: DaemonSigner(socket_path(data / "kiosk.sqlite"))
                       .sign(other) or "unsigned") == "ok\nunsigned"

        def ask(line: bytes) -> str:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(5)
                sock.connect(str(socket_path(data / "kiosk.sqlite")))
                sock.sendall(line)
                return sock.recv(4096).decode()

        for line in (b"GET / HTTP/1.1\n", b'{"voucher": {"id": 1}}\n', b"\xff\n"):
            assert "error" in json.loads(as_user(TOUCH, functools.partial(ask, line))[3:])
    finally:
        os.kill(daemon, signal.SIGTERM)
        os.waitpid(daemon, 0)
