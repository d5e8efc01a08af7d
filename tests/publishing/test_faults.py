"""Faults: the exactly-once promise under a killed worker, a flaky platform and racing workers.

The SIGKILL tests need a database two processes share, so each runs a *scenario* in a fresh
process (``python -m tests.publishing.test_faults scenario …``) on its own SQLite file: it
builds the schema from the models, starts a fake platform (the sandbox API, counting every
POST it receives and NOT de-duplicating by idempotency key, so a double send would show),
schedules a post, and starts a real worker process (``… worker <id>``) running
``publisher.publish_one``. The scenario kills that worker with SIGKILL at the chosen moment,
runs recovery and reconciliation as the scheduler would after the lease, and reports what the
platform received as JSON. The other tests run in-process against pytest-httpserver.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DROP_ENV = ("DATABASE_URL", "REDIS_URL", "WARTA_SQLITE_PATH", "WARTA_SQLITE_TEST_PATH", "DJANGO_SETTINGS_MODULE",
            "WARTA_TASKS_EAGER")


# --- the in-process tests -----------------------------------------------------------------------


def test_5xx_then_429_then_success_publishes_once(tree, editor, platform):
    from tests.publishing.test_engine_support import TEXT, make_account, make_post
    from warta.publishing import dispatch, publisher
    from warta.publishing.models import PostState, Publication, PublicationState
    from warta.publishing.schedule import post_schedule

    post = make_post(tree.kab, author=editor)
    post_schedule(actor=editor, post=post, when=_soon(), accounts=[make_account(tree.kab)])
    publication = Publication.objects.get()
    Publication.objects.filter(pk=publication.pk).update(due_at=_soon(-1))
    platform.script = [("status", 503), ("status", 429, {"Retry-After": "7"})]
    outcomes = []
    for _attempt in range(3):
        dispatch.publications_dispatch(enqueue=lambda ids: None)
        outcomes.append(publisher.publish_one(publication.pk))
        publication.refresh_from_db()
        if outcomes[-1] == PublicationState.PENDING:
            wait = publication.next_attempt_at - publication.updated_at
            if len(outcomes) == 2:
                assert timedelta(seconds=6) <= wait <= timedelta(seconds=8)  # the platform's Retry-After
            Publication.objects.filter(pk=publication.pk).update(next_attempt_at=None)  # time passes
    assert outcomes == ["pending", "pending", "published"]
    assert len(platform.received) == 3  # 503, 429, then the one that took
    assert [p["text"] for p in platform.posts] == [TEXT]  # published exactly once
    assert platform.fetches == 1  # after the ambiguous 503 Warta looked before sending again
    publication.refresh_from_db()
    assert (publication.state, publication.attempts, publication.external_id) == ("published", 3, "1000")
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED


def test_two_workers_racing_in_process_publish_once(tree, editor, platform):
    """Both workers read the row as pending; only the first claim matches the UPDATE."""
    from tests.publishing.test_engine_support import make_account, make_post
    from warta.publishing import publisher
    from warta.publishing.fingerprint import fingerprint
    from warta.publishing.models import Publication
    from warta.publishing.schedule import post_publish_now

    post = make_post(tree.kab, author=editor)
    post_publish_now(actor=editor, post=post, accounts=[make_account(tree.kab)])  # on_commit not run: queued
    row_a = Publication.objects.get()
    row_b = Publication.objects.get()  # the second worker's stale read
    claim_a = publisher._claim(row_a, fingerprint("x"))
    assert publisher._claim(row_b, fingerprint("x")) is None
    assert claim_a is not None
    assert platform.received == []


# --- the multi-process scenarios ----------------------------------------------------------------


def _soon(minutes: float = 5):
    from django.utils import timezone

    return timezone.now() + timedelta(minutes=minutes)


def run_scenario(case: str, tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in DROP_ENV}
    env.update(WARTA_TESTING="1", WARTA_DATA_DIR=str(tmp_path), WARTA_SQLITE_PATH=str(tmp_path / "faults.sqlite3"),
               DJANGO_SETTINGS_MODULE="warta.settings", WARTA_TASKS_EAGER="1", WARTA_LOG_LEVEL="WARNING")
    out = tmp_path / "result.json"
    proc = subprocess.run([sys.executable, "-m", "tests.publishing.test_faults", "scenario", case, str(out)],
                          cwd=ROOT, env=env, timeout=240, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(out.read_text())


def test_worker_killed_before_the_platform_received_it_is_sent_once(tmp_path):
    result = run_scenario("before", tmp_path)
    assert result["killed_with"] == "SIGKILL"
    assert result["state_after_kill"] == "claimed"
    assert result["received_before_recovery"] == 0
    assert result["recovery"]["expired"] == 1
    assert result["recovery"]["pending"] == 1  # not found on the platform: resent
    assert result["received"] == 1  # exactly once
    assert result["created"] == 1
    assert result["publication"]["state"] == "published"
    assert result["publication"]["external_id"] == result["platform_ids"][0]
    assert result["post_state"] == "published"
    assert "publication.uncertain" in result["audit"]
    assert "publication.resend" in result["audit"]


def test_worker_killed_after_the_platform_received_it_is_not_sent_again(tmp_path):
    result = run_scenario("after", tmp_path)
    assert result["killed_with"] == "SIGKILL"
    assert result["state_after_kill"] == "claimed"
    assert result["received_before_recovery"] == 1
    assert result["recovery"]["expired"] == 1
    assert result["recovery"]["published"] == 1  # found by its fingerprint: reconciled
    assert result["received"] == 1  # never sent again
    assert result["created"] == 1
    assert result["publication"]["state"] == "published"
    assert result["publication"]["external_id"] == result["platform_ids"][0]
    assert result["post_state"] == "published"
    assert "publication.reconciled" in result["audit"]


def test_worker_killed_before_its_group_was_recorded_sends_nothing_again(tmp_path):
    # Three posts of one account sent by one batch; the worker dies after the platform got all
    # three and before their group record (ADR 0022, group commit).
    result = run_scenario("group", tmp_path)
    assert result["killed_with"] == "SIGKILL"
    assert result["states_after_kill"] == ["claimed", "claimed", "claimed"]
    assert result["received_before_recovery"] == 3
    assert result["recovery"]["expired"] == 3
    assert result["recovery"]["published"] == 3  # each found by its fingerprint
    assert result["received"] == 3  # none sent again
    assert result["created"] == 3
    assert result["states"] == ["published", "published", "published"]
    assert sorted(result["external_ids"]) == sorted(result["platform_ids"])  # each its own post
    assert result["post_states"] == ["published", "published", "published"]
    assert result["audit"].count("publication.reconciled") == 3


def test_two_worker_processes_racing_publish_once(tmp_path):
    result = run_scenario("race", tmp_path)
    assert sorted(result["worker_outcomes"]) == ["published", "skipped"]
    assert result["received"] == 1
    assert result["created"] == 1
    assert result["publication"]["state"] == "published"


# --- what the subprocesses run ------------------------------------------------------------------


class _NoMigrations:
    """Build the schema from the models (as pytest's --nomigrations does)."""

    def __contains__(self, item):
        return True

    def __getitem__(self, item):
        return None


def _django(*, build: bool = False) -> None:
    import django

    django.setup()
    if build:
        from django.conf import settings
        from django.core.management import call_command

        settings.MIGRATION_MODULES = _NoMigrations()
        call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)


