"""``warta sandbox``: simulate in the foreground, start and stop scenarios."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from warta.sandbox.models import Post, RunState, ScenarioRun
from warta.sandbox.simulation import world_seed


def test_simulate_fast_generates_events(db):
    world_seed(citizens=20)
    out = StringIO()
    call_command("sandbox", "simulate", "--minutes", "30", "--rate", "20", "--fast", stdout=out)
    assert "kejadian dibuat untuk 30 menit" in out.getvalue()
    assert Post.objects.count() > 0


def test_scenario_start_and_stop(db):
    call_command("sandbox", "scenario", "start", "hoaks-bansos", stdout=StringIO())
    assert ScenarioRun.objects.get().state == RunState.RUNNING
    call_command("sandbox", "scenario", "stop", "hoaks-bansos", stdout=StringIO())
    assert ScenarioRun.objects.get().state == RunState.STOPPED
    with pytest.raises(CommandError, match="Skenario tidak ditemukan."):
        call_command("sandbox", "scenario", "start", "tidak-ada", stdout=StringIO())
    assert ScenarioRun.objects.count() == 1
