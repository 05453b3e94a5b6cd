"""The virtual NTAG 424 DNA answers NXP AN12196's worked examples as the real tag does (the
card's side of each exchange; Table numbers of AN12196 rev 2.0, sections of rev 1.x), and
mirrors SUN messages that the kiosk's checker accepts."""

from __future__ import annotations

from collections.abc import Iterator

from points_protocol.sun import ndef, sdm
from tests.hardware.ntag424_card import Ntag424, _Session, factory_state

h = bytes.fromhex


def scripted(*chunks: str) -> Iterator[bytes]:
    return iter(h(c) for c in chunks)


def card_with(random_bytes: Iterator[bytes], **changes: object) -> Ntag424:
    state = factory_state("04958CAA5C5E80")
    state.update(changes)
    card = Ntag424(state, random=lambda n: next(random_bytes)[:n])
    assert card.process(h("00A4040007D276000085010100")) == h("9000")
    return card


def test_authentication_and_full_commands_of_an12196_from_the_cards_side() -> None:
    # rev 1.x §6.6: the tag's RndB and TI are those of the example.
    card = card_with(scripted("B9E2FC789B64BF237CCCAA20EC7E6E48", "9D00C4DF"),
                     settings={"1": "00E0EE", "2": "03E0EE", "3": "033023"})
    assert card.process(h("9071000002000000")) == h("A04C124213C186F22399D33AC2A3021591AF")
    assert card.process(h("90AF00002035C3E05A752E0144BAC0DE51C1F22C56B34408A23D8AEA266CAB94"
                          "7EA8E0118D00")) == h(
        "3FA64DB5446D1F34CD6EA311167F5E4985B89690C04A05F17FA7AB2F081206639100")
    # Table 17: WriteData of the NDEF file in CommMode.Full; the tag answers with its MAC.
    write = h("908D00009F02000000800000"
              "421C73A27D827658AF481FDFF20A5025B559D0E3AA21E58D347F343CFFC768BF"
              "E596C706BC00F2176781D4B0242642A0FF5A42C461AAF894D9A1284B8C76BCFA"
              "658ACD40555D362E08DB15CF421B51283F9064BCBE20E96CAE545B407C9D651A"
              "3315B27373772E5DA2367D2064AE054AF996C6F1F669170FA88CE8C4E3A4A7BB"
              "BEF0FD971FF532C3A802AF745660F2B4D1D9A8499661EBF300")
    assert card.process(write) == h("FC222E5F7A5424529100")
    assert card.content(2)[:0x53] == ndef.sun_template("https://choose.url.com/ntag424").content
    # Table 18: ChangeFileSettings turning SDM on.
    assert card.process(h("905F0000190261B6D97903566E84C3AE5274467E89EAD799B7C1A0EF7A0400")) \
        == h("57BFF87B1241E93D9100")
    assert card.state["settings"]["2"] == "4000E0C1F121200000430000430000"


def test_change_key_tables_25_and_26_from_the_cards_side() -> None:
    card = card_with(scripted())
    card.session = _Session(0, h("7614281A"), h("4CF3CB41A22583A61E89B158D252FC53"),
                            h("5529860B2FC5FB6154B7F28361D30BF9"), ctr=2)
    assert card.process(h("90C4000029022CF362B7BF4311FF3BE1DAA295E8C68DE09050560D19B9E16C23"
                          "93AE9CD1FAC75D0CE20BCD1D06E600")) == h("203BB55D1089D5879100")
    assert (card.key(2), card.state["versions"][2]) == (h("F3847D627727ED3BC9C4CC050489B966"), 1)
    assert card.process(h("90C400002900C0EB4DEEFEDDF0B513A03A95A75491818580503190D4D05053FF"
                          "75668A01D6FDA6610234BDED643200")) == h("9100")
    assert card.key(0) == h("5004BF991F408672B1EF00F08F9E8647")
    assert card.session is None   # changing the session's own key ends the session


def test_mac_mode_get_file_settings_from_the_cards_side() -> None:
    # rev 1.x §5.3: GetFileSettings of a file with SDM, command and answer in CommMode.MAC.
    card = card_with(scripted(), settings={"1": "00E0EE", "3": "033023",
                                           "2": "40EEEED1FE001F00004400004400002000006A0000"})
    card.session = _Session(0, h("7A21085E"), bytes(16), h("8248134A386E86EB7FAF54A52E536CB6"))
    assert card.process(h("90F5000009026597A457C8CD442C00")) == h(
        "0040EEEE000100D1FE001F00004400004400002000006A00002A474282E7A479869100")


def test_a_wrong_mac_is_an_integrity_error_and_ends_the_session() -> None:
    card = card_with(scripted())
    card.session = _Session(0, h("7614281A"), h("4CF3CB41A22583A61E89B158D252FC53"),
                            h("5529860B2FC5FB6154B7F28361D30BF9"), ctr=2)
    assert card.process(h("90C4000029022CF362B7BF4311FF3BE1DAA295E8C68DE09050560D19B9E16C23"
                          "93AE9CD1FAC75D0CE20BCD1D06E700")) == h("911E")
    assert card.session is None and card.key(2) == bytes(16)


def test_sdm_mirror_rises_on_each_read_and_stops_at_its_limit() -> None:
    template = ndef.sun_template("https://hy.example.cn/t")
    content = template.content + bytes(256 - len(template.content))
    settings = "4000E0C1F121" + "".join(
        o.to_bytes(3, "little").hex() for o in (template.picc_data_offset,
                                                template.mac_offset, template.mac_offset))
    card = card_with(iter(lambda: b"\x55" * 16, None), settings={
        "1": "00E0EE", "2": settings, "3": "033023"}, files={
        "1": bytes(32).hex(), "2": content.hex(), "3": bytes(128).hex()})
    zero = bytes(16)

    def tap() -> sdm.VerifiedTap:
        assert card.process(h("00A4000C02E104")) == h("9000")
        first = card.process(h("00B0000002"))
        body = card.process(bytes([0, 0xB0, 0, 2, first[1]]))
        url = ndef.parse_uri_file(first[:2] + body[:-2])
        picc, mac = ndef.sun_parameters(url) or ("", "")
        return sdm.verify(picc, mac, [(zero, lambda uid: zero)])
    assert [tap().counter for _ in range(3)] == [1, 2, 3]
    assert tap().uid_hex == "04958CAA5C5E80"
    card.state["counter"] = sdm.COUNTER_LIMIT - 1
    assert [tap().counter for _ in range(2)] == [sdm.COUNTER_LIMIT, sdm.COUNTER_LIMIT]


def test_get_version_frames_and_unknown_commands() -> None:
    card = card_with(scripted())
    assert card.process(h("9060000000")) == h("0404023000110591AF")
    assert card.process(h("90AF000000")) == h("0404020102110591AF")
    assert card.process(h("90AF000000"))[:7] == h("04958CAA5C5E80")
    assert card.process(h("90AF000000")) == h("911C")   # no frame pending
    assert card.process(h("00A4040007D2760000850102")) == h("6A82")
