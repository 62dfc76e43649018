"""Applications: grouping mails into records and moving their stage forward only, table by table."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from service.applications import (
    Application,
    Mail,
    advance,
    company_keys,
    company_of,
    group,
    next_actions,
    normalize_company,
    normalize_role,
)

DAY0 = datetime(2026, 3, 2, 9, 0)


def mail(n: int, **fields: object) -> Mail:
    """Return the n-th mail of a test inbox, n days after DAY0."""
    return Mail(message_id=f"<m{n}@x>", date=DAY0 + timedelta(days=n), **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Acme Robotics GmbH", "acme robotics"),
        ("Acme Robotics Careers", "acme robotics"),
        ("Workday @ Acme Robotics Notification", "acme robotics"),
        ("Acme Robotics Talent Acquisition", "acme robotics"),
        ("Société Générale Énergie SA", "societe generale energie"),
        ("Nordhavn Logistik A/S", "nordhavn logistik"),
    ],
)
def test_company_names_are_normalised(name: str, key: str) -> None:
    assert normalize_company(name) == key


@pytest.mark.parametrize(
    ("role", "key"),
    [
        ("Data Analyst (m/w/d)", "data analyst"),
        ("Senior Engineer, Ref 4471", "senior engineer"),
        ("Développeur·se Unity", "developpeur se unity"),
    ],
)
def test_roles_are_normalised(role: str, key: str) -> None:
    assert normalize_role(role) == key


@pytest.mark.parametrize(
    ("fields", "company"),
    [
        ({"from_addr": "no-reply@acme.greenhouse.io", "from_name": "Greenhouse"}, "acme"),
        ({"from_addr": "acmerobotics@myworkday.com", "from_name": "Workday"}, "acmerobotics"),
        (
            {"from_addr": "jobs@acme-robotics.com", "from_name": "Acme Robotics Careers"},
            "acme robotics",
        ),
        ({"from_addr": "dana.okafor@gmail.com", "from_name": "Dana Okafor"}, ""),
        ({"from_addr": "x@y.example", "company": "Acme Robotics Ltd"}, "acme robotics"),
        ({"from_user": True, "to_addr": "hiring@acme.com"}, "acme"),
    ],
)
def test_company_comes_from_where_ats_mail_puts_it(fields: dict[str, object], company: str) -> None:
    assert company_of(Mail(message_id="<a@x>", date=DAY0, **fields)) == company  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("before", "incoming", "after", "conflict"),
    [
        ("applied", "in_process", "in_process", False),
        ("in_process", "applied", "in_process", False),  # a late acknowledgement moves nothing
        ("rejected", "applied", "rejected", False),
        ("rejected", "in_process", "rejected", False),
        ("offer", "rejected", "offer", True),  # shown as a conflict, never overwritten
        ("rejected", "offer", "offer", True),
        ("on_hold", "in_process", "in_process", False),  # the role came back
        ("on_hold", "rejected", "rejected", False),
        ("withdrawn", "offer", "withdrawn", False),
        ("applied", "withdrawn", "withdrawn", False),
    ],
)
def test_stages_move_forward_only(before: str, incoming: str, after: str, conflict: bool) -> None:
    app = Application(id="a", company="acme", role="", stage=before)  # type: ignore[arg-type]
    advance(app, incoming, mail(1, subject="update"))  # type: ignore[arg-type]
    assert app.stage == after
    assert bool(app.conflict) is conflict


def test_one_application_across_two_ats_domains_threads_and_the_users_reply() -> None:
    acme = {"company": "Acme Robotics", "role": "Data Analyst"}
    mails = [
        mail(0, from_addr="no-reply@acme.greenhouse.io", kind="acknowledgement", **acme),
        mail(
            3,
            from_addr="acme@myworkday.com",
            from_name="Acme Robotics Careers",
            kind="assessment",
            role="Data Analyst",
        ),
        mail(5, from_addr="dana@acme-robotics.com", kind="interview", **acme),
        mail(
            6,
            from_user=True,
            to_addr="dana@acme-robotics.com",
            references=("<m5@x>",),
            subject="Re: interview",
        ),
        mail(9, from_addr="dana@acme-robotics.com", label="offer", kind="outcome", **acme),
        mail(10, from_addr="no-reply@acme.greenhouse.io", label="hard_no", kind="outcome", **acme),
    ]
    [app] = group(mails)
    assert app.message_ids == [m.message_id for m in mails]
    assert app.stage == "offer" and "after the offer" in app.conflict
    assert app.last_contact_at == mails[-1].date


def test_two_roles_at_one_company_are_two_applications() -> None:
    apps = group(
        [
            mail(0, company="Acme", role="Data Analyst", kind="acknowledgement"),
            mail(1, company="Acme", role="Data Engineer", kind="acknowledgement"),
            mail(4, company="Acme", role="Data Engineer", label="hard_no", kind="outcome"),
        ]
    )
    assert [(a.role, a.stage) for a in apps] == [
        ("data analyst", "applied"),
        ("data engineer", "rejected"),
    ]


def test_alerts_and_outreach_start_no_application() -> None:
    assert (
        group([mail(0, company="Acme", kind="job_alert"), mail(1, company="Bolt", kind="outreach")])
        == []
    )


def test_next_actions_follow_silence_after_an_interview_and_offers() -> None:
    apps = group(
        [
            mail(0, company="Acme", role="Analyst", kind="interview"),
            mail(1, company="Bolt", role="Analyst", label="offer", kind="outcome"),
            mail(2, company="Cato", role="Analyst", kind="acknowledgement"),
        ]
    )
    next_actions(apps, DAY0 + timedelta(days=12))
    assert [a.next_action.split(":")[0] for a in apps] == ["follow up", "answer the offer", ""]
    next_actions(apps, DAY0 + timedelta(days=5))
    assert apps[0].next_action == ""


def test_alerts_and_outreach_from_an_applications_sender_stay_out_unless_in_its_thread() -> None:
    board = {"from_addr": "jobs@hirelane.example", "company": "Hirelane", "label": "other"}
    sent = mail(1, kind="acknowledgement", role="Data Analyst", **board)
    alert = mail(2, kind="job_alert", role="Data Analyst", **board)
    pitch = mail(3, kind="outreach", **board)
    reply = mail(4, kind="outreach", references=(sent.message_id,), **board)
    [app] = group([sent, alert, pitch, reply])
    assert app.message_ids == [sent.message_id, reply.message_id]


def test_a_board_passing_mail_on_is_no_key_of_the_employers_application() -> None:
    board = {"from_addr": "jobs@linklane.example", "from_name": "LinkLane"}
    assert company_keys(mail(1, company="Lumen & Hart", **board)) == ["lumen hart"]
    assert company_keys(mail(2, company="", **board)) == ["linklane"]  # no employer named
    careers = mail(3, from_addr="jobs@linklane.example", from_name="Lumen & Hart Careers")
    assert company_keys(careers)[0] == "lumen hart"  # its own display name leads
