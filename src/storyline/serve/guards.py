"""The HTTP guards and the one shape of every refusal.

Errors have one shape, ``{"error": {"status", "code", "message"}}`` (:func:`error_response`),
for storyline's own errors, validation, size and rate limits and the write token alike.

Guards, outermost first (pure ASGI, so they hold for every route, pages and docs included):
a content security policy on every answer that lets a browser load nothing from another
origin (:class:`SameOriginOnly`), a per-client rate limit (``serve`` settings; 429 with
``Retry-After``), a body size limit that counts the bytes received, not the ones declared
(413), and, when the app has a write token, ``Authorization: Bearer <token>`` on every
request that writes (401, 403). Who needs a token: :func:`write_token_for`.
"""

from __future__ import annotations

import ipaddress
import math
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from storyline.settings import ServeSettings

__all__ = [
    "API_LIMITS",
    "CONTENT_POLICY",
    "TOKEN_ENV_VAR",
    "BodyTooLarge",
    "Limits",
    "RateLimit",
    "SameOriginOnly",
    "SizeLimit",
    "WriteToken",
    "error_response",
    "is_loopback",
    "write_token_for",
]


@dataclass(frozen=True)
class Limits:
    """What one request may ask for or send."""

    page: int = 100  # stories per page, at most
    articles: int = 100  # articles per POST
    body_bytes: int = 10_000_000  # a request body, in bytes


API_LIMITS = Limits()


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The one shape of every refusal; also an ASGI app, so the guards below send it too."""
    return JSONResponse(
        {"error": {"status": status, "code": code, "message": message}},
        status_code=status,
        headers=headers,
    )


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Where ``storyline serve`` takes the write token from.
TOKEN_ENV_VAR = "STORYLINE_TOKEN"

#: Methods that change the store; every other one only reads.
_WRITING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


#: What a browser may load for a page of this server: its own scripts, styles, images, fonts
#: and requests (inline ones too: the pages and the docs carry theirs inline), images and
#: fonts written into them (``data:``) and the workers ReDoc builds from its own code
#: (``blob:``); no ``eval``. Nothing from another origin: the tool works offline, and markup
#: that ever reached a page unescaped could load nothing from elsewhere.
CONTENT_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "worker-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


class SameOriginOnly:
    """Puts :data:`CONTENT_POLICY` on every answer, so a browser refuses, before any request
    leaves, whatever a page would load from elsewhere (ReDoc's sidebar asks a CDN for a
    logo, for one)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                headers.append((b"content-security-policy", CONTENT_POLICY.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_policy)


class BodyTooLarge(HTTPException):
    """A request body passed the size limit while it was being received."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request bodies are limited to {limit} bytes")


class SizeLimit:
    """Refuses request bodies over ``limit`` bytes with 413: at once when Content-Length says
    so, and, since a chunked body declares no length (and a declared one may lie), as soon as
    the bytes received pass the limit: what is read into memory stays bounded either way."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = f"request bodies are limited to {self.limit} bytes"
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await error_response(413, "too_large", message)(scope, receive, send)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            got = await receive()
            if got["type"] == "http.request":
                received += len(got.get("body", b""))
                if received > self.limit:
                    # An HTTPException: FastAPI passes it on from reading the body (any other
                    # exception becomes a 400), and the app's handlers answer it in the shape.
                    raise BodyTooLarge(self.limit)
            return got

        async def watched(outgoing: Message) -> None:
            nonlocal started
            started = started or outgoing["type"] == "http.response.start"
            await send(outgoing)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            # Read outside a route (no handler saw it): answered here, if nothing was yet.
            if started:
                raise
            await error_response(413, "too_large", message)(scope, receive, send)


class RateLimit:
    """At most ``requests_per_minute`` requests, and ``writes_per_minute`` writing ones, from
    one client address in any 60 seconds (a moving window, ``limits``' in-memory storage);
    past either, 429 with ``Retry-After``: the seconds until the window lets one more in."""

    def __init__(self, app: ASGIApp, limits: ServeSettings) -> None:
        from limits import RateLimitItemPerMinute
        from limits.storage import MemoryStorage
        from limits.strategies import MovingWindowRateLimiter

        self.app = app
        self.limiter = MovingWindowRateLimiter(MemoryStorage())
        self.requests = (
            RateLimitItemPerMinute(limits.requests_per_minute, namespace="requests")
            if limits.requests_per_minute
            else None
        )
        self.writes = (
            RateLimitItemPerMinute(limits.writes_per_minute, namespace="writes")
            if limits.writes_per_minute
            else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        key = str(client[0]) if client else "unknown"
        items = [self.requests]
        if scope.get("method", "GET") in _WRITING_METHODS:
            items.append(self.writes)
        for item in items:
            if item is not None and not self.limiter.hit(item, key):
                reset = self.limiter.get_window_stats(item, key).reset_time
                wait = max(1, math.ceil(reset - time.time()))
                await error_response(
                    429,
                    "too_many_requests",
                    f"at most {item.amount} {item.namespace} a minute from one client; "
                    f"try again in {wait} s",
                    {"Retry-After": str(wait)},
                )(scope, receive, send)
                return
        await self.app(scope, receive, send)


class WriteToken:
    """Requests that write need ``Authorization: Bearer <token>``: 401 (with
    ``WWW-Authenticate: Bearer``) without one, 403 with a wrong one. Compared in constant
    time, so the answer's timing tells nothing of how much of a guess was right."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method", "GET") not in _WRITING_METHODS:
            await self.app(scope, receive, send)
            return
        given = _header(scope, b"authorization")
        scheme, _, credentials = (given or "").partition(" ")
        if given is None or scheme.lower() != "bearer" or not credentials.strip():
            await error_response(
                401,
                "unauthorized",
                "writing needs a token: send `Authorization: Bearer <token>`",
                {"WWW-Authenticate": "Bearer"},
            )(scope, receive, send)
            return
        if not secrets.compare_digest(credentials.strip().encode(), self.token):
            await error_response(403, "forbidden", "the token is not this server's")(
                scope, receive, send
            )
            return
        await self.app(scope, receive, send)


def is_loopback(host: str) -> bool:
    """Whether ``host`` answers this machine only: ``localhost``, 127.0.0.0/8 or ::1."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:  # a name other than localhost: it may resolve to anything
        return False


def write_token_for(host: str, given: str | None) -> tuple[str | None, bool]:
    """The token writes need on a server bound to ``host``, and whether it was made here.

    A token given (``$STORYLINE_TOKEN``) is used on any host, loopback included. Without one,
    a server on loopback needs none (only this machine reaches it); anywhere else one is made
    (``secrets.token_urlsafe(32)``): a server others can reach never takes writes from
    anyone who finds it.
    """
    if given:
        return given, False
    if is_loopback(host):
        return None, False
    return secrets.token_urlsafe(32), True
