"""The NDEF file of a SUN card: built for writing, parsed after reading."""

from __future__ import annotations

import pytest

from points_protocol.sun import ndef

h = bytes.fromhex


def test_template_of_nxps_example_url_matches_an12196_table_17() -> None:
    # AN12196 rev 2.0 Table 17 writes this file; Table 18 mirrors PICCData at 0x20 and SDMMAC
    # at 0x43 into it.
    template = ndef.sun_template("https://choose.url.com/ntag424")
    assert template.content == h(
        "0051D1014D550463686F6F73652E75726C2E636F6D2F6E7461673432343F653D") \
        + b"0" * 32 + b"&c=" + b"0" * 16
    assert (template.picc_data_offset, template.mac_input_offset, template.mac_offset) == (
        0x20, 0x43, 0x43)


def test_a_mirrored_file_parses_back_to_its_parameters() -> None:
    template = ndef.sun_template("https://hy.example.cn/t")
    content = bytearray(template.content)
    content[template.picc_data_offset:template.picc_data_offset + 32] = b"EF963FF7828658A5" \
        b"99F3041510671E88"
    content[template.mac_offset:template.mac_offset + 16] = b"94EED9EE65337086"
    url = ndef.parse_uri_file(bytes(content) + bytes(40))   # the rest of the file: zeros
    assert url == "https://hy.example.cn/t?e=EF963FF7828658A599F3041510671E88&c=94EED9EE65337086"
    assert ndef.sun_parameters(url) == ("EF963FF7828658A599F3041510671E88", "94EED9EE65337086")


def test_urls_without_a_sun_message_are_plain_cards() -> None:
    assert ndef.sun_parameters("https://example.com/") is None
    assert ndef.sun_parameters("https://example.com/?e=1") is None
    assert ndef.sun_parameters("https://example.com/?e=1&c=2&c=3") is None
    assert ndef.parse_uri_file(ndef.uri_file("http://www.example.com")) == "http://www.example.com"


@pytest.mark.parametrize("data", [
    b"", b"\x00", b"\x00\x00", b"\x00\x10\xd1", h("0005D1010255"), h("0007D101035404656E"),
    h("0006D10102550A41"), h("0006D101025504FF"), h("0006C10102550441")])
def test_broken_files_raise_ndef_error(data: bytes) -> None:
    with pytest.raises(ndef.NdefError):
        ndef.parse_uri_file(data)


def test_template_refuses_what_cannot_work() -> None:
    with pytest.raises(ValueError):
        ndef.sun_template("https://example.com/?x=1")
    with pytest.raises(ValueError):
        ndef.sun_template("ftp://example.com/")
    with pytest.raises(ValueError):
        ndef.sun_template("https://example.com/" + "a" * 300)
