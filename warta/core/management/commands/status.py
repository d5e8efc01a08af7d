from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from warta.core.health import health_report


class Command(BaseCommand):
    help = "Tampilkan kesehatan Warta: basis data, penjadwal, pekerja, dan antrean. Keluar 1 bila ada yang bermasalah."

    def handle(self, *args, **options):
        report = health_report()
        now = timezone.now()

        def ago(moment):
            if moment is None:
                return _("belum pernah")
            return _("%(s)d detik lalu") % {"s": int((now - moment).total_seconds())}

        def mark(ok):
            return self.style.SUCCESS("OK ") if ok else self.style.ERROR("!! ")

        self.stdout.write(f"{mark(report.database_ok)}{_('Basis data')}: {report.database_vendor} {report.database_error}")
        self.stdout.write(f"    {_('Backend tugas')}: {report.task_backend}")
        self.stdout.write(f"{mark(report.scheduler_ok)}{_('Penjadwal')}: {ago(report.scheduler_seen_at)}")
        for q in report.queues:
            depth = _("tidak diketahui") if q.depth is None else str(q.depth)
            line = _("Antrean %(name)s: menunggu %(depth)s, pekerja %(seen)s") % {
                "name": q.name, "depth": depth, "seen": ago(q.worker_seen_at)}
            self.stdout.write(f"{mark(q.worker_ok)}{line}")
        if not report.ok:
            raise SystemExit(1)
