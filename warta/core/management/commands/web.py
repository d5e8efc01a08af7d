import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Jalankan server web produksi (gunicorn) di WARTA_HOST:WARTA_PORT (bawaan 127.0.0.1:8000)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=None)
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WARTA_WEB_WORKERS", 2)))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WARTA_WEB_THREADS", 4)))

    def handle(self, *args, bind=None, workers=2, threads=4, **options):
        bind = bind or f"{os.environ.get('WARTA_HOST', '127.0.0.1')}:{os.environ.get('WARTA_PORT', '8000')}"
        gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
        argv = [
            gunicorn, "warta.wsgi:application", "--bind", bind, "--workers", str(workers),
            "--threads", str(threads), "--worker-class", "gthread", "--access-logfile", "-",
            "--graceful-timeout", "10", "--timeout", "60",
        ]
        if settings.DEBUG:
            argv.append("--reload")
        os.execv(gunicorn, argv)  # noqa: S606  (replace this process with the web server)
