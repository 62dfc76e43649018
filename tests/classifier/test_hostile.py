"""Hostile mail from a seed: every kind parses and classifies within a time limit, no crash."""

from __future__ import annotations

import base64
import random
import time
from collections.abc import Callable
from functools import cache

import pytest

from classifier.corpus import corpus_dir
from classifier.model import Classifier
from classifier.parse import ParseError, parse_message

TIME_LIMIT = 1.0  # seconds for one message, parse and classify; generous for a loaded CI machine
HEAD = (
    "From: Dana Okafor <dana@acme.example>\r\nTo: sam@example.org\r\n"
    "Subject: Your application\r\nMessage-ID: <{n}@acme.example>\r\nMIME-Version: 1.0\r\n"
)
WORDS = (
    "thank you for your application we are pleased to offer the role unfortunately we have "
    "decided not to move forward position on hold next quarter Acme Robotics Data Engineer"
).split()


def _mail(rng: random.Random, body: str | bytes, headers: str = "", ctype: str = "") -> bytes:
    """Return a message with the usual headers, extra headers and a body as given."""
    head = HEAD.format(n=rng.randrange(10**9)) + headers
    head += f"Content-Type: {ctype or 'text/plain; charset=utf-8'}\r\n"
    data = body.encode("utf-8", "surrogateescape") if isinstance(body, str) else body
    return head.encode("utf-8", "surrogateescape") + b"\r\n" + data


