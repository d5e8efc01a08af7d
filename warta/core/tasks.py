"""Core background tasks: worker heartbeats per queue and housekeeping."""

import os
import socket
from datetime import timedelta

from django.conf import settings
from django_tasks import task

from warta.core.models import Heartbeat
from warta.core.periodic import heartbeat_record, periodic_prune, periodic_register


@task()
def heartbeat_task(queue_name: str) -> str:
    """Record that a worker of ``queue_name`` ran a task just now."""
    name = f"{queue_name}@{socket.gethostname()}:{os.getpid()}"
    heartbeat_record(kind=Heartbeat.KIND_WORKER, name=name, detail={"queue": queue_name})
    return name


@task()
def periodic_prune_task() -> int:
    """Forget old periodic-slot claims."""
    return periodic_prune()


for _queue in settings.TASK_QUEUES:
    periodic_register(
        name=f"core.heartbeat.{_queue}", every=timedelta(seconds=30), task=heartbeat_task,
        queue_name=_queue, args=(_queue,),
    )
periodic_register(name="core.periodic_prune", every=timedelta(hours=1), task=periodic_prune_task)
