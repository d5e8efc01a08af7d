"""The sandbox's background work: one tick a minute of the simulation and the running scenarios."""

from datetime import timedelta

from django_tasks import task

from warta.core.periodic import periodic_register


@task()
def sandbox_tick_task() -> int:
    """Advance the simulation (when it is on) and every running scenario to now."""
    from warta.sandbox.scenarios import scenarios_tick
    from warta.sandbox.simulation import simulation_run_due

    return simulation_run_due().events + scenarios_tick()


periodic_register(name="sandbox.tick", every=timedelta(minutes=1), task=sandbox_tick_task)
