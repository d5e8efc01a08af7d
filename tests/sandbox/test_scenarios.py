"""The scenario engine: a scripted surge grows as defined and stops at its end."""

from datetime import UTC, datetime, timedelta

import pytest

from warta.sandbox.models import Post, RunState, ScenarioRun
from warta.sandbox.scenarios import (
    BUILT_IN,
    expected_between,
    growth_factor,
    scenario_list,
    scenario_start,
    scenario_stop,
    scenario_tick,
)
from warta.sandbox.services import SandboxError
from warta.sandbox.simulation import world_seed

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def test_growth_is_read_from_text_or_number():
    assert growth_factor({"growth": "x3 per hour"}) == 3.0
    assert growth_factor({"growth": "x2,5 per jam"}) == 2.5
    assert growth_factor({"growth": 1.5}) == 1.5
    assert expected_between({"initial_per_hour": 10, "growth": 3}, 1, 2) == pytest.approx(
        3 * expected_between({"initial_per_hour": 10, "growth": 3}, 0, 1))


def test_four_ready_scenarios_are_listed(db):
    assert {s.slug for s in scenario_list()} == {d["slug"] for d in BUILT_IN}
    assert len(BUILT_IN) == 4


def test_events_per_hour_triple(db):
    world_seed(citizens=50, now=T0 - timedelta(days=1))
    run = scenario_start(slug="jembatan-putus-cibinong", now=T0)
    per_hour = []
    for hour in range(1, 4):
        before = Post.objects.filter(scenario_run=run).count()
        for minute in range(5, 61, 5):  # ticks of 5 minutes
            scenario_tick(run, now=T0 + timedelta(hours=hour - 1, minutes=minute))
        per_hour.append(Post.objects.filter(scenario_run=run).count() + run.articles.count() - before)
    assert per_hour[0] >= 15
    assert 2.7 <= per_hour[1] / per_hour[0] <= 3.3
    assert 2.7 <= per_hour[2] / per_hour[1] <= 3.3
    texts = Post.objects.filter(scenario_run=run).values_list("text", flat=True)
    assert all("Cibinong" in t or "{" not in t for t in texts)
    assert any("@humasbogorkab" in t for t in texts)


def test_a_scenario_finishes_after_its_duration(db):
    world_seed(citizens=10)
    run = scenario_start(slug="pujian-viral-puskesmas", now=T0)
    scenario_tick(run, now=T0 + timedelta(hours=9))
    run.refresh_from_db()
    assert run.state == RunState.FINISHED
    assert run.stopped_at == T0 + timedelta(hours=4)


def test_start_twice_is_refused_and_stop_works(db):
    scenario_start(slug="banjir-bogor", now=T0)
    with pytest.raises(SandboxError) as error:
        scenario_start(slug="banjir-bogor", now=T0)
    assert error.value.message == "Skenario ini sedang berjalan."
    assert ScenarioRun.objects.count() == 1
    assert scenario_stop(slug="banjir-bogor").state == RunState.STOPPED
    with pytest.raises(SandboxError):
        scenario_stop(slug="banjir-bogor")
    with pytest.raises(SandboxError):
        scenario_start(slug="tidak-ada")
