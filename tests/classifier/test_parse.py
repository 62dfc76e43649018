"""Parsing real shapes of mail: MIME structures, encodings, quotes and footers."""

from __future__ import annotations

import base64
import quopri
import random
import time
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classifier.corpus import corpus_dir
from classifier.model import Classifier
from classifier.parse import (
    MAX_HEADER_CHARS,
    MAX_NEW_TEXT_CHARS,
    MAX_PART_BYTES,
    MAX_PARTS,
    Message,
    ParseError,
    bound_raw,
    parse_message,
)

HEAD = b"From: Dana Okafor <dana@acme.example>\r\nTo: sam@example.org\r\nSubject: Your application\r\nMessage-ID: <m1@acme.example>\r\nMIME-Version: 1.0\r\n"


def test_plain_utf8() -> None:
    msg = parse_message(
        HEAD + b"Content-Type: text/plain; charset=utf-8\r\n\r\nHi Sam, caf\xc3\xa9 time.\r\n"
    )
    assert "café" in msg.text
    assert msg.from_name == "Dana Okafor" and msg.from_addr == "dana@acme.example"
    assert msg.message_id == "<m1@acme.example>"


def test_quoted_printable_latin1() -> None:
    body = quopri.encodestring("Vielen Dank für Ihre Geduld.".encode("latin-1"))
    raw = (
        HEAD
        + b"Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        + body
    )
    assert "für Ihre Geduld" in parse_message(raw).text


def test_base64_body() -> None:
    body = base64.encodebytes(b"We are pleased to offer you the role.")
    raw = (
        HEAD
        + b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + body
    )
    assert "pleased to offer" in parse_message(raw).text


def test_html_only_becomes_text_without_scripts_or_styles() -> None:
    html = b"<html><head><style>p{color:red}</style><script>alert(1)</script></head><body><p>Hello&nbsp;Sam</p><p>The role is <b>paused</b>.</p></body></html>"
    msg = parse_message(HEAD + b"Content-Type: text/html; charset=utf-8\r\n\r\n" + html)
    assert msg.text == "Hello Sam\n\nThe role is paused."
    assert "alert" not in msg.text and "color" not in msg.text


def test_multipart_alternative_prefers_plain_and_ignores_attachments() -> None:
    raw = HEAD + (
        b'Content-Type: multipart/mixed; boundary="X"\r\n\r\n--X\r\n'
        b'Content-Type: multipart/alternative; boundary="Y"\r\n\r\n--Y\r\n'
        b"Content-Type: text/plain\r\n\r\nPlain words.\r\n--Y\r\n"
        b"Content-Type: text/html\r\n\r\n<p>HTML words.</p>\r\n--Y--\r\n--X\r\n"
        b'Content-Type: application/pdf; name="offer.pdf"\r\nContent-Disposition: attachment; filename="offer.pdf"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--X--\r\n"
    )
    msg = parse_message(raw)
    assert msg.text.strip() == "Plain words."
    assert msg.html.strip() == "<p>HTML words.</p>"
    assert msg.attachments == ("offer.pdf",)


def test_encoded_words_in_headers() -> None:
    raw = b"From: =?utf-8?q?Ren=C3=A9e_M=C3=BCller?= <r@x.example>\r\nSubject: =?utf-8?b?SWhyZSBCZXdlcmJ1bmc=?=\r\n\r\nHallo\r\n"
    msg = parse_message(raw)
    assert msg.from_name == "Renée Müller" and msg.subject == "Ihre Bewerbung"


@pytest.mark.parametrize(
    ("body", "kept", "cut"),
    [
        (
            "Sadly the role is closed.\n\nOn Tue, 3 Mar 2026 at 10:14, Sam <s@x> wrote:\n> Any news on the offer?",
            "role is closed",
            "offer",
        ),
        (
            "Leider eine Absage.\n\nAm 3. März 2026 schrieb Sam <s@x>:\n> Gibt es Neuigkeiten?",
            "Absage",
            "Neuigkeiten",
        ),
        (
            "Thanks!\n\n-----Original Message-----\nFrom: Sam\nWe'd love to offer",
            "Thanks",
            "love to offer",
        ),
        (
            "Short note.\n\nFrom: Sam Rivera <s@x>\nSent: Monday\nTo: Dana\nSubject: offer",
            "Short note",
            "Subject: offer",
        ),
        (
            "We went another way.\n\nBest,\nDana\n\n-- \nDana Okafor | Acme\nThis email and any attachments are confidential.",
            "another way",
            "confidential",
        ),
        ("Line one.\nLine two.\nLine three.\n\nSent from my iPhone", "Line three", "iPhone"),
    ],
)
def test_quotes_signatures_and_footers_are_cut(body: str, kept: str, cut: str) -> None:
    msg = parse_message(HEAD + b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + body.encode())
    assert kept in msg.new_text
    assert cut not in msg.new_text


