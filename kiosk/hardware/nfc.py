"""NFC cards through PC/SC: pcscd (pcsc-lite) reached with pyscard's low-level ``scard`` API.

Why a thread of our own rather than pyscard's ``CardMonitor``: that monitor is a process-wide
singleton whose daemon thread cannot be joined, and it neither reports nor recovers from pcscd
going away. Here one thread owns one PC/SC context and waits in ``SCardGetStatusChange``; when
the service or the reader goes away it drops the context and starts a fresh session, which
either finds the reader again or reports why not (once per change of state) and retries after
a pause. ``stop`` wakes the wait with ``SCardCancel`` and joins the thread with a deadline, so
it cannot hang on a stuck service.

Only plain :mod:`kiosk.core.devices` events leave this module; no pyscard type, handle or
return code does.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from smartcard import scard

from kiosk.core.devices import (
    CardPresented,
    CardRemoved,
    DeviceEvent,
    DeviceFound,
    DeviceLost,
    EventSink,
)
from kiosk.core.sun_cards import SunVerifier
from kiosk.hardware.nfc_tap import SERVICE_DOWN, SessionBroken, describe, read_tap

log = logging.getLogger("kiosk.hardware.nfc")
_EVENT_COUNTER_SHIFT = 16       # pcsc-lite counts card insertions/removals in the high word
_RESTART_PAUSE_SECONDS = 0.2    # before a fresh session after one broke off
_BROKEN_SESSIONS_REPORTED = 3   # broke off this often in a row: report it (not a mere restart)


class _Lost(Exception):
    """No service or no matching reader; ``reason`` is what the operator reads."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_Restart = SessionBroken
_describe = describe


