"""Table tests of slot extraction on small raw messages, one rule per row."""

from __future__ import annotations

import pytest

from classifier.parse import parse_message
from classifier.slots import Slots, extract_slots, is_noreply


def make_raw(sender: str, subject: str, body: str, reply_to: str = "") -> bytes:
    """Return a minimal RFC 822 message as bytes."""
    headers = [f"From: {sender}", "To: Priya Shah <priya@example.org>", f"Subject: {subject}"]
    if reply_to:
        headers.append(f"Reply-To: {reply_to}")
    headers += ["Message-ID: <t@example.org>", "Content-Type: text/plain; charset=utf-8"]
    return ("\r\n".join(headers) + "\r\n\r\n" + body).encode()


def slots_of(sender: str, subject: str, body: str, reply_to: str = "") -> Slots:
    """Return the slots extracted from a message built from the given fields."""
    return extract_slots(parse_message(make_raw(sender, subject, body, reply_to)))


CONTACT_CASES = [
    pytest.param(
        "Anna Berg <anna@northwind.io>",
        "Hi Priya,\n\nWe'd like to offer you the role.\n\nBest regards,\nAnna Berg\nHead of People",
        "Anna",
        id="sign-off-then-name",
    ),
    pytest.param(
        "Dev Malhotra <dev@crestline.co>",
        "Hi Priya,\n\nThe client has paused hiring.\n\nCheers, Dev",
        "Dev",
        id="name-on-sign-off-line",
    ),
    pytest.param(
        "Becca Holloway <becca@foxglove.co>",
        "YES, we'd love you to come on board!\n\nBecca x",
        "Becca",
        id="name-with-kiss-no-sign-off",
    ),
    pytest.param(
        "Dale Kowalski <dkowalski@ridgeback.com>",
        "Hi Priscilla, we filled the spot internally.\n\nDale Kowalski\nDistrict Manager",
        "Dale",
        id="signature-block-without-sign-off",
    ),
    pytest.param(
        "Katrin Vogel <k.vogel@stadtwerke-lindenau.de>",
        "Hallo Priya,\n\nleider müssen wir absagen.\n\nMit freundlichen Grüßen\nKatrin Vogel",
        "Katrin",
        id="german-sign-off",
    ),
    pytest.param(
        "Claire Dubois <claire@ardoise.fr>",
        "Bonjour Priya,\n\nNous avons le plaisir de vous proposer le poste.\n\nCordialement,\n"
        "Claire Dubois",
        "Claire",
        id="french-sign-off",
    ),
    pytest.param(
        "Marta Ruiz <marta@frutas.es>",
        "Hola Priya,\n\nGracias por tu tiempo.\n\nUn saludo,\nMarta",
        "Marta",
        id="spanish-sign-off",
    ),
    pytest.param(
        "Lumenfold <jobs@lumenfold.teamtailor-mail.com>",
        "Hi Priya,\n\nWe've paused the role.\n\nThanks for your patience!\n"
        "Saoirse, People Team at Lumenfold",
        "Saoirse",
        id="name-before-team-on-one-line",
    ),
    pytest.param(
        "Acme Robotics <no-reply@acme.greenhouse-mail.io>",
        "Hi Priya,\n\nThank you for applying.\n\nBest,\nThe Talent Team",
        "",
        id="team-signature-is-empty",
    ),
    pytest.param(
        "Indeed <noreply@indeed.com>",
        "Beste Noor,\n\nHelaas.\n\nMet vriendelijke groet,\nPersoneelszaken De Graaf Transport",
        "",
        id="dutch-department-signature-is-empty",
    ),
    pytest.param(
        "Heronsgate Leisure <recruitment@heronsgate.co.uk>",
        "Dear Kieran,\n\nWe have cancelled this vacancy.\n\nRecruitment Team\nHeronsgate Leisure",
        "",
        id="team-line-without-sign-off-is-empty",
    ),
    pytest.param(
        "Helvetra Versicherungen <noreply@helvetra.successfactors.eu>",
        "Grüezi Frau Baumann\n\nLeider nicht.\n\nFreundliche Grüsse\nHelvetra Versicherungen AG\n"
        "Talent Acquisition",
        "",
        id="company-after-sign-off-is-not-a-person",
    ),
    pytest.param(
        "Northfield Analytics <no-reply@northfield.greenhouse-mail.io>",
        "Hi Priya,\n\nCongratulations! You have an offer.\n\nNorthfield Analytics Recruiting",
        "",
        id="no-reply-without-signature-is-empty",
    ),
    pytest.param(
        "Jo Park <jo@parkfarm.com>",
        "Hi Priya,\n\nThanks for coming in, we will be in touch next week about next steps.",
        "",
        id="no-signature-is-empty",
    ),
    pytest.param(
        "Eirik Solheim <eirik@bryggadata.no>",
        "Hei Priya,\n\nVi vil gjerne tilby deg jobben.\n\nHilsen Eirik\nDaglig leder, Brygga Data",
        "Eirik",
        id="norwegian-sign-off-and-name-on-one-line",
    ),
    pytest.param(
        "Bøkeskog Barnehager <post@bokeskogbarnehager.no>",
        "Hei Priya,\n\nRekrutteringen er utsatt til mars.\n\nVennlig hilsen\nBøkeskog Barnehager",
        "",
        id="company-signs-after-the-sign-off",
    ),
    pytest.param(
        "Lenka Horáková <horakova@zelenaenergie.cz>",
        "Dobrý den,\n\nbohužel jsme se rozhodli jinak.\n\nS pozdravem\nIng. Lenka Horáková\nHR",
        "Lenka",
        id="czech-academic-title-before-the-name",
    ),
    pytest.param(
        "Kariéra Nordika <kariera@nordika.cz>",
        "Dobrý den,\n\nděkujeme za zájem.\n\nS pozdravem\nRekrutační tým Nordika",
        "",
        id="team-signs-after-the-sign-off",
    ),
]


