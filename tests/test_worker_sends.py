"""Sending as claimed jobs: an account's approved drafts go out through its own SMTP, once.

Two accounts, each with a real aiosmtpd that asks for that account's login over STARTTLS, and a
trap server in the installation's own SMTP settings that must receive nothing. Drafts are
approved as the web does it for an account (queued, or scheduled behind the undo window); two
workers in this process sync the mailboxes on a real Dovecot and send what they claim.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

from classifier.model import Classifier
from service.account_settings import web_settings
from service.config import Settings
from service.mailview import approve
from service.sender import Sender
from service.store import Store
from service.store.accounts import Accounts, NewAccount, new_key
from service.worker import Worker
from tests.conftest import corpus_messages, fresh_user
from tests.postgres import Postgres
from tests.servers import Dovecot
from tests.smtp import Authenticator, SmtpServer, self_signed_context
from tests.smtp_faults import wait_for


def test_each_accounts_drafts_go_out_through_its_own_smtp_exactly_once(
    classifier: Classifier, postgres: Postgres, dovecot_server: Dovecot, tmp_path: Path
) -> None:
    key = new_key()
    trap = SmtpServer().start()  # the installation's own SMTP: no account's mail may reach it
    base = Settings(
        data_dir=tmp_path,
        database_url=postgres.new_database(),
        secret_key=key,
        smtp_host="127.0.0.1",
        smtp_port=trap.port,
        smtp_tls="none",
        smtp_tls_verify=False,  # the accounts' servers have self-signed certificates
        imap_allow_plain=True,
        worker_poll_seconds=0.3,
        worker_lease_seconds=5,
        worker_max_mailboxes=1,  # one account each: both workers send
    )
    store = Store(base.resolved_database_url)
    accounts = Accounts(store.db, key)
    servers: dict[int, SmtpServer] = {}
    stop = threading.Event()
    threads: list[threading.Thread] = []
    try:
        for n in range(2):
            user = fresh_user()
            server = SmtpServer(
                tls_context=self_signed_context(),
                authenticator=Authenticator(f"smtp-{user}", f"smtp-pw-{user}"),
            ).start()
            account = accounts.add(
                NewAccount(
                    name=user,
                    imap_host="127.0.0.1",
                    imap_port=dovecot_server.imap_port,
                    imap_user=user,
                    imap_password="pw-" + user,
                    imap_tls="none",
                    smtp_host="127.0.0.1",
                    smtp_port=server.port,
                    smtp_user=f"smtp-{user}",
                    smtp_password=f"smtp-pw-{user}",
                    smtp_tls="starttls",
                    profile=f'{{"name": "Client {n}", "email": "{user}@example.org"}}',
                )
            )
            servers[account.id] = server
            raws = corpus_messages(10)
            dovecot_server.append(
                user,
                [r.replace(b"Message-ID: <", b"Message-ID: <s-", 1) for r in raws],
            )
        for _ in range(2):
            worker = Worker(base, classifier, stop=stop, store=store)
            threads.append(threading.Thread(target=worker.run, daemon=True))
            threads[-1].start()

        def drafts_of(account_id: int) -> list[int]:
            rows = store.for_account(account_id).messages.latest()
            return [
                next(d.id for d in r.drafts if d.to) for r in rows if any(d.to for d in r.drafts)
            ]

        wait_for(  # both mailboxes synced
            lambda: all(len(store.for_account(a).messages.latest()) == 10 for a in servers),
            timeout=90,
        )
        approved: dict[int, list[int]] = {}
        for account_id in servers:
            account = accounts.get(account_id)
            assert account is not None
            scoped = store.for_account(account_id)
            chosen = drafts_of(account_id)
            assert len(chosen) >= 2
            approved[account_id] = chosen
            for i, draft_id in enumerate(chosen):
                # as the page approves for an account: at once (queued) or after the undo window
                undo = 0 if i % 2 else 1
                settings = web_settings(base, account).model_copy(
                    update={"send_undo_seconds": undo}
                )
                result = approve(
                    scoped, settings, Sender(settings, scoped.drafts, queue=True), draft_id
                )
                assert result.status in ("queued", "scheduled"), result

        def all_sent() -> bool:
            return all(
                store.for_account(a).drafts.get(d).status == "sent"  # type: ignore[union-attr]
                for a, ids in approved.items()
                for d in ids
            )

        wait_for(all_sent, timeout=90)
        time.sleep(1.0)  # a second send, were there one, would arrive now
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
        for server in servers.values():
            server.stop()
        trap.stop()
        store.db.engine.dispose()
    assert trap.messages == []
    for account_id, server in servers.items():
        scoped = store.for_account(account_id)
        expected = {scoped.drafts.get(d).sent_message_id for d in approved[account_id]}  # type: ignore[union-attr]
        arrived = Counter(m.message["Message-ID"] for m in server.messages)
        assert set(arrived) == expected  # this account's drafts, no other account's
        assert set(arrived.values()) == {1}  # each exactly once
        sender = accounts.get(account_id).imap_user  # type: ignore[union-attr]
        assert {m.mail_from for m in server.messages} == {f"{sender}@example.org"}
    store.db.engine.dispose()  # the checks above opened connections again
