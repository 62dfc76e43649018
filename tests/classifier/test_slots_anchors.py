"""Table tests of the role anchors that real held-out mail uses, in each language, one anchor per row."""

from __future__ import annotations

import pytest

from classifier.parse import parse_message
from classifier.slots import extract_slots, find_role

BODY_CASES = [
    # en: the title after the noun of the process it belongs to
    pytest.param(
        "We've now concluded the process for Junior Accountant and decided to go with another.",
        "Junior Accountant",
        id="en-process-for",
    ),
    pytest.param(
        "We won't be moving forward with your candidacy for Frontend Developer. We met someone.",
        "Frontend Developer",
        id="en-candidacy-for",
    ),
    pytest.param(
        "We worked through a very large number of applications for Office Manager. Thank you.",
        "Office Manager",
        id="en-applications-for",
    ),
    pytest.param(
        "We have had to withdraw the offer we made you for QA Engineer on Wednesday.",
        "QA Engineer",
        id="en-offer-we-made-you-for",
    ),
    pytest.param(
        "Thank you for completing the online assessment for Marketing Coordinator.\n\nSadly no.",
        "Marketing Coordinator",
        id="en-assessment-for",
    ),
    pytest.param(
        "Thank you for the time you put into the process for Product Manager, Payments. I know.",
        "Product Manager, Payments",
        id="en-comma-qualifier-to-sentence-end",
    ),
    pytest.param(
        "Once the budget is approved we plan to hire a Content Strategist, and I'd like you.",
        "Content Strategist",
        id="en-hire-a",
    ),
    pytest.param(
        "Dear Hannah,\n\nRe: HR Business Partner, reference JR991408\n\nThank you for applying.",
        "HR Business Partner",
        id="en-re-line-with-reference",
    ),
    pytest.param(
        "All hiring is frozen, so the Business Intelligence Developer search is on hold.",
        "Business Intelligence Developer",
        id="en-the-x-search",
    ),
    pytest.param(
        "Thank you for the process for International Students Week, we loved it.",
        "",
        id="en-process-for-needs-a-job-noun",
    ),
    pytest.param(
        "We wanted to make you an offer for the Data Analyst (Player Insights) role, and we meant it.",
        "Data Analyst (Player Insights)",
        id="en-bracket-before-the-noun-kept",
    ),
    pytest.param(
        "We will not be filling the Senior Software Engineer, Data Platform position.",
        "Senior Software Engineer, Data Platform",
        id="en-comma-qualifier-before-the-noun-kept",
    ),
    pytest.param(
        "Thank you for applying for the Procurement Analyst (Req. 48812) role.",
        "Procurement Analyst",
        id="en-requisition-bracket-dropped",
    ),
    # de
    pytest.param(
        "Das Auswahlverfahren für die Stelle Referent Personal (m/w/d) ist abgeschlossen.",
        "Referent Personal (m/w/d)",
        id="de-die-stelle",
    ),
    pytest.param(
        "Die Besetzung der Stelle Data Engineer ruht daher vorerst.",
        "Data Engineer",
        id="de-der-stelle",
    ),
    pytest.param(
        "wir haben entschieden, die Position Teamleitung Kundenservice nicht zu besetzen.",
        "Teamleitung Kundenservice",
        id="de-die-position",
    ),
    pytest.param(
        "Für die Stelle kommen Sie deshalb leider nicht mehr in Frage.",
        "",
        id="de-die-stelle-then-a-verb-is-no-title",
    ),
    pytest.param(
        "ich freue mich, Ihnen die Stelle als studentische Hilfskraft anzubieten.",
        "studentische Hilfskraft",
        id="de-die-stelle-als-inside-die-stelle",
    ),
    # sv
    pytest.param(
        "Du har gått riktigt bra i processen för HR-specialist, men i dag fick vi veta.",
        "HR-specialist",
        id="sv-processen-for",
    ),
    pytest.param(
        "Rekryteringen till Redovisningskonsult är nu avslutad.",
        "Redovisningskonsult",
        id="sv-rekryteringen-till",
    ),
    # nl
    pytest.param(
        "Je lag heel goed in de procedure voor Recruiter, maar door een herziening stoppen we.",
        "Recruiter",
        id="nl-procedure-voor",
    ),
    # pl
    pytest.param(
        "zdecydowaliśmy, że stanowisko Młodszy specjalista ds. księgowości nie zostanie obsadzone.",
        "Młodszy specjalista ds. księgowości",
        id="pl-stanowisko",
    ),
    pytest.param(
        "dziękujemy za zainteresowanie ofertą pracy na stanowisku Senior Java Developer w Odra.",
        "Senior Java Developer",
        id="pl-na-stanowisku-english-title",
    ),
    pytest.param(
        "chcemy zatrudnić Panią na stanowisku Koordynatorki Badań Klinicznych.",
        "",
        id="pl-na-stanowisku-inflected-title-left-empty",
    ),
    # es, pt
    pytest.param(
        "Gracias por participar en el proceso de selección para Desarrollador/a Frontend y más.",
        "Desarrollador/a Frontend",
        id="es-seleccion-para",
    ),
    pytest.param(
        "En el proceso de selección para la cobertura de una plaza de Técnico/a de Aguas, le digo.",
        "Técnico/a de Aguas",
        id="es-seleccion-para-lowercase-gives-way",
    ),
    pytest.param(
        "Por isso, o processo para a função de Gestora de Marketing Digital não vai avançar.",
        "Gestora de Marketing Digital",
        id="pt-funcao-de-ends-at-nao",
    ),
]