@pytest.mark.parametrize(("sender", "body", "expected"), CONTACT_CASES)
def test_contact_name(sender: str, body: str, expected: str) -> None:
    assert slots_of(sender, "Update", body).contact_name == expected


COMPANY_CASES = [
    pytest.param(
        "Acme Robotics Careers <careers@acmerobotics.com>",
        "Your application",
        "Dear Priya,\n\nThank you for applying.\n\nAcme Robotics Careers",
        "Acme Robotics",
        id="display-name-careers-suffix",
    ),
    pytest.param(
        "Jane Doe at Acme Robotics <jane@acmerobotics.com>",
        "Quick update",
        "Hi Priya,\n\nWe are still deciding.\n\nJane",
        "Acme Robotics",
        id="display-name-person-at-company",
    ),
    pytest.param(
        "Brightwell Foods via DocuSign <dse_na3@docusign.net>",
        "Please DocuSign: Brightwell Foods - Offer Letter",
        "Brightwell Foods Talent Acquisition sent you a document to review and sign.",
        "Brightwell Foods",
        id="display-name-via-ats",
    ),
    pytest.param(
        "Acme Robotics <no-reply@acme-robotics.greenhouse-mail.io>",
        "Your application to Acme Robotics",
        "Hi Priya,\n\nThank you for your interest in Acme Robotics.\n\nThe Acme Robotics Team",
        "Acme Robotics",
        id="ats-subdomain-confirms-company",
    ),
    pytest.param(
        "Rheinfeld Versicherungen Karriere <rheinfeld@myworkday.com>",
        "Information zu Ihrer Bewerbung",
        "Sehr geehrte Frau Shah,\n\nleider können wir Ihnen keine Zusage geben.\n\n"
        "Ihr Recruiting-Team der Rheinfeld Versicherungen",
        "Rheinfeld Versicherungen",
        id="ats-local-part-and-german-display",
    ),
    pytest.param(
        "Anil Gupta <anil@tandoorstreet.co.uk>",
        "FOH manager",
        "Hey Priya, we've gone with someone else.\n\nAnil\nTandoor Street Kitchen",
        "Tandoor Street Kitchen",
        id="company-line-in-signature",
    ),
    pytest.param(
        "Danielle Okafor <d.okafor@brightwatercu.org>",
        "Risk Analyst role - update",
        "Hi Priya,\n\nOur board froze headcount.\n\nDanielle Okafor\n"
        "Talent Partner | Brightwater Credit Union",
        "Brightwater Credit Union",
        id="title-pipe-company-in-signature",
    ),
    pytest.param(
        "Margaret Oyelaran <margaret@hearthandhomecare.com>",
        "Good news",
        "Dear Priya,\n\nI am writing to offer you a position as Home Care Aide with Hearth & Home "
        "Care.\n\nSincerely,\nMargaret Oyelaran\nCare Coordinator\nHearth & Home Care, LLC",
        "Hearth & Home Care",
        id="legal-suffix-after-comma-dropped",
    ),
    pytest.param(
        "Kieran Walsh <kieran.walsh@northstarsearch.ie>",
        "Brennock Pharma - final interview outcome",
        "Hi Priya,\n\nBrennock Pharma have come back after the final interview.\n\n"
        "Best regards,\nKieran Walsh\nDirector | NorthStar Search",
        "Brennock Pharma",
        id="agency-names-the-client-not-itself",
    ),
    pytest.param(
        "Callum Frost <callum.frost@bridgewaytalent.com>",
        "Product Analyst",
        "Hi Priya,\n\nMy client has decided to go with another candidate.\n\nBest,\nCallum Frost\n"
        "Senior Consultant, Bridgeway Talent",
        "",
        id="agency-recruiter-is-not-the-employer",
    ),
    pytest.param(
        "Personalabteilung Kurbeck Immobilien <personal@kurbeck-immobilien.de>",
        "Ihre Bewerbung",
        "Sehr geehrte Frau Shah,\n\nleider müssen wir Ihnen absagen.\n\nMit freundlichen Grüßen",
        "Kurbeck Immobilien",
        id="department-before-company",
    ),
    pytest.param(
        "Ralf Dittmer <ralf.dittmer@nordkamm-maschinenbau.de>",
        "Ihre Bewerbung",
        "Hallo Priya,\n\nwir freuen uns, Ihnen die Stelle anzubieten.\n\nRalf Dittmer\n"
        "Leiter Technik, Nordkamm Maschinenbau GmbH",
        "Nordkamm Maschinenbau",
        id="legal-form-dropped",
    ),
    pytest.param(
        "Pete Salazar <psalazar@oakridgeelevator.com>",
        "Offer",
        "Hi Priya,\n\nWe'd love you to join us.\n\nPete Salazar\nOperations Manager, Oakridge Elevator Co.",
        "Oakridge Elevator Co.",
        id="co-keeps-its-full-stop",
    ),
    pytest.param(
        "Cinderhill Outfitters <jobs@cinderhill.jobvite-mail.com>",
        "Your application",
        "Thank you for applying to Cinderhill Outfitters. We've decided not to move forward.",
        "Cinderhill Outfitters",
        id="sentence-end-is-not-part-of-the-name",
    ),
]


