"""AuthenticateEV2First and EV2 secure messaging (AES), the reader's side.

Written from the NTAG 424 DNA datasheet (NT4H2421Gx, "Secure messaging") and checked against
the worked examples of NXP AN12196 (tests/protocol/test_sun_ev2.py). Commands are native ones
wrapped in ISO 7816-4 APDUs: ``90 INS 00 00 Lc data 00``; the tag answers ``data || 91 status``.

After authentication every command carries the command counter (CmdCtr, 2 bytes, least
significant first) and the 4-byte transaction identifier (TI) in its MAC:

- CommMode.MAC: ``MACt = odd bytes of CMAC(KSesAuthMAC, INS || CmdCtr || TI || header ||
  data)``, appended to the command; the answer's MAC covers ``status || CmdCtr+1 || TI ||
  answer data``.
- CommMode.Full: the data is padded (ISO 9797-1 method 2) and encrypted with KSesAuthENC in
  CBC mode under ``IV = E(KSesAuthENC, A55A || TI || CmdCtr || 0*8)`` before the MAC; an
  encrypted answer uses ``5AA5`` and CmdCtr+1.

The counter moves on after every command answered in the session; any error ends the
session on the tag, and :class:`Session` must then be thrown away.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from points_protocol.sun import aes

CLA = 0x90
INS_AUTH_FIRST, INS_ADDITIONAL_FRAME = 0x71, 0xAF
INS_GET_VERSION, INS_GET_KEY_VERSION, INS_CHANGE_KEY = 0x60, 0x64, 0xC4
INS_CHANGE_FILE_SETTINGS, INS_GET_FILE_SETTINGS, INS_WRITE_DATA = 0x5F, 0xF5, 0x8D
STATUS_OK, STATUS_MORE = 0x00, 0xAF
STATUS_NAMES = {0x00: "OK", 0xAF: "additional frame", 0x1C: "illegal command",
                0x1E: "integrity error", 0x40: "no such key", 0x7E: "length error",
                0x9D: "permission denied", 0x9E: "parameter error", 0xAE: "authentication error",
                0xBE: "boundary error", 0xCA: "command aborted", 0xEE: "memory error",
                0xF0: "file not found", 0x91: "wrong sequence"}


class Ev2Error(Exception):
    """The tag refused a command, or its answer does not verify; the session is over."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class CommMode(Enum):
    PLAIN = 0
    MAC = 1
    FULL = 3


def apdu(ins: int, data: bytes = b"") -> bytes:
    """A native command wrapped in ISO 7816-4 (Le = 00: the tag sends what it has)."""
    if len(data) > 255:
        raise ValueError("a short APDU carries at most 255 bytes")
    return bytes([CLA, ins, 0, 0]) + (bytes([len(data)]) + data if data else b"") + b"\x00"


def split_answer(answer: bytes, what: str) -> tuple[int, bytes]:
    """(native status, data) of an ISO-wrapped answer; an ISO error status raises."""
    if len(answer) < 2 or answer[-2] != 0x91:
        sw = answer[-2:].hex().upper() if len(answer) >= 2 else "nothing"
        raise Ev2Error(f"{what}: the tag answered {sw} (not an NTAG 424 DNA command answer)")
    return answer[-1], answer[:-2]


def check_ok(status: int, what: str, allowed: tuple[int, ...] = (STATUS_OK,)) -> None:
    if status not in allowed:
        name = STATUS_NAMES.get(status, "unknown error")
        raise Ev2Error(f"{what}: the tag answered 91{status:02X} ({name})", status)


# --- authentication ----------------------------------------------------------------------------

def session_keys(key: bytes, rnd_a: bytes, rnd_b: bytes) -> tuple[bytes, bytes]:
    """(KSesAuthENC, KSesAuthMAC) from the key and both random numbers (datasheet, session
    key generation): SV = label || 0001 0080 || RndA[15..14] || (RndA[13..8] XOR
    RndB[15..10]) || RndB[9..0] || RndA[7..0], byte 15 being the first."""
    mixed = bytes(a ^ b for a, b in zip(rnd_a[2:8], rnd_b[0:6], strict=True))
    tail = rnd_a[0:2] + mixed + rnd_b[6:16] + rnd_a[8:16]
    return (aes.cmac(key, bytes.fromhex("A55A00010080") + tail),
            aes.cmac(key, bytes.fromhex("5AA500010080") + tail))


