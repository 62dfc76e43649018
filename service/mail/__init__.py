"""The mail servers: IMAP (imap.py, poller.py) and SMTP (smtp.py), over TLS from tls.py."""
