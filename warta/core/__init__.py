"""Core: base models, the audit trail, request context, time and id helpers, tasks and the scheduler.

- ``models.py``: the audit chain, heartbeats, periodic-job runs.
- ``audit.py``: writing and verifying the hash-chained audit trail.
- ``context.py`` / ``middleware.py``: who is acting from which address, for services.
- ``periodic.py``: the registry of periodic jobs and the locked scheduler tick.
- ``health.py``: database, worker and scheduler heartbeats and queue depths.
"""