def auth_first(key_no: int) -> bytes:
    """The first command: key number and an empty capability list (LenCap = 0)."""
    return apdu(INS_AUTH_FIRST, bytes([key_no, 0x00]))


def auth_challenge_answer(key: bytes, encrypted_rnd_b: bytes, rnd_a: bytes) -> tuple[bytes, bytes]:
    """The second command, answering the tag's encrypted RndB; returns (APDU, RndB)."""
    if len(encrypted_rnd_b) != aes.BLOCK or len(rnd_a) != aes.BLOCK:
        raise Ev2Error("authentication: the tag's challenge is not 16 bytes")
    rnd_b = aes.cbc_decrypt(key, encrypted_rnd_b)
    token = aes.cbc_encrypt(key, rnd_a + aes.rotate_left(rnd_b))
    return apdu(INS_ADDITIONAL_FRAME, token), rnd_b


def auth_finish(key: bytes, rnd_a: bytes, rnd_b: bytes, encrypted: bytes) -> Session:
    """Check the tag's last answer (it proves the tag holds the key: RndA comes back rotated)
    and open the session."""
    if len(encrypted) != 2 * aes.BLOCK:
        raise Ev2Error("authentication: the tag's last answer is not 32 bytes")
    plain = aes.cbc_decrypt(key, encrypted)
    ti, rnd_a_rotated = plain[0:4], plain[4:20]
    if not hmac.compare_digest(rnd_a_rotated, aes.rotate_left(rnd_a)):
        raise Ev2Error("authentication: the tag does not hold the key (RndA did not come back)")
    enc, mac = session_keys(key, rnd_a, rnd_b)
    return Session(ti=ti, enc=enc, mac=mac)


Transmit = Callable[[bytes], bytes]


def authenticate(transmit: Transmit, key_no: int, key: bytes,
                 rnd_a: bytes | None = None) -> Session:
    """The whole AuthenticateEV2First exchange over ``transmit`` (APDU in, answer out).
    Raises :class:`Ev2Error` with status 0xAE when the tag holds another key."""
    rnd_a = os.urandom(aes.BLOCK) if rnd_a is None else rnd_a
    status, challenge = split_answer(transmit(auth_first(key_no)), "AuthenticateEV2First")
    check_ok(status, "AuthenticateEV2First", (STATUS_MORE,))
    command, rnd_b = auth_challenge_answer(key, challenge, rnd_a)
    status, answer = split_answer(transmit(command), "AuthenticateEV2First part 2")
    check_ok(status, "AuthenticateEV2First part 2")
    return auth_finish(key, rnd_a, rnd_b, answer)


# --- secure messaging --------------------------------------------------------------------------

