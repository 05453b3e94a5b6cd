"""An NTAG 424 DNA as the tests need it: the card's side of the commands, no socket.

Enough of the tag for a kiosk to read and a desk to provision it, written from the NTAG 424
DNA datasheet and checked against NXP AN12196's examples from the card's side
(tests/hardware/test_ntag424_card.py):

- ISO 7816-4: SELECT of the NDEF application (by DF name) and of its files (by file id),
  READ BINARY, and the reader's ``FF CA`` (UID) pseudo-APDU;
- Secure Dynamic Messaging on file 2: on the first unauthenticated read after a selection the
  read counter goes up (it stops at 0xFFFFFF) and PICCData (encrypted UID and counter) and
  SDMMAC are written over the file's placeholders;
- native commands wrapped in ISO 7816-4: GetVersion, AuthenticateEV2First, GetKeyVersion,
  ChangeKey, ChangeFileSettings, GetFileSettings and WriteData, with EV2 secure messaging
  (CmdCtr, TI, truncated CMACs, CommMode.Full encryption).

It shares only the AES/CMAC primitives and the session-key derivation with the reader's side
(points_protocol.sun); the command handling is the card's own. Its state (keys, files, counter) is a
JSON-able dict, so a card taken off the reader and put back is the same card.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from points_protocol.sun import aes, ev2, ndef, sdm
from points_protocol.sun.keys import FILE_READ_KEY, META_READ_KEY, DistrictKeys

NDEF_APP = bytes.fromhex("D2760000850101")
FILE_IDS = {bytes.fromhex("E103"): 1, bytes.fromhex("E104"): 2, bytes.fromhex("E105"): 3}
FILE_SIZES = {1: 32, 2: 256, 3: 128}
# Factory state (datasheet): CC file; NDEF file free to read and write; file 3 keyed.
FACTORY_SETTINGS = {"1": "00E0EE", "2": "00E0EE", "3": "033023"}
FACTORY_CC = bytes.fromhex("001720010000FF0406E10401000000000506E10500808283000000000000000000")
VERSION_PARTS = (bytes.fromhex("04040230001105"), bytes.fromhex("04040201021105"))
ATR = bytes.fromhex("3B8180018080")   # PC/SC part 3: an ISO 14443-4 type A card

SW_OK, SW_NOT_FOUND, SW_SECURITY = b"\x90\x00", b"\x6A\x82", b"\x69\x82"
SW_WRONG_P1P2, SW_INS = b"\x6B\x00", b"\x6D\x00"
OK, MORE, ILLEGAL, INTEGRITY, NO_KEY, LENGTH = 0x00, 0xAF, 0x1C, 0x1E, 0x40, 0x7E
DENIED, PARAMETER, AUTH_ERROR, BOUNDARY, NO_FILE = 0x9D, 0x9E, 0xAE, 0xBE, 0xF0
HEADER_SIZES = {ev2.INS_CHANGE_KEY: 1, ev2.INS_CHANGE_FILE_SETTINGS: 1, ev2.INS_WRITE_DATA: 7,
                ev2.INS_GET_KEY_VERSION: 1, ev2.INS_GET_FILE_SETTINGS: 1}


def factory_state(uid: str) -> dict[str, Any]:
    files = {"1": (FACTORY_CC + bytes(32))[:32].hex(), "2": bytes(256).hex(),
             "3": bytes(128).hex()}
    return {"uid": uid.upper(), "keys": [bytes(16).hex()] * 5, "versions": [0] * 5,
            "files": files, "settings": dict(FACTORY_SETTINGS), "counter": 0}


def provisioned_state(uid: str, keys: DistrictKeys, base_url: str = "https://hy.example.cn/t",
                      counter: int = 0) -> dict[str, Any]:
    """A tag as ``kiosk-district provision-card`` leaves it (for tests of reading alone)."""
    state = factory_state(uid)
    card_keys = keys.card_keys(bytes.fromhex(uid))
    state["keys"] = [card_keys[n].hex() for n in range(5)]
    state["versions"] = [keys.generation] * 5
    template = ndef.sun_template(base_url)
    state["files"]["2"] = (template.content + bytes(256 - len(template.content))).hex()
    state["settings"]["2"] = ev2.file_settings(
        read=ev2.ACCESS_FREE, write=0, read_write=0, change=0, sdm=ev2.SdmSettings(
            META_READ_KEY, FILE_READ_KEY, FILE_READ_KEY, template.picc_data_offset,
            template.mac_input_offset, template.mac_offset)).hex().upper()
    state["counter"] = counter
    return state


class Refusal(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(f"91{status:02X}")
        self.status = status


@dataclass
class _Session:
    key_no: int
    ti: bytes
    enc: bytes
    mac: bytes
    ctr: int = 0

    def ctr_bytes(self, ahead: int = 0) -> bytes:
        return ((self.ctr + ahead) & 0xFFFF).to_bytes(2, "little")


class Ntag424:
    """One tag. :meth:`process` answers an APDU; :attr:`state` is what survives removal."""

    def __init__(self, state: dict[str, Any],
                 random: Callable[[int], bytes] = os.urandom) -> None:
        self.state = state
        self.random = random
        self.app_selected = False
        self.file: int | None = None
        self.mirrored: bytes | None = None    # file 2 as read since the last selection
        self.session: _Session | None = None
        self.pending_auth: tuple[int, bytes] | None = None   # (key number, RndB)
        self.version_frame = 0

    # -- state ----------------------------------------------------------------------------------
    def key(self, key_no: int) -> bytes:
        return bytes.fromhex(self.state["keys"][key_no])

    def content(self, file_no: int) -> bytes:
        return bytes.fromhex(self.state["files"][str(file_no)])

    def settings(self, file_no: int) -> bytes:
        return bytes.fromhex(self.state["settings"][str(file_no)])

    def rights(self, file_no: int) -> dict[str, int]:
        raw = self.settings(file_no)
        return {"rw": raw[1] >> 4, "change": raw[1] & 0xF, "read": raw[2] >> 4,
                "write": raw[2] & 0xF}

    @property
    def uid(self) -> bytes:
        return bytes.fromhex(self.state["uid"])

    # -- dispatch -------------------------------------------------------------------------------
    def process(self, apdu: bytes) -> bytes:
        iso = {(0xFF, 0xCA): lambda _apdu: self.uid + SW_OK, (0x00, 0xA4): self._select,
               (0x00, 0xB0): self._read_binary}.get((apdu[0], apdu[1]))
        if iso is not None:
            return iso(apdu)
        if apdu[0] != ev2.CLA:
            return SW_INS
        ins, data = apdu[1], apdu[5:5 + apdu[4]] if len(apdu) > 5 else b""
        if ins == ev2.INS_GET_VERSION or (ins == ev2.INS_ADDITIONAL_FRAME and self.version_frame):
            return self._get_version(restart=ins == ev2.INS_GET_VERSION)
        self.version_frame = 0
        try:
            answer = self._native(ins, data)
        except Refusal as refusal:
            self.session = None       # any error ends the authenticated session
            self.pending_auth = None
            return bytes([0x91, refusal.status])
        return answer

    def _select(self, apdu: bytes) -> bytes:
        data = apdu[5:5 + apdu[4]]
        self.mirrored = None
        if apdu[2] == 0x04:
            if data != NDEF_APP:
                return SW_NOT_FOUND
            self.app_selected, self.file, self.session = True, None, None
            return SW_OK
        if apdu[2] == 0x00 and self.app_selected and data in FILE_IDS:
            self.file = FILE_IDS[data]
            return SW_OK
        return SW_NOT_FOUND

    def _read_binary(self, apdu: bytes) -> bytes:
        if self.file is None:
            return SW_NOT_FOUND
        if self.rights(self.file)["read"] != ev2.ACCESS_FREE and \
                self.rights(self.file)["rw"] != ev2.ACCESS_FREE:
            return SW_SECURITY
        offset = (apdu[2] << 8) | apdu[3]
        length = apdu[4] if len(apdu) > 4 and apdu[4] else 256
        content = self._readable(self.file)
        if offset > len(content):
            return SW_WRONG_P1P2
        return content[offset:offset + length] + SW_OK

    def _readable(self, file_no: int) -> bytes:
        settings = self.settings(file_no)
        if file_no != 2 or not settings[0] & 0x40 or self.session is not None:
            return self.content(file_no)
        if self.mirrored is None:
            self.mirrored = self._mirror(settings)
        return self.mirrored

    def _mirror(self, settings: bytes) -> bytes:
        """The SUN message of one read: the counter rises first (and stops at its limit)."""
        counter = min(self.state["counter"] + 1, sdm.COUNTER_LIMIT)
        self.state["counter"] = counter
        meta, file_key = settings[5] >> 4, settings[5] & 0xF
        picc_at = int.from_bytes(settings[6:9], "little")
        mac_in, mac_at = (int.from_bytes(settings[i:i + 3], "little") for i in (9, 12))
        content = bytearray(self.content(2))
        plain = b"\xC7" + self.uid + counter.to_bytes(3, "little") + self.random(5)
        content[picc_at:picc_at + 32] = aes.cbc_encrypt(self.key(meta), plain).hex().upper() \
            .encode()
        mac = sdm.sdmmac(self.key(file_key), self.uid, counter, bytes(content[mac_in:mac_at]))
        content[mac_at:mac_at + 16] = mac.hex().upper().encode()
        return bytes(content)

    # -- native commands ------------------------------------------------------------------------
    def _native(self, ins: int, data: bytes) -> bytes:
        if ins == ev2.INS_AUTH_FIRST:
            return self._auth_first(data)
        if ins == ev2.INS_ADDITIONAL_FRAME and self.pending_auth is not None:
            return self._auth_second(data)
        if ins in HEADER_SIZES:
            return self._secure(ins, data)
        raise Refusal(ILLEGAL)

    def _get_version(self, *, restart: bool) -> bytes:
        """Three frames: hardware, software, then UID and production data."""
        frame = 0 if restart else self.version_frame
        self.version_frame = frame + 1
        if frame < 2:
            return VERSION_PARTS[frame] + b"\x91\xAF"
        self.version_frame = 0
        return self.uid + bytes.fromhex("CB2C1C4B5B0420") + b"\x91\x00"

    def _auth_first(self, data: bytes) -> bytes:
        if not self.app_selected or len(data) < 2:
            raise Refusal(LENGTH if self.app_selected else ILLEGAL)
        key_no = data[0]
        if key_no > 4:
            raise Refusal(NO_KEY)
        self.session = None
        rnd_b = self.random(16)
        self.pending_auth = (key_no, rnd_b)
        return aes.cbc_encrypt(self.key(key_no), rnd_b) + b"\x91\xAF"

    def _auth_second(self, data: bytes) -> bytes:
        assert self.pending_auth is not None
        key_no, rnd_b = self.pending_auth
        self.pending_auth = None
        if len(data) != 32:
            raise Refusal(LENGTH)
        key = self.key(key_no)
        plain = aes.cbc_decrypt(key, data)
        rnd_a, rnd_b_rotated = plain[:16], plain[16:]
        if not hmac.compare_digest(rnd_b_rotated, aes.rotate_left(rnd_b)):
            raise Refusal(AUTH_ERROR)
        ti = self.random(4)
        enc, mac = ev2.session_keys(key, rnd_a, rnd_b)
        self.session = _Session(key_no, ti, enc, mac)
        answer = aes.cbc_encrypt(key, ti + aes.rotate_left(rnd_a) + bytes(12))
        return answer + b"\x91\x00"

    def _mode(self, ins: int, file_no: int | None) -> ev2.CommMode:
        if ins in (ev2.INS_CHANGE_KEY, ev2.INS_CHANGE_FILE_SETTINGS):
            return ev2.CommMode.FULL
        if ins in (ev2.INS_GET_KEY_VERSION, ev2.INS_GET_FILE_SETTINGS):
            return ev2.CommMode.MAC if self.session else ev2.CommMode.PLAIN
        assert file_no is not None
        mode = self.settings(file_no)[0] & 0x03
        if self.session is None or mode == 0:
            return ev2.CommMode.PLAIN
        return ev2.CommMode.FULL if mode == 3 else ev2.CommMode.MAC

    def _secure(self, ins: int, data: bytes) -> bytes:
        """Check and open a command, run it, and seal its answer per its CommMode."""
        size = HEADER_SIZES[ins]
        header = data[:size]
        if len(header) != size:
            raise Refusal(LENGTH)
        file_no = header[0] if ins in (ev2.INS_WRITE_DATA,) else None
        if file_no is not None and str(file_no) not in self.state["files"]:
            raise Refusal(NO_FILE)
        mode = self._mode(ins, file_no)
        body = data[size:]
        session = self.session
        if mode is not ev2.CommMode.PLAIN:
            if session is None:
                raise Refusal(DENIED)
            body = self._open(session, ins, header, body, mode)
        answer = self._run(ins, header, body)
        if session is None or self.session is None:
            return answer + b"\x91\x00"   # plain, or the session ended (its key changed)
        if mode is ev2.CommMode.PLAIN:
            session.ctr += 1
            return answer + b"\x91\x00"
        return self._seal(session, answer, mode) + b"\x91\x00"

    def _open(self, session: _Session, ins: int, header: bytes, body: bytes,
              mode: ev2.CommMode) -> bytes:
        if len(body) < 8:
            raise Refusal(LENGTH)
        payload, mac = body[:-8], body[-8:]
        expected = aes.mac_t(session.mac, bytes([ins]) + session.ctr_bytes() + session.ti
                             + header + payload)
        if not hmac.compare_digest(mac, expected):
            raise Refusal(INTEGRITY)
        if mode is ev2.CommMode.FULL and payload:
            if len(payload) % 16:
                raise Refusal(LENGTH)
            iv = aes.ecb_block(session.enc, b"\xa5\x5a" + session.ti + session.ctr_bytes()
                               + bytes(8))
            try:
                return aes.unpad_m2(aes.cbc_decrypt(session.enc, payload, iv))
            except ValueError:
                raise Refusal(INTEGRITY) from None
        return payload

    def _seal(self, session: _Session, answer: bytes, mode: ev2.CommMode) -> bytes:
        if mode is ev2.CommMode.FULL and answer:
            iv = aes.ecb_block(session.enc, b"\x5a\xa5" + session.ti + session.ctr_bytes(1)
                               + bytes(8))
            answer = aes.cbc_encrypt(session.enc, aes.pad_m2(answer), iv)
        mac = aes.mac_t(session.mac, b"\x00" + session.ctr_bytes(1) + session.ti + answer)
        session.ctr += 1
        return answer + mac

    def _run(self, ins: int, header: bytes, body: bytes) -> bytes:
        if ins == ev2.INS_GET_KEY_VERSION:
            if header[0] > 4:
                raise Refusal(NO_KEY)
            return bytes([self.state["versions"][header[0]]])
        if ins == ev2.INS_GET_FILE_SETTINGS:
            if str(header[0]) not in self.state["files"]:
                raise Refusal(NO_FILE)
            size = FILE_SIZES[header[0]].to_bytes(3, "little")
            settings = self.settings(header[0])
            return b"\x00" + settings[:3] + size + settings[3:]
        if ins == ev2.INS_CHANGE_KEY:
            return self._change_key(header[0], body)
        if ins == ev2.INS_CHANGE_FILE_SETTINGS:
            return self._change_file_settings(header[0], body)
        return self._write_data(header, body)

    def _need(self, right: int) -> None:
        """Access right ``right`` (a key number, E free, F never) for this command."""
        if right == ev2.ACCESS_FREE:
            return
        if self.session is None or right == ev2.ACCESS_NEVER or self.session.key_no != right:
            raise Refusal(DENIED)

    def _change_key(self, key_no: int, body: bytes) -> bytes:
        self._need(0)    # the application master key changes keys
        assert self.session is not None
        if key_no > 4:
            raise Refusal(NO_KEY)
        if key_no == self.session.key_no:
            if len(body) != 17:
                raise Refusal(LENGTH)
            new_key, version = body[:16], body[16]
        else:
            if len(body) != 21:
                raise Refusal(LENGTH)
            new_key = bytes(a ^ b for a, b in zip(body[:16], self.key(key_no), strict=True))
            version = body[16]
            if not hmac.compare_digest(aes.crc32_nk(new_key), body[17:21]):
                raise Refusal(INTEGRITY)
        self.state["keys"][key_no] = new_key.hex()
        self.state["versions"][key_no] = version
        if key_no == self.session.key_no:
            self.session = None   # the session's own key changed: it ends, answer plain
        return b""

    def _change_file_settings(self, file_no: int, body: bytes) -> bytes:
        if str(file_no) not in self.state["files"]:
            raise Refusal(NO_FILE)
        self._need(self.rights(file_no)["change"])
        if len(body) < 3 or body[0] & 0xBC:
            raise Refusal(PARAMETER)
        if body[0] & 0x40:
            self._check_sdm(file_no, body)
        elif len(body) != 3:
            raise Refusal(LENGTH)
        self.state["settings"][str(file_no)] = body.hex().upper()
        return b""

    def _check_sdm(self, file_no: int, body: bytes) -> None:
        """Only the SDM this project uses: UID and counter encrypted into PICCData, a MAC."""
        if file_no != 2 or len(body) != 15 or body[3] != 0xC1:
            raise Refusal(PARAMETER)
        rights = int.from_bytes(body[4:6], "little")
        if rights >> 12 > 4 or (rights >> 8) & 0xF > 4:
            raise Refusal(PARAMETER)
        picc, mac_in, mac = (int.from_bytes(body[i:i + 3], "little") for i in (6, 9, 12))
        if picc + 32 > FILE_SIZES[2] or mac + 16 > FILE_SIZES[2] or not mac_in <= mac \
                or picc < mac < picc + 32 or mac < picc < mac + 16:
            raise Refusal(PARAMETER)

    def _write_data(self, header: bytes, body: bytes) -> bytes:
        file_no = header[0]
        rights = self.rights(file_no)
        if ev2.ACCESS_FREE not in (rights["write"], rights["rw"]):
            key_no = self.session.key_no if self.session else None
            if key_no not in (rights["write"], rights["rw"]):
                raise Refusal(DENIED)
        offset = int.from_bytes(header[1:4], "little")
        length = int.from_bytes(header[4:7], "little")
        if length != len(body):
            raise Refusal(LENGTH)
        content = bytearray(self.content(file_no))
        if offset + length > len(content):
            raise Refusal(BOUNDARY)
        content[offset:offset + length] = body
        self.state["files"][str(file_no)] = bytes(content).hex()
        self.mirrored = None
        return b""
