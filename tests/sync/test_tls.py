"""HTTPS to the district: the kiosk verifies the certificate against the configured CA file,
and refuses a certificate it cannot verify (no silent fallback to an unverified connection)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from district.app import create_app
from district.store import Store
from kiosk.sync.client import HttpTransport
from tests.conftest import ManualClock
from tests.live_district import free_port, make_kiosk, seed_district


def _cert(subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Name,
          issuer_key: ec.EllipticCurvePrivateKey, *, ca: bool) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
               .issuer_name(issuer).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(minutes=5))
               .not_valid_after(now + dt.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if not ca:
        builder = builder.add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture
def tls_district(tmp_path: Path) -> Iterator[tuple[Store, str, Path]]:
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test district CA")])
    ca = _cert("Test district CA", ca_key, ca_name, ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _cert("127.0.0.1", key, ca_name, ca_key, ca=False)
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    store = Store(tmp_path / "district.sqlite")
    seed_district(store)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(
        create_app(store), host="127.0.0.1", port=port, log_level="warning", lifespan="off",
        ssl_certfile=str(tmp_path / "cert.pem"), ssl_keyfile=str(tmp_path / "key.pem")))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "TLS server did not start"
        time.sleep(0.02)
    yield store, f"https://127.0.0.1:{port}", tmp_path / "ca.pem"
    server.should_exit = True
    thread.join(timeout=30)


@pytest.mark.expect_log(r"heartbeat not sent", r"sync round failed")
def test_https_with_the_ca_file_works_and_without_it_is_refused(
        tls_district: tuple[Store, str, Path], tmp_path: Path, clock: ManualClock) -> None:
    store, url, ca_file = tls_district
    trusting = make_kiosk(tmp_path, "k1", store, url, clock)
    trusting.transport.close()
    trusting.transport = HttpTransport(url, "k1", trusting.key, ca_file=str(ca_file))
    trusting.daemon.transport = trusting.transport
    assert trusting.daemon.run_once() is not None
    doubting = make_kiosk(tmp_path, "k2", store, url, clock)     # system CAs only
    assert doubting.daemon.run_once() is None
    assert "SSL" in doubting.conn.execute("SELECT last_error FROM sync_status").fetchone()[0]
    trusting.close()
    doubting.close()
