from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Jalankan pekerja latar (worker) untuk antrean Warta dengan backend tugas yang dikonfigurasi."

    def add_arguments(self, parser):
        parser.add_argument("--queues", default=",".join(settings.TASK_QUEUES),
                            help="Comma-separated queues (default: all).")
        parser.add_argument("--worker-class", default=settings.WARTA_RQ_WORKER_CLASS,
                            help="RQ worker class (default: RQ's non-forking SimpleWorker; "
                                 "'rq.worker.Worker' forks a process per job).")

    def handle(self, *args, queues: str, worker_class: str = "", **options):
        names = [q.strip() for q in queues.split(",") if q.strip()]
        backend = settings.TASKS["default"]["BACKEND"]
        if backend.startswith("django_tasks_rq"):
            # RQ's own worker (django-rq), with the Job class django-tasks-rq needs.
            # SimpleWorker runs jobs in this process: Warta's jobs are short, and a fork per job
            # (with new database and Redis connections) cost five times the job itself (ADR 0022).
            extra = {"worker_class": worker_class} if worker_class else {}
            call_command("rqworker", *names, job_class="django_tasks_rq.Job", **extra)
            return
        call_command("db_worker", queue_name=",".join(names), reload=False)
