"""Table tests of the company as ATS mail names it: display name, ATS address and body agree."""

from __future__ import annotations

import pytest

from classifier.parse import parse_message
from classifier.slots import extract_slots


def company_of(sender: str, subject: str, body: str) -> str:
    """Return the company extracted from a minimal message with the given fields."""
    raw = (
        f"From: {sender}\r\nTo: Maya Patel <maya@example.org>\r\nSubject: {subject}\r\n"
        "Message-ID: <c@example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body
    )
    return extract_slots(parse_message(raw.encode())).company


CASES = [
    pytest.param(
        "Tidewell Energy Talent Team <tidewellenergy@recruitee-mail.example>",
        "Following up on your application",
        "Hi Maya,\n\nThank you for your interest in Tidewell Energy. We will not move forward.",
        "Tidewell Energy",
        id="ats-named-recruitee-is-no-agency",
    ),
    pytest.param(
        "Greyfern Studio Careers <greyfernstudio-jobs@smartrecruiters-mail.example>",
        "Thank you",
        "Hi Maya,\n\nWe have decided to go with other candidates.\n\nThe Greyfern Studio Team",
        "Greyfern Studio",
        id="smartrecruiters-and-a-jobs-local-part",
    ),
    pytest.param(
        "Lumen & Vale Careers <lumenvale.careers@successfactors-mail.example>",
        "Outcome: Office Manager",
        "Dear Maya,\n\nThank you for your application for the position at Lumen & Vale.",
        "Lumen & Vale",
        id="careers-in-the-local-part-is-a-department",
    ),
    pytest.param(
        "Jobba hos Vättervik Medtech <talent@talent.icims-mail.example>",
        "Din ansökan till Vättervik Medtech",
        "Hej Maya,\n\nTack för ditt intresse för Vättervik Medtech.",
        "Vättervik Medtech",
        id="talent-subdomain-is-no-agency",
    ),
    pytest.param(
        "Pinecrest Labs Early Careers <noreply@mail.smartrecruiters.com>",
        "Your internship offer - Pinecrest Labs",
        "Hi Maya,\n\nWe are delighted to offer you a place.\n\nPinecrest Labs Early Careers Team",
        "Pinecrest Labs",
        id="department-after-the-name-dropped",
    ),
    pytest.param(
        "University of Northmoor HR Services <hr-recruitment@northmoor.ac.uk>",
        "Offer of Appointment",
        "Dear Maya,\n\nI am pleased to offer you the post.\n\nYours sincerely,\n\nFiona Blackwood\n"
        "Recruitment Officer, HR Services\nUniversity of Northmoor\nAldgate Building, Northmoor",
        "University of Northmoor",
        id="university-of-x-for-x-domain",
    ),
    pytest.param(
        "Imogen Clarke <imogen@larkspur.studio>",
        "Re: Product Designer",
        "Hi Maya,\n\nReally excited about this!\n\nImogen\n\nImogen Clarke\n"
        "Design Director\nLarkspur Studio · 14 Hope Street, Bristol",
        "Larkspur Studio",
        id="signature-name-before-a-dot-and-address",
    ),
    pytest.param(
        "Dev Malhotra <dev.malhotra@corvane.co.uk>",
        "Update",
        "Hi Maya,\n\nWe have decided not to proceed.\n\nBest,\nDev\n\n"
        "Dev Malhotra | Recruitment Coordinator | Corvane Systems",
        "Corvane Systems",
        id="signature-pipes-person-title-company",
    ),
    pytest.param(
        "StepStone <noreply@stepstone.de>",
        "Neuigkeiten zu Ihrer Bewerbung bei Ostheimer Bau GmbH",
        "Hallo Maya,\n\nes gibt Neuigkeiten zu Ihrer Bewerbung bei Ostheimer Bau GmbH.\n\n"
        "StepStone Deutschland GmbH, Völklinger Straße 1, Düsseldorf",
        "Ostheimer Bau",
        id="job-board-footer-is-never-the-employer",
    ),
    pytest.param(
        "Kamil Duda <kamil.duda@koderia.pl>",
        "Informacja",
        "Dzień dobry,\n\ndziękujemy.\n\nPozdrawiam\nKamil\n\nKamil Duda\n"
        "Engineering Manager | Koderia sp. z o.o.",
        "Koderia",
        id="polish-legal-form-dropped",
    ),
    pytest.param(
        "Tomás Herrero <tomas@brasaandfig.com>",
        "the job",
        "Hey Maya, we went another way this time.\n\nTomás\nBrasa & Fig\n\nSent from my iPhone",
        "Brasa & Fig",
        id="ampersand-spelt-and-in-the-domain",
    ),
    pytest.param(
        "Abi Morgan <abi.morgan@kingsbridgevets.co.uk>",
        "Veterinary Nurse vacancy",
        "Dear Maya,\n\nWe have offered the post to someone else.\n\nKind regards,\nAbi Morgan\n"
        "Head Nurse\nKingsbridge Veterinary Group",
        "Kingsbridge Veterinary Group",
        id="domain-shortens-the-last-words",
    ),
    pytest.param(
        "Nikos Andreou <nikos.andreou@vectortalent.co.uk>",
        "Pellham Group - Financial Controller update",
        "Hi Maya,\n\nI've just come off the phone with Pellham Group's CFO. They have paused it.",
        "Pellham Group",
        id="agency-client-before-a-possessive-title",
    ),
    pytest.param(
        "Jo Pike <jo.pike@lakeviewhealth.org>",
        "Staff Nurse",
        "Dear Maya,\n\nThank you for your interest in Lakeview Children's Hospital. We regret.\n\n"
        "Best regards,\nJo Pike\nNurse Recruiter\nLakeview Children's Hospital",
        "Lakeview Children's Hospital",
        id="possessive-inside-a-name-kept",
    ),
    pytest.param(
        "InfoJobs <noreply@infojobs.net>",
        "Tu candidatura ha cambiado de estado",
        "Hola, Lucía:\n\nLa empresa ha actualizado el estado de tu candidatura.\n\n"
        "Desarrollador/a Frontend Senior (Vue)\nCítrica Digital · Valencia\n\nEstado: Descartada.",
        "Cítrica Digital",
        id="job-board-company-dot-city-line",
    ),
    pytest.param(
        "StepStone <noreply@stepstone.de>",
        "Neuigkeiten zu Ihrer Bewerbung",
        "Hallo,\n\nUnternehmen: Mahler Versicherungen AG\n\nIhre Bewerbung wird nicht weiter "
        "berücksichtigt.",
        "Mahler Versicherungen",
        id="job-board-company-field",
    ),
    pytest.param(
        "Dice <noreply@dice.com>",
        "Update on your application",
        "Hi,\n\nDice - the tech careers site\n\nThe employer has closed this job.",
        "",
        id="job-board-own-name-is-no-employer",
    ),
    pytest.param(
        "Callum Frost <callum.frost@bridgewaytalent.com>",
        "Product Analyst",
        "Hi Maya,\n\nMy client has decided to go with another candidate.\n\nBest,\nCallum Frost\n"
        "Senior Consultant, Bridgeway Talent",
        "",
        id="an-agency-of-its-own-domain-still-is-one",
    ),
]


@pytest.mark.parametrize(("sender", "subject", "body", "expected"), CASES)
def test_company_from_ats_mail(sender: str, subject: str, body: str, expected: str) -> None:
    assert company_of(sender, subject, body) == expected