def _prose(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


class Draw:
    """The choices behind one message: seeds walk every shape at the largest size first."""

    def __init__(self, kind: str, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(f"{kind}-{seed}")  # a str seed hashes the same in every run
        self.shapes = 1

    def shape(self, shapes: list[str]) -> str:
        """Return the shape of this seed: seed 0 the first, seed 1 the second, and round."""
        self.shapes = len(shapes)
        return shapes[self.seed % len(shapes)]

    def size(self, sizes: list[int]) -> int:
        """Return the largest size for the first round of shapes, smaller ones after."""
        return sizes[self.seed // self.shapes % len(sizes)]


_BIG = [2_000_000, 1_000_000, 200_000, 20_000]  # the service's 2 MB message limit, and below


def long_token(d: Draw) -> bytes:
    """A long run of non-space characters: the shape that made `\\S+@\\S+` quadratic."""
    unit = d.shape(["a", "x@", "a.", "@", "=", "http://", "www.", "ab-", "é", "<"])
    n = d.size(_BIG)
    token = (unit * (n // len(unit) + 1))[:n]
    return _mail(d.rng, _prose(d.rng, 30) + " " + token + " " + _prose(d.rng, 30))


def nested_html(d: Draw) -> bytes:
    """HTML nested deep, or markup that never closes: the shapes of parser bombs."""
    shapes = ["div", "blockquote", "inline", "unclosed", "lt", "comment", "attr", "entity"]
    shape = d.shape([*shapes, "script", "open-a", "table"])
    depth = d.size([100_000, 10_000, 1_000])
    text = _prose(d.rng, 40)
    tag = d.rng.choice(["b", "font", "span", "a", "td", "li", "p"])
    markup = {
        "div": "<div>" * depth + text + "</div>" * depth,
        "blockquote": "<blockquote>" * depth + text + "</blockquote>" * depth,
        "inline": f"<{tag}>" * depth + text + f"</{tag}>" * depth,
        "unclosed": f"<{tag}>{text}" * depth,
        "lt": "<" * depth * 5 + text,
        "comment": "<!--" * depth + text,
        "attr": f"<{tag} " + 'a="b" ' * depth + f">{text}",
        "entity": text + "&amp;&#x41;&nbsp;&bogus;" * depth,
        "script": "<script>" * depth + text,
        "open-a": "<a" * depth * 2,
        "table": "<table><tr><td>x<table>" * (depth // 5) + text,
    }[shape]
    return _mail(d.rng, f"<html><body>{markup}</body></html>", ctype="text/html; charset=utf-8")


def many_parts(d: Draw) -> bytes:
    """Thousands of MIME parts side by side, or multiparts nested thousands deep."""
    shape = d.shape(["flat", "nested", "attachments", "html"])
    n = d.size([20_000, 5_000, 1_000])
    rng = d.rng
    if shape == "nested":
        body = "".join(
            f"--b{i}\r\nContent-Type: multipart/mixed; boundary=b{i + 1}\r\n\r\n" for i in range(n)
        )
        body += f"--b{n}\r\nContent-Type: text/plain\r\n\r\n{_prose(rng, 20)}\r\n"
        return _mail(rng, body, ctype="multipart/mixed; boundary=b0")
    parts = []
    for i in range(n):
        kind = {"flat": rng.choice(["plain", "b64"]), "html": "html"}.get(shape, "attachment")
        if kind == "plain":
            parts.append(f"Content-Type: text/plain\r\n\r\n{_prose(rng, 5)}")
        elif kind == "html":
            parts.append(f"Content-Type: text/html\r\n\r\n<p>{_prose(rng, 5)}</p>")
        elif kind == "attachment":
            parts.append(
                f'Content-Type: application/pdf; name="=?utf-8?q?f{i}?=.pdf"\r\n'
                f'Content-Disposition: attachment; filename="f{i}.pdf"\r\n'
                "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK"
            )
        else:
            encoded = base64.b64encode(_prose(rng, 10).encode()).decode()
            parts.append(
                f"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n{encoded}"
            )
    boundary = "p" * rng.choice([1, 20])
    body = "".join(f"--{boundary}\r\n{p}\r\n" for p in parts) + f"--{boundary}--\r\n"
    return _mail(rng, body, ctype=f'multipart/mixed; boundary="{boundary}"')


def many_headers(d: Draw) -> bytes:
    """Hundreds of thousands of header lines, in the message or in a part, or one folded."""
    shape = d.shape(["tiny", "spam", "received", "subject", "content-type", "folded", "in-part"])
    n = d.size([200_000, 50_000, 10_000])
    if shape == "folded":
        headers = "X-Folded: start\r\n" + "".join(f" fold {i}\r\n" for i in range(n))
    elif shape == "in-part":
        lines = "".join("a:\r\n" for _ in range(n))
        body = f"--b\r\n{lines}\r\n{_prose(d.rng, 20)}\r\n--b--\r\n"
        return _mail(d.rng, body, ctype="multipart/mixed; boundary=b")
    else:
        name = {"tiny": "a", "spam": "X-Spam", "received": "Received"}.get(shape, shape.title())
        headers = "".join(f"{name}: {i}\r\n" if shape != "tiny" else "a:\r\n" for i in range(n))
    return _mail(d.rng, _prose(d.rng, 50), headers=headers)


def huge_header(d: Draw) -> bytes:
    """One header of megabytes: a subject, addresses, encoded words, References, a name."""
    shapes = ["subject", "words", "open-words", "punycode", "references", "to", "from", "name"]
    shape = d.shape([*shapes, "suffixes"])
    n = d.size([5_000_000, 1_000_000, 100_000])
    rng = d.rng
    if shape in ("subject", "words", "open-words", "punycode"):
        value = {
            "subject": ("offer " * (n // 6))[:n],
            "words": " ".join(["=?utf-8?q?Caf=C3=A9?="] * (n // 20)),
            "open-words": "=?" * (n // 2),
            "punycode": " ".join(["=?punycode?q?" + "a" * 60 + "-?="] * (n // 70)),
        }[shape]
        raw = _mail(rng, _prose(rng, 50), headers=f"X-Title: {value}\r\nSubject: {value}\r\n")
        return raw.replace(b"Subject: Your application\r\n", b"", 1)
    if shape == "references":
        value = " ".join(f"<{i}@x.example>" for i in range(n // 15))
        return _mail(rng, _prose(rng, 50), headers=f"References: {value}\r\n")
    if shape == "to":
        value = ", ".join(f"Person {i} <p{i}@x.example>" for i in range(n // 30))
        return _mail(rng, _prose(rng, 50), headers=f"To: {value}\r\nReply-To: {value}\r\n")
    # a sender's display name that the company and contact rules read word by word
    words = {"from": "Acme ", "name": "Acme AG ", "suffixes": "hr team "}[shape]
    value = (words * (n // len(words)))[:n]
    raw = _mail(rng, _prose(rng, 50), headers=f'From: "{value}" <jobs@acme.example>\r\n')
    return raw.replace(b"From: Dana Okafor <dana@acme.example>\r\n", b"", 1)


def bad_encoding(d: Draw) -> bytes:
    """Broken transfer encodings and charsets, small and huge."""
    shapes = ["b64-garbage", "b64-huge", "b64-length", "qp", "uu", "unknown", "utf-7", "nul"]
    shape = d.shape([*shapes, "punycode", "utf-16"])
    n = d.size(_BIG)
    rng = d.rng
    cte = {"qp": "quoted-printable", "uu": "x-uuencode"}.get(shape, "base64")
    charset = {"unknown": "x-unknown", "utf-7": "utf-7", "nul": '"\x00"'}.get(shape, "utf-8")
    charset = {"punycode": "punycode", "utf-16": "utf-16"}.get(shape, charset)
    if shape == "b64-garbage":
        body = rng.randbytes(n)
    elif shape == "b64-huge":
        body = base64.encodebytes(_prose(rng, 200).encode() * (n // 1_500 + 1))
    elif shape == "b64-length":
        body = (b"QUJD" * (n // 4) + b"Q")[:n] + b"=!"
    elif shape == "qp":
        body = rng.choice([b"=", b"=\r\n", b"=ZZ", b"=C3=A9"]) * (n // 4)
    elif shape == "uu":
        body = b"begin 644 x\r\n" + (b"M" + b"!" * 60 + b"\r\n") * (n // 64) + b"end\r\n"
    elif shape == "utf-16":
        body = base64.encodebytes(b"\xff\xfe" + b"\xd8\x00" * (n // 8) + b"x")
    else:
        body = base64.encodebytes(rng.randbytes(n // 4))
    headers = f"Content-Transfer-Encoding: {cte}\r\n"
    return _mail(rng, body, headers=headers, ctype=f"text/plain; charset={charset}")


_LINES = [
    "On Mon, 3 Jun 2024 at 10:00, Dana Okafor <dana@acme.example> wrote:",
    "On " + "Monday " * 30,  # a near miss: the start of a quote header that never ends
    "Am Montag, 3. Juni 2024 um 10:00 schrieb " + "x" * 80,
    "Kind regards",
    "Kind regards, Dana",
    "Best,",
    "From: Dana Okafor",
    "Sent: Monday",
    "> quoted words",
    "-- ",
    "Sent from my phone",
    "Confidentiality notice: this e-mail is for its addressee",
    "Dana Okafor",
    "Acme Robotics GmbH & Co. KG",
    "Talent Acquisition Team at Acme Robotics",
    "We would like you to join us as Senior Data Engineer at Acme Robotics",
    "the position of Data Engineer at Acme at Acme at Acme at Acme at Acme",
    "we will be in touch in a few weeks in the next months in Q3",
    "",
]
_SUBJECTS = [
    "Offer " + "offer " * 2_000 + "x",
    "Application for " * 1_000,
    "(" * 5_000,
    "Re: " * 5_000 + "Offer",
    "Senior Data Engineer - " * 500,
    "Acme AG " * 1_000,
    "the Data Engineer role of of of " + "of " * 2_000 + "x",
    "Your application",
]


def hostile_lines(d: Draw) -> bytes:
    """Thousands of lines that the quote, signature and slot rules look at, and hostile subjects."""
    shape = d.shape(["same", "mixed", "long-line", "blank", "cr", "team-line", "signed"])
    n = d.size([100_000, 20_000, 2_000])
    rng = d.rng
    if shape == "same":
        body = "\n".join([rng.choice(_LINES)] * n)
    elif shape in ("mixed", "cr"):
        body = ("\r" if shape == "cr" else "\n").join(rng.choice(_LINES) for _ in range(n))
    elif shape == "long-line":
        unit = rng.choice([" ", "-", "_", "\t", "=", "*", "> ", "On ", "Acme ", "offer ", "in "])
        body = _prose(rng, 20) + "\n" + unit * (n * 10 // len(unit)) + "\nweeks"
    elif shape == "team-line":  # a long last line that the company rule reads as a team's name
        body = _prose(rng, 20) + "\nTalent team" + " " * n * 10 + "x\nhr team"
    elif shape == "signed":
        body = _prose(rng, 20) + "\nKind regards," + " " * n * 10 + "\nDana\n" + "Acme " * n
    else:
        body = _prose(rng, 20) + "\n" * (n * 10) + "Kind regards\nDana"
    subject = _SUBJECTS[d.seed % len(_SUBJECTS)]
    raw = _mail(rng, body, headers=f"Subject: {subject}\r\n")
    return raw.replace(b"Subject: Your application\r\n", b"", 1)


def nuls(d: Draw) -> bytes:
    """NUL bytes in the body, in headers and in MIME parameters."""
    shape = d.shape(["body", "header", "boundary", "sprinkled"])
    n = d.size([1_000_000, 100_000, 1_000])
    rng = d.rng
    if shape == "body":
        return _mail(rng, "\x00" * n)
    if shape == "header":
        headers = "Subject: a\x00b" + "\x00" * n + "\r\nX-N\x00: \x00\r\n"
        return _mail(rng, _prose(rng, 40), headers=headers)
    if shape == "boundary":
        body = f"--a\x00b\r\nContent-Type: text/plain\r\n\r\n{_prose(rng, 20)}\r\n--a\x00b--\r\n"
        return _mail(rng, body + "\x00" * n, ctype='multipart/mixed; boundary="a\x00b"')
    data = bytearray(_mail(rng, _prose(rng, n // 100)))
    for _ in range(len(data) // 20):
        data[rng.randrange(200, len(data))] = 0  # past the first headers, so it still reads
    return bytes(data)


@cache
def _corpus_raws() -> list[bytes]:
    paths = sorted((corpus_dir() / "messages").glob("*.eml"))
    return [p.read_bytes() for p in random.Random(15).sample(paths, min(200, len(paths)))]


def truncated(d: Draw) -> bytes:
    """A real message or a hostile one cut at a random byte."""
    shape = d.shape(["corpus", "hostile"])
    if shape == "corpus":
        raw = d.rng.choice(_corpus_raws())
    else:
        kind = d.rng.choice([k for k in KINDS if k != "truncated"])
        raw = KINDS[kind](Draw(kind, d.seed))
    return raw[: d.rng.randrange(1, len(raw) + 1)]


KINDS: dict[str, Callable[[Draw], bytes]] = {
    "long_token": long_token,
    "nested_html": nested_html,
    "many_parts": many_parts,
    "many_headers": many_headers,
    "huge_header": huge_header,
    "bad_encoding": bad_encoding,
    "hostile_lines": hostile_lines,
    "nuls": nuls,
    "truncated": truncated,
}
SHAPES = 11  # the most shapes a kind has: seeds 0 to 10 meet every shape at its largest size


def hostile_message(kind: str, seed: int) -> bytes:
    """Return one hostile message of a kind; the same kind and seed give the same bytes."""
    return KINDS[kind](Draw(kind, seed))


def handle(classifier: Classifier, raw: bytes) -> float:
    """Parse and classify raw as the service does and return the seconds it took."""
    started = time.perf_counter()
    try:
        msg = parse_message(raw)
    except ParseError:  # a clean refusal is fine; any other exception fails the test
        return time.perf_counter() - started
    prediction = classifier.predict(msg)
    assert prediction.label in {"offer", "hard_no", "not_now", "other"}
    return time.perf_counter() - started


@pytest.mark.parametrize("seed", range(SHAPES))
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_hostile_mail_is_handled_within_the_time_limit(
    classifier: Classifier, kind: str, seed: int
) -> None:
    raw = hostile_message(kind, seed)
    seconds = handle(classifier, raw)
    assert seconds < TIME_LIMIT, f"{kind} seed {seed}: {len(raw):,} bytes took {seconds:.2f} s"


def test_hostile_messages_are_the_same_for_the_same_seed() -> None:
    for kind in KINDS:
        assert hostile_message(kind, 2 * SHAPES + 3) == hostile_message(kind, 2 * SHAPES + 3)
