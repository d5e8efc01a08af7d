from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Jalankan pekerja latar (worker) untuk antrean Warta dengan backend tugas yang dikonfigurasi."

    def add_arguments(self, parser):
        parser.add_argument("--queues", default=",".join(settings.TASK_QUEUES),
                            help="Comma-separated queues (default: all).")

    def handle(self, *args, queues: str, **options):
        names = [q.strip() for q in queues.split(",") if q.strip()]
        backend = settings.TASKS["default"]["BACKEND"]
        if backend.startswith("django_tasks_rq"):
            # RQ's own worker (django-rq), with the Job class django-tasks-rq needs.
            call_command("rqworker", *names, job_class="django_tasks_rq.Job")
            return
        call_command("db_worker", queue_name=",".join(names), reload=False)
