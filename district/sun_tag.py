"""Provisioning an NTAG 424 DNA, command by command, over any ``transmit`` (APDU in, answer
out): identify the tag, authenticate with key 0, change its keys to this district's, write the
NDEF URL template, turn SUN mirroring on, and read a tap back as a kiosk would.

Every step can be cut short (the tag pulled off the desk reader) and the whole run repeated:
each key's version says which keys it holds (0: factory, N: generation N), so a second run
changes only what the first did not; the key the session was opened with (key 0) is changed
last, after which nothing else needs it. A tag keyed by someone else is left alone.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from points_protocol.sun import ev2, ndef, sdm
from points_protocol.sun.keys import FILE_READ_KEY, KEY_NUMBERS, META_READ_KEY, DistrictKeys

Transmit = Callable[[bytes], bytes]
FACTORY_KEY = bytes(16)
NDEF_FILE = 2
SELECT_NDEF_APP = bytes.fromhex("00A4040007D276000085010100")
SELECT_NDEF_FILE = bytes.fromhex("00A4000C02E104")
SW_OK = b"\x90\x00"
NXP, NTAG, NTAG424_MAJOR = 0x04, 0x04, 0x30   # GetVersion: vendor, type, hardware version


class ProvisionError(Exception):
    """Why the tag was not provisioned, for the person at the desk; the tag is left as it was
    or safely re-provisionable."""


class NotNtag424(ProvisionError):
    pass


class UnknownKeys(ProvisionError):
    pass


@dataclass(frozen=True)
class Provisioned:
    uid: bytes
    generation: int
    changed: bool          # False: it already held this generation's keys and settings


def _answer(transmit: Transmit, apdu: bytes) -> tuple[bytes, bytes]:
    raw = transmit(apdu)
    return raw[:-2], raw[-2:]


def identify(transmit: Transmit) -> bytes:
    """The tag's UID, from GetVersion; refuses anything that is not an NTAG 424 DNA."""
    data, status = _answer(transmit, ev2.apdu(ev2.INS_GET_VERSION))
    if status != b"\x91\xAF" or len(data) != 7 or (data[0], data[1], data[3]) != (
            NXP, NTAG, NTAG424_MAJOR):
        raise NotNtag424("this is not an NTAG 424 DNA tag (GetVersion answered "
                         f"{(data + status).hex().upper() or 'nothing'}); a card known by its "
                         "UID alone can still be registered at a kiosk")
    frames = [data]
    while status == b"\x91\xAF" and len(frames) < 3:
        data, status = _answer(transmit, ev2.apdu(ev2.INS_ADDITIONAL_FRAME))
        frames.append(data)
    if status != b"\x91\x00" or len(frames[2]) < 7:
        raise NotNtag424("the tag's GetVersion answer is incomplete")
    return frames[2][:7]


def _select_application(transmit: Transmit) -> None:
    if _answer(transmit, SELECT_NDEF_APP)[1] != SW_OK:
        raise NotNtag424("the tag has no NDEF application")


def key_versions(transmit: Transmit) -> dict[int, int]:
    """Each key's version, asked without authenticating (GetKeyVersion in plain)."""
    versions = {}
    for key_no in KEY_NUMBERS:
        status, data = ev2.split_answer(
            transmit(ev2.apdu(ev2.INS_GET_KEY_VERSION, bytes([key_no]))), "GetKeyVersion")
        ev2.check_ok(status, f"GetKeyVersion of key {key_no}")
        versions[key_no] = data[0]
    return versions


def sdm_file_settings(template: ndef.SunTemplate) -> bytes:
    """NDEF file: anyone reads (the SUN message is the point), only key 0 writes or changes
    it; PICCData under key 2 (meta read), SDMMAC under key 1 (file read)."""
    return ev2.file_settings(
        read=ev2.ACCESS_FREE, write=0, read_write=0, change=0,
        sdm=ev2.SdmSettings(META_READ_KEY, FILE_READ_KEY, FILE_READ_KEY,
                            template.picc_data_offset, template.mac_input_offset,
                            template.mac_offset))


def _file_settings(transmit: Transmit) -> bytes:
    status, data = ev2.split_answer(
        transmit(ev2.apdu(ev2.INS_GET_FILE_SETTINGS, bytes([NDEF_FILE]))), "GetFileSettings")
    ev2.check_ok(status, "GetFileSettings")
    return data


