"""Security headers on every response, /docs included: a strict Content-Security-Policy and friends."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HSTS = b"max-age=31536000"  # sent only over HTTPS, where the browser takes it


class SecurityHeaders:
    """ASGI middleware that adds the headers to each HTTP response; docs_path gets docs_csp."""

    def __init__(self, app: ASGIApp, docs_path: str, docs_csp: str) -> None:
        self.app = app
        self.docs_path = docs_path
        self.docs_csp = docs_csp.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add the headers to the response's start, whatever answered: a route, a 4xx, a 500."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = self.docs_csp if scope["path"] == self.docs_path else CSP.encode()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() != b"content-security-policy"
                ]
                headers += [
                    (b"content-security-policy", csp),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                # read now, not on entry: the proxy headers middleware sets the scheme on the way in
                if scope.get("scheme") == "https":
                    headers.append((b"strict-transport-security", HSTS))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
