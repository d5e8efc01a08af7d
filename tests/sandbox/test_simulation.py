"""The simulation driver: deterministic for a seed, quiet at night, alive in the day."""

from datetime import UTC, datetime, timedelta

from warta.sandbox import corpus
from warta.sandbox.models import (
    DirectMessage,
    Mention,
    NewsArticle,
    Post,
    SandboxAccount,
    SimulationState,
)
from warta.sandbox.simulation import (
    World,
    expected_events,
    rhythm,
    simulation_plan,
    simulation_run_due,
    simulation_tick,
    world_seed,
)

MONDAY_MORNING = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 08:00 WIB
MONDAY_NIGHT = datetime(2026, 3, 1, 19, 0, tzinfo=UTC)  # 02:00 WIB
SATURDAY_MORNING = datetime(2026, 3, 7, 1, 0, tzinfo=UTC)

WORLD = World(officials=((1, "humasbogorkab"), (2, "kotabogor")), citizens=tuple(range(10, 60)), portals=(5,),
              official_posts=(100, 101), comments=(200,))


def test_the_corpus_has_real_indonesian_sentences_by_sentiment_and_bogor_kecamatan():
    groups = corpus.sentences()
    assert {k: len(v) for k, v in groups.items()} == {"positive": 1500, "negative": 1500, "neutral": 700}
    names = [name for name, _regency in corpus.kecamatan()]
    assert "Cibinong" in names
    assert "Bogor Tengah" in names
    assert len(names) == 46


def test_the_same_seed_plans_the_same_events():
    first = simulation_plan(WORLD, now=MONDAY_MORNING, seconds=3600, seed=7)
    second = simulation_plan(WORLD, now=MONDAY_MORNING, seconds=3600, seed=7)
    other = simulation_plan(WORLD, now=MONDAY_MORNING, seconds=3600, seed=8)
    assert first == second
    assert first != other
    assert len(first) > 100


def test_nights_are_quieter_than_days_and_weekends_differ():
    assert rhythm(MONDAY_NIGHT) < rhythm(MONDAY_MORNING) / 5
    assert rhythm(SATURDAY_MORNING) != rhythm(MONDAY_MORNING)
    night = len(simulation_plan(WORLD, now=MONDAY_NIGHT, seconds=3600, seed=1))
    day = len(simulation_plan(WORLD, now=MONDAY_MORNING, seconds=3600, seed=1))
    assert night * 5 < day
    a_week = sum(expected_events(MONDAY_NIGHT + timedelta(hours=h), 3600) for h in range(24 * 7))
    assert 0.8 * 120 * 24 * 7 < a_week < 1.1 * 120 * 24 * 7  # the rhythm averages about the base rate


def test_a_tick_writes_the_planned_events_into_the_platform(db):
    world_seed(citizens=30, now=MONDAY_MORNING - timedelta(days=1))
    assert SandboxAccount.objects.count() == 4 + 3 + 2 + 30
    assert world_seed(citizens=30) == {"citizen": 0}  # idempotent
    report = simulation_tick(MONDAY_MORNING, 3600, seed=3)
    planned = simulation_plan(World.load(), now=MONDAY_MORNING, seconds=3600, seed=3)
    assert report.events > 100
    assert len(planned) > 100
    assert Post.objects.count() + DirectMessage.objects.count() + NewsArticle.objects.count() > 50
    assert Mention.objects.filter(account__kind="official").exists()
    assert Post.objects.filter(created_at__lt=MONDAY_MORNING - timedelta(hours=1)).count() == 0
    assert SimulationState.objects.get().events_total == report.events


def test_followers_grow_with_engagement(db):
    world_seed(citizens=40, now=MONDAY_MORNING - timedelta(days=3))
    before = dict(SandboxAccount.objects.filter(kind="official").values_list("handle", "followers_count"))
    for hour in range(3):
        simulation_tick(MONDAY_MORNING + timedelta(hours=hour), 3600, seed=5, rate_per_hour=300)
    after = dict(SandboxAccount.objects.filter(kind="official").values_list("handle", "followers_count"))
    assert sum(after.values()) > sum(before.values())


def test_the_periodic_tick_runs_only_when_the_simulation_is_on(db):
    world_seed(citizens=20)
    assert simulation_run_due(MONDAY_MORNING).events == 0
    SimulationState.objects.update_or_create(pk=1, defaults={"running": True,
                                                             "last_tick_at": MONDAY_MORNING - timedelta(minutes=30)})
    assert simulation_run_due(MONDAY_MORNING).events > 0
    assert SimulationState.objects.get().last_tick_at == MONDAY_MORNING


def test_the_tick_task_is_registered_every_minute_and_runs(db):
    from warta.core.periodic import periodic_jobs
    from warta.sandbox.tasks import sandbox_tick_task

    job = {j.name: j for j in periodic_jobs()}["sandbox.tick"]
    assert job.every == timedelta(minutes=1)
    assert job.task is sandbox_tick_task
    world_seed(citizens=10)
    SimulationState.objects.update_or_create(pk=1, defaults={"running": True})
    assert sandbox_tick_task.call() >= 0
    assert SimulationState.objects.get().last_tick_at is not None
