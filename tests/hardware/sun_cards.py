"""NTAG 424 DNA cards for the tests through pcscd: keys, state files, recorded taps."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from points_protocol.sun.keys import DistrictKeys
from tests.hardware.ntag424_card import Ntag424, factory_state, provisioned_state

UID = "04A1B2C3D4E5F6"   # 张小华 (V0001) in the demo shop and the demo district


def district_keys(generation: int = 1) -> DistrictKeys:
    """Fixed keys (tests repeat the same way every run), as ``sun-keys new`` would make."""
    seed = bytes([generation]) * 15
    return DistrictKeys("hanyang", generation, app_master=seed + b"\x01",
                        file_read_master=seed + b"\x02", meta_read=seed + b"\x03")


def write_state(path: Path, state: dict[str, Any]) -> Path:
    path.write_text(json.dumps(state, sort_keys=True))
    return path


def read_state(path: Path) -> dict[str, Any]:
    state: dict[str, Any] = json.loads(path.read_text())
    return state


def provisioned(path: Path, keys: DistrictKeys, uid: str = UID, counter: int = 0) -> Path:
    return write_state(path, provisioned_state(uid, keys, counter=counter))


def recording(card_state: dict[str, Any], counter: int, out: Path) -> Path:
    """A card that plays back the tap the card in ``card_state`` signed with ``counter``: a
    programmable tag (or a phone) holding the recorded NDEF file, same UID, no SDM."""
    state = copy.deepcopy(card_state)
    state["counter"] = counter - 1
    tag = Ntag424(state)
    tag.process(bytes.fromhex("00A4040007D276000085010100"))
    tag.process(bytes.fromhex("00A4000C02E104"))
    recorded = tag.process(bytes.fromhex("00B0000000"))[:-2]
    replay = factory_state(card_state["uid"])
    replay["files"]["2"] = recorded.hex()
    return write_state(out, replay)
