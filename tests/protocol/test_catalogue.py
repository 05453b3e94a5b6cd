"""What a catalogue item may be: every field typed and ranged, a whole catalogue with unique
ids and barcodes, every problem named with its item and field, and nothing but Invalid."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from points_protocol.catalogue import (
    Category,
    ItemKind,
    ItemSpec,
    barcode_clashes,
    check_spec,
    item_problems,
    parse_item,
    parse_items,
    to_wire,
)
from points_protocol.errors import Invalid

SOAP: dict[str, Any] = {"id": "soap", "name_zh": "香皂", "name_en": "Soap",
                        "category": "health", "kind": "goods", "price": 30,
                        "limit_count": 2, "limit_period": "week", "low_stock_threshold": 5,
                        "image": "demo/images/soap.png", "barcode": "6901234500017"}


def test_a_good_item_becomes_a_spec_and_back() -> None:
    spec = parse_item(SOAP)
    assert spec == ItemSpec("soap", "香皂", "Soap", Category.HEALTH, ItemKind.GOODS, 30,
                            image="demo/images/soap.png", barcode="6901234500017",
                            limit_count=2, limit_period="week", low_stock_threshold=5)
    assert parse_item(to_wire(spec)) == spec
    check_spec(spec)


@pytest.mark.parametrize(("field", "value", "words"), [
    ("price", 2**63, "price = 9223372036854775808: must be a whole number from 0"),
    ("price", -1, "price = -1"), ("price", 1.5, "price = 1.5"), ("price", True, "price = True"),
    ("price", "30", "price = '30'"), ("price", 1_000_001, "price = 1000001"),
    ("limit_count", 0, "limit_count = 0: must be a whole number from 1"),
    ("limit_count", 2**63, "limit_count"), ("limit_points", -5, "limit_points = -5"),
    ("low_stock_threshold", -1, "low_stock_threshold = -1"),
    ("low_stock_threshold", 1.0, "low_stock_threshold = 1.0"),
    ("active", "yes", "active = 'yes': must be true or false"), ("active", 2, "active = 2"),
    ("name_en", 42, "name_en = 42: must be non-empty text"), ("name_zh", "  ", "name_zh"),
    ("name_zh", "香\n皂", "control or invisible"), ("name_en", "x" * 101, "at most 100"),
    ("category", "weapons", "category = 'weapons': must be one of health"),
    ("category", ["health"], "category"), ("kind", "gift", "kind = 'gift'"),
    ("limit_period", "year", "limit_period = 'year': must be one of day, week, month"),
    ("id", "", "id = ''"), ("id", "soap bar", "id = 'soap bar'"), ("id", "香皂", "id"),
    ("id", 5, "id = 5"), ("barcode", 6901234500017, "barcode = 6901234500017"),
    ("barcode", "690 123", "barcode"), ("image", "/etc/shadow", "image = '/etc/shadow'"),
    ("image", "../../etc/shadow", "no '..'"), ("image", "C:\\soap.png", "image")])
def test_each_bad_field_is_named_with_its_value(field: str, value: object, words: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse_item({**SOAP, field: value})
    assert any(words in problem for problem in caught.value.problems), caught.value.problems


def test_every_problem_of_an_item_is_listed_at_once() -> None:
    problems = item_problems({"id": "x", "price": -1, "colour": "red", "limit_count": 1})
    assert "missing 'name_zh'" in problems and "missing 'kind'" in problems
    assert "unknown field 'colour'" in problems
    assert any(p.startswith("price = -1") for p in problems)
    assert any(p.startswith("limit_period") and "needed with a limit" in p for p in problems)


def test_an_item_must_be_a_table() -> None:
    assert item_problems(5) == ["must be a table of fields, not 5"]
    with pytest.raises(Invalid, match="list of tables"):
        parse_items(5)
    with pytest.raises(Invalid, match=r"item 2: must be a table"):
        parse_items([SOAP, [1, 2]])


def test_a_catalogue_needs_unique_ids_and_barcodes() -> None:
    rice = {**SOAP, "id": "rice", "name_en": "Rice"}
    with pytest.raises(Invalid) as caught:
        parse_items([SOAP, rice, {**SOAP, "barcode": None}])
    assert "item id 'soap' is used by items 1, 3: it must be unique" in caught.value.problems
    assert "barcode '6901234500017' is used by items 1, 2: it must be unique" \
        in caught.value.problems


def test_optional_fields_take_their_defaults() -> None:
    spec = parse_item({k: SOAP[k] for k in ("id", "name_zh", "name_en", "category", "kind",
                                            "price")})
    assert (spec.active, spec.low_stock_threshold, spec.limit_count, spec.image) == (
        True, 0, None, None)
    assert parse_item({**SOAP, "active": False, "low_stock_threshold": None}).active is False


def test_only_the_door_that_takes_a_picture_hash_accepts_one() -> None:
    sha = "ab" * 32
    assert parse_item({**SOAP, "image_sha256": sha}, extra=("image_sha256",)).item_id == "soap"
    with pytest.raises(Invalid, match="unknown field 'image_sha256'"):
        parse_item({**SOAP, "image_sha256": sha})
    with pytest.raises(Invalid, match="64 lower-case hex"):
        parse_item({**SOAP, "image_sha256": "AB" * 32}, extra=("image_sha256",))


def test_a_spec_made_in_code_meets_the_same_rules() -> None:
    spec = parse_item(SOAP)
    with pytest.raises(Invalid, match="price"):
        check_spec(ItemSpec(**{**spec.__dict__, "price": -3}))
    local = ItemSpec(**{**spec.__dict__, "image": "/var/lib/points-kiosk/pictures/soap.png"})
    with pytest.raises(Invalid, match="image"):
        check_spec(local)
    check_spec(local, local_image=True)   # a picture this kiosk placed itself


def test_barcodes_stay_unique_beside_the_items_held() -> None:
    held = {"soap": "6901234500017", "rice": "6901234500024"}
    moved = [parse_item({**SOAP, "barcode": "6901234500024"})]
    assert barcode_clashes(held, moved) == [
        "barcode '6901234500024' would belong to items rice, soap: it must be unique"]
    swapped = [parse_item({**SOAP, "barcode": "6901234500024"}),
               parse_item({**SOAP, "id": "rice", "barcode": "6901234500017"})]
    assert barcode_clashes(held, swapped) == []


_VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
                    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(), st.integers(),
                                                                          max_size=2))


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.sampled_from([*SOAP, "active", "limit_points", "other"]), _VALUES,
                       max_size=12),
       st.booleans())
def test_any_table_is_an_item_or_a_typed_refusal(changes: dict[str, Any], start: bool) -> None:
    raw = {**SOAP, **changes} if start else changes
    try:
        spec = parse_item(raw)
    except Invalid as exc:
        assert exc.problems
        return
    assert parse_item(to_wire(spec)) == spec
    check_spec(spec)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.just(SOAP), st.dictionaries(st.text(max_size=5), _VALUES,
                                                         max_size=4), _VALUES), max_size=4))
def test_any_list_is_a_catalogue_or_a_typed_refusal(items: list[Any]) -> None:
    try:
        specs = parse_items(items)
    except Invalid:
        return
    assert len({s.item_id for s in specs}) == len(specs)