def _old_key(generations: Sequence[DistrictKeys], uid: bytes, key_no: int, version: int
             ) -> bytes:
    if version == 0:
        return FACTORY_KEY
    for keys in generations:
        if keys.generation == version:
            return keys.card_key(uid, key_no)
    raise UnknownKeys(f"key {key_no} of this tag has version {version}, which is no key "
                      "generation of this district (another system's tag?); it is left as "
                      "it is")


def _settings_match(settings: bytes, wanted: bytes) -> bool:
    """GetFileSettings answers FileType, FileOption, rights, size, then the SDM part."""
    return settings[1:4] == wanted[:3] and settings[7:] == wanted[3:]


def provision(transmit: Transmit, generations: Sequence[DistrictKeys], base_url: str,
              rnd_a: Callable[[int], bytes] = os.urandom) -> Provisioned:
    """Bring the tag to the newest generation (``generations[0]``) and the URL template.
    The file settings are sent only when they differ (a tag may reset its read counter when
    SDM is set again); the URL is always written again, which changes nothing else."""
    target = generations[0]
    template = ndef.sun_template(base_url)
    wanted = sdm_file_settings(template)
    uid = identify(transmit)
    _select_application(transmit)
    versions = key_versions(transmit)
    settings_ok = _settings_match(_file_settings(transmit), wanted)
    keys_ok = all(v == target.generation for v in versions.values())
    auth_key = _old_key(generations, uid, 0, versions[0])
    try:
        session = ev2.authenticate(transmit, 0, auth_key, rnd_a(16))
    except ev2.Ev2Error as exc:
        if exc.status == 0xAE:
            raise UnknownKeys(f"key 0 of this tag (version {versions[0]}) is not the key this "
                              "district expects; it is left as it is") from None
        raise

    def run(ins: int, header: bytes, data: bytes, what: str,
            mode: ev2.CommMode = ev2.CommMode.FULL) -> None:
        session.answer(transmit(session.command(ins, header, data, mode)), what, mode)

    for key_no in (1, 2, 3, 4):
        if versions[key_no] != target.generation:
            old = _old_key(generations, uid, key_no, versions[key_no])
            data = ev2.change_key_data(key_no, 0, target.card_key(uid, key_no), old,
                                       target.generation)
            run(ev2.INS_CHANGE_KEY, bytes([key_no]), data, f"ChangeKey {key_no}")
    content = template.content
    run(ev2.INS_WRITE_DATA, ev2.write_data_header(NDEF_FILE, 0, len(content)), content,
        "WriteData (NDEF URL)", ev2.CommMode.PLAIN)
    if not settings_ok:
        run(ev2.INS_CHANGE_FILE_SETTINGS, bytes([NDEF_FILE]), wanted,
            "ChangeFileSettings (SUN on)")
    if versions[0] != target.generation:   # last: the session ends with it
        data = ev2.change_key_data(0, 0, target.card_key(uid, 0), None, target.generation)
        status, _ = ev2.split_answer(transmit(session.command(ev2.INS_CHANGE_KEY, b"\x00",
                                                              data)), "ChangeKey 0")
        ev2.check_ok(status, "ChangeKey 0")
    return Provisioned(uid, target.generation, changed=not (keys_ok and settings_ok))


def read_tap(transmit: Transmit, generations: Sequence[DistrictKeys]) -> sdm.VerifiedTap:
    """Read the NDEF file as a kiosk does and check its SUN message with the kiosk's keys."""
    for apdu in (SELECT_NDEF_APP, SELECT_NDEF_FILE):
        if _answer(transmit, apdu)[1] != SW_OK:
            raise ProvisionError("the provisioned tag's NDEF file cannot be selected")
    head, status = _answer(transmit, bytes.fromhex("00B0000002"))
    size = int.from_bytes(head, "big") if status == SW_OK and len(head) == 2 else 0
    body, status = _answer(transmit, bytes([0x00, 0xB0, 0x00, 0x02, min(size, 0xFF)]))
    if status != SW_OK or not 0 < size <= 0xFF:
        raise ProvisionError("the provisioned tag's NDEF file cannot be read")
    try:
        message = ndef.sun_parameters(ndef.parse_uri_file(head + body))
    except ndef.NdefError as exc:
        raise ProvisionError(f"the tag's NDEF file is not the URL written: {exc}") from None
    if message is None:
        raise ProvisionError("the tag's URL carries no SUN message")
    kiosk = [g.kiosk_keys() for g in generations]
    try:
        return sdm.verify(*message, [(k.meta_read, k.file_read_key) for k in kiosk])
    except sdm.SunError as exc:
        raise ProvisionError(f"the tag's first tap does not verify: {exc}") from None