@pytest.mark.parametrize(("body", "expected"), BODY_CASES)
def test_role_from_body_anchor(body: str, expected: str) -> None:
    assert find_role("Update", body) == expected


SUBJECT_CASES = [
    pytest.param("Uppdatering om HR-specialist", "HR-specialist", id="sv-uppdatering-om"),
    pytest.param("Återkoppling – Dataanalytiker", "Dataanalytiker", id="sv-compound-job-noun"),
    pytest.param("Vårt beslut om Backendutvecklare", "Backendutvecklare", id="sv-beslut-om"),
    pytest.param("Rekryteringen avbryts", "", id="sv-rekryteringen-av-is-not-avbryts"),
    pytest.param(
        "Uw sollicitatie Financial Controller", "Financial Controller", id="nl-uw-sollicitatie"
    ),
    pytest.param("Vacature Data-analist even on hold", "Data-analist", id="nl-vacature-on-hold"),
    pytest.param("Posizione di Project Manager", "Project Manager", id="it-posizione-di"),
    pytest.param(
        "Vaga de Marketing Manager - ponto de situação", "Marketing Manager", id="pt-vaga-de"
    ),
    pytest.param(
        "Stellenbesetzung Abteilungsleitung Gesundheitsschutz – Zwischenstand",
        "Abteilungsleitung Gesundheitsschutz",
        id="de-stellenbesetzung",
    ),
    pytest.param(
        "Stillingen som e-commerce manager er sat i bero",
        "e-commerce manager",
        id="da-stillingen-som-ends-at-verb",
    ),
    pytest.param("Absage: Buchhalter (m/w/d)", "Buchhalter (m/w/d)", id="de-gender-tag-kept"),
    pytest.param("Ihre Bewerbung bei Wetterau Pharma", "", id="de-bewerbung-bei-names-no-role"),
]


@pytest.mark.parametrize(("subject", "expected"), SUBJECT_CASES)
def test_role_from_subject(subject: str, expected: str) -> None:
    assert find_role(subject, "Hello.") == expected


def test_body_title_preferred_to_subject_wrapping_it() -> None:
    """A subject that adds its own words before the body's title yields the body's title."""
    body = "wir danken Ihnen für Ihr Interesse an der Stelle als Eventmanager."
    assert find_role("Rückmeldung Eventmanager", body) == "Eventmanager"


@pytest.mark.parametrize(
    ("sender", "subject", "company"),
    [
        (
            "LinkLane <jobs-noreply@linklane.example>",
            "Noor, your application was sent to Lumen & Hart",
            "Lumen & Hart",
        ),
        (
            "Skilltrail <no-reply@skilltrail.example>",
            "Vireo Mobility invites you to an assessment",
            "Vireo Mobility",
        ),
        (
            "StepRoute <noreply@steproute.example>",
            "Ihre Bewerbung wurde an Dijkgraaf Data versendet",
            "Dijkgraaf Data",
        ),
    ],
)
def test_a_board_or_vendor_passing_mail_on_names_the_employer(
    sender: str, subject: str, company: str
) -> None:
    raw = f"From: {sender}\r\nTo: noor@example.org\r\nSubject: {subject}\r\n\r\nHi Noor,\r\n\r\nGood luck!\r\n"
    assert extract_slots(parse_message(raw.encode())).company == company
