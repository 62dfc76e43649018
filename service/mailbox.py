"""Save a copy of a sent reply in the user's Sent folder; the sender's only use of IMAP."""

from __future__ import annotations

import ssl

import imapclient
from imapclient import IMAPClient
from imapclient.imapclient import SENT

from service.config import Settings

SENT_FALLBACK = "Sent"


def connect_imap(settings: Settings) -> IMAPClient:
    """Open, secure and log in an IMAP connection from settings; raises on any failure."""
    s = settings
    if s.imap_tls == "none" and not s.imap_allow_plain:
        raise ConnectionError("GRACEMAIL_IMAP_TLS=none needs GRACEMAIL_IMAP_ALLOW_PLAIN=true")
    context = ssl.create_default_context()
    if not s.imap_tls_verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    port = s.imap_port or (993 if s.imap_tls == "ssl" else 143)
    client = IMAPClient(
        s.imap_host, port=port, ssl=s.imap_tls == "ssl", ssl_context=context, timeout=30
    )
    try:
        if s.imap_tls == "starttls":
            client.starttls(context)
        token = s.imap_oauth2_token.get_secret_value()
        if token:
            client.oauth2_login(s.imap_user, token, mech=s.imap_oauth2_mechanism)
        else:
            client.login(s.imap_user, s.imap_password.get_secret_value())
    except Exception:
        client.shutdown()
        raise
    return client


def append_sent(settings: Settings, raw: bytes) -> str:
    """Append raw to the folder marked SPECIAL-USE \\Sent (else 'Sent'), seen; return the folder."""
    client = connect_imap(settings)
    try:
        folder = client.find_special_folder(SENT) or SENT_FALLBACK
        if not client.folder_exists(folder):
            client.create_folder(folder)
        client.append(folder, raw, flags=[imapclient.SEEN])
        return str(folder)
    finally:
        try:
            client.logout()
        except Exception:  # the copy is saved; a failed goodbye loses nothing
            pass
