"""Every setting of config.toml, declared once: its type, default, allowed range and the
reason it exists (the ``doc``), one frozen dataclass per ``[section]``. :mod:`kiosk.config`
reads a file into these and checks what one setting alone cannot.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.config_values import setting
from points_protocol.settings import SETTINGS as DISTRICT_SETTINGS


def district_setting(key: str, doc: str) -> Any:
    """A setting the district may decide for every kiosk (``kiosk-district set KEY``): its
    range and default are the protocol's (``points_protocol.settings``), so both sides allow
    the same and, where the district set nothing, judge by the same number."""
    rule = DISTRICT_SETTINGS[key]
    return setting(rule.default, f"{doc} The district's value, once synced, wins over this "
                   f"one (`kiosk-district set {key}`).", minimum=rule.range.minimum,
                   maximum=rule.range.maximum)


@dataclass(frozen=True)
class KioskSection:
    id: str = setting("demo-kiosk-01", "This kiosk's identity: names its sales account, "
                      "its outbox sequence and its receipts.")
    name: str = setting("汉阳区积分超市", "Shop name printed on receipts and shown on screens.")
    community: str = setting("示范社区", "Community name printed on receipts.")
    timezone: str = setting("Asia/Shanghai", "Days, weeks and months for per-person limits and "
                            "offline caps are counted in this zone.")
    phone: str = setting("", "The shop's phone number, shown when a receipt could not be "
                         "printed (nobody staffs the kiosk); empty shows none.")


@dataclass(frozen=True)
class DatabaseSection:
    path: str = setting("var/kiosk.sqlite", "SQLite ledger file; relative paths are relative "
                        "to the config file.")
    busy_timeout_ms: int = setting(5000, "How long a writer waits for the other process (app or "
                                   "sync daemon) before giving up.", minimum=100, maximum=60000)
    startup_check: str = setting("quick", "Integrity check when the database is opened: 'full' "
                                 "reads every page (slow on a district-sized file).",
                                 choices=("quick", "full", "none"))
    audit_hour: int = setting(3, "Hour of the night (kiosk.timezone) when the sync daemon "
                              "audits the whole ledger (integrity, foreign keys, every order "
                              "against its transfers, stock and outbox entry), once a day and "
                              "only with no sale in the last 10 minutes; a failure stops the "
                              "selling. -1: only before each backup and in self-check.",
                              minimum=-1, maximum=23)
    cache_mb: int = setting(32, "SQLite page cache per connection. A district's volunteers, "
                            "cards and balances need ~32 MB for card taps to stay under a "
                            "millisecond; 2 MB (SQLite's default) left 1 in 100 taps at 2-3 ms.",
                            minimum=2, maximum=1024)


@dataclass(frozen=True)
class OfflineSection:
    after_seconds: int = district_setting(
        "offline.after_seconds", "With no successful sync for this long the kiosk sells "
        "in offline mode and applies the caps below.")
    cap_per_volunteer_per_day: int = district_setting(
        "offline.cap_per_volunteer_per_day", "Most points one volunteer may spend per day "
        "while offline (the district's risk per person).")
    cap_per_kiosk_per_day: int = district_setting(
        "offline.cap_per_kiosk_per_day", "Most points this kiosk may take per day while "
        "offline, all volunteers together.")


@dataclass(frozen=True)
class CheckoutSection:
    max_quantity_per_line: int = district_setting(
        "checkout.max_quantity_per_line", "Largest quantity of one item in one basket; "
        "guards against a stuck + button.")
    void_window_minutes: int = setting(60 * 24, "How long after a sale an operator may void it.",
                                       minimum=0, maximum=60 * 24 * 90)


@dataclass(frozen=True)
class NfcSection:
    enabled: bool = setting(True, "Read NFC cards through PC/SC (pcscd); off for a kiosk with "
                            "only a QR scanner, so no 'reader missing' status is shown.")
    reader: str = setting("", "Use the first PC/SC reader whose name contains this text (case "
                          "does not matter); empty takes the first reader, e.g. 'ACR122' when "
                          "a second reader is plugged in for operators.")
    retry_seconds: float = setting(2.0, "With no pcscd or no reader, look again this often; "
                                   "a reader plugged back in is in use within this time.",
                                   minimum=0.2, maximum=60.0)
    uid_only_cap_per_day: int = district_setting(
        "nfc.uid_only_cap_per_day", "Most points one volunteer may spend per day with cards "
        "known only by their UID (NFC cards that do not sign each tap; a UID can be cloned): "
        "the most a cloned card can take. 0 = no cap.")
    sun_keys: str = setting("", "Key file for NFC cards that sign each tap (NTAG 424 DNA "
                            "with SUN), made by `kiosk-district sun-keys export`; relative "
                            "paths from the config file's folder. Only the touchscreen reads "
                            "it (install it root:kiosk, mode 0640). Empty: such cards are "
                            "refused with 'ask staff'.")

    def sun_keys_path(self, base_dir: Path) -> Path | None:
        if not self.sun_keys.strip():
            return None
        path = Path(self.sun_keys)
        return path if path.is_absolute() else base_dir / path


PRINTER_KINDS = ("none", "dummy", "network", "usb", "serial", "file", "cups")


@dataclass(frozen=True)
class PrinterSection:
    kind: str = setting("none", "How the ESC/POS receipt printer is reached; 'none' records every "
                        "receipt as unprinted (reprint later), 'dummy' discards the bytes "
                        "(development only).", choices=PRINTER_KINDS)
    profile: str = setting("default", "python-escpos capability profile of the printer model "
                           "(e.g. 'TM-T88V', 'POS-5890'): decides cut and native QR support.")
    host: str = setting("", "Network printer: host name or IP address (kind = 'network').")
    port: int = setting(9100, "Network printer: raw TCP port.", minimum=1, maximum=65535)
    usb_vendor_id: int = setting(0, "USB printer: vendor id, e.g. 0x0416 (kind = 'usb').",
                                 minimum=0, maximum=0xFFFF)
    usb_product_id: int = setting(0, "USB printer: product id, e.g. 0x5011 (kind = 'usb').",
                                  minimum=0, maximum=0xFFFF)
    serial_device: str = setting("", "Serial printer: device, e.g. /dev/ttyUSB0 "
                                 "(kind = 'serial').")
    serial_baudrate: int = setting(9600, "Serial printer: speed set on the printer's DIP "
                                   "switches.", minimum=1200, maximum=921600)
    file_path: str = setting("", "Printer device file, e.g. /dev/usb/lp0 (kind = 'file').")
    cups_name: str = setting("", "CUPS queue name (kind = 'cups'; needs pycups); empty for the "
                             "CUPS default printer.")
    columns: int = setting(32, "Characters per line: 32 for 58 mm paper, 48 for 80 mm; a "
                           "Chinese character takes two.", minimum=24, maximum=64)
    footer: str = setting("感谢您的志愿服务！", "Last line of every receipt.")
    timeout_seconds: int = setting(10, "How long to wait for the printer to connect, take data "
                                   "or answer a status query before the receipt counts as "
                                   "unprinted.", minimum=1, maximum=120)
    native_qr: bool = setting(True, "Print the order QR with the printer's own QR command where "
                              "the profile supports it (sharper, fewer bytes); otherwise as an "
                              "image.")
    check_status: bool = setting(True, "Ask the printer for its paper status before and after "
                                 "each receipt (network, USB, serial): catches paper out and a "
                                 "printer that stopped reading, which otherwise look like "
                                 "success because the bytes fit in buffers. Turn off for a "
                                 "printer that cannot report status.")


@dataclass(frozen=True)
class UiSection:
    language: str = setting("zh_CN", "Language the touchscreen starts in (and returns to after "
                            "each visit); every screen has a toggle to the other one.",
                            choices=("zh_CN", "en"))
    inactivity_seconds: int = setting(60, "Untouched this long, a session shows the \"still "
                                      "there?\" countdown (people walk away with a full cart).",
                                      minimum=10, maximum=600)
    countdown_seconds: int = setting(15, "Length of the \"still there?\" countdown before the "
                                     "cart is dropped and the start screen returns.",
                                     minimum=3, maximum=120)
    done_seconds: int = setting(20, "How long the \"take your receipt\" and card-refused "
                                "screens stay before the start screen returns (twice as long "
                                "when the receipt did not print). Key information is never "
                                "taken away in under 20 s (MIIT guidelines for elderly users).",
                                minimum=20, maximum=300)
    input_pause_ms: int = setting(700, "Presses this soon after a screen changes are ignored: "
                                  "a double tap must not also press the button that appears "
                                  "where the first one was.", minimum=0, maximum=3000)
    panel_diagonal_inches: float = setting(21.5, "The touch panel's diagonal: text and touch "
                                           "targets are sized in points and millimetres on the "
                                           "glass (body text at least 18 pt, targets ~15 mm, "
                                           "8 mm between them).", minimum=7.0, maximum=100.0)
    card_picture: str = setting("", "A picture of this kiosk's front with its card reader "
                                "marked, shown on the start screen (a file, relative to the "
                                "config file); empty shows the drawing that ships.")
    qr_picture: str = setting("", "A picture of this kiosk's front with its QR camera or "
                              "scanner marked, shown on the start screen; empty shows the "
                              "drawing that ships.")
    hide_cursor: bool = setting(True, "Hide the mouse pointer: a touchscreen needs none and an "
                                "arrow in the middle of the screen confuses people.")
    fullscreen: bool = setting(True, "Cover the whole screen with no window frame, so a "
                               "volunteer cannot reach the desktop; off for development.")
    large_text: bool = setting(False, "Start with the large-text setting on (every screen also "
                               "has a toggle), for shops whose visitors are mostly elderly.")
    on_screen_keyboard: bool = setting(True, "Show a keyboard (pinyin and English) on the "
                                       "operator screens while a text field is in use; off "
                                       "for a kiosk with a keyboard attached.")


@dataclass(frozen=True)
class VoiceSection:
    enabled: bool = setting(True, "Speak each step and each refusal (Mandarin, or English when "
                            "chosen; offline, with espeak-ng). Names and points are spoken only "
                            "when the volunteer turns reading aloud on for their own visit.")
    volume: float = setting(0.8, "Loudness of the voice and the card beep, 0.0 (silent) to "
                            "1.0.", minimum=0.0, maximum=1.0)
    beep: bool = setting(True, "A short sound on every card read, so the volunteer knows the "
                         "card was seen before the screen changes.")
    rate: int = setting(150, "Speaking speed in words a minute (espeak-ng's -s); slower is "
                        "easier for elderly listeners.", minimum=80, maximum=300)
    program: str = setting("espeak-ng", "The speech program (Debian package espeak-ng); if it "
                           "is missing the kiosk stays silent and says so in its log.")
    cache_dir: str = setting("var/voice-cache", "Where spoken prompts are kept once rendered "
                             "(relative to the config file); prompts with a name or points in "
                             "them are never written here.")


@dataclass(frozen=True)
class DistrictSection:
    url: str = setting("http://127.0.0.1:8600", "District server base URL. Plain http:// is "
                       "accepted only for a loopback address (tests, demo); use https:// "
                       "elsewhere.")
    ca_file: str = setting("", "CA certificate file (PEM) to verify the district's HTTPS "
                           "certificate; empty uses the system's CA store.")
    key_path: str = setting("var/kiosk-key.pem", "This kiosk's Ed25519 private key (made by "
                            "'kiosk-sync keygen'); the district registers its public half.")


@dataclass(frozen=True)
class SyncSection:
    interval_seconds: int = setting(60, "Seconds between sync rounds when all is well.",
                                    minimum=1, maximum=86400)
    jitter_seconds: int = setting(10, "Random extra wait per round, so kiosks that restart "
                                  "together do not all call the district at once.",
                                  minimum=0, maximum=3600)
    backoff_cap_seconds: int = setting(900, "Longest wait after repeated failures (the wait "
                                       "doubles from the interval up to this).",
                                       minimum=1, maximum=86400)
    page_size: int = setting(10000, "Changes asked for per pulled page; each page is one "
                             "write transaction on the kiosk (~0.15 s at 10,000: a sale waits "
                             "at most that, a card tap never waits).", minimum=1, maximum=20000)
    push_batch: int = setting(200, "Outbox entries sent per push request.",
                              minimum=1, maximum=1000)
    connect_timeout_seconds: int = setting(10, "How long to wait for the district to accept "
                                           "the connection.", minimum=1, maximum=300)
    read_timeout_seconds: int = setting(60, "How long to wait for the next bytes of the "
                                        "district's answer.", minimum=1, maximum=3600)
    request_deadline_seconds: int = setting(300, "Longest one request may take in all: an "
                                            "answer that trickles in a byte at a time never "
                                            "trips the read timeout, so without this it could "
                                            "hold the round for ever.", minimum=5,
                                            maximum=3600)
    round_deadline_seconds: int = setting(1800, "Longest one round may take (a first sync of "
                                          "a district takes minutes on a slow line); what "
                                          "was applied is kept and the next round goes on, "
                                          "so a district that answers slowly or says 'more' "
                                          "for ever cannot stop the heartbeat and the "
                                          "backoff.", minimum=10, maximum=86400)
    max_response_mb: int = setting(64, "A larger answer is refused as broken (guards memory).",
                                   minimum=1, maximum=1024)
    max_image_kb: int = setting(2048, "Largest catalogue picture fetched from the district; a "
                                "bigger one is refused (a touchscreen tile needs far less).",
                                minimum=16, maximum=65536)


@dataclass(frozen=True)
class QrSection:
    district_id: str = setting("", "The district whose signed QR cards this kiosk accepts; a "
                               "card signed for another district is refused.")
    public_key: str = setting("", "The district's Ed25519 public key that verifies QR cards "
                              "offline: base64 of its 32 bytes, or a file holding it (relative "
                              "to the config file). Empty: QR cards are not accepted.")
    max_token_length: int = setting(512, "Longest scanned text looked at: a real card token is "
                                    "about 130 characters; longer codes are refused unread.",
                                    minimum=64, maximum=4096)


@dataclass(frozen=True)
class CameraSection:
    source: str = setting("", "Where QR frames come from: empty for no camera, a device index "
                          "('0'), a device path, a video file, an image sequence "
                          "('frames/%04d.png') or a stream URL (rtsp://...).")
    decoder: str = setting("auto", "QR decoder: zxing-cpp is faster and reads more damaged "
                           "codes; 'auto' takes zxing-cpp when installed, else pyzbar.",
                           choices=("auto", "zxing", "pyzbar"))
    width: int = setting(1280, "Frame width asked of a camera device (files and streams keep "
                         "their own): 720p reads a phone screen at arm's length.",
                         minimum=160, maximum=3840)
    height: int = setting(720, "Frame height asked of a camera device.",
                          minimum=120, maximum=2160)
    retry_seconds: int = setting(3, "Wait before reopening a camera that cannot be opened or "
                                 "stopped delivering frames.", minimum=1, maximum=300)
    forget_after_frames: int = setting(15, "A code missing from this many frames in a row was "
                                       "taken away; shown again it is a new presentation "
                                       "(15 = 0.5 s at 30 fps). Frames, not seconds, so "
                                       "recorded video behaves like a live camera.",
                                       minimum=1, maximum=600)


@dataclass(frozen=True)
class ScannerSection:
    wedge_enabled: bool = setting(True, "Treat fast keystrokes ending in Enter as one scan of "
                                  "a USB keyboard-wedge QR scanner, kept away from buttons and "
                                  "text fields.")
    max_gap_ms: int = setting(50, "Longest pause between two keystrokes of one scan; people "
                              "type slower, scanners send a key every few ms.",
                              minimum=5, maximum=500)
    min_length: int = setting(8, "Fewest characters that count as a scan; shorter fast bursts "
                              "are typing and go to the focused field.", minimum=2, maximum=256)
    keymap: str = setting("text", "'text' trusts the characters the desktop's keyboard layout "
                          "produces; 'us-scancodes' reads key positions as a US keyboard, for "
                          "a scanner set to US on a kiosk with another layout (e.g. French).",
                          choices=("text", "us-scancodes"))


@dataclass(frozen=True)
class BackupSection:
    dir: str = setting("var/backups", "Folder for database backups (kiosk-admin backup, the "
                       "nightly timer); relative paths are relative to the config file. The "
                       "same disk only guards against mistakes and a damaged file: copy the "
                       "folder off the kiosk to survive a dead disk.")
    keep_daily: int = setting(7, "Keep the newest backup of each of this many days that have "
                              "one (a damaged file is often noticed days later).",
                              minimum=1, maximum=365)
    keep_weekly: int = setting(8, "Also keep the newest backup of each of this many weeks "
                               "that have one, for a mistake noticed weeks later.",
                               minimum=0, maximum=520)


@dataclass(frozen=True)
class OperatorSection:
    pin_min_length: int = setting(6, "Shortest operator PIN accepted; a 4-digit PIN falls to "
                                  "a patient guesser even with the lockout below.",
                                  minimum=4, maximum=12)
    free_tries: int = setting(3, "Wrong PINs allowed in a row before the PIN pad locks "
                              "(fat fingers on a touchscreen are common).",
                              minimum=1, maximum=10)
    lockout_seconds: int = setting(30, "First lockout after the free tries; it doubles with "
                                   "each further wrong PIN.", minimum=1, maximum=3600)
    lockout_max_seconds: int = setting(1800, "The lockout never grows beyond this, so a "
                                       "prankster cannot lock staff out for the whole day.",
                                       minimum=1, maximum=86400)
    idle_signout_seconds: int = setting(120, "An operator is signed out after this long "
                                        "without a touch, so the next volunteer never finds "
                                        "the admin screens open.", minimum=15, maximum=3600)


@dataclass(frozen=True)
class Config:
    kiosk: KioskSection = field(default_factory=KioskSection)
    database: DatabaseSection = field(default_factory=DatabaseSection)
    offline: OfflineSection = field(default_factory=OfflineSection)
    checkout: CheckoutSection = field(default_factory=CheckoutSection)
    nfc: NfcSection = field(default_factory=NfcSection)
    printer: PrinterSection = field(default_factory=PrinterSection)
    ui: UiSection = field(default_factory=UiSection)
    voice: VoiceSection = field(default_factory=VoiceSection)
    district: DistrictSection = field(default_factory=DistrictSection)
    sync: SyncSection = field(default_factory=SyncSection)
    qr: QrSection = field(default_factory=QrSection)
    camera: CameraSection = field(default_factory=CameraSection)
    scanner: ScannerSection = field(default_factory=ScannerSection)
    backup: BackupSection = field(default_factory=BackupSection)
    operator: OperatorSection = field(default_factory=OperatorSection)
    base_dir: Path = field(default=Path("."), compare=False)

    @property
    def database_path(self) -> Path:
        path = Path(self.database.path)
        return path if path.is_absolute() else self.base_dir / path


SECTIONS: dict[str, type[Any]] = {
    f.name: f.default_factory for f in dataclasses.fields(Config)  # type: ignore[misc]
    if f.name != "base_dir"
}