def test_forwarded_message_keeps_the_forwarded_words() -> None:
    body = "FYI\n\n---------- Forwarded message ---------\nFrom: HR <hr@x>\nSubject: Update\n\nThe position has been put on hold until March."
    msg = parse_message(HEAD + b"\r\n" + body.encode())
    assert "put on hold until March" in msg.new_text


@pytest.mark.parametrize(
    "raw", [b"", b"   \r\n", b"no headers here, just words", b"\x00\x01\x02\x03"]
)
def test_unparseable_input_raises_a_clear_error(raw: bytes) -> None:
    with pytest.raises(ParseError):
        parse_message(raw)


def _corpus_samples() -> list[bytes]:
    paths = sorted((corpus_dir() / "messages").glob("*.eml"))
    return [p.read_bytes() for p in random.Random(7).sample(paths, min(40, len(paths)))]


SAMPLES = _corpus_samples()


def _mutate(raw: bytes, seed: int) -> bytes:
    rng = random.Random(seed)
    data = bytearray(raw)
    for _ in range(rng.randint(1, 40)):
        op = rng.random()
        pos = rng.randrange(len(data) + 1)
        if op < 0.3 and data:
            del data[pos : pos + rng.randint(1, 200)]
        elif op < 0.6:
            data[pos:pos] = rng.choice(
                [
                    b"\r\n",
                    b"--",
                    b"=?utf-8?b?",
                    b"=\r\n",
                    b'Content-Type: multipart/mixed; boundary=""\r\n',
                    bytes(rng.randrange(256) for _ in range(rng.randint(1, 30))),
                    b"charset=x-unknown",
                    b"Content-Transfer-Encoding: base64\r\n",
                    b"<html><<",
                    b"\x00",
                    b"\xff\xfe",
                ]
            )
        elif data:
            data[pos % len(data)] = rng.randrange(256)
    return bytes(data)


@settings(max_examples=3000, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(0, len(SAMPLES) - 1), seed=st.integers(0, 2**32))
def test_fuzzed_messages_parse_or_fail_cleanly(index: int, seed: int) -> None:
    raw = _mutate(SAMPLES[index], seed)
    try:
        msg = parse_message(raw)
    except ParseError:
        return
    assert isinstance(msg.new_text, str) and isinstance(msg.subject, str)


