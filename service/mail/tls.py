"""The TLS context every mail connection uses."""

from __future__ import annotations

import ssl


def client_context(verify: bool = True) -> ssl.SSLContext:
    """Return a client TLS context; verify=False accepts any certificate (a local test server)."""
    context = ssl.create_default_context()
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context
