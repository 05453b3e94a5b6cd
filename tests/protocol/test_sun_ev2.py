"""EV2 authentication and secure messaging, the reader's side, against NXP AN12196's worked
examples ("NTAG 424 DNA and NTAG 424 DNA TagTamper features and hints"). Table numbers are
those of revision 2.0 of the note (revision 1.x numbers its sections one higher: §6.x)."""

from __future__ import annotations

import pytest

from points_protocol.sun import aes, ev2

h = bytes.fromhex
ZERO = bytes(16)

# AN12196 rev 1.x §6.6: AuthenticateEV2First with key 0x00 (all-zero key).
AUTH_RND_A = h("13C5DB8A5930439FC3DEF9A4C675360F")
AUTH_CHALLENGE = h("A04C124213C186F22399D33AC2A30215")
AUTH_ANSWER = h("3FA64DB5446D1F34CD6EA311167F5E4985B89690C04A05F17FA7AB2F08120663")


def first_session() -> ev2.Session:
    return ev2.Session(h("9D00C4DF"), h("1309C877509E5A215007FF0ED19CA564"),
                       h("4C6626F5E72EA694202139295C7A7FC7"))


def test_authenticate_ev2_first_an12196_key_0() -> None:
    assert ev2.auth_first(0) == h("9071000002000000")
    command, rnd_b = ev2.auth_challenge_answer(ZERO, AUTH_CHALLENGE, AUTH_RND_A)
    assert rnd_b == h("B9E2FC789B64BF237CCCAA20EC7E6E48")
    assert command == h("90AF000020" "35C3E05A752E0144BAC0DE51C1F22C56"
                        "B34408A23D8AEA266CAB947EA8E0118D" "00")
    session = ev2.auth_finish(ZERO, AUTH_RND_A, rnd_b, AUTH_ANSWER)
    assert session == first_session()


def test_authenticate_ev2_first_an12196_second_example() -> None:
    # AN12196 rev 1.x §6.10: another session, the one Tables 19-21 continue.
    rnd_a = h("B98F4C50CF1C2E084FD150E33992B048")
    command, rnd_b = ev2.auth_challenge_answer(ZERO, h("B875CEB0E66A6C5CD00898DC371F92D1"),
                                               rnd_a)
    assert command == h("90AF000020FF0306E47DFBC50087C4D8A78E88E62DE1E8BE457AA477C707E2F0874916"
                        "A8B100")
    session = ev2.auth_finish(ZERO, rnd_a, rnd_b, h(
        "0CC9A8094A8EEA683ECAAC5C7BF20584206D0608D477110FC6B3D5D3F65C3A6A"))
    assert (session.ti, session.enc, session.mac) == (
        h("7614281A"), h("7A93D6571E4B180FCA6AC90C9A7488D4"), h("FC4AF159B62E549B5812394CAB1918CC"))


def test_a_tag_without_the_key_is_found_out() -> None:
    _, rnd_b = ev2.auth_challenge_answer(ZERO, AUTH_CHALLENGE, AUTH_RND_A)
    forged = bytes([AUTH_ANSWER[0] ^ 1]) + AUTH_ANSWER[1:]
    with pytest.raises(ev2.Ev2Error):
        ev2.auth_finish(ZERO, AUTH_RND_A, rnd_b, forged)


def test_authenticate_over_a_transmit_function_and_wrong_key_status() -> None:
    answers = iter([AUTH_CHALLENGE + h("91AF"), AUTH_ANSWER + h("9100")])
    sent: list[bytes] = []

    def transmit(apdu: bytes) -> bytes:
        sent.append(apdu)
        return next(answers)
    assert ev2.authenticate(transmit, 0, ZERO, AUTH_RND_A) == first_session()
    assert sent[0] == h("9071000002000000")
    refused = iter([AUTH_CHALLENGE + h("91AF"), h("91AE")])
    with pytest.raises(ev2.Ev2Error) as caught:
        ev2.authenticate(lambda _apdu: next(refused), 0, ZERO, AUTH_RND_A)
    assert caught.value.status == 0xAE


