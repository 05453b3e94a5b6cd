"""The console as an ASGI app of its own, served beside the kiosks' API on the same port
(:func:`with_console`): the API's gate checks kiosk signatures, the console checks sessions,
so each path goes to exactly one of them."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from district.console import rules, web
from district.console.accounts import Accounts
from district.console.nav import home_of
from district.console.sessions import COOKIE, IDLE_S, Sessions
from district.store import Store

log = logging.getLogger("district.console")

LOGIN_CSRF_COOKIE = "console_login_csrf"
# No inline script anywhere (charts read their data from data- attributes); HTMX and ECharts
# set inline styles, which style-src must allow.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


class CachedStatic(StaticFiles):
    """Vendored scripts and the style sheet: their URLs carry a hash of the folder's content
    (``?v=``), so browsers may keep them for a year."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


def _static_version() -> str:
    digest = hashlib.sha256()
    for path in sorted((web.HERE / "static").rglob("*")):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def create_console(store: Store, *, clock: Callable[[], float] = time.time,
                   qr_issuer: Any = None, accounts: Accounts | None = None) -> FastAPI:
    from district.console.routes import AREAS  # noqa: PLC0415 (routes import web.RULES)

    rules.ensure_defaults(store.db)
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.console = web.Console(
        store=store, accounts=accounts or Accounts(store.db, clock),
        sessions=Sessions(store.db, clock), clock=clock, templates=web.make_templates(),
        qr_issuer=qr_issuer, static_version=_static_version())
    app.mount(web.PREFIX + "/static", CachedStatic(directory=web.HERE / "static"),
              name="static")
    _add_sign_in(app)
    for area in AREAS:
        app.include_router(area.router)
    _add_handlers(app)

    @app.middleware("http")
    async def headers(request: Request, call_next: Any) -> Response:
        try:
            response: Response = await call_next(request)
        except Exception:       # a bug: logged with its context, never a traceback shown
            log.exception("console: %s %s failed", request.method, request.url.path)
            response = web.render_bare(request, "error.html", status=500,
                                       title="Something went wrong. Please tell the "
                                       "district's technician what you were doing.")
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        if not request.url.path.startswith(web.PREFIX + "/static"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app


def _add_sign_in(app: FastAPI) -> None:
    @app.get(web.PREFIX + "/login", include_in_schema=False)
    def login_page(request: Request) -> Response:
        token = secrets.token_urlsafe(24)
        response = web.render_bare(request, "login.html", login_csrf=token, message=None)
        response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                            secure=_secure(request), path=web.PREFIX + "/login")
        return response

    @app.post(web.PREFIX + "/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        form = await request.form()
        sent, expected = web.form_text(form, web.CSRF_FIELD), request.cookies.get(
            LOGIN_CSRF_COOKIE, "")
        if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
            raise web.CsrfRefused
        console = web.console_of(request)
        account_id = web.form_text(form, "account", 40).lower()
        result = console.accounts.sign_in(account_id, web.form_text(form, "password", 200))
        if result.principal is None:
            message = ("This account is locked after wrong passwords; try again in "
                       "{minutes} min." if result.locked_for_s > 0
                       else "Wrong account name or password.")
            minutes = max(1, round(result.locked_for_s / 60))
            log.warning("console sign-in refused for %s (locked %.0f s)", account_id[:40],
                        result.locked_for_s)
            return web.render_bare(request, "login.html", status=401, login_csrf=expected,
                                   message=message, minutes=minutes)
        token = console.sessions.start(result.principal.account_id)
        from district.console import audit  # noqa: PLC0415
        audit.log(console.store.db, result.principal.account_id, "sign_in",
                  address=request.client.host if request.client else None)
        response = RedirectResponse(home_of(result.principal), status_code=303)
        response.set_cookie(COOKIE, token, httponly=True, samesite="lax",
                            secure=_secure(request), path=web.PREFIX, max_age=int(IDLE_S))
        response.delete_cookie(LOGIN_CSRF_COOKIE, path=web.PREFIX + "/login")
        return response

    @app.post(web.PREFIX + "/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        session = web.session_of(request)
        if session is not None:
            form = await request.form()
            if not session.csrf_ok(web.form_text(form, web.CSRF_FIELD, 100)):
                raise web.CsrfRefused
            web.console_of(request).sessions.end(request.cookies.get(COOKIE))
        response = RedirectResponse(web.PREFIX + "/login", status_code=303)
        response.delete_cookie(COOKIE, path=web.PREFIX)
        return response

    @app.get(web.PREFIX + "/lang/{code}", include_in_schema=False)
    def switch_language(code: str, request: Request, back: str = "") -> Response:
        target = back if back.startswith(web.PREFIX + "/") and not urlsplit(back).netloc \
            else web.PREFIX + "/"
        response = RedirectResponse(target, status_code=303)
        if code in ("zh", "en"):
            response.set_cookie(web.LANG_COOKIE, code, samesite="lax", path=web.PREFIX,
                                max_age=365 * 86400, secure=_secure(request))
        return response


def _add_handlers(app: FastAPI) -> None:
    @app.exception_handler(web.SignInNeeded)
    async def sign_in_needed(request: Request, exc: Exception) -> Response:
        if request.method == "GET" and "hx-request" not in request.headers:
            return RedirectResponse(web.PREFIX + "/login", status_code=303)
        return web.render_bare(request, "error.html", status=401,
                               title="Please sign in again.")

    @app.exception_handler(web.Denied)
    async def denied(request: Request, exc: Exception) -> Response:
        return web.render_bare(request, "error.html", status=403,
                               title="This page is not for your account.")

    @app.exception_handler(web.NotFound)
    async def not_found(request: Request, exc: Exception) -> Response:
        return web.render_bare(request, "error.html", status=404,
                               title="Not found, or not in your communities.")

    @app.exception_handler(web.UserError)
    async def user_error(request: Request, exc: Exception) -> Response:
        back = request.headers.get("referer", "")
        return web.render_bare(request, "error.html", status=422,
                               title="This was not saved.", detail=str(exc),
                               back=back if urlsplit(back).path.startswith(web.PREFIX) else "")

    @app.exception_handler(web.CsrfRefused)
    async def csrf(request: Request, exc: Exception) -> Response:
        log.warning("console: %s %s refused without a valid CSRF token", request.method,
                    request.url.path)
        return web.render_bare(request, "error.html", status=403,
                               title="This form has expired; open the page again and "
                               "repeat.")


def with_console(api: Any, console: Any) -> Any:
    """One ASGI app: ``/console`` and below to the console, everything else to the API."""
    async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] in ("http", "websocket") else ""
        if path == web.PREFIX or path.startswith(web.PREFIX + "/"):
            await console(scope, receive, send)
        else:
            await api(scope, receive, send)
    dispatch.openapi = getattr(api, "openapi", None)  # type: ignore[attr-defined]
    return dispatch
