"""Who may see the pages and who may act, and the headers every response carries.

- Readers: with ``settings.web.auth`` set, every request needs HTTP basic auth (``username``
  and ``password``) or ``Authorization: Bearer <token>``; requests from a ``trusted_proxy``
  address (a reverse proxy that authenticates users itself) need none. Without reader
  credentials the pages are served only on loopback (``monitor.config`` refuses the rest),
  or only to the trusted proxy when one is named.
- Admins: ``auth.admin_password`` signs a browser in (a signed, HttpOnly, SameSite=Strict
  cookie bound to its CSRF cookie, valid ``ADMIN_SESSION``); admin actions need that session
  and a CSRF token. Without ``admin_password`` there are no admin actions.
- CSRF: every POST carries ``csrf``, an HMAC of the browser's random ``monitor_csrf`` cookie
  (set on its first request) under a key derived from the configured secrets, so replicas
  with the same config accept each other's tokens.
- Headers: a strict Content-Security-Policy (no inline script or style, nothing from
  elsewhere), no framing, no sniffing, no referrer.

Holds no business logic; secrets are compared in constant time and never logged.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from monitor.config import WebSettings

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}
CSRF_COOKIE = "monitor_csrf"
ADMIN_COOKIE = "monitor_admin"
ADMIN_SESSION = 12 * 3600  # seconds an admin sign-in lasts

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _key(label: str, *parts: str | None) -> bytes:
    """A key for ``label`` derived from the configured secrets, or a random one (then only
    this process accepts what it signed)."""
    material = "\0".join(p for p in parts if p)
    if not material:
        return secrets.token_bytes(32)
    return hashlib.sha256(f"monitor web {label}\0{material}".encode()).digest()


def _sign(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Denial:
    status: int
    message: str
    challenge: str | None = None


class Access:
    """The access rules of one web server (see the module docstring)."""

    def __init__(self, web: WebSettings) -> None:
        auth = web.auth
        self._username = auth.username
        self._password = auth.password.get_secret_value() if auth.password else None
        self._token = auth.token.get_secret_value() if auth.token else None
        self._admin = auth.admin_password.get_secret_value() if auth.admin_password else None
        self._proxies = [ipaddress.ip_network(p, strict=False) for p in web.trusted_proxy]
        self._csrf_key = _key("csrf", self._admin, self._password, self._token)
        self._admin_key = _key("admin", self._admin)

    @property
    def admin_enabled(self) -> bool:
        return self._admin is not None

    def from_proxy(self, request: Request) -> bool:
        host = request.client.host if request.client else ""
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in net for net in self._proxies)

    def deny_reader(self, request: Request) -> Denial | None:
        """Why this request may not read the pages, or None."""
        if self.from_proxy(request):
            return None
        if self._password is None and self._token is None:
            if self._proxies:
                return Denial(403, "forbidden: these pages are served through the reverse proxy")
            return None
        if self._credentials_ok(request.headers.get("authorization", "")):
            return None
        scheme = "Basic" if self._password is not None else "Bearer"
        return Denial(401, "sign-in required", f'{scheme} realm="monitor", charset="UTF-8"')

    def _credentials_ok(self, header: str) -> bool:
        scheme, _, value = header.partition(" ")
        scheme = scheme.lower()
        if scheme == "bearer" and self._token is not None:
            return hmac.compare_digest(value.strip().encode(), self._token.encode())
        if scheme == "basic" and self._password is not None:
            try:
                decoded = base64.b64decode(value.strip(), validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                return False
            user, _, password = decoded.partition(":")
            good_user = hmac.compare_digest(user.encode(), (self._username or "").encode())
            good_pass = hmac.compare_digest(password.encode(), self._password.encode())
            return good_user and good_pass
        return False

    # --- CSRF and the admin session ----------------------------------------------------------

    def csrf_token(self, seed: str) -> str:
        """The token forms carry for the browser whose CSRF cookie is ``seed``."""
        return _sign(self._csrf_key, f"csrf|{seed}")

    def csrf_ok(self, seed: str | None, token: str | None) -> bool:
        if not seed or not token:
            return False
        return hmac.compare_digest(token.encode(), self.csrf_token(seed).encode())

    def admin_password_ok(self, password: str) -> bool:
        if self._admin is None:
            return False
        return hmac.compare_digest(password.encode(), self._admin.encode())

    def admin_cookie(self, seed: str, now: float | None = None) -> str:
        """A signed admin session for the browser whose CSRF cookie is ``seed``."""
        expires = int((now or time.time()) + ADMIN_SESSION)
        return f"{expires}.{_sign(self._admin_key, f'admin|{expires}|{seed}')}"

    def is_admin(self, request: Request) -> bool:
        """Whether the request comes with a live admin session of its own CSRF cookie."""
        if self._admin is None:
            return False
        cookie = request.cookies.get(ADMIN_COOKIE, "")
        seed = csrf_seed(request)
        expires, _, signature = cookie.partition(".")
        if not expires.isdigit() or not seed or int(expires) < time.time():
            return False
        expected = _sign(self._admin_key, f"admin|{expires}|{seed}")
        return hmac.compare_digest(signature.encode(), expected.encode())


def csrf_seed(request: Request) -> str:
    """The browser's CSRF cookie (set by ``Guard`` on its first request)."""
    return str(request.scope.get("state", {}).get("csrf_seed") or "")


def is_https(request: Request, access: Access) -> bool:
    """Whether the browser talks HTTPS: directly, or to a trusted proxy that says so."""
    if request.url.scheme == "https":
        return True
    forwarded = request.headers.get("x-forwarded-proto", "")
    return access.from_proxy(request) and forwarded.lower() == "https"


def cookie_header(name: str, value: str, *, secure: bool, max_age: int | None = None) -> str:
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Strict"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


class Guard:
    """ASGI middleware: refuses readers without access, gives each browser its CSRF cookie,
    and adds the security headers to every response."""

    def __init__(self, app: ASGIApp, access: Access) -> None:
        self.app = app
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        denial = self.access.deny_reader(request)
        if denial is not None:
            headers = dict(SECURITY_HEADERS)
            if denial.challenge:
                headers["www-authenticate"] = denial.challenge
            response: Response = PlainTextResponse(denial.message, denial.status, headers)
            await response(scope, receive, send)
            return
        seed = request.cookies.get(CSRF_COOKIE, "")
        fresh = not _urlsafe(seed)
        if fresh:
            seed = secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf_seed"] = seed
        secure = is_https(request, self.access)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                if fresh:
                    headers.append("set-cookie", cookie_header(CSRF_COOKIE, seed, secure=secure))
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _urlsafe(seed: str) -> bool:
    """A CSRF cookie we could have set: 43 URL-safe base64 characters."""
    return len(seed) == 43 and all(c.isalnum() or c in "-_" for c in seed)