@dataclass
class Session:
    ti: bytes
    enc: bytes
    mac: bytes
    cmd_ctr: int = 0

    def _ctr(self, ahead: int = 0) -> bytes:
        return ((self.cmd_ctr + ahead) & 0xFFFF).to_bytes(2, "little")

    def command_iv(self) -> bytes:
        return aes.ecb_block(self.enc, b"\xa5\x5a" + self.ti + self._ctr() + bytes(8))

    def response_iv(self) -> bytes:
        return aes.ecb_block(self.enc, b"\x5a\xa5" + self.ti + self._ctr(1) + bytes(8))

    def command(self, ins: int, header: bytes = b"", data: bytes = b"",
                mode: CommMode = CommMode.FULL) -> bytes:
        """The APDU for a command in ``mode`` (in FULL the data is encrypted, never the
        header). The counter moves on only when :meth:`answer` accepts the tag's answer."""
        if mode is CommMode.PLAIN:
            return apdu(ins, header + data)
        if mode is CommMode.FULL and data:
            data = aes.cbc_encrypt(self.enc, aes.pad_m2(data), self.command_iv())
        mac = aes.mac_t(self.mac, bytes([ins]) + self._ctr() + self.ti + header + data)
        return apdu(ins, header + data + mac)

    def answer(self, raw: bytes, what: str, mode: CommMode = CommMode.FULL) -> bytes:
        """Check the tag's answer to the last :meth:`command` and return its data (decrypted
        in FULL). An error status or a wrong MAC raises :class:`Ev2Error`."""
        status, body = split_answer(raw, what)
        check_ok(status, what)
        if mode is CommMode.PLAIN:
            self.cmd_ctr += 1
            return body
        if len(body) < 8:
            raise Ev2Error(f"{what}: the answer has no MAC")
        data, mac = body[:-8], body[-8:]
        expected = aes.mac_t(self.mac, bytes([status]) + self._ctr(1) + self.ti + data)
        if not hmac.compare_digest(mac, expected):
            raise Ev2Error(f"{what}: the answer's MAC does not verify")
        if mode is CommMode.FULL and data:
            try:
                data = aes.unpad_m2(aes.cbc_decrypt(self.enc, data, self.response_iv()))
            except ValueError as exc:
                raise Ev2Error(f"{what}: the answer does not decrypt ({exc})") from None
        self.cmd_ctr += 1
        return data


# --- what the commands carry -------------------------------------------------------------------

def change_key_data(key_no: int, auth_key_no: int, new_key: bytes, old_key: bytes | None,
                    version: int) -> bytes:
    """ChangeKey's data before padding and encryption. Changing the key the session was opened
    with sends the new key itself (the session proves the old one); any other key is sent
    XORed with its old value, with a CRC32 of the new key, so the tag refuses it unless the
    caller knew the old key."""
    if len(new_key) != aes.BLOCK or not 0 <= version <= 0xFF:
        raise ValueError("a new key is 16 bytes and its version one byte")
    if key_no == auth_key_no:
        return new_key + bytes([version])
    if old_key is None or len(old_key) != aes.BLOCK:
        raise ValueError("changing another key than the session's needs its old value")
    mixed = bytes(a ^ b for a, b in zip(new_key, old_key, strict=True))
    return mixed + bytes([version]) + aes.crc32_nk(new_key)


ACCESS_FREE, ACCESS_NEVER = 0xE, 0xF


@dataclass(frozen=True)
class SdmSettings:
    """Secure Dynamic Messaging for a file: UID and counter mirrored, encrypted into PICCData
    with ``meta_read_key`` (key number), SDMMAC under ``file_read_key``, offsets in the file."""

    meta_read_key: int
    file_read_key: int
    counter_key: int
    picc_data_offset: int
    mac_input_offset: int
    mac_offset: int


def file_settings(*, read: int, write: int, read_write: int, change: int,
                  sdm: SdmSettings | None = None, mode: CommMode = CommMode.PLAIN) -> bytes:
    """ChangeFileSettings' data: FileOption, access rights, and with SDM its options
    (UID and counter mirrored as ASCII), its access rights and offsets (3 bytes each, least
    significant first)."""
    option = mode.value | (0x40 if sdm else 0)
    rights = bytes([(read_write << 4) | change, (read << 4) | write])
    if sdm is None:
        return bytes([option]) + rights
    sdm_rights = (sdm.meta_read_key << 12) | (sdm.file_read_key << 8) | (0xF << 4) \
        | sdm.counter_key
    offsets = (sdm.picc_data_offset, sdm.mac_input_offset, sdm.mac_offset)
    return (bytes([option]) + rights + bytes([0xC1]) + sdm_rights.to_bytes(2, "little")
            + b"".join(o.to_bytes(3, "little") for o in offsets))


def write_data_header(file_no: int, offset: int, length: int) -> bytes:
    return bytes([file_no]) + offset.to_bytes(3, "little") + length.to_bytes(3, "little")
