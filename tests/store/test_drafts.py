"""Draft versions: a save never overwrites an edit it did not see, and a re-draft keeps the edit."""

from __future__ import annotations

import threading
from datetime import date

from drafts.render import render_drafts
from service.ingest import Ingest
from service.store import DraftRow, Store
from service.store.drafts import Text
from service.store.rows import draft_row, incoming_of
from tests.test_sender import ingest_one, pending


def _draft(ingest: Ingest, store: Store) -> DraftRow:
    return pending(ingest_one(ingest, store, "hn-0002", "hard_no"), "hard_no")


def _edited(draft: DraftRow, body: str) -> Text:
    return Text(draft.to, draft.subject, body, draft.followup_date)


def test_a_save_bumps_the_version_and_keeps_the_text_it_replaced(
    ingest: Ingest, store: Store
) -> None:
    draft = _draft(ingest, store)
    assert draft.version == 1

    saved = store.drafts.save(draft.id, 1, _edited(draft, "Thanks. Edited once."))

    assert saved.outcome == "saved" and saved.draft is not None and saved.draft.version == 2
    [earlier] = store.drafts.versions_of([draft.id])[draft.id]
    assert (earlier.reason, earlier.version, earlier.body) == ("edit", 1, draft.body)
    again = store.drafts.save(draft.id, 2, _edited(draft, "Thanks. Edited once."))
    assert again.outcome == "unchanged" and again.draft is not None and again.draft.version == 2


def test_a_stale_form_is_refused_and_its_text_kept(ingest: Ingest, store: Store) -> None:
    draft = _draft(ingest, store)
    assert store.drafts.save(draft.id, 1, _edited(draft, "From tab one.")).outcome == "saved"

    stale = store.drafts.save(draft.id, 1, _edited(draft, "From tab two, opened earlier."))

    assert stale.outcome == "stale"
    assert stale.draft is not None and stale.draft.body == "From tab one."
    now = store.drafts.get(draft.id)
    assert now is not None and now.body == "From tab one." and now.version == 2
    versions = store.drafts.versions_of([draft.id])[draft.id]
    assert [(v.reason, v.body) for v in versions] == [
        ("conflict", "From tab two, opened earlier."),
        ("edit", draft.body),
    ]


def test_of_many_concurrent_saves_of_one_version_one_wins_and_none_is_lost(
    ingest: Ingest, store: Store
) -> None:
    draft = _draft(ingest, store)
    start = threading.Barrier(8)
    outcomes: list[str] = []

    def save(i: int) -> None:
        start.wait()
        outcomes.append(store.drafts.save(draft.id, 1, _edited(draft, f"tab {i}")).outcome)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["saved"] + ["stale"] * 7
    now = store.drafts.get(draft.id)
    assert now is not None and now.version == 2
    kept = {v.body for v in store.drafts.versions_of([draft.id])[draft.id]}
    assert kept | {now.body} == {draft.body} | {f"tab {i}" for i in range(8)}


def test_a_redraft_keeps_the_saved_edit_as_an_earlier_version_of_the_new_draft(
    ingest: Ingest, store: Store
) -> None:
    draft = _draft(ingest, store)
    store.drafts.save(draft.id, 1, _edited(draft, "My careful edit."))
    msg = store.messages.get_by_pk(draft.message_pk)
    assert msg is not None

    for label in ("hard_no", "offer"):  # the same label again, then another
        new = render_drafts(incoming_of(msg, label), ingest.profile, date.today())
        store.drafts.relabel(msg.id, label, [draft_row(d) for d in new])

    msg = store.messages.get_by_pk(draft.message_pk)
    assert msg is not None
    hard_no = [d for d in msg.drafts if d.kind == "hard_no"]
    assert [d.status for d in hard_no] == ["discarded", "discarded"]
    offer = [d for d in msg.drafts if d.status == "pending"]
    assert {d.kind for d in offer} == {"offer_accept", "offer_hold", "offer_decline"}
    earlier = store.drafts.versions_of([d.id for d in msg.drafts])
    [kept] = earlier[hard_no[1].id]  # the re-draft with the same label
    assert (kept.reason, kept.body) == ("redraft", "My careful edit.")
    # the second re-draft carried the edit on: no hard-no draft now, so the first new one holds it
    first = min(offer, key=lambda d: d.id)
    assert [(v.reason, v.body) for v in earlier[first.id]] == [("redraft", "My careful edit.")]
    assert all(not earlier[d.id] for d in offer if d is not first)


def test_an_edit_relabelled_to_other_and_back_is_still_there_to_restore(
    ingest: Ingest, store: Store
) -> None:
    draft = _draft(ingest, store)
    store.drafts.save(draft.id, 1, _edited(draft, "My careful edit."))
    msg = store.messages.get_by_pk(draft.message_pk)
    assert msg is not None

    store.drafts.relabel(msg.id, "other", [])  # `other` drafts nothing: no draft holds the edit
    for label in ("other", "hard_no"):  # `other` again parks nothing twice; then a draft again
        new = render_drafts(incoming_of(msg, label), ingest.profile, date.today())
        store.drafts.relabel(msg.id, label, [draft_row(d) for d in new])

    msg = store.messages.get_by_pk(draft.message_pk)
    assert msg is not None
    [now] = [d for d in msg.drafts if d.status == "pending"]
    earlier = store.drafts.versions_of([d.id for d in msg.drafts])
    assert [(v.reason, v.body) for v in earlier[now.id]] == [("redraft", "My careful edit.")]
    parked = [v for d in msg.drafts for v in earlier[d.id] if v.reason == "parked"]
    assert parked == []  # carried once, not again at the next relabel


def test_an_earlier_version_can_be_restored(ingest: Ingest, store: Store) -> None:
    draft = _draft(ingest, store)
    store.drafts.save(draft.id, 1, _edited(draft, "Second thoughts."))
    [original] = store.drafts.versions_of([draft.id])[draft.id]

    restored = store.drafts.save(draft.id, 2, Text.of(original))

    assert restored.outcome == "saved" and restored.draft is not None
    assert restored.draft.body == draft.body and restored.draft.version == 3
    bodies = [v.body for v in store.drafts.versions_of([draft.id])[draft.id]]
    assert bodies == ["Second thoughts.", draft.body]


def test_a_draft_on_its_way_is_locked(ingest: Ingest, store: Store) -> None:
    draft = _draft(ingest, store)
    assert store.drafts.move(draft.id, ("pending",), "approved")
    assert store.drafts.save(draft.id, 1, _edited(draft, "too late")).outcome == "locked"
