"""`gracemail filter`: headers added and nothing else, the message never lost, and Sieve in Dovecot."""

from __future__ import annotations

import os
import smtplib
import subprocess
import sys
from collections.abc import Iterator
from email import message_from_bytes
from pathlib import Path

import pytest
from sqlalchemy import select

from classifier.corpus import data_dir
from classifier.model import Classifier
from drafts.profile import Profile
from service.config import Settings
from service.filter import Verdict, with_headers
from service.ingest import Ingest
from service.mail.poller import Poller
from service.store import DraftRow, MessageRow, Store
from tests.conftest import corpus_messages
from tests.mail.test_poller import KEYWORDS, client_for, flags_by_message_id, settings_for
from tests.servers import Dovecot, FilterUnavailable, dovecot_with_filter

DEMO = data_dir() / "demo"
MAIL = (
    b"From: Dana <dana@acme.example>\nSubject: Hello\nMessage-ID: <m1@acme.example>\n\nBody line\n"
)
VERDICT = Verdict("hard_no", "outcome", 0.93)


def gracemail_filter(raw: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "service", "filter", *args],
        input=raw,
        capture_output=True,
        env=os.environ.copy(),
        timeout=300,
    )


def added_headers(before: bytes, after: bytes) -> list[bytes]:
    """Return the lines after has that before lacks, checking that nothing else changed."""
    lines = after.splitlines(keepends=True)
    extra = [line for line in lines if line.lower().startswith(b"x-gracemail-")]
    assert b"".join(line for line in lines if line not in extra) == before
    return [line.rstrip(b"\r\n") for line in extra]


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"])
def test_headers_are_added_at_the_end_of_the_header_block(newline: bytes) -> None:
    raw = MAIL.replace(b"\n", newline)
    out = with_headers(raw, VERDICT)
    head, _, body = out.partition(newline * 2)
    assert body == b"Body line" + newline
    assert head.split(newline)[-3:] == [
        b"X-Gracemail-Label: hard_no",
        b"X-Gracemail-Kind: outcome",
        b"X-Gracemail-Confidence: 0.9300",
    ]
    assert added_headers(raw, out)


def test_forged_gracemail_headers_are_replaced() -> None:
    forged = MAIL.replace(
        b"Subject:", b"X-Gracemail-Label: offer\nx-gracemail-kind:\n outcome\nSubject:"
    )
    out = with_headers(forged, Verdict("other"))
    message = message_from_bytes(out)
    assert message.get_all("X-Gracemail-Label") == ["other"]
    assert message.get_all("X-Gracemail-Kind") is None
    assert out.replace(b"X-Gracemail-Label: other\n", b"") == MAIL


def test_an_mbox_from_line_and_a_message_without_body_keep_their_shape() -> None:
    mbox = b"From dana@acme.example Mon Jan  1 00:00:00 2026\n" + MAIL
    assert with_headers(mbox, VERDICT).startswith(mbox.split(b"\n", 1)[0] + b"\nFrom: Dana")
    headers_only = b"From: a@b.example\nSubject: x"
    assert with_headers(headers_only, Verdict("other")) == (
        headers_only + b"\nX-Gracemail-Label: other\n"
    )


def test_filter_labels_a_message_on_stdin(classifier: Classifier) -> None:
    raw = (DEMO / "07-hard-no-unable.eml").read_bytes()
    done = gracemail_filter(raw)
    assert done.returncode == 0, done.stderr
    extra = added_headers(raw, done.stdout)
    assert extra[0] == b"X-Gracemail-Label: hard_no"
    assert extra[1] == b"X-Gracemail-Kind: outcome"
    assert extra[2].startswith(b"X-Gracemail-Confidence: 0.")


@pytest.mark.parametrize(
    "raw", [b"", b"garbage", b"\x00\xff" * 1000, b"Subject: no end\n", "Ünï".encode() * 10]
)
def test_filter_passes_anything_it_cannot_read_through_unchanged(
    classifier: Classifier, raw: bytes
) -> None:
    done = gracemail_filter(raw)
    assert done.returncode == 0
    assert done.stdout == raw or added_headers(raw, done.stdout)


