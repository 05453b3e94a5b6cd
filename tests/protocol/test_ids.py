"""Card and volunteer ids: every common spelling of a card reaches the reader's form; anything
else is refused with the protocol's own error, never another exception."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from points_protocol import ids
from points_protocol.errors import Invalid

READER_FORM = "04A1B2C3D4E5F6"


@pytest.mark.parametrize("typed", [
    "04A1B2C3D4E5F6", "04a1b2c3d4e5f6", "04:A1:B2:C3:D4:E5:F6", "04:a1:b2:c3:d4:e5:f6",
    "0x04A1B2C3D4E5F6", "0X04a1b2c3d4e5f6", "04 a1 b2 c3 d4 e5 f6", "04-A1-B2-C3-D4-E5-F6",
    "  04A1B2C3D4E5F6\n",
    "０４Ａ１Ｂ２Ｃ３Ｄ４Ｅ５Ｆ６"])   # full-width, as a Chinese input method types it
def test_every_spelling_of_a_uid_is_the_readers_form(typed: str) -> None:
    assert ids.normalize_nfc_uid(typed) == READER_FORM
    assert ids.normalize_card_id(typed) == READER_FORM
    assert ids.normalize_card_id(typed, "nfc") == READER_FORM


@pytest.mark.parametrize("typed", [
    "", "   ", "\t\n", "nope", "04A1B2C3D4E5F", "04A1B2", "0x", "G4A1B2C3", "04A1B2C3D4E5F6" * 2,
    "💳04A1B2C3", "04A1\u200bB2C3D4", "04A1B2C3" + "00" * 7, "QR-0001"])
def test_what_is_no_uid_is_refused(typed: str) -> None:
    with pytest.raises(Invalid):
        ids.normalize_nfc_uid(typed)


def test_uid_lengths_are_those_of_real_cards() -> None:
    for size in range(1, 13):
        uid = "AB" * size
        if 4 <= size <= 10:
            assert ids.normalize_nfc_uid(uid) == uid
        else:
            with pytest.raises(Invalid, match="4 to 10 bytes"):
                ids.normalize_nfc_uid(uid)


@pytest.mark.parametrize(("typed", "normal"), [
    ("QR-0001", "QR-0001"), ("qr-0001", "QR-0001"), (" QR5F3A9C21B7E4 ", "QR5F3A9C21B7E4"),
    ("QR9", "QR9"), ("QR_A.1", "QR_A.1")])
def test_qr_card_ids(typed: str, normal: str) -> None:
    assert ids.normalize_qr_card_id(typed) == normal
    assert ids.normalize_card_id(typed) == normal
    assert ids.card_kind(normal) == "qr"


@pytest.mark.parametrize("typed", ["QR", "QR 0001", "QR-0001/2", "QR-" + "0" * 38, "Q-0001",
                                   "QR-二维码", "04A1B2C3"])
def test_what_is_no_qr_card_id_is_refused(typed: str) -> None:
    with pytest.raises(Invalid):
        ids.normalize_qr_card_id(typed)


def test_the_kind_must_match_the_id() -> None:
    with pytest.raises(Invalid):
        ids.normalize_card_id("QR-0001", "nfc")
    with pytest.raises(Invalid):
        ids.normalize_card_id(READER_FORM, "qr")
    with pytest.raises(Invalid, match="kind"):
        ids.normalize_card_id(READER_FORM, "magstripe")


@pytest.mark.parametrize("value", [None, 42, 4.2, b"04A1B2C3", ["04A1B2C3"], True])
def test_a_card_id_must_be_text(value: object) -> None:
    with pytest.raises(Invalid, match="text"):
        ids.normalize_card_id(value)


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=4, max_size=10), st.sampled_from(["", ":", " ", "-"]),
       st.booleans(), st.booleans())
def test_any_uid_in_any_spelling_round_trips(uid: bytes, separator: str, lower: bool,
                                             prefix: bool) -> None:
    text = separator.join(f"{b:02x}" if lower else f"{b:02X}" for b in uid)
    normal = ids.normalize_card_id(("0x" if prefix else "") + text)
    assert normal == uid.hex().upper()
    assert ids.is_card_id(normal) and ids.card_kind(normal) == "nfc"
    assert ids.normalize_card_id(normal) == normal


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=300), st.none(), st.integers(), st.binary(max_size=20)),
       st.sampled_from([None, "nfc", "qr"]))
def test_any_input_is_a_normal_id_or_a_typed_refusal(value: object, kind: str | None) -> None:
    try:
        normal = ids.normalize_card_id(value, kind)
    except Invalid as exc:
        assert exc.problems and all(p for p in exc.problems)
        return
    assert ids.is_card_id(normal)
    assert ids.normalize_card_id(normal) == normal
    assert kind in (None, ids.card_kind(normal))


@pytest.mark.parametrize("typed", ["V0001", "420106199001011234", "HY-2024-000017", " V0001 "])
def test_volunteer_ids(typed: str) -> None:
    assert ids.normalize_volunteer_id(typed) == typed.strip()


@pytest.mark.parametrize("typed", ["", "   ", "V 0001", "V0001\x00", "V\u200b0001", "V\u202e1000",
                                   "V\n0001", "V" * 65, 7, None])
def test_what_is_no_volunteer_id_is_refused(typed: object) -> None:
    with pytest.raises(Invalid):
        ids.normalize_volunteer_id(typed)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=100), st.integers(), st.none()))
def test_any_volunteer_id_is_kept_or_refused_by_type(value: object) -> None:
    try:
        normal = ids.normalize_volunteer_id(value)
    except Invalid:
        return
    assert normal == ids.normalize_volunteer_id(normal)
    assert 1 <= len(normal) <= ids.VOLUNTEER_ID_MAX and normal.isprintable()
