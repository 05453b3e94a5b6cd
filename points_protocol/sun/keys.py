"""Who holds which key: this project's scheme for NTAG 424 DNA cards, and its key files.

An NTAG 424 DNA application has five AES keys. Per key generation the district keeps three
random secrets, and each card gets:

==========  ===================================  ============================================
key         what it does on the card             value
==========  ===================================  ============================================
0           change keys and file settings        AN10922(app master, UID || 00 || district)
1           SDM file read: SDMMAC                AN10922(file-read master, UID || 01 || district)
2           SDM meta read: PICCData              the generation's meta-read key itself
3, 4        nothing (never left at the default)  AN10922(app master, UID || 03/04 || district)
==========  ===================================  ============================================

Key 2 cannot differ per card: the kiosk learns the UID only by decrypting PICCData with it.
Every key carries the generation as its key version (factory keys are version 0), so the
district can tell how a card is keyed before it authenticates.

A kiosk holds only what checking a tap needs: the meta-read key and the file-read master of
each generation still in use (:class:`KioskKeys`), never the app master. So a stolen kiosk lets
its thief forge taps (for any UID, until the generation is retired) but not re-key, re-program
or read out the cards; the district rotates to a new generation, and each card is re-keyed at
its next visit to a staffed desk (``kiosk-district provision-card`` does it when it finds an
older key version).

Key files are TOML with hex keys; the kiosk's loader refuses a district file, so the app
master cannot land on a kiosk by mistake.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from points_protocol.sun import aes
from points_protocol.sun.an10922 import MAX_INPUT, diversify_aes128

KEY_NUMBERS = (0, 1, 2, 3, 4)
APP_KEY, FILE_READ_KEY, META_READ_KEY = 0, 1, 2
MAX_DISTRICT_ID_BYTES = MAX_INPUT - 7 - 1   # UID and key number come first


class KeyFileError(ValueError):
    """A key file that cannot be used; the message names the file and the problem."""


def diversification_input(uid: bytes, key_no: int, district_id: str) -> bytes:
    """AN10922's M: the card's UID, the key number, and the district as system identifier."""
    system = district_id.encode("utf-8")
    if len(uid) != 7 or not 0 <= key_no <= 4:
        raise ValueError("a 7-byte UID and a key number 0..4 are needed")
    if not 1 <= len(system) <= MAX_DISTRICT_ID_BYTES:
        raise ValueError(f"the district id must be 1..{MAX_DISTRICT_ID_BYTES} bytes")
    return uid + bytes([key_no]) + system


@dataclass(frozen=True)
class KioskKeys:
    """One generation, as a kiosk holds it."""

    district_id: str
    generation: int
    meta_read: bytes
    file_read_master: bytes

    def file_read_key(self, uid: bytes) -> bytes:
        return diversify_aes128(self.file_read_master,
                                diversification_input(uid, FILE_READ_KEY, self.district_id))


@dataclass(frozen=True)
class DistrictKeys:
    """One generation, as the provisioning desk holds it."""

    district_id: str
    generation: int
    app_master: bytes
    file_read_master: bytes
    meta_read: bytes

    def kiosk_keys(self) -> KioskKeys:
        return KioskKeys(self.district_id, self.generation, self.meta_read,
                         self.file_read_master)

    def card_key(self, uid: bytes, key_no: int) -> bytes:
        if key_no == META_READ_KEY:
            return self.meta_read
        master = self.file_read_master if key_no == FILE_READ_KEY else self.app_master
        return diversify_aes128(master, diversification_input(uid, key_no, self.district_id))

    def card_keys(self, uid: bytes) -> dict[int, bytes]:
        return {key_no: self.card_key(uid, key_no) for key_no in KEY_NUMBERS}

    @classmethod
    def new(cls, district_id: str, generation: int) -> DistrictKeys:
        diversification_input(bytes(7), 0, district_id)   # the id must fit AN10922's input
        return cls(district_id, generation, secrets.token_bytes(16), secrets.token_bytes(16),
                   secrets.token_bytes(16))


# --- files -------------------------------------------------------------------------------------

_KIOSK_FIELDS = ("meta_read", "file_read_master")
_DISTRICT_FIELDS = ("app_master", *_KIOSK_FIELDS)


def _key(path: Path, number: int, table: dict[str, object], name: str) -> bytes:
    value = table.get(name)
    try:
        raw = bytes.fromhex(value) if isinstance(value, str) else b""
    except ValueError:
        raw = b""
    if len(raw) != aes.BLOCK:
        raise KeyFileError(f"{path}: generation {number}: {name} must be 32 hex digits")
    return raw


def _read(path: Path) -> tuple[str, list[tuple[int, dict[str, object]]]]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise KeyFileError(f"{path}: cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise KeyFileError(f"{path}: not valid TOML ({exc})") from None
    district_id = data.get("district_id")
    tables = data.get("generation")
    if not isinstance(district_id, str) or not district_id:
        raise KeyFileError(f"{path}: district_id is missing")
    if not isinstance(tables, list) or not tables:
        raise KeyFileError(f"{path}: no [[generation]] tables")
    found = []
    for table in tables:
        number = table.get("number") if isinstance(table, dict) else None
        if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 255:
            raise KeyFileError(f"{path}: each generation needs a number 1..255")
        found.append((number, table))
    numbers = [n for n, _ in found]
    if len(set(numbers)) != len(numbers):
        raise KeyFileError(f"{path}: a generation number appears twice")
    return district_id, sorted(found, key=lambda item: -item[0])   # newest first


def load_kiosk_keys(path: Path) -> list[KioskKeys]:
    """A kiosk's key file, newest generation first. Refuses the district's master file."""
    district_id, tables = _read(path)
    if any("app_master" in table for _, table in tables):
        raise KeyFileError(f"{path}: holds the district's app master key, which must never "
                           "be on a kiosk; export the kiosk's keys with "
                           "`kiosk-district sun-keys export`")
    return [KioskKeys(district_id, number, _key(path, number, table, "meta_read"),
                      _key(path, number, table, "file_read_master"))
            for number, table in tables]


def load_district_keys(path: Path) -> list[DistrictKeys]:
    """The district's master file, newest generation first."""
    district_id, tables = _read(path)
    return [DistrictKeys(district_id, number,
                         **{name: _key(path, number, table, name) for name in _DISTRICT_FIELDS})
            for number, table in tables]