class PcscCardReader:
    """A PC/SC contactless reader as a :class:`kiosk.core.devices.CardSource`.

    ``reader_name`` picks the first reader whose name contains it (case-insensitive); empty
    means the first reader pcscd lists. ``retry_seconds`` is the pause before looking again
    when there is no service or no reader. ``wait_seconds`` bounds each blocking wait: a
    safety net should a stop request's ``SCardCancel`` race with the start of a wait.
    """

    def __init__(self, reader_name: str = "", retry_seconds: float = 2.0,
                 wait_seconds: float = 1.0, stop_timeout_seconds: float = 5.0,
                 sun: SunVerifier | None = None) -> None:
        self.reader_name = reader_name
        self.sun = sun   # checks cards that sign their taps; None: this kiosk has no keys
        self.retry_seconds = retry_seconds
        self.wait_seconds = wait_seconds
        self.stop_timeout_seconds = stop_timeout_seconds
        self._sink: EventSink | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._context_lock = threading.Lock()
        self._context: Any = None
        self._status: tuple[str, str] | None = None  # ("found", reader) or ("lost", reason)
        self._reader: str | None = None              # the reader last found
        self._presented = False                      # a CardPresented awaits its CardRemoved
        self._broken_sessions = 0                    # sessions in a row that never worked

    @property
    def source(self) -> str:
        """The name events carry: the reader once found, else what the config asked for."""
        if self._reader is not None:
            return self._reader
        if self.reader_name:
            return f"PC/SC reader matching {self.reader_name!r}"
        return "PC/SC reader"

    def start(self, sink: EventSink) -> None:
        if self._thread is not None:
            raise RuntimeError("PcscCardReader already started")
        self._sink = sink
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="nfc-reader", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Ask the thread to end, wake its wait, and join it (giving up after a deadline)."""
        thread = self._thread
        if thread is None:
            return
        self._stopping.set()
        # SCardCancel waits for pcscd's answer, so a frozen pcscd would hold it: cancel from a
        # throwaway thread and only wait for the reader's thread, with a deadline.
        threading.Thread(target=self._cancel_wait, name="nfc-reader-cancel", daemon=True).start()
        thread.join(self.stop_timeout_seconds)
        if thread.is_alive():  # pcscd hung mid-call: leave the daemon thread behind
            log.warning("NFC reader thread did not stop within %.1f s; abandoning it",
                        self.stop_timeout_seconds)
        self._thread = None
        self._sink = None

    def _cancel_wait(self) -> None:
        with self._context_lock:
            if self._context is not None:
                scard.SCardCancel(self._context)

    # -- the reader's thread ----------------------------------------------------------------

    def _run(self) -> None:
        while not self._stopping.is_set():
            pause = self.retry_seconds
            try:
                self._session()
            except _Restart as broken:
                log.info("PC/SC session ends: %s", broken)
                self._card_gone()
                self._broken_sessions += 1
                if self._broken_sessions == 1:
                    pause = _RESTART_PAUSE_SECONDS
                if self._broken_sessions >= _BROKEN_SESSIONS_REPORTED:
                    self._lose(str(broken))
            except _Lost as lost:
                self._broken_sessions = 0
                self._lose(lost.reason)
            except Exception as exc:  # a bug must not end card reading for good
                log.exception("NFC reader failed")
                self._lose(f"unexpected error: {exc!r}")
            finally:
                self._release_context()
            self._stopping.wait(pause)

    def _session(self) -> None:
        """One PC/SC context: find the reader, then report cards until something goes away."""
        context = self._establish_context()
        reader = self._choose_reader(context)
        self._reader = reader
        if self._status != ("found", reader):
            self._status = ("found", reader)
            self._emit(DeviceFound(reader))
        self._watch(context, reader)

    def _establish_context(self) -> Any:
        code, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if code != scard.SCARD_S_SUCCESS:
            raise self._service_down(code)
        with self._context_lock:
            self._context = context
        return context

    def _release_context(self) -> None:
        with self._context_lock:
            context, self._context = self._context, None
            if context is not None:
                scard.SCardReleaseContext(context)

    def _service_down(self, code: int) -> _Lost:
        log.debug("PC/SC service unavailable: %s", _describe(code))
        return _Lost("PC/SC service (pcscd) is not running; "
                     f"retrying every {self.retry_seconds:g} s")

    def _choose_reader(self, context: Any) -> str:
        code, readers = scard.SCardListReaders(context, [])
        if code in SERVICE_DOWN:
            raise self._service_down(code)
        if code == scard.SCARD_E_NO_READERS_AVAILABLE:
            readers = []
        elif code != scard.SCARD_S_SUCCESS:
            raise _Lost(f"cannot list PC/SC readers: {_describe(code)}")
        wanted = self.reader_name.casefold()
        for name in readers:
            if wanted in name.casefold():
                return str(name)
        what = f"matching {self.reader_name!r} " if self.reader_name else ""
        seen = ", ".join(readers) if readers else "none"
        raise _Lost(f"no PC/SC reader {what}is connected (readers seen: {seen}); "
                    f"retrying every {self.retry_seconds:g} s")

    def _watch(self, context: Any, reader: str) -> None:
        known = scard.SCARD_STATE_UNAWARE
        timeout_ms = max(int(self.wait_seconds * 1000), 1)
        while not self._stopping.is_set():
            code, states = scard.SCardGetStatusChange(context, timeout_ms, [(reader, known)])
            if code in (scard.SCARD_E_TIMEOUT, scard.SCARD_E_CANCELLED):
                self._broken_sessions = 0
                continue
            if code != scard.SCARD_S_SUCCESS:  # e.g. pcscd shutting down answers oddly
                raise _Restart(f"waiting for a card on {reader!r} failed: {_describe(code)}")
            self._broken_sessions = 0
            event = int(states[0][1])
            if event & (scard.SCARD_STATE_UNKNOWN | scard.SCARD_STATE_IGNORE):
                raise _Restart(f"reader {reader!r} was disconnected")
            had_card = bool(known & scard.SCARD_STATE_PRESENT)
            has_card = bool(event & scard.SCARD_STATE_PRESENT)
            # Taken off and put back between two waits: the event counter moved on.
            swapped = had_card and has_card and (
                event >> _EVENT_COUNTER_SHIFT != known >> _EVENT_COUNTER_SHIFT)
            if had_card and (swapped or not has_card):
                self._card_gone()
            if has_card and (swapped or not had_card):
                self._read_card(context, reader)
            known = event & ~scard.SCARD_STATE_CHANGED

    def _read_card(self, context: Any, reader: str) -> None:
        event = read_tap(context, reader, self.sun)
        if isinstance(event, CardPresented):
            self._presented = True
        self._emit(event)

    def _card_gone(self) -> None:
        if self._presented:
            self._presented = False
            self._emit(CardRemoved(self.source))

    def _lose(self, reason: str) -> None:
        self._card_gone()
        if self._status != ("lost", reason):
            self._status = ("lost", reason)
            log.warning("NFC reader unavailable: %s", reason)
            self._emit(DeviceLost(self.source, reason))

    def _emit(self, event: DeviceEvent) -> None:
        sink = self._sink
        if sink is None or self._stopping.is_set():
            return
        try:
            sink(event)
        except Exception:  # the receiver's bug must not stop card reading
            log.exception("NFC event sink failed on %r", event)


def list_readers() -> list[tuple[str, bool]]:
    """Readers pcscd knows, each with whether a card is on it (for the operator's check).

    Raises ``OSError`` with a readable reason when there is no PC/SC service.
    """
    code, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if code != scard.SCARD_S_SUCCESS:
        raise OSError(f"no PC/SC service: {_describe(code)} (is pcscd installed and running?)")
    try:
        code, names = scard.SCardListReaders(context, [])
        if code == scard.SCARD_E_NO_READERS_AVAILABLE:
            return []
        if code != scard.SCARD_S_SUCCESS:
            raise OSError(f"cannot list readers: {_describe(code)}")
        states = [(name, scard.SCARD_STATE_UNAWARE) for name in names]
        code, states = scard.SCardGetStatusChange(context, 0, states)
        if code != scard.SCARD_S_SUCCESS:
            return [(name, False) for name in names]
        return [(name, bool(state & scard.SCARD_STATE_PRESENT)) for name, state, _ in states]
    finally:
        scard.SCardReleaseContext(context)