@pytest.mark.parametrize(("sender", "subject", "body", "expected"), COMPANY_CASES)
def test_company(sender: str, subject: str, body: str, expected: str) -> None:
    assert slots_of(sender, subject, body).company == expected


ATS_CASES = [
    pytest.param("Greenhouse <no-reply@greenhouse.io>", id="greenhouse"),
    pytest.param("Workday <noreply@myworkday.com>", id="workday"),
    pytest.param("Lever <no-reply@hire.lever.co>", id="lever"),
    pytest.param("SmartRecruiters <noreply@smartrecruiters.com>", id="smartrecruiters"),
]


@pytest.mark.parametrize("sender", ATS_CASES)
def test_ats_is_never_the_company(sender: str) -> None:
    got = slots_of(
        sender, "Your application", "Hi Priya,\n\nThank you for applying.\n\nRecruiting Team"
    )
    assert got.company == ""
    assert got.contact_name == ""


ROLE_CASES = [
    pytest.param(
        "Your application for Senior Data Engineer",
        "Hi.",
        "Senior Data Engineer",
        id="subj-application-for",
    ),
    pytest.param("Offer: Product Designer", "Hi.", "Product Designer", id="subj-offer-colon"),
    pytest.param("Risk Analyst role - update", "Hi.", "Risk Analyst", id="subj-role-dash-generic"),
    pytest.param("Brennock Pharma - QA Manager", "Hi.", "QA Manager", id="subj-company-dash-role"),
    pytest.param(
        "Update",
        "We have filled the Backend Engineer position.",
        "Backend Engineer",
        id="body-the-x-position",
    ),
    pytest.param(
        "Good news",
        "I'd like to offer you the position of Development Associate!",
        "Development Associate",
        id="body-position-of",
    ),
    pytest.param(
        "Vertragsangebot",
        "wir freuen uns, Ihnen die Stelle als Qualitätsingenieur anzubieten.",
        "Qualitätsingenieur",
        id="body-stelle-als",
    ),
    pytest.param(
        "Des nouvelles",
        "Votre candidature au poste de Technicien agronome a retenu notre attention.",
        "Technicien agronome",
        id="body-poste-de",
    ),
    pytest.param(
        "Ihre Bewerbung als Projektleiter TGA (m/w/d)",
        "Hallo.",
        "Projektleiter TGA (m/w/d)",
        id="subj-bewerbung-als-gender-tag-kept",
    ),
    pytest.param(
        "Re: Junior designer role",
        "We'd love you to come on board as our junior designer.",
        "Junior designer",
        id="lowercase-role-in-subject",
    ),
    pytest.param("Quick question", "Are you free on Monday?", "", id="no-role-is-empty"),
    pytest.param(
        "Site Reliability Engineer interview outcome",
        "Hi Priya, thank you for your time. We will not be moving forward.",
        "Site Reliability Engineer",
        id="subject-outcome-words-cut",
    ),
    pytest.param(
        "UX Researcher (3 months)",
        "Hi Priya, the contract has been paused until the spring.",
        "UX Researcher",
        id="subject-duration-cut",
    ),
    pytest.param(
        "Policy Analyst (Grade 7), Ref KBC/4471",
        "Dear Priya, we regret to tell you that your application was unsuccessful.",
        "Policy Analyst (Grade 7)",
        id="grade-kept-reference-cut",
    ),
    pytest.param(
        "Team Lead, Payments Operations",
        "Hi Priya, we are delighted to offer you the role.",
        "Team Lead, Payments Operations",
        id="comma-inside-a-title-kept",
    ),
    pytest.param(
        "Regarding the Agronomist",
        "Hi Priya, we have decided to go with another candidate.",
        "Agronomist",
        id="subject-lead-words-cut",
    ),
]


@pytest.mark.parametrize(("subject", "body", "expected"), ROLE_CASES)
def test_role(subject: str, body: str, expected: str) -> None:
    got = slots_of("Anna Berg <anna@northwind.io>", subject, body).role
    assert got.lower() == expected.lower()


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("no-reply@acme.com", True),
        ("noreply@acme.greenhouse-mail.io", True),
        ("donotreply@acme.com", True),
        ("notifications@acme.com", True),
        ("anna@acme.com", False),
    ],
)
def test_is_noreply(address: str, expected: bool) -> None:
    assert is_noreply(address) is expected
