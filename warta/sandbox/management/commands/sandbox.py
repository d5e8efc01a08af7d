"""``warta sandbox``: run the sandbox platform's simulation and scenarios from the shell.

    warta sandbox seed [--citizens N] [--days D]
    warta sandbox simulate --minutes N [--rate R] [--fast]
    warta sandbox scenario list | start <slug> | stop <slug>
    warta sandbox token <handle> [--days D] [--admin]
"""

import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from warta.sandbox.models import SandboxAccount
from warta.sandbox.scenarios import scenario_list, scenario_start, scenario_stop, scenarios_tick
from warta.sandbox.services import SandboxError, token_issue
from warta.sandbox.simulation import BASE_PER_HOUR, history_seed, simulation_tick, world_seed


class Command(BaseCommand):
    help = "Jalankan simulasi dan skenario platform sandbox / run the sandbox simulation and scenarios."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        seed = sub.add_parser("seed", help="Create the standing accounts and some history.")
        seed.add_argument("--citizens", type=int, default=200)
        seed.add_argument("--days", type=int, default=0)
        sim = sub.add_parser("simulate", help="Run the simulation in the foreground.")
        sim.add_argument("--minutes", type=float, required=True)
        sim.add_argument("--rate", type=float, default=BASE_PER_HOUR / 60,
                         help="Events per minute in an average hour (default 2).")
        sim.add_argument("--tick", type=float, default=5.0, help="Seconds between ticks.")
        sim.add_argument("--fast", action="store_true", help="Generate the minutes at once, without waiting.")
        scenario = sub.add_parser("scenario", help="List, start or stop scenarios.")
        scenario.add_argument("verb", choices=["list", "start", "stop"])
        scenario.add_argument("slug", nargs="?")
        token = sub.add_parser("token", help="Issue an access token for a sandbox account (demo, drills).")
        token.add_argument("handle")
        token.add_argument("--days", type=int, default=30)
        token.add_argument("--admin", action="store_true", help="Allow the scenario API.")

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except SandboxError as error:
            raise CommandError(error.message) from None

    def _seed(self, *, citizens: int, days: int, **_):
        created = world_seed(citizens=citizens)
        events = history_seed(days=days) if days else 0
        self.stdout.write(f"Akun baru: {created}; kejadian riwayat: {events}.")

    def _simulate(self, *, minutes: float, rate: float, tick: float, fast: bool, **_):
        rate_per_hour = rate * 60
        total = 0
        if fast:
            end = timezone.now()
            t = end - timedelta(minutes=minutes)
            while t < end:
                step = min(60.0, (end - t).total_seconds())
                t += timedelta(seconds=step)
                total += simulation_tick(t, step, rate_per_hour=rate_per_hour, speed=1.0).events
            self.stdout.write(f"{total} kejadian dibuat untuk {minutes:g} menit.")
            return
        deadline = time.monotonic() + minutes * 60
        last = timezone.now()
        while time.monotonic() < deadline:
            time.sleep(min(tick, max(deadline - time.monotonic(), 0)))
            now = timezone.now()
            report = simulation_tick(now, (now - last).total_seconds(), rate_per_hour=rate_per_hour, speed=1.0)
            scenario_events = scenarios_tick(now=now)
            last = now
            total += report.events + scenario_events
            self.stdout.write(f"{now:%H:%M:%S} +{report.events + scenario_events} kejadian (total {total})")
        self.stdout.write(f"Selesai: {total} kejadian.")

    def _scenario(self, *, verb: str, slug: str | None, **_):
        if verb == "list":
            for scenario in scenario_list():
                state = scenario.latest_run.state if scenario.latest_run else "-"
                self.stdout.write(f"{scenario.slug:28} {state:9} {scenario.name}")
            return
        if not slug:
            raise CommandError("Sebutkan slug skenario, mis. jembatan-putus-cibinong.")
        run = scenario_start(slug=slug) if verb == "start" else scenario_stop(slug=slug)
        self.stdout.write(f"{run.scenario.slug}: {run.get_state_display()}")

    def _token(self, *, handle: str, days: int, admin: bool, **_):
        account = SandboxAccount.objects.filter(handle=handle.lstrip("@").lower()).first()
        if account is None:
            raise CommandError("Akun sandbox tidak ditemukan.")
        tokens = token_issue(account=account, scope="publish read messages metrics" + (" admin" if admin else ""),
                             access_ttl=timedelta(days=days))
        self.stdout.write(tokens["access_token"])
