"""Render the hand-written corpus entries (data/corpus/src/*.yaml) into real .eml files.

Each entry is written once; how it is dressed (plain, HTML, multipart, transfer encoding,
charset, headers) is drawn from a generator seeded by the entry id, so the output is
reproducible and the dressing never depends on the label.
Run: python scripts/build_corpus.py  (needs PyYAML)
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import html
import random
import re
import sys
from datetime import UTC, datetime, timedelta
from email import charset as email_charset
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "data" / "corpus" / "src"
OUT = ROOT / "data" / "corpus" / "messages"
LABELS_CSV = ROOT / "data" / "corpus" / "labels.csv"
FIELDS = [
    "file",
    "id",
    "label",
    "lang",
    "sender",
    "kind",
    "family",
    "pair",
    "contact_name",
    "company",
    "role",
]
MAIL_KINDS = {
    "acknowledgement",
    "interview",
    "assessment",
    "job_alert",
    "outreach",
    "unrelated",
    "outcome",
}
CANDIDATES = [
    "Priya Shah",
    "Tomasz Nowak",
    "Amara Okeke",
    "Liam O'Brien",
    "Mei Chen",
    "Jonas Berg",
    "Sofia Rossi",
    "Carlos Mendes",
    "Aisha Rahman",
    "Noah Fischer",
    "Elena Petrova",
    "Kwame Mensah",
]


_GREETING = re.compile(
    r"^\s*(?:Hi|Hello|Dear|Hey|Hallo|Liebe[r]?|Guten Tag|Bonjour|Chère|Cher|Hola|Estimad[oa]|Beste|Hoi|"
    r"Ciao|Gentile|Caro|Cara|Olá|Prezad[oa]|Hej)\s+(?:Mr\.?|Ms\.?|Mrs\.?|Herr|Frau|Madame|Monsieur|Sr\.|Sra\.)?\s*"
    r"([A-ZÀ-Ý][\w'-]+)",
    re.MULTILINE,
)


def _html_body(text: str, rng: random.Random, company: str) -> str:
    blocks: list[str] = []
    for para in re.split(r"\n\s*\n", text.strip()):
        lines = para.split("\n")
        if all(line.startswith(">") for line in lines):
            inner = "<br>".join(html.escape(line.lstrip("> ")) for line in lines)
            blocks.append(
                f'<blockquote style="border-left:2px solid #ccc;padding-left:8px">{inner}</blockquote>'
            )
        else:
            blocks.append("<p>" + "<br>\n".join(html.escape(line) for line in lines) + "</p>")
    inner = "\n".join(blocks)
    style = rng.choice(["plain", "table", "branded"])
    if style == "plain":
        return f"<html><body>{inner}</body></html>"
    header = (
        f'<h2 style="color:#224">{html.escape(company)}</h2>'
        if company and style == "branded"
        else ""
    )
    pixel = f'<img src="https://t.example-mail.net/o/{rng.randrange(10**9)}.gif" width="1" height="1" alt="">'
    return (
        "<!DOCTYPE html><html><head><style>p{font-family:Arial;font-size:14px}</style></head><body>"
        f'<table width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">'
        f'<table width="600" style="background:#fff"><tr><td>{header}{inner}</td></tr></table>'
        f"</td></tr></table>{pixel}</body></html>"
    )


def _set_text(msg: EmailMessage, text: str, subtype: str, rng: random.Random, lang: str) -> None:
    cte = rng.choice(["8bit", "quoted-printable", "base64", "quoted-printable"])
    charset = "utf-8"
    if lang != "en" and rng.random() < 0.3:
        try:
            text.encode("iso-8859-1")
            charset = rng.choice(["iso-8859-1", "windows-1252"])
        except UnicodeEncodeError:
            pass
    if cte == "8bit" and not text.isascii():
        cte = "quoted-printable"
    msg.set_content(
        text,
        subtype=subtype,
        charset=charset,
        cte=cte if cte != "8bit" else "7bit" if text.isascii() else "8bit",
    )


def render(entry: dict[str, str], rng: random.Random) -> bytes:
    """Return one entry as RFC 822 bytes, dressed at random."""
    msg = EmailMessage()
    candidate = rng.choice(CANDIDATES)
    greeted = _GREETING.search(entry["body"] or re.sub(r"<[^>]+>", "\n", entry.get("html", "")))
    if greeted:  # the To header names whom the body greets, as in real mail
        candidate = f"{greeted.group(1)} {candidate.split()[-1]}"
    domain = entry["from"].rsplit("@", 1)[-1].strip(">' ") or "example.com"
    msg["From"] = entry["from"]
    msg["To"] = f"{candidate} <{candidate.split()[0].lower()}.{rng.randrange(100)}@mailbox.example>"
    if entry.get("reply_to"):
        msg["Reply-To"] = entry["reply_to"]
    msg["Subject"] = entry["subject"]
    when = datetime(2025, 1, 6, tzinfo=UTC) + timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
    msg["Date"] = format_datetime(when)
    digest = hashlib.sha1(entry["id"].encode()).hexdigest()
    msg["Message-ID"] = f"<{digest[:20]}.{rng.randrange(10**6)}@{domain}>"
    msg["MIME-Version"] = "1.0"
    body = entry["body"]
    if "\n>" in body or entry["subject"].lower().startswith(("re:", "aw:", "sv:", "r:")):
        parent = f"<{digest[20:]}@mailbox.example>"
        msg["In-Reply-To"] = parent
        msg["References"] = parent
    shape = rng.random()
    if entry.get("html"):  # written as HTML by its writer: sent HTML-only, as many ATS mails are
        _set_text(msg, entry["html"], "html", rng, entry["lang"])
    elif shape < 0.45:
        _set_text(msg, body, "plain", rng, entry["lang"])
    elif shape < 0.8:
        _set_text(msg, body, "plain", rng, entry["lang"])
        msg.add_alternative(_html_body(body, rng, entry.get("company", "")), subtype="html")
    else:
        _set_text(msg, _html_body(body, rng, entry.get("company", "")), "html", rng, entry["lang"])
    if rng.random() < 0.08:
        msg.add_attachment(
            b"%PDF-1.4\n% placeholder\n",
            maintype="application",
            subtype="pdf",
            filename=rng.choice(["document.pdf", "details.pdf", "info.pdf"]),
        )
    for n, part in enumerate(msg.walk()):
        if part.is_multipart():  # fixed boundaries keep the corpus, and so its hash, reproducible
            part.set_boundary(f"=_{digest[:16]}_{n}")
    return msg.as_bytes()


def main() -> int:
    """Render every entry; return 1 when ids repeat or labels are unknown."""
    with (ROOT / "data" / "corpus" / ".build.lock").open("w") as lock:
        fcntl.flock(
            lock, fcntl.LOCK_EX
        )  # two writers building at once would delete each other's files
        return build()


def build() -> int:
    """Render every entry into messages/ and labels.csv."""
    email_charset.add_charset("utf-8", email_charset.QP, email_charset.QP, "utf-8")
    entries: list[dict[str, str]] = []
    for path in sorted(SRC.glob("*.yaml")):
        entries.extend(yaml.safe_load(path.read_text(encoding="utf-8")) or [])
    ids = [e["id"] for e in entries]
    dupes = {i for i in ids if ids.count(i) > 1}
    for e in entries:
        e.setdefault("body", "")
        if e["label"] != "other":
            e["mail_kind"] = "outcome"
    bad = [e["id"] for e in entries if e["label"] not in {"offer", "hard_no", "not_now", "other"}]
    bad += [e["id"] for e in entries if e.get("mail_kind") and e["mail_kind"] not in MAIL_KINDS]
    bad += [e["id"] for e in entries if not (e["body"] or e.get("html"))]
    if dupes or bad:
        print(f"duplicate ids: {sorted(dupes)}; bad entries: {bad}", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.eml"):
        old.unlink()
    rows = []
    for entry in entries:
        rng = random.Random(entry["id"])
        name = f"{entry['id']}.eml"
        (OUT / name).write_bytes(render(entry, rng))
        # The YAML's `kind` is the kind of sender; the CSV's `kind` is the kind of mail (LABELS.md's
        # `other` sub-label), which the YAML calls `mail_kind`.
        fields = {
            **entry,
            "file": name,
            "sender": entry.get("kind"),
            "kind": entry.get("mail_kind"),
        }
        rows.append({k: str(fields.get(k) or "") for k in FIELDS})
    with LABELS_CSV.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} messages written to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
