"""The console's plumbing: who is asking (the session), whether they may (role and CSRF), in
which language, and how a page is rendered. Every route is declared through :class:`Area`,
which records the roles it admits (``tests/console/test_roles.py`` walks :data:`RULES`) and
checks them, with the CSRF token on every POST, before the handler runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from district.console import i18n, nav
from district.console.accounts import Accounts
from district.console.cache import HistoryCache
from district.console.scope import Principal, Role
from district.console.sessions import COOKIE, Session, Sessions
from district.store import Store

log = logging.getLogger("district.console")

HERE = Path(__file__).resolve().parent
PREFIX = nav.PREFIX   # declared with the menu, which names the pages under it
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
LANG_COOKIE = "console_lang"


class Denied(Exception):
    """Signed in, but this page is not for this role (403)."""


class NotFound(Exception):
    """No such record, or one outside the person's scope (404: the same answer for both)."""


class UserError(Exception):
    """Input the console will not take; ``str()`` is shown on the page (already translated
    or a validator's own line)."""


class SignInNeeded(Exception):
    pass


class CsrfRefused(Exception):
    pass


@dataclass(frozen=True)
class Rule:
    method: str
    path: str
    roles: frozenset[Role]


RULES: list[Rule] = []


@dataclass
class Console:
    """What every handler needs, built once by district.console.app."""

    store: Store
    accounts: Accounts
    sessions: Sessions
    clock: Callable[[], float]
    templates: Environment
    qr_issuer: Any = None
    static_version: str = ""
    cache: HistoryCache = field(default_factory=HistoryCache)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Ctx:
    """One request's view of the console: the console, the person, their CSRF token and
    language."""

    console: Console
    request: Request
    principal: Principal
    csrf: str
    lang: str

    @property
    def db(self) -> Any:
        return self.console.store.db

    @property
    def store(self) -> Store:
        return self.console.store

    def t(self, text: str, **values: Any) -> str:
        return i18n.translate(text, self.lang, **values)

    @property
    def address(self) -> str | None:
        return self.request.client.host if self.request.client else None


def console_of(request: Request) -> Console:
    return request.app.state.console  # type: ignore[no-any-return]


def lang_of(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, "zh")
    return lang if lang in i18n.LANGS else "zh"


def session_of(request: Request) -> Session | None:
    if "console_session" not in request.state._state:
        request.state.console_session = console_of(request).sessions.find(
            request.cookies.get(COOKIE))
    return request.state.console_session  # type: ignore[no-any-return]


async def _sent_csrf(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def _guard(roles: frozenset[Role], method: str) -> Callable[[Request], Any]:
    async def guard(request: Request) -> Ctx:
        session = session_of(request)
        if session is None:
            raise SignInNeeded
        if session.principal.role not in roles:
            raise Denied
        if method != "GET" and not session.csrf_ok(await _sent_csrf(request)):
            raise CsrfRefused
        ctx = Ctx(console_of(request), request, session.principal, session.csrf,
                  lang_of(request))
        request.state.ctx = ctx
        return ctx
    return guard


class Area:
    """A group of routes (one module per area of the console), each with the roles it
    admits."""

    def __init__(self) -> None:
        self.router = APIRouter()

    def get(self, path: str, roles: frozenset[Role]) -> Callable[[Any], Any]:
        return self._route("GET", path, roles)

    def post(self, path: str, roles: frozenset[Role]) -> Callable[[Any], Any]:
        return self._route("POST", path, roles)

    def _route(self, method: str, path: str, roles: frozenset[Role]) -> Callable[[Any], Any]:
        def deco(fn: Any) -> Any:
            RULES.append(Rule(method, PREFIX + path, roles))
            self.router.add_api_route(PREFIX + path, fn, methods=[method],
                                      dependencies=[Depends(_guard(roles, method))],
                                      response_class=HTMLResponse, include_in_schema=False)
            return fn
        return deco


def ctx_of(request: Request) -> Ctx:
    return request.state.ctx  # type: ignore[no-any-return]


def make_templates() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(["html"]), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters["points"] = lambda v: "" if v is None else f"{int(v):,}"
    return env


def render(ctx: Ctx, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    page = ctx.console.templates.get_template(template).render(
        _=ctx.t, ctx=ctx, lang=ctx.lang, principal=ctx.principal, csrf=ctx.csrf,
        nav=nav.nav_for(ctx.principal), prefix=PREFIX, asset_v=ctx.console.static_version,
        path=ctx.request.url.path, **values)
    return HTMLResponse(page, status_code=status)


def render_bare(request: Request, template: str, status: int = 200, **values: Any
                ) -> HTMLResponse:
    """A page for someone not signed in (sign-in, errors)."""
    console, lang = console_of(request), lang_of(request)
    page = console.templates.get_template(template).render(
        _=lambda text, **kw: i18n.translate(text, lang, **kw), ctx=None, lang=lang,
        principal=None, csrf="", nav=[], prefix=PREFIX, asset_v=console.static_version,
        path=request.url.path, **values)
    return HTMLResponse(page, status_code=status)


def redirect(path: str, *, htmx: bool = False) -> Response:
    """After a POST: to the page that shows the result (303, so a reload does not post
    again); an HTMX request is told to navigate instead."""
    if htmx:
        return Response(status_code=204, headers={"HX-Redirect": path})
    return RedirectResponse(path, status_code=303)


def form_text(form: Any, name: str, limit: int = 200) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""
