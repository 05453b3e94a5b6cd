"""The API fuzzed from its published OpenAPI file (Schemathesis), on both engines: signed
requests through the project's own signing code, and unsigned ones against the auth wall. No
answer is a 5xx and every answer conforms to the published schema. The number of examples is
bounded so the suite stays fast (raise FUZZ_EXAMPLES to fuzz longer)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, settings

from district.store import Store
from points_protocol import signing
from tests.live_district import LiveServer, demo_qr_issuer, seed_district

SPEC = Path(__file__).resolve().parents[2] / "docs" / "protocol" / "openapi-v1.json"
schema = schemathesis.openapi.from_path(str(SPEC))
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=list(HealthCheck))


def send(district: LiveServer, case: Any, key: Ed25519PrivateKey | None) -> requests.Response:
    kwargs = case.as_transport_kwargs(base_url=district.url)
    body = b""
    headers = {k: v for k, v in (kwargs.get("headers") or {}).items()
               if not k.lower().startswith("x-kiosk-")}
    if "json" in kwargs:
        body = json.dumps(kwargs["json"]).encode()
        headers["Content-Type"] = "application/json"
    elif kwargs.get("data") is not None:
        data = kwargs["data"]
        body = data if isinstance(data, bytes) else str(data).encode()
    prepared = requests.Request(kwargs["method"], kwargs["url"], params=kwargs.get("params"),
                                headers=headers, data=body or None).prepare()
    if key is not None:
        prepared.headers.update(signing.signed_headers(
            key, "k1", method=prepared.method or "GET", path=prepared.path_url,
            body=body, timestamp=int(time.time())))
    with requests.Session() as session:
        return session.send(prepared, timeout=30)


@pytest.fixture
def district(store: Store) -> Iterator[LiveServer]:
    """The demo district holding the demo QR key, so every endpoint does its real work."""
    seed_district(store)
    server = LiveServer(store, qr_issuer=demo_qr_issuer()).start()
    yield server
    server.stop()


@pytest.fixture
def signer(district: LiveServer) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    district.store.register_kiosk("k1", signing.public_key_text(key))
    return key


@schema.parametrize()
@FUZZ
def test_signed_requests_never_get_a_5xx_and_conform(case: Any, district: LiveServer,
                                                     signer: Ed25519PrivateKey) -> None:
    response = send(district, case, signer)
    assert response.status_code < 500, response.text[:300]
    case.validate_response(response, excluded_checks=_lenient())


@schema.parametrize()
@FUZZ
@pytest.mark.allow_log(r"refused .*: unknown kiosk")
def test_unsigned_requests_stop_at_the_wall(case: Any, district: LiveServer) -> None:
    response = send(district, case, None)
    if case.path != "/v1/health":
        assert response.status_code in (400, 401, 413), response.text[:300]
    case.validate_response(response, excluded_checks=_lenient())


def _lenient() -> list[Any]:
    """Checks that judge the API by rules it does not follow on purpose: valid-looking data
    may be refused (a volunteer the district does not know, a request id reused), and the
    security scheme is a signature, not a key Schemathesis could supply."""
    from schemathesis import checks

    names = ("positive_data_acceptance", "negative_data_rejection", "ignored_auth",
             "missing_required_header", "unsupported_method")
    return [getattr(checks, n) for n in names if hasattr(checks, n)]
