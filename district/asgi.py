"""The server as an ASGI factory, for ``kiosk-district serve --workers N``: uvicorn starts N
processes, each calling :func:`app_from_env` to open its own connections (a pool per process).
The CLI passes its options through the environment; nothing else reads these variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from district.app import QrIssuer, create_app
from district.console.app import create_console, with_console
from district.store import Store
from points_protocol import card_tokens

ENV_DATABASE = "KIOSK_DISTRICT_DATABASE"
ENV_DISTRICT = "KIOSK_DISTRICT_NAME"
ENV_QR_KEY = "KIOSK_DISTRICT_QR_KEY"
ENV_QR_DISTRICT_ID = "KIOSK_DISTRICT_QR_ID"
ENV_QR_VALID_DAYS = "KIOSK_DISTRICT_QR_VALID_DAYS"


def app_from_env() -> Any:
    store = Store(os.environ[ENV_DATABASE], district=os.environ.get(ENV_DISTRICT, "district"),
                  create=False)
    issuer = None
    if os.environ.get(ENV_QR_KEY):
        issuer = QrIssuer(card_tokens.load_private_key(Path(os.environ[ENV_QR_KEY])),
                          os.environ.get(ENV_QR_DISTRICT_ID, ""),
                          int(os.environ.get(ENV_QR_VALID_DAYS, "0")))
    return with_console(create_app(store, qr_issuer=issuer),
                        create_console(store, qr_issuer=issuer))
