"""SUN message checking against published vectors.

Sources:
- NXP AN12196 "NTAG 424 DNA and NTAG 424 DNA TagTamper features and hints": the SUN example
  ``https://ntag.nxp.com/424?e=EF963FF7828658A599F3041510671E88&c=94EED9EE65337086`` (all keys
  zero; the note's SDMMAC table gives the session key 3FB5F6E3...), and the example with
  encrypted file data ``https://www.my424dna.com/?picc_data=FD91EC26...&enc=CEE9A53E...&cmac=
  ECC1E7F6C6C73BF6`` whose MACed input is the text from ``enc``'s value up to ``cmac=``.
- github.com/nfc-developer/sdm-backend, tests/test_libsdm.py: a tag keyed with non-zero keys
  (``test_sun3_custom``) and plain (unencrypted) UID and counter mirroring
  (``test_plain_sdm``).
"""

from __future__ import annotations

import pytest

from points_protocol.sun import sdm

ZERO = bytes(16)
h = bytes.fromhex


def zero_keys() -> list[sdm.KeyPair]:
    return [(ZERO, lambda uid: ZERO)]


def test_an12196_sun_example_decrypts_and_verifies() -> None:
    picc = sdm.decrypt_picc_data(ZERO, h("EF963FF7828658A599F3041510671E88"))
    assert picc == sdm.PiccData(h("04DE5F1EACC040"), 0x3D)
    assert sdm.session_mac_key(ZERO, picc.uid, picc.counter) == h(
        "3FB5F6E3A807A03D5E3570ACE393776F")
    tap = sdm.verify("EF963FF7828658A599F3041510671E88", "94EED9EE65337086", zero_keys())
    assert (tap.uid_hex, tap.counter, tap.key_index) == ("04DE5F1EACC040", 61, 0)


def test_an12196_example_with_encrypted_file_data_macs_the_text_before_cmac() -> None:
    tap = sdm.verify("FD91EC264309878BE6345CBE53BADF40", "ECC1E7F6C6C73BF6", zero_keys(),
                     maced_input=b"CEE9A53E3E463EF1F459635736738962&cmac=")
    assert (tap.uid_hex, tap.counter) == ("04958CAA5C5E80", 8)
    with pytest.raises(sdm.SunBadMac):   # the same message with an empty MACed input
        sdm.verify("FD91EC264309878BE6345CBE53BADF40", "ECC1E7F6C6C73BF6", zero_keys())


def test_sdm_backend_vectors_with_real_keys_and_plain_mirroring() -> None:
    meta, file = h("42aff114f2cb3b6141be6dc95dfc5416"), h("b62a9baf092439bd43c62aee96b970c5")
    tap = sdm.verify("8ACADDEF0A9B62CDAE39A16B83FC14DE", "238B2543A8DEBAD8",
                     [(meta, lambda uid: file)], maced_input=b"B8436E11F627BB7F543FCC0C1E0D1A89")
    assert (tap.uid_hex, tap.counter) == ("041D3C8A2D6B80", 291)
    # UID and counter mirrored in the clear: the SDMMAC alone proves them.
    assert sdm.sdmmac(ZERO, h("041E3C8A2D6B80"), 6) == h("4B00064004B0B3D3")
    with pytest.raises(sdm.SunBadMac):
        sdm.check_mac(ZERO, h("041E3C8A2D6B80"), 6, h("AB00064004B0B3AB"))


def test_any_changed_digit_is_refused() -> None:
    picc, mac = "EF963FF7828658A599F3041510671E88", "94EED9EE65337086"
    for text, where in ((picc, 0), (mac, 1)):
        for i in range(len(text)):
            changed = text[:i] + ("0" if text[i] != "0" else "1") + text[i + 1:]
            args = [picc, mac]
            args[where] = changed
            with pytest.raises((sdm.SunWrongKey, sdm.SunBadMac)):
                sdm.verify(args[0], args[1], zero_keys())


def test_wrong_keys_are_told_apart_from_a_bad_mac() -> None:
    other = h("00112233445566778899AABBCCDDEEFF")
    with pytest.raises(sdm.SunWrongKey):   # another meta-read key: no valid tag byte
        sdm.verify("EF963FF7828658A599F3041510671E88", "94EED9EE65337086",
                   [(other, lambda uid: ZERO)])
    with pytest.raises(sdm.SunBadMac):     # right meta-read key, another file-read key
        sdm.verify("EF963FF7828658A599F3041510671E88", "94EED9EE65337086",
                   [(ZERO, lambda uid: other)])


def test_the_first_key_pair_that_verifies_wins_and_is_named() -> None:
    other = h("00112233445566778899AABBCCDDEEFF")
    tap = sdm.verify("EF963FF7828658A599F3041510671E88", "94EED9EE65337086",
                     [(other, lambda uid: other), (ZERO, lambda uid: ZERO)])
    assert tap.key_index == 1


@pytest.mark.parametrize(("picc", "mac"), [
    ("", ""), ("EF96", "94EED9EE65337086"),
    ("EF963FF7828658A599F3041510671E8G", "94EED9EE65337086"),
    ("EF963FF7828658A599F3041510671E88", "94EED9EE653370"), ("é" * 32, "94EED9EE65337086"),
    (b"\xff" * 32, b"94EED9EE65337086")])
def test_malformed_text_is_malformed_not_a_crash(picc: str | bytes, mac: str | bytes) -> None:
    with pytest.raises(sdm.SunMalformed):
        sdm.verify(picc, mac, zero_keys())


def test_no_keys_verify_nothing() -> None:
    with pytest.raises(sdm.SunWrongKey):
        sdm.verify("EF963FF7828658A599F3041510671E88", "94EED9EE65337086", [])