def test_write_data_full_table_17_and_change_file_settings_table_18() -> None:
    """Table 17: the NDEF file of NXP's example URL written in CommMode.Full (CmdCtr 0);
    Table 18: ChangeFileSettings turning SDM on in the same session (CmdCtr 1)."""
    session = first_session()
    ndef = h("0051D1014D550463686F6F73652E75726C2E636F6D2F6E7461673432343F653D") \
        + b"0" * 32 + b"&c=" + b"0" * 16
    data = ndef + bytes(128 - len(ndef))
    command = session.command(ev2.INS_WRITE_DATA, ev2.write_data_header(2, 0, 128), data)
    assert command == h(
        "908D00009F02000000800000"
        "421C73A27D827658AF481FDFF20A5025B559D0E3AA21E58D347F343CFFC768BF"
        "E596C706BC00F2176781D4B0242642A0FF5A42C461AAF894D9A1284B8C76BCFA"
        "658ACD40555D362E08DB15CF421B51283F9064BCBE20E96CAE545B407C9D651A"
        "3315B27373772E5DA2367D2064AE054AF996C6F1F669170FA88CE8C4E3A4A7BB"
        "BEF0FD971FF532C3A802AF745660F2B4" "D1D9A8499661EBF3" "00")
    assert session.answer(h("FC222E5F7A5424529100"), "WriteData") == b""
    assert session.command_iv() == h("3E27082AB2ACC1EF55C57547934E9962")
    settings = ev2.file_settings(read=ev2.ACCESS_FREE, write=0, read_write=0, change=0,
                                 sdm=ev2.SdmSettings(2, 1, 1, 0x20, 0x43, 0x43))
    assert settings == h("4000E0C1F121200000430000430000")
    command = session.command(ev2.INS_CHANGE_FILE_SETTINGS, b"\x02", settings)
    assert command == h("905F0000190261B6D97903566E84C3AE5274467E89EAD799B7C1A0EF7A0400")
    assert session.answer(h("57BFF87B1241E93D9100"), "ChangeFileSettings") == b""
    assert session.cmd_ctr == 2


def test_a_forged_answer_mac_is_refused_and_the_counter_stays() -> None:
    session = first_session()
    session.cmd_ctr = 1
    session.command(ev2.INS_CHANGE_FILE_SETTINGS, b"\x02", h("4000E0C1F121200000430000430000"))
    with pytest.raises(ev2.Ev2Error):
        session.answer(h("57BFF87B1241E93E9100"), "ChangeFileSettings")
    assert session.cmd_ctr == 1


def change_key_session(counter: int) -> ev2.Session:
    return ev2.Session(h("7614281A"), h("4CF3CB41A22583A61E89B158D252FC53"),
                       h("5529860B2FC5FB6154B7F28361D30BF9"), counter)


def test_change_key_of_another_key_table_25() -> None:
    new_key = h("F3847D627727ED3BC9C4CC050489B966")
    assert aes.crc32_nk(new_key) == h("789DFADC")
    data = ev2.change_key_data(2, 0, new_key, ZERO, 1)
    assert data == new_key + h("01789DFADC")
    session = change_key_session(2)
    assert session.command(ev2.INS_CHANGE_KEY, b"\x02", data) == h(
        "90C400002902" "2CF362B7BF4311FF3BE1DAA295E8C68DE09050560D19B9E16C2393AE9CD1FAC7"
        "5D0CE20BCD1D06E6" "00")
    assert session.answer(h("203BB55D1089D5879100"), "ChangeKey") == b""


def test_change_key_of_the_session_key_table_26() -> None:
    data = ev2.change_key_data(0, 0, h("5004BF991F408672B1EF00F08F9E8647"), None, 1)
    assert change_key_session(3).command(ev2.INS_CHANGE_KEY, b"\x00", data) == h(
        "90C400002900" "C0EB4DEEFEDDF0B513A03A95A75491818580503190D4D05053FF75668A01D6FD"
        "A6610234BDED6432" "00")
    with pytest.raises(ValueError):   # another key without its old value: refused here
        ev2.change_key_data(2, 0, ZERO, None, 1)


def test_get_card_uid_table_28_full_answer_is_decrypted() -> None:
    session = ev2.Session(h("DF055522"), h("2B4D963C014DC36F24F69A50A394F875"),
                          h("379D32130CE61705DD5FD8C36B95D764"))
    assert session.command(0x51) == h("90510000088E2C155ADDA99BE300")
    assert session.answer(h("70756055688505B52A5E26E59E329CD6595F672298EA41B79100"),
                          "GetCardUID") == h("04958CAA5C5E80")


def test_mac_mode_get_file_settings() -> None:
    # AN12196 rev 1.x §5.3: a command and its answer in CommMode.MAC.
    session = ev2.Session(h("7A21085E"), ZERO, h("8248134A386E86EB7FAF54A52E536CB6"))
    assert session.command(0xF5, b"\x02", mode=ev2.CommMode.MAC) == h(
        "90F5000009026597A457C8CD442C00")
    assert session.answer(h("0040EEEE000100D1FE001F00004400004400002000006A00002A474282E7A4"
                            "79869100"), "GetFileSettings", ev2.CommMode.MAC) == h(
        "0040EEEE000100D1FE001F00004400004400002000006A0000")


@pytest.mark.parametrize("answer", ["", "9000", "6A82", "91", "919D"])
def test_error_answers_raise_ev2_errors(answer: str) -> None:
    with pytest.raises(ev2.Ev2Error):
        first_session().answer(h(answer), "a command")
