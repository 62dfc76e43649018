"""The search behind All mail and GET /v1/messages, on SQLite (FTS5) and on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from service.store import Store
from service.store.tables import MessageRow

MESSAGES = [
    ("<1@a>", "offer", "outcome", "Offer of Employment: Claims Analyst II", "Dana Müller", "Acme"),
    ("<2@a>", "other", "interview", "Interview invitation", "Jo Berg", "Quillfeather"),
    ("<3@a>", "hard_no", "outcome", "Your application", "Sam Lee", "Acme Robotics"),
]


@pytest.fixture
def filled(store: Store) -> Store:
    """Return a store holding three messages of different labels and kinds."""
    store.messages.add_many(
        [
            (
                MessageRow(
                    message_id=mid,
                    label=label,
                    kind=kind,
                    subject=subject,
                    from_name=name,
                    company=company,
                    text=f"Hello from {company}. Role: analyst." if label == "hard_no" else "",
                ),
                [],
            )
            for mid, label, kind, subject, name, company in MESSAGES
        ]
    )
    return store


@pytest.mark.parametrize(
    ("label", "kind", "query", "found"),
    [
        ("", "", "", ["<3@a>", "<2@a>", "<1@a>"]),
        ("", "", "claims analy", ["<1@a>"]),  # every word, each as a prefix
        ("", "", "analyst", ["<3@a>", "<1@a>"]),  # subject or text
        ("", "", "acme", ["<3@a>", "<1@a>"]),  # company
        ("", "", "berg", ["<2@a>"]),  # sender
        ("", "", '"quill*', ["<2@a>"]),  # quotes and stars are not FTS5 syntax here
        ("", "", "berg OR acme", []),  # nor is OR: a word, which no message holds
        ("other", "", "", ["<2@a>"]),
        ("", "outcome", "acme", ["<3@a>", "<1@a>"]),
        ("hard_no", "", "claims", []),
        ("", "", "nowhere", []),
    ],
)
def test_find_by_label_kind_and_words(
    filled: Store, label: str, kind: str, query: str, found: list[str]
) -> None:
    rows = filled.messages.find(label, kind, query)
    assert [r.message_id for r in rows] == found


def test_a_relabel_and_a_changed_subject_are_searched_as_they_are_now(filled: Store) -> None:
    pk = filled.messages.find(query="berg")[0].id
    filled.drafts.relabel(pk, "offer", [])
    assert [r.id for r in filled.messages.find("offer", "", "berg")] == [pk]
    assert filled.messages.find("other", "", "berg") == []
    with filled.db.session() as s:  # the FTS5 triggers follow an UPDATE of a searched column
        s.execute(update(MessageRow).where(MessageRow.id == pk).values(subject="Second round"))
    assert [r.id for r in filled.messages.find(query="second round")] == [pk]
    assert filled.messages.find(query="invitation") == []