def test_filter_without_a_model_or_settings_passes_the_message_through(tmp_path: Path) -> None:
    raw = (DEMO / "07-hard-no-unable.eml").read_bytes()
    env = {**os.environ, "GRACEMAIL_MODEL_PATH": str(tmp_path / "none.skops")}
    done = subprocess.run(
        [sys.executable, "-m", "service", "filter"], input=raw, capture_output=True, env=env
    )
    assert (done.returncode, done.stdout) == (0, raw)
    assert b"gracemail train" in done.stderr
    env = {**os.environ, "GRACEMAIL_CONFIG": str(tmp_path / "missing.toml")}
    done = subprocess.run(
        [sys.executable, "-m", "service", "filter"], input=raw, capture_output=True, env=env
    )
    assert (done.returncode, done.stdout) == (0, raw)


def test_filter_store_records_the_message_and_its_drafts(
    classifier: Classifier, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'filter.db'}"
    monkeypatch.setenv("GRACEMAIL_DATABASE_URL", url)
    raw = (DEMO / "07-hard-no-unable.eml").read_bytes()
    first = gracemail_filter(raw, "--store")
    assert first.returncode == 0, first.stderr
    assert added_headers(raw, first.stdout)[0] == b"X-Gracemail-Label: hard_no"
    again = gracemail_filter(raw, "--store")  # delivered twice: stored once, labelled the same
    assert added_headers(raw, again.stdout) == [b"X-Gracemail-Label: hard_no"]
    store = Store(url)
    with store.db.session() as s:
        rows = list(s.execute(select(MessageRow.label, MessageRow.source, MessageRow.id)))
        assert [(label, source) for label, source, _ in rows] == [("hard_no", "filter")]
        drafts = list(s.scalars(select(DraftRow.kind).where(DraftRow.message_pk == rows[0][2])))
    assert drafts == ["hard_no"]


# --- Dovecot, Pigeonhole and LMTP -----------------------------------------------------------


@pytest.fixture
def sieve_dovecot(classifier: Classifier) -> Iterator[Dovecot]:
    """Return a Dovecot whose LMTP deliveries run the shipped Sieve script and `gracemail filter`."""
    try:
        with dovecot_with_filter(Path(os.environ["GRACEMAIL_MODEL_PATH"])) as server:
            yield server
    except FilterUnavailable as exc:
        pytest.skip(str(exc))


def test_sieve_labels_at_delivery_as_the_poller_would(
    sieve_dovecot: Dovecot, classifier: Classifier, tmp_path: Path
) -> None:
    server = sieve_dovecot
    raws = corpus_messages(16) + [p.read_bytes() for p in sorted(DEMO.glob("*.eml"))]
    with smtplib.LMTP("127.0.0.1", server.lmtp_port) as lmtp:
        for raw in raws:  # the filter labels them: no poller runs for alice
            refused = lmtp.sendmail("jobs@example.org", ["alice@example.org"], raw)
            assert refused == {}
    delivered = flags_by_message_id(server, "alice")
    assert len(delivered) == len(raws)

    # the same mail appended to another mailbox and labelled by the poller, for comparison
    client = client_for(server, "recruiter")
    for raw in raws:
        client.append("INBOX", raw)
    client.logout()
    store = Store(f"sqlite:///{tmp_path / 'poller.db'}")
    ingest = Ingest(classifier, Profile(name="Sam Rivera"), store)
    Poller(settings_for(server, "recruiter"), ingest, store).run(once=True)
    polled = flags_by_message_id(server, "recruiter")
    ours = set(KEYWORDS.values())
    assert {mid: flags & ours for mid, flags in delivered.items()} == {
        mid: flags & ours for mid, flags in polled.items()
    }
    assert any(flags & ours for flags in delivered.values())  # some mail was actionable
    assert {
        "offer": Settings().imap_keyword_offer,
        "hard_no": Settings().imap_keyword_hard_no,
        "not_now": Settings().imap_keyword_not_now,
    } == KEYWORDS

    # and each delivered message carries its label, kind and confidence in headers
    client = client_for(server, "alice")
    client.select_folder("INBOX", readonly=True)
    fetched = client.fetch(client.search(["ALL"]), ["BODY.PEEK[HEADER]"])
    client.logout()
    labels = {}
    for item in fetched.values():
        head = message_from_bytes(item[b"BODY[HEADER]"])
        labels[head["Message-ID"]] = head["X-Gracemail-Label"]
        assert head["X-Gracemail-Kind"] and float(head["X-Gracemail-Confidence"]) > 0
    with store.db.session() as s:
        stored = {
            mid: label for mid, label in s.execute(select(MessageRow.message_id, MessageRow.label))
        }
    assert labels == stored