_HEADER = {
    "district": "# NTAG 424 DNA master keys of the district (points-kiosk). SECRET: keep on the\n"
                "# provisioning desk only (mode 0600). Never copy this file to a kiosk.\n",
    "kiosk": "# NTAG 424 DNA keys a kiosk needs to check card taps (points-kiosk). Secret:\n"
             "# install as /etc/points-kiosk/sun-keys.toml, owner root, group kiosk, mode 0640.\n",
}


def _write(path: Path, header: str, district_id: str,
           generations: Sequence[tuple[int, dict[str, bytes]]]) -> None:
    lines = [header, f'district_id = "{district_id}"\n']
    for number, keys in generations:
        lines.append(f"\n[[generation]]\nnumber = {number}\n")
        lines.extend(f'{name} = "{value.hex().upper()}"\n' for name, value in keys.items())
    # Written beside the target with its final mode (never readable by others for a moment),
    # flushed, then renamed over it: a crash leaves the old file or the new one, never half.
    fresh = path.with_name(path.name + ".new")
    fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("".join(lines))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(fresh, path)


def save_district_keys(path: Path, generations: Sequence[DistrictKeys]) -> None:
    if not generations or len({g.district_id for g in generations}) != 1:
        raise ValueError("one district's generations are needed")
    _write(path, _HEADER["district"], generations[0].district_id,
           [(g.generation, {name: getattr(g, name) for name in _DISTRICT_FIELDS})
            for g in generations])


def save_kiosk_keys(path: Path, generations: Sequence[KioskKeys]) -> None:
    if not generations or len({g.district_id for g in generations}) != 1:
        raise ValueError("one district's generations are needed")
    _write(path, _HEADER["kiosk"], generations[0].district_id,
           [(g.generation, {name: getattr(g, name) for name in _KIOSK_FIELDS})
            for g in generations])