def _worker(publication_ids: list[int], hold: str, go_file: str) -> None:
    _django()
    if hold == "group":
        from warta.publishing import publisher

        def stuck(items, **kw):  # all sent, about to record the group: the process dies here
            Path(go_file + ".recording").touch()
            time.sleep(120)

        publisher.record_published_many = stuck
    if hold == "before":
        from warta.channels.connectors.sandbox.connector import SandboxConnector

        def stuck(self, post):  # claimed, about to send: the process dies here
            Path(go_file + ".sending").touch()
            time.sleep(120)

        SandboxConnector.publish = stuck
    deadline = time.monotonic() + 60
    while not Path(go_file).exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    from warta.publishing.publisher import publish_batch, publish_one

    if hold == "group":
        print(publish_batch(publication_ids, group=len(publication_ids)), flush=True)
    else:
        print(publish_one(publication_ids[0]), flush=True)


def _wait(predicate, timeout_s: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def _scenario(case: str, out: str) -> None:
    import threading

    _django(build=True)
    from django.utils import timezone
    from pytest_httpserver import HTTPServer

    from tests.factories import make_member, make_unit
    from tests.publishing.test_engine_support import FakePlatform, make_account, make_post
    from warta.core.models import AuditEvent
    from warta.organisations.models import UnitKind
    from warta.organisations.roles import Role
    from warta.publishing import dispatch, reconcile
    from warta.publishing.models import Publication
    from warta.publishing.schedule import post_schedule

    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        fake = FakePlatform().install(server)
        if case == "after":
            fake.release = threading.Event()
        unit = make_unit("Kabupaten Bogor", kind=UnitKind.KABUPATEN)
        editor = make_member(unit, Role.EDITOR, email="editor@bogorkab.go.id")
        account = make_account(unit)
        posts = [make_post(unit, author=editor, text=f"Layanan KTP keliling hari ke-{i}", title=f"Pos {i}")
                 for i in range(3 if case == "group" else 1)]
        for post in posts:
            post_schedule(actor=editor, post=post, when=timezone.now() + timedelta(minutes=1), accounts=[account])
        post = posts[0]
        Publication.objects.update(due_at=timezone.now() - timedelta(seconds=1))
        publications = list(Publication.objects.order_by("pk"))
        publication = publications[0]
        handed: list[int] = []
        dispatch.publications_dispatch(enqueue=handed.extend)
        assert sorted(handed) == [p.pk for p in publications]
        ids = ",".join(str(p.pk) for p in publications)

        go = str(Path(out).with_suffix(".go"))
        workers = 2 if case == "race" else 1
        procs = [subprocess.Popen([sys.executable, "-m", "tests.publishing.test_faults", "worker", ids,
                                   case, go], cwd=ROOT, env=os.environ.copy(), stdout=subprocess.PIPE, text=True)
                 for _ in range(workers)]
        time.sleep(0.2)
        Path(go).touch()
        result: dict = {}
        if case == "race":
            outcomes = [p.communicate(timeout=120)[0].strip().splitlines()[-1] for p in procs]
            result["worker_outcomes"] = outcomes
        else:
            [proc] = procs
            if case == "before":
                arrived = _wait(lambda: Path(go + ".sending").exists())
            elif case == "group":
                arrived = _wait(lambda: Path(go + ".recording").exists())
            else:
                arrived = _wait(fake.arrived.is_set)
            assert arrived, "the worker never reached the platform call"
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            assert proc.returncode == -signal.SIGKILL
            result["killed_with"] = "SIGKILL"
            if fake.release is not None:
                fake.release.set()
            publication.refresh_from_db()
            result["state_after_kill"] = publication.state
            result["states_after_kill"] = list(Publication.objects.order_by("pk").values_list("state", flat=True))
            result["received_before_recovery"] = len(fake.received)
            # The scheduler's recovery job, once the lease has passed.
            result["recovery"] = reconcile.publications_recover(now=timezone.now() + reconcile.lease()
                                                                + timedelta(seconds=1))
        publication.refresh_from_db()
        post.refresh_from_db()
        result.update(
            received=len(fake.received), created=len(fake.posts), platform_ids=[p["id"] for p in fake.posts],
            publication={"state": publication.state, "external_id": publication.external_id,
                         "attempts": publication.attempts},
            post_state=post.state,
            states=list(Publication.objects.order_by("pk").values_list("state", flat=True)),
            external_ids=list(Publication.objects.order_by("pk").values_list("external_id", flat=True)),
            post_states=[type(post).objects.get(pk=p.pk).state for p in posts],
            audit=list(AuditEvent.objects.order_by("seq").values_list("action", flat=True)),
        )
        Path(out).write_text(json.dumps(result))
    finally:
        server.clear()
        if server.is_running():
            server.stop()


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "scenario":
        _scenario(sys.argv[2], sys.argv[3])
    elif command == "worker":
        _worker([int(pk) for pk in sys.argv[2].split(",")], sys.argv[3], sys.argv[4])
    else:
        raise SystemExit(f"unknown command {command}")
    sys.stdout.flush()
    os._exit(0)  # the fake platform's threads may still wait for a killed client


@pytest.fixture
def platform(httpserver, db):
    from tests.publishing.test_engine_support import FakePlatform

    return FakePlatform().install(httpserver)