@settings(
    max_examples=300,
    deadline=2000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(raw=st.binary(max_size=4000))
def test_random_bytes_never_crash_the_classifier(raw: bytes, classifier: Classifier) -> None:
    try:
        msg = parse_message(raw)
    except ParseError:
        return
    prediction = classifier.predict(msg)
    assert prediction.label in {"offer", "hard_no", "not_now", "other"}


def test_broken_corpus_mutations_are_labelled_without_crash(classifier: Classifier) -> None:
    labels = set()
    for seed in range(500):
        raw = _mutate(SAMPLES[seed % len(SAMPLES)], seed)
        try:
            labels.add(classifier.predict(parse_message(raw)).label)
        except ParseError:
            continue
    assert labels <= {"offer", "hard_no", "not_now", "other"}


def test_renaming_boundaries_changes_no_parsed_message(monkeypatch: pytest.MonkeyPatch) -> None:
    import classifier.parse as parse

    paths = sorted(corpus_dir().glob("messages/*.eml")) + sorted(
        (corpus_dir().parent / "holdout").glob("*.eml")
    )
    raws = [p.read_bytes() for p in paths]
    renamed = sum(parse.canonical_boundaries(raw) != raw for raw in raws)
    fast = [parse_message(raw) for raw in raws]
    monkeypatch.setattr(parse, "canonical_boundaries", lambda raw: raw)
    assert [parse_message(raw) for raw in raws] == fast
    assert renamed > 200  # the corpus has plenty of multipart mail with long boundaries


def test_short_or_nested_boundaries_parse_right() -> None:
    from classifier.parse import canonical_boundaries

    outer, inner = b"outer-boundary-0123456789-alt", b"outer-boundary-0123456789"
    raw = (
        HEAD + b'Content-Type: multipart/mixed; boundary="' + outer + b'"\r\n\r\n'
        b"--"
        + outer
        + b"\r\nContent-Type: multipart/alternative;\r\n boundary="
        + inner
        + b"\r\n\r\n"
        b"--"
        + inner
        + b"\r\nContent-Type: text/plain\r\n\r\nWe are pleased to offer you the role.\r\n"
        b"--" + inner + b"--\r\n--" + outer + b"--\r\n"
    )
    assert canonical_boundaries(raw) != raw
    assert "pleased to offer you the role" in parse_message(raw).text
    short = raw.replace(inner, b"b1").replace(outer, b"b2")  # "b1" could be text: left alone
    assert canonical_boundaries(short) == short
    assert "pleased to offer you the role" in parse_message(short).text


def test_mail_within_every_limit_is_parsed_as_it_came() -> None:
    paths = sorted(corpus_dir().glob("messages/*.eml")) + sorted(
        (corpus_dir().parent / "holdout").glob("*.eml")
    )
    assert all(bound_raw(p.read_bytes()) == p.read_bytes() for p in paths)


def _multipart(parts: list[str], boundary: str = "b") -> bytes:
    body = "".join(f"--{boundary}\r\n{p}\r\n" for p in parts) + f"--{boundary}--\r\n"
    return HEAD + f"Content-Type: multipart/mixed; boundary={boundary}\r\n\r\n{body}".encode()


@pytest.mark.parametrize(
    ("raw", "check"),
    [
        # a 20 KB header line is cut, and the headers after it are still read
        (
            b"X-Junk: " + b"x" * 20_000 + b"\r\n" + HEAD + b"\r\nHello",
            lambda m: m.subject == "Your application" and m.text == "Hello",
        ),
        # a header value is read up to a few KB
        (
            HEAD.replace(b"Your application", b"offer " * 5_000) + b"\r\nHello",
            lambda m: len(m.subject) <= MAX_HEADER_CHARS and m.subject.startswith("offer offer"),
        ),
        # a long References keeps its newest Message-IDs, the ones a reply must name
        (
            HEAD
            + b"References: "
            + b" ".join(b"<%d@x.example>" % i for i in range(5_000))
            + b"\r\n\r\nHello",
            lambda m: m.references.endswith("<4999@x.example>") and m.references.startswith("<"),
        ),
        # thousands of parts: the first ones are read, the rest is not parsed
        (
            _multipart(
                ["Content-Type: text/plain\r\n\r\nWe are pleased to offer you the role."] * 5_000
            ),
            lambda m: m.text.startswith("We are pleased") and m.text.count("pleased") <= MAX_PARTS,
        ),
        # multiparts nested a few deep are read to the innermost text
        (
            _multipart(
                [
                    "".join(
                        f"Content-Type: multipart/mixed; boundary=n{i}\r\n\r\n--n{i}\r\n"
                        for i in range(20)
                    )
                    + "Content-Type: text/plain\r\n\r\nThe role is on hold."
                ]
            ),
            lambda m: m.text.strip() == "The role is on hold.",
        ),
        # nested thousands deep: parsed, not refused, and the stdlib parser never recurses so far
        (
            _multipart(
                [
                    "".join(
                        f"Content-Type: multipart/mixed; boundary=n{i}\r\n\r\n--n{i}\r\n"
                        for i in range(5_000)
                    )
                    + "Content-Type: text/plain\r\n\r\nThe role is on hold."
                ]
            ),
            lambda m: m.subject == "Your application",
        ),
        # a 3 MB base64 part is decoded only up to the part limit
        (
            HEAD
            + b"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + base64.encodebytes(b"thank you for applying " * 130_000),
            lambda m: m.text.startswith("thank you") and len(m.text) <= MAX_PART_BYTES,
        ),
        # the classifier and the slot finders read a capped part of a long body
        (
            HEAD + b"\r\n" + b"We will keep your CV on file.\r\n" * 10_000,
            lambda m: (
                len(m.new_text) <= MAX_NEW_TEXT_CHARS
                and len(m.unquoted) <= MAX_NEW_TEXT_CHARS
                and len(m.text) > MAX_NEW_TEXT_CHARS
            ),
        ),
        # a charset whose Python codec is quadratic is read as latin-1
        (
            HEAD + b"Content-Type: text/plain; charset=punycode\r\n\r\n" + b"a" * 200_000,
            lambda m: m.text == "a" * 200_000,
        ),
        # so is one that names no codec at all
        (
            HEAD + b'Content-Type: text/plain; charset="\x00"\r\n\r\nHello',
            lambda m: m.text == "Hello",
        ),
    ],
    ids=[
        "long-header-line",
        "long-subject",
        "long-references",
        "many-parts",
        "nested-parts",
        "nested-too-deep",
        "huge-base64",
        "long-body",
        "punycode",
        "nul-charset",
    ],
)
def test_limits_bound_the_work_and_keep_what_matters(
    raw: bytes, check: Callable[[Message], bool]
) -> None:
    started = time.perf_counter()
    msg = parse_message(raw)
    assert time.perf_counter() - started < 1.0
    assert check(msg)


@pytest.mark.parametrize(
    ("raw_subject", "encoding", "expected"),
    [
        ("Ihre Bewerbung – Absage für Jörg", "utf-8", "Ihre Bewerbung – Absage für Jörg"),
        ("für Jörg", "latin-1", "für Jörg"),  # not UTF-8: read as Latin-1, never U+FFFD
    ],
)
def test_raw_8bit_headers_are_read_as_utf8_rfc6532(
    raw_subject: str, encoding: str, expected: str
) -> None:
    raw = (
        f"From: Zoë Müller <zoe@acme.example>\r\nSubject: {raw_subject}\r\n"
        "Message-ID: <rfc6532@acme.example>\r\n\r\nHallo\r\n"
    ).encode(encoding)
    msg = parse_message(raw)
    assert msg.subject == expected and "\ufffd" not in msg.subject
    assert msg.from_name == "Zoë Müller"
