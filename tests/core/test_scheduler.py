from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from warta.core.health import health_report
from warta.core.models import Heartbeat, PeriodicRun
from warta.core.periodic import periodic_jobs, scheduler_tick, slot_for


def test_slots_align_to_the_period():
    now = datetime(2026, 11, 23, 10, 0, 47, tzinfo=UTC)
    assert slot_for(now, timedelta(seconds=30)) == datetime(2026, 11, 23, 10, 0, 30, tzinfo=UTC)
    assert slot_for(now, timedelta(hours=1)) == datetime(2026, 11, 23, 10, 0, 0, tzinfo=UTC)


def test_two_schedulers_never_enqueue_the_same_slot_twice(db):
    now = datetime(2026, 11, 23, 10, 0, 5, tzinfo=UTC)
    first = scheduler_tick(now=now, name="a")
    second = scheduler_tick(now=now + timedelta(seconds=1), name="b")
    assert set(first) == {job.name for job in periodic_jobs()}
    assert second == []
    assert PeriodicRun.objects.filter(job="core.heartbeat.default").count() == 1
    third = scheduler_tick(now=now + timedelta(seconds=31), name="b")
    assert "core.heartbeat.default" in third
    assert "core.periodic_prune" not in third  # hourly: still the same slot


def test_tick_runs_worker_heartbeats_and_health_sees_them(db):
    # Tests run tasks eagerly, so the heartbeat tasks run as they are enqueued.
    scheduler_tick(name="uji")
    report = health_report()
    assert report.database_ok
    assert report.scheduler_ok
    assert all(q.worker_ok for q in report.queues)
    assert Heartbeat.objects.filter(kind="worker").count() >= 1


def test_health_without_heartbeats_is_not_ok(db):
    report = health_report()
    assert not report.scheduler_ok
    assert not report.ok


def test_status_command_exit_codes(db, capsys):
    with pytest.raises(SystemExit) as exc:
        call_command("status")
    assert exc.value.code == 1
    scheduler_tick(name="uji")
    call_command("status")
    assert "Penjadwal" in capsys.readouterr().out


def test_scheduler_command_once(db):
    call_command("scheduler", "--once")
    assert Heartbeat.objects.filter(kind="scheduler").exists()


def test_health_page(viewer_client):
    response = viewer_client.get(reverse("shell:health"))
    assert response.status_code == 200
    assert "Penjadwal" in response.content.decode()
