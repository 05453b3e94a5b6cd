"""The numeric ranges and the district settings: ints in range, never a bool, a float, NaN or
infinity, and sums of a million of the largest amounts still fit a 64-bit column."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from points_protocol import limits
from points_protocol.errors import Invalid
from points_protocol.settings import SETTINGS, check_setting, parse_setting

INT64_MAX = 2**63 - 1
RANGES = [v for v in vars(limits).values() if isinstance(v, limits.Range)]


def test_every_range_fits_a_64_bit_column_and_amounts_leave_room_for_sums() -> None:
    assert len(RANGES) > 10
    for rule in RANGES:
        assert -INT64_MAX <= rule.minimum <= rule.maximum <= limits.MAX_SAFE_INTEGER
    amounts = (limits.PRICE, limits.POINTS, limits.BALANCE, limits.LIMIT_POINTS,
               limits.QUANTITY, limits.STOCK_QUANTITY, limits.STOCK_LEVEL, limits.LIMIT_COUNT)
    for rule in amounts:    # a report sums a million of them on PostgreSQL BIGINT
        assert max(abs(rule.minimum), abs(rule.maximum)) * 1_000_000 < INT64_MAX


@pytest.mark.parametrize("value", [True, False, 1.0, "5", None, math.nan, math.inf, 2**63, -1])
def test_a_price_is_a_whole_number_in_range(value: object) -> None:
    assert value not in limits.PRICE
    with pytest.raises(Invalid, match="whole number"):
        limits.PRICE.check(value, "price")


def test_range_ends_are_included() -> None:
    assert limits.PRICE.check(0) == 0 and limits.PRICE.check(1_000_000) == 1_000_000
    assert 1_000_001 not in limits.PRICE
    assert limits.SEQUENCE.maximum == 2**53 - 1 and 2**63 - 1 not in limits.CURSOR


def test_the_kiosk_config_declares_the_same_ranges() -> None:
    from dataclasses import fields

    from kiosk.config import Config
    from kiosk.services import DISTRICT_POLICY_KEYS
    assert set(DISTRICT_POLICY_KEYS) == set(SETTINGS)
    config = Config()
    for key, (section, name, _field) in DISTRICT_POLICY_KEYS.items():
        meta = {f.name: f.metadata for f in fields(getattr(config, section))}[name]
        assert (meta["min"], meta["max"]) == (SETTINGS[key].range.minimum,
                                              SETTINGS[key].range.maximum)


@pytest.mark.parametrize(("key", "text", "value"), [
    ("offline.cap_per_volunteer_per_day", "200", 200), ("offline.after_seconds", " 30 ", 30),
    ("checkout.max_quantity_per_line", "999", 999), ("nfc.uid_only_cap_per_day", "0", 0)])
def test_a_known_setting_in_range_is_taken(key: str, text: str, value: int) -> None:
    assert parse_setting(key, text) == value


CAP = "offline.cap_per_volunteer_per_day"


@pytest.mark.parametrize(("key", "text"), [
    (CAP, "1e999"), (CAP, "NaN"), (CAP, "-Infinity"), (CAP, "true"), (CAP, '"200"'),
    (CAP, "200.0"), (CAP, "-1"), (CAP, "2e6"), (CAP, "[1]"), (CAP, ""), (CAP, "{}"),
    ("offline.after_seconds", "29"), ("checkout.max_quantity_per_line", "0"),
    ("sync.anything", "1"), ("", "1"), (CAP + " ", "1")])
def test_anything_else_is_refused_with_one_line(key: str, text: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse_setting(key, text)
    assert len(caught.value.problems) == 1 and "\n" not in str(caught.value)


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                     lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(), inner, max_size=3), max_leaves=10)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.sampled_from(sorted(SETTINGS)), st.text(max_size=40)), _JSON)
def test_any_setting_is_taken_in_range_or_refused_by_type(key: str, value: object) -> None:
    try:
        taken = check_setting(key, value)
    except Invalid:
        return
    assert type(taken) is int and taken in SETTINGS[key].range


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(SETTINGS)), st.text(max_size=40))
def test_any_typed_text_is_taken_or_refused_by_type(key: str, text: str) -> None:
    try:
        value = parse_setting(key, text)
    except Invalid:
        return
    assert value == json.loads(text) and value in SETTINGS[key].range
