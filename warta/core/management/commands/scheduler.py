import logging
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from warta.core.periodic import periodic_jobs, scheduler_name, scheduler_tick

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Jalankan penjadwal: antrekan tugas berkala tepat sekali per slot waktu (aman dijalankan ganda)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Tick once and exit.")
        parser.add_argument("--tick", type=float, default=None, help="Seconds between ticks.")

    def handle(self, *args, once: bool = False, tick: float | None = None, **options):
        tick = tick or settings.SCHEDULER_TICK_SECONDS
        name = scheduler_name()
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"Penjadwal {name}: {len(periodic_jobs())} tugas berkala, tiap {tick:g} detik.")
        while not stopping:
            try:
                enqueued = scheduler_tick(name=name)
                if enqueued:
                    logger.info("Enqueued %s", ", ".join(enqueued))
            except Exception:
                logger.exception("Scheduler tick failed; trying again next tick")
            if once:
                break
            close_old_connections()  # do not hold a stale connection while sleeping
            deadline = time.monotonic() + tick
            while not stopping and time.monotonic() < deadline:
                time.sleep(0.2)
        self.stdout.write("Penjadwal berhenti.")
