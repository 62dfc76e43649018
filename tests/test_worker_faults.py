"""A small fault run on real processes: workers SIGKILLed and PostgreSQL restarted mid-run.

500 messages over 8 mailboxes, 2 `gracemail worker` processes, 3 SIGKILLs (each worker is
started again), one `pg_ctl restart`; some replies approved as the web does it. Nothing may be
lost, labelled, drafted or sent twice, and no worker may die of the restart.
bench/bench_faults.py runs the same with 20,000 messages.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from classifier.model import Classifier
from tests.conftest import corpus_messages
from tests.faults import FaultRun, Plan
from tests.smtp_faults import wait_for


def test_kills_and_a_postgres_restart_lose_nothing_and_do_nothing_twice(
    classifier: Classifier, tmp_path: Path
) -> None:
    plan = Plan(
        mailboxes=8, messages=500, workers=2, kills=3, postgres_restarts=1, rate=100, timeout=120
    )
    run = FaultRun(plan, Path(os.environ["GRACEMAIL_MODEL_PATH"]), corpus_messages(200), tmp_path)
    run.say = print  # shown with -s, and in the report of a failure
    try:
        run.start()
        report = run.run()
    finally:
        run.stop()
    print("\n".join(report.lines()))
    assert report.delivered == plan.messages
    assert report.kills == plan.kills and report.postgres_restarts == 1
    assert report.worker_exits == []  # none died of the restart on its own
    assert report.stored == plan.messages and report.lost == 0
    assert report.stored_twice == report.keyword_twice == report.drafted_twice == 0
    assert report.keyword_wrong == 0  # every actionable message keyworded as stored
    assert report.approved > 0 and report.sent > 0
    assert report.sent_twice == 0
    # every approved draft went out, or a kill left it in doubt or failed before DATA
    assert report.sent + report.in_doubt + report.failed == report.approved


def test_a_worker_outlives_its_database_being_down_and_carries_on(
    classifier: Classifier, tmp_path: Path
) -> None:
    """The database stops for longer than a heartbeat: the worker keeps running and catches up."""
    plan = Plan(mailboxes=2, messages=0, workers=1, kills=0, postgres_restarts=0)
    run = FaultRun(plan, Path(os.environ["GRACEMAIL_MODEL_PATH"]), corpus_messages(20), tmp_path)
    try:
        run.start()
        run.deliver(range(0, 10))
        wait_for(lambda: run.stored() == 10, timeout=90)
        run.pg.halt()
        time.sleep(3 * plan.lease_seconds)  # heartbeats and syncs fail meanwhile
        assert run.workers[0].poll() is None
        run.deliver(range(10, 20))  # arrives while the database is down
        run.pg.resume()
        wait_for(lambda: run._retrying(run.stored) == 20, timeout=90)
        worker = run.workers[0]
        assert worker.poll() is None  # the same process, never restarted
    finally:
        run.stop()
    log = (tmp_path / "worker1.log").read_text()
    assert "heartbeat failed" in log  # the outage was met by a heartbeat, not only by syncs
