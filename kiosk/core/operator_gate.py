"""Where each card tap and device event goes: the operator's side or the volunteer's visit.

The first stop of every device event, before :mod:`kiosk.core.session_flow`. Ways onto the
operator's side, and only these: an operator card tapped on the start screen, or the PIN pad
(opened by a long press on the shop's name, which the UI notices). A volunteer's card never
opens anything: while the start screen shows, each tapped card is first checked for the
operator flag (:class:`CheckOperatorCard`, a database look-up the UI runs off the GUI thread),
and any other card then goes on to the visit exactly as before. Events arriving while a check
is on its way are held and then routed in order, each by the state it finds. While the
operator's side is open, taps go to the operator screen that shows, never to the visit. With
no touch for ``idle`` the operator is signed out (by the injected clock, on the flow's tick).

The UI only does what is decided here: :meth:`OperatorGate.route` and
:meth:`OperatorGate.checked` yield one :data:`Route` at a time, and the caller applies each
before asking for the next (applying one may move the visit on, which the next one reads).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.core.devices import (
    CardPresented,
    CardRejected,
    DeviceEvent,
    DeviceFound,
    DeviceLost,
    presented_card,
)
from kiosk.core.models import PresentedCard
from kiosk.core.operators import Operator
from kiosk.core.session_flow import Screen, SessionFlow


@dataclass(frozen=True)
class ToVisit:
    """The volunteer's visit takes it (the session controller)."""

    event: DeviceEvent


@dataclass(frozen=True)
class CheckOperatorCard:
    """Look the card up for the operator flag, then call :meth:`OperatorGate.checked`."""

    card: PresentedCard


@dataclass(frozen=True)
class SignedIn:
    """An operator card opened the operator's side: show the operator screens."""

    operator: Operator


@dataclass(frozen=True)
class ToOperatorScreen:
    """A card tapped while an operator screen shows: that screen takes it."""

    card: PresentedCard


@dataclass(frozen=True)
class RefusedOnOperatorSide:
    """An unusable card while the operator's side is open: a forged one is still news for the
    district, and the screen showing says why it did nothing."""

    event: CardRejected


@dataclass(frozen=True)
class Ignored:
    """Nothing takes it (a card lifted while the operator's side is open)."""

    event: DeviceEvent


Route = ToVisit | CheckOperatorCard | SignedIn | ToOperatorScreen | RefusedOnOperatorSide | Ignored


@dataclass(frozen=True)
class _Check:
    event: CardPresented
    forward: bool   # not an operator's: the visit takes it (False on the PIN pad)


class OperatorGate:
    def __init__(self, flow: SessionFlow, idle: timedelta) -> None:
        self.flow = flow
        self.idle = idle
        self.operator: Operator | None = None
        self.pin_pad = False                   # the PIN pad shows, nobody signed in yet
        self.devices: dict[str, bool] = {}     # source -> present, for the health screen
        self._check: _Check | None = None
        self._held: deque[DeviceEvent] = deque()
        self._last_touch: datetime | None = None

    @property
    def is_open(self) -> bool:
        """The operator's side shows (the PIN pad or an operator screen)."""
        return self.pin_pad or self.operator is not None

    @property
    def last_touch(self) -> datetime | None:
        """When the operator's side was last touched (the idle sign-out counts from it)."""
        return self._last_touch

    @property
    def checking(self) -> bool:
        """An operator-card check is on its way: device events wait behind it."""
        return self._check is not None

    # -- device events ---------------------------------------------------------------------------

    def route(self, event: DeviceEvent) -> Iterator[Route]:
        """Where ``event`` goes (held, if a check is on its way)."""
        self._held.append(event)
        yield from self._drain()

    def checked(self, operator: Operator | None, now: datetime) -> Iterator[Route]:
        """The answer to :class:`CheckOperatorCard`: the operator behind the card or None;
        then where each event held meanwhile goes."""
        check, self._check = self._check, None
        if operator is not None:
            yield self.sign_in(operator, now)
        elif check is not None and check.forward:
            yield ToVisit(check.event)
        yield from self._drain()

    def _drain(self) -> Iterator[Route]:
        while self._held and self._check is None:
            yield self._decide(self._held.popleft())

    def _decide(self, event: DeviceEvent) -> Route:
        if isinstance(event, DeviceFound | DeviceLost):
            self.devices[event.source] = isinstance(event, DeviceFound)
            return ToVisit(event)   # the visit keeps the heartbeat's device state
        if self.is_open:
            return self._on_operator_side(event)
        if isinstance(event, CardPresented) and self.flow.state.screen == Screen.IDLE:
            return self._start_check(event, forward=True)
        return ToVisit(event)

    def _on_operator_side(self, event: DeviceEvent) -> Route:
        """Nothing reaches the visit while the operator's side is open."""
        if isinstance(event, CardPresented):
            if self.operator is not None:
                return ToOperatorScreen(presented_card(event))
            return self._start_check(event, forward=False)   # on the PIN pad
        if isinstance(event, CardRejected):
            return RefusedOnOperatorSide(event)
        return Ignored(event)

    def _start_check(self, event: CardPresented, *, forward: bool) -> CheckOperatorCard:
        self._check = _Check(event, forward)
        return CheckOperatorCard(presented_card(event))

    # -- the operator's side ---------------------------------------------------------------------

    def open_pin_pad(self, now: datetime) -> bool:
        """The long press: True if the PIN pad opens (only over the start screen)."""
        if self.flow.state.screen != Screen.IDLE or self.is_open:
            return False
        self.pin_pad = True
        self._last_touch = now
        return True

    def sign_in(self, operator: Operator, now: datetime) -> SignedIn:
        """Signed in, by the PIN pad or (through :meth:`checked`) an operator card."""
        self.operator = operator
        self.pin_pad = False
        self._last_touch = now
        return SignedIn(operator)

    def close(self) -> None:
        """Signed out, or the PIN pad cancelled: the start screen again."""
        self.operator = None
        self.pin_pad = False
        self._last_touch = None

    def touched(self, now: datetime) -> None:
        """A press anywhere while the operator's side is open."""
        if self.is_open:
            self._last_touch = now

    def idle_out(self, now: datetime) -> bool:
        """On every tick: True when nobody touched the operator's side for ``idle`` (the
        caller then signs out). A clock that went back counts the idle time from now, or
        the screens would stay open until it caught up again."""
        if not self.is_open or self._last_touch is None:
            return False
        self._last_touch = min(self._last_touch, now)
        return now - self._last_touch >= self.idle
