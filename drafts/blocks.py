"""Compose each kind of reply from blocks that answer the facts the mail states."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from drafts.facts import Facts, add_workdays
from drafts.phrases import Phrasebook


@dataclass(frozen=True)
class Context:
    """What every block may use besides the phrasebook and the facts."""

    greeting: str
    signature: str
    sent: date
    checkin: date
    help: str = ""  # the profile's interim help in the reply's language, or ''
    reason: str = ""  # the profile's decline reason in the reply's language, or ''
    referrer: str = ""  # the referrer's name, when the user was referred to this company


def _letter(ctx: Context, paragraphs: list[str], sign: str) -> str:
    body = [ctx.greeting, *[p for p in paragraphs if p]]
    return "\n\n".join(body) + f"\n\n{sign}\n{ctx.signature}".rstrip() + "\n"


def _join(*sentences: str) -> str:
    return " ".join(s for s in sentences if s)


def hard_no(book: Phrasebook, facts: Facts, ctx: Context, ask_for_leads: bool) -> str:
    """Return a thank-you with one specific feedback question, the door open and a lead asked."""
    stage = facts.stage if facts.stage in ("interviews", "final") else "application"
    thanks = book.get(f"hard_no.thanks_{stage}")
    ack = book.get("hard_no.reason_ack" if facts.reason else "hard_no.clear_ack")
    # never ask why when the mail said why: ask how to close the gap it named instead
    question = "reason" if facts.reason else "interviews" if stage != "application" else stage
    paragraphs = [_join(thanks, ack), book.get(f"hard_no.feedback_{question}")]
    offers = []
    if "call" in facts.offers:
        offers.append(book.get("hard_no.call_yes"))
    if "introduction" in facts.offers:
        offers.append(book.get("hard_no.intro_yes"))
    if "talent_pool" in facts.offers and facts.pool_asked:
        offers.append(book.get("hard_no.pool_yes"))  # consent only where it was asked
    elif "talent_pool" in facts.offers or "keep_cv" in facts.offers:
        offers.append(book.get("hard_no.cv_kept"))
    if "other_role" in facts.offers:
        key = "hard_no.other_role" if facts.other_role else "hard_no.other_role_unnamed"
        offers.append(book.get(key, other_role=facts.other_role))
    paragraphs.append(_join(*offers))
    if ask_for_leads and "introduction" not in facts.offers:
        paragraphs.append(book.get("hard_no.lead"))
    paragraphs.append(book.get("hard_no.door"))
    return _letter(ctx, paragraphs, book.get("sign.thanks"))


def not_now(book: Phrasebook, facts: Facts, ctx: Context) -> str:
    """Return the not-now reply its subtype calls for: paused, close second or deferred."""
    if facts.not_now == "close_second":
        paragraphs = [
            _join(book.get("not_now.close_thanks"), book.get("not_now.close_reaffirm")),
            book.get("not_now.close_checkin", date=book.date(facts.named or ctx.checkin)),
        ]
    elif facts.not_now == "deferred":
        later = (
            book.get("not_now.deferred_date", date=book.date(facts.promised))
            if facts.promised
            else book.get("not_now.deferred_open")
        )
        paragraphs = [_join(book.get("not_now.deferred_thanks"), later)]
    else:
        help_text = ctx.help or book.get("not_now.help_default")
        paragraphs = [
            _join(book.get("not_now.thanks"), book.get("not_now.understand")),
            _join(book.get("not_now.need_back"), book.get("not_now.help", help=help_text)),
            book.get("not_now.checkin", date=book.date(ctx.checkin)),
        ]
    return _letter(ctx, paragraphs, book.get("sign.warm"))


def offer_accept(book: Phrasebook, facts: Facts, ctx: Context) -> str:
    """Return an acceptance that restates the role and terms given and asks only what is missing."""
    confirmed = (
        [book.get("offer.accept_start", date=book.date(facts.start_date))]
        if facts.start_date
        else []
    )
    confirmed += [f"- {term}" for term in facts.terms]
    terms = ""
    if confirmed:
        terms = (
            book.get("offer.accept_terms")
            + "\n"
            + "\n".join(line if line.startswith("- ") else f"- {line}" for line in confirmed)
        )
    # ask only for what the mail neither states nor sends: the letter may hold the start date
    asks = [] if facts.start_date or facts.letter_start else [book.get("offer.ask_start")]
    asks.append(book.get("offer.accept_next" if facts.letter else "offer.ask_contract"))
    paragraphs = [book.get("offer.accept"), terms, _join(*asks), book.get("offer.accept_close")]
    return _letter(ctx, paragraphs, book.get("sign.offer"))


def hold_until(facts: Facts, sent: date) -> date:
    """Return the day the user promises an answer: the deadline, else three working days on."""
    return facts.deadline or add_workdays(sent, 3)


def offer_hold(book: Phrasebook, facts: Facts, ctx: Context) -> str:
    """Return a thank-you that promises an answer by the deadline and asks the open points."""
    missing = []
    if not facts.terms and not facts.letter:
        missing.append(book.get("offer.hold_missing_terms"))
    if not facts.start_date and not facts.letter_start:
        missing.append(book.get("offer.hold_missing_start"))
    ask = _join(book.get("offer.hold_questions"), *missing) if missing else ""
    answer_by = book.date(hold_until(facts, ctx.sent))
    paragraphs = [_join(book.get("offer.hold"), book.get("offer.hold_by", date=answer_by)), ask]
    return _letter(ctx, paragraphs, book.get("sign.offer"))


def offer_decline(book: Phrasebook, facts: Facts, ctx: Context) -> str:
    """Return a decline that gives the profile's reason or an honest neutral sentence, never one made up."""
    said = (
        book.get("offer.decline_reason", reason=ctx.reason)
        if ctx.reason
        else book.get("offer.decline_neutral")
    )
    referral = book.get("offer.decline_referral", referrer=ctx.referrer) if ctx.referrer else ""
    paragraphs = [book.get("offer.decline"), _join(said, referral), book.get("offer.decline_close")]
    return _letter(ctx, paragraphs, book.get("offer.decline_sign"))


def referrer_thanks(book: Phrasebook, ctx: Context, outcome: str) -> tuple[str, str]:
    """Return (subject, body) of the note to the referrer after an offer or a rejection."""
    reason = book.get("referrer.reason_part", reason=ctx.reason) if ctx.reason else ""
    body = book.get(f"referrer.{outcome}", reason_part=reason)
    greeting = book.get("referrer.hello", referrer=ctx.referrer)
    text = f"{greeting}\n\n{body}\n\n{book.get('referrer.close')}\n\n{book.get('referrer.sign')}\n{ctx.signature}\n"
    return book.get("referrer.subject"), text


def followup(book: Phrasebook, ctx: Context) -> str:
    """Return the check-in mail sent when a not-now follow-up date comes."""
    paragraphs = [book.get("followup.hello_body"), book.get("followup.checkin")]
    return _letter(ctx, paragraphs, book.get("sign.warm"))
