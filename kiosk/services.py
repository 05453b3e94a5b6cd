"""Builds the core's objects from the config: shared by the app, the admin CLI and the demo."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.config import Config
from kiosk.core import continuity
from kiosk.core.checkout import Checkout
from kiosk.core.clock import Clock, SystemClock, to_db
from kiosk.core.db import open_database
from kiosk.core.district_policy import Override
from kiosk.core.models import KioskInfo, SalesPolicy
from kiosk.core.operators import PinPolicy
from kiosk.core.tokens import TokenVerifier
from kiosk.core.vouchers import KeySigner, VoucherSigner
from kiosk.sync.signer import DaemonSigner, socket_path
from points_protocol import signing
from points_protocol.settings import SETTINGS

log = logging.getLogger("kiosk.services")


@dataclass
class Services:
    config: Config
    conn: sqlite3.Connection
    clock: Clock
    kiosk: KioskInfo
    policy: SalesPolicy
    checkout: Checkout


def kiosk_info(config: Config) -> KioskInfo:
    return KioskInfo(kiosk_id=config.kiosk.id, name=config.kiosk.name,
                     community=config.kiosk.community,
                     timezone=ZoneInfo(config.kiosk.timezone))


def sales_policy(config: Config) -> SalesPolicy:
    return SalesPolicy(
        offline_after_seconds=config.offline.after_seconds,
        offline_cap_per_volunteer_per_day=config.offline.cap_per_volunteer_per_day,
        offline_cap_per_kiosk_per_day=config.offline.cap_per_kiosk_per_day,
        max_quantity_per_line=config.checkout.max_quantity_per_line,
        void_window_minutes=config.checkout.void_window_minutes,
        uid_only_cap_per_day=config.nfc.uid_only_cap_per_day)


# District setting keys (``points_protocol.settings``, as given to ``kiosk-district set``) the
# checkout obeys over config.toml: key -> (config section, setting, SalesPolicy field). The
# keys are the config.toml names, so an operator reads one name in both places.
DISTRICT_POLICY_KEYS = {
    "offline.after_seconds": ("offline", "after_seconds", "offline_after_seconds"),
    "offline.cap_per_volunteer_per_day": ("offline", "cap_per_volunteer_per_day",
                                          "offline_cap_per_volunteer_per_day"),
    "offline.cap_per_kiosk_per_day": ("offline", "cap_per_kiosk_per_day",
                                      "offline_cap_per_kiosk_per_day"),
    "nfc.uid_only_cap_per_day": ("nfc", "uid_only_cap_per_day", "uid_only_cap_per_day"),
    "checkout.max_quantity_per_line": ("checkout", "max_quantity_per_line",
                                       "max_quantity_per_line"),
}


def district_overrides() -> dict[str, Override]:
    """The district keys with the ranges the protocol allows (config_sections.py declares the
    same)."""
    return {key: Override(target, SETTINGS[key].range.minimum, SETTINGS[key].range.maximum)
            for key, (_section, _name, target) in DISTRICT_POLICY_KEYS.items()}


def voucher_signer(config: Config) -> VoucherSigner:
    """Who signs the vouchers this kiosk sells with its own key ([district] key_path): this
    process, where it may read the key (a development checkout, the tests); else the sync
    daemon, over its socket beside the database (a packaged kiosk keeps the key readable by the
    daemon alone, kiosk.sync.signer). A voucher neither could sign is printed unsigned."""
    path = Path(config.district.key_path)
    path = path if path.is_absolute() else config.base_dir / path
    try:
        return KeySigner(signing.load_key_file(path))
    except (OSError, ValueError) as exc:
        log.info("vouchers are signed by the sync daemon (this process cannot read the key: "
                 "%s)", exc)
        return DaemonSigner(socket_path(config.database_path))


def qr_verifier(config: Config, clock: Clock) -> TokenVerifier | None:
    """The QR card check from ``[qr]``, one for the touchscreen's scanners and the sync daemon
    alike (the daemon checks each card the district issues before it is printed: a card this
    kiosk prints must be one its scanners read). None when QR cards are off."""
    return TokenVerifier.from_settings(config.qr.public_key, config.qr.district_id, clock,
                                       base_dir=config.base_dir,
                                       max_length=config.qr.max_token_length)


def pin_policy(config: Config) -> PinPolicy:
    section = config.operator
    return PinPolicy(pin_min_length=section.pin_min_length, free_tries=section.free_tries,
                     lockout_seconds=section.lockout_seconds,
                     lockout_max_seconds=section.lockout_max_seconds)


def build(config: Config, clock: Clock | None = None, *, create: bool = False) -> Services:
    """The core's objects on the configured database; only ``create`` (kiosk-admin init, the
    demo) may make a new one where there is no file."""
    clock = clock or SystemClock()
    conn = open_database(config.database_path, busy_timeout_ms=config.database.busy_timeout_ms,
                         startup_check=config.database.startup_check,
                         cache_mb=config.database.cache_mb, create=create)
    kiosk, policy = kiosk_info(config), sales_policy(config)
    services = Services(config=config, conn=conn, clock=clock, kiosk=kiosk, policy=policy,
                        checkout=Checkout(conn, clock, kiosk, policy, district_overrides(),
                                          voucher_signer=voucher_signer(config)))
    # Entries lost since the last time (a dropped -wal): stop selling before the first sale.
    continuity.check_local(conn, to_db(clock.now()))
    return services
