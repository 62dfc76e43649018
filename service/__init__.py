"""gracemail's service: settings, storage, ingest, the mailbox, sending, REST and the web page."""
