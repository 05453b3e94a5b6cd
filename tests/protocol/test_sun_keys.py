"""Key diversification (NXP AN10922) and this project's key files."""

from __future__ import annotations

from pathlib import Path

import pytest

from points_protocol.sun import an10922, keys

h = bytes.fromhex


def test_an10922_aes128_example() -> None:
    # NXP AN10922 "Symmetric key diversifications", §2.2.1, the AES-128 example: master key
    # 00112233..EEFF, M = UID 04782E21801D80 || AID 3042F5 || system identifier "NXP Abu".
    master = h("00112233445566778899AABBCCDDEEFF")
    m = h("04782E21801D80") + h("3042F5") + b"NXP Abu"
    assert m == h("04782E21801D803042F54E585020416275")
    assert an10922.diversify_aes128(master, m) == h("A8DD63A3B89D54B37CA802473FDA9175")


def test_an10922_input_is_bounded() -> None:
    with pytest.raises(ValueError):
        an10922.diversify_aes128(bytes(16), b"")
    with pytest.raises(ValueError):
        an10922.diversify_aes128(bytes(16), bytes(32))


def test_each_card_and_each_key_gets_its_own_value() -> None:
    district = keys.DistrictKeys.new("hanyang", 1)
    a, b = h("04A1B2C3D4E5F6"), h("04A1B2C3D4E5F7")
    card_a, card_b = district.card_keys(a), district.card_keys(b)
    assert len({*card_a.values()}) == 5                   # five different keys on one card
    assert card_a[keys.META_READ_KEY] == card_b[keys.META_READ_KEY] == district.meta_read
    for key_no in (0, 1, 3, 4):
        assert card_a[key_no] != card_b[key_no]
    kiosk = district.kiosk_keys()
    assert kiosk.file_read_key(a) == card_a[keys.FILE_READ_KEY]
    assert not hasattr(kiosk, "app_master")


def test_key_files_round_trip_and_kiosk_refuses_the_master_file(tmp_path: Path) -> None:
    generations = [keys.DistrictKeys.new("hanyang", 2), keys.DistrictKeys.new("hanyang", 1)]
    master = tmp_path / "district-sun.toml"
    keys.save_district_keys(master, generations)
    assert master.stat().st_mode & 0o777 == 0o600
    assert keys.load_district_keys(master) == generations
    with pytest.raises(keys.KeyFileError, match="app master"):
        keys.load_kiosk_keys(master)
    kiosk = tmp_path / "sun-keys.toml"
    keys.save_kiosk_keys(kiosk, [g.kiosk_keys() for g in generations])
    assert keys.load_kiosk_keys(kiosk) == [g.kiosk_keys() for g in generations]
    assert generations[0].app_master.hex().upper() not in kiosk.read_text()


@pytest.mark.parametrize("text", [
    "", "district_id = 'x'", "district_id = 'x'\n[[generation]]\nnumber = 0\n",
    "district_id = 'x'\n[[generation]]\nnumber = 1\nmeta_read = 'zz'\nfile_read_master = '00'\n",
    "district_id = 'x'\n[[generation]]\nnumber = 1\n[[generation]]\nnumber = 1\n",
    "not toml ["])
def test_broken_key_files_say_what_is_wrong(tmp_path: Path, text: str) -> None:
    path = tmp_path / "keys.toml"
    path.write_text(text)
    with pytest.raises(keys.KeyFileError, match=str(path)):
        keys.load_kiosk_keys(path)


def test_missing_key_file(tmp_path: Path) -> None:
    with pytest.raises(keys.KeyFileError, match="cannot be read"):
        keys.load_kiosk_keys(tmp_path / "absent.toml")
