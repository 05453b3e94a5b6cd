"""The preview's reasons in Chinese. The import modules write each reason in English (they
are also the command line's and the tests' text); the preview shows them in the reader's
language through these patterns, one per reason the imports and the id validators give.
A reason no pattern knows is shown as it is."""

from __future__ import annotations

import re

_PATTERNS = [(re.compile(p), zh) for p, zh in (
    (r"^the same volunteer and activity are on line (\d+)$", r"同一志愿者的同一活动已在第 \1 行"),
    (r"^no volunteer (.+) in the register$", r"名册中没有志愿者 \1"),
    (r"^volunteer (.+) is not in your communities$", r"志愿者 \1 不在您负责的社区"),
    (r"^already credited \(batch (.+)\)$", r"已入账（批次 \1）"),
    (r"^already credited$", "已入账"),
    (r"^unknown activity type '(.*)'; add it to the points rules first$",
     r"未知活动类型“\1”，请先在积分管理办法中添加"),
    (r"^activity type (.+) earns no points$", r"活动类型 \1 不计积分"),
    (r"^monthly cap of (\d+) points for (.+) reached in (.+)$",
     r"\3 的 \2 每月上限 \1 积分已满"),
    (r"^capped at the monthly (\d+) points$", r"按每月上限 \1 积分截取"),
    (r"^counted (.+) of (.+) hours$", r"\2 小时中计入 \1 小时"),
    (r"^no points for these hours$", "这些小时不计积分"),
    (r"^the activity id is missing or not 1-35 letters, digits or signs$",
     "活动编号缺失，或不是 1-35 个字母、数字或符号"),
    (r"^the service date (.+) is in the future$", r"服务日期 \1 在未来"),
    (r"^the date '(.*)' is not a date \(YYYY-MM-DD\)$", r"“\1”不是日期（YYYY-MM-DD）"),
    (r"^hours '(.*)' is not a number$", r"时长“\1”不是数字"),
    (r"^hours (.+): must be above 0 and at most 24$", r"时长 \1：须大于 0 且不超过 24"),
    (r"^the same volunteer number is on line (\d+)$", r"同一志愿者编号已在第 \1 行"),
    (r"^the name is empty$", "姓名为空"),
    (r"^status '(.*)': use 正常/active or 停用/blocked$", r"状态“\1”：请填 正常 或 停用"),
    (r"^unknown community '(.*)'$", r"未知社区“\1”"),
    (r"^the community is missing$", "缺少所属社区"),
    (r"^community (.+) is not one of yours$", r"社区 \1 不是您负责的社区"),
    (r"^this volunteer belongs to community (.+), not one of yours$",
     r"该志愿者属于社区 \1，不是您负责的社区"),
    (r"^card (.+) belongs to another volunteer$", r"卡 \1 属于另一位志愿者"),
    (r"^volunteer id (.+) holds a space, control or invisible character$",
     r"志愿者编号 \1 含空格、控制字符或不可见字符"),
    (r"^a volunteer id is empty$", "志愿者编号为空"),
    (r"^volunteer id (.+) is (\d+) characters long: at most (\d+)$",
     r"志愿者编号 \1 长 \2 个字符，最多 \3 个"),
    (r"^(.+) is not an NFC card UID: .*$", r"\1 不是 NFC 卡号（4 到 10 字节的十六进制）"),
    (r"^(.+) is not a QR card id: .*$", r"\1 不是二维码卡号"),
)]


def _one(part: str) -> str:
    for pattern, zh in _PATTERNS:
        if pattern.match(part):
            return pattern.sub(zh, part)
    return (part.replace("name: ", "姓名：").replace("status: ", "状态：")
            .replace("community: ", "社区：").replace("new card ", "新卡 "))


def reason_zh(text: str) -> str:
    """``text`` in Chinese: each part of a '; '-joined reason, changes (a → b) kept."""
    return "；".join(_one(part) for part in text.split("; "))
