"""Scenario: 10,000 posts due in the same minute across 2,000 sandbox accounts, published on
PostgreSQL with RQ and 4 worker processes (ADR 0022).

Run by ``python -m bench`` (see :func:`bench_publishing`) or alone::

    python -m bench.publishing [--posts 10000] [--accounts 2000] [--workers 4]

It recreates the database ``warta_bench_publishing`` (``WARTA_BENCH_PUBLISHING_DATABASE_URL``
overrides it; the schema is built from the models, as the test suite does) and uses Redis database 13 (``WARTA_BENCH_REDIS_URL``), from which it removes
only the RQ keys and its own cache keys. A build process migrates and creates the world with
bulk inserts: 2,000 official sandbox accounts with tokens, a regency owning 2,000 Warta
accounts with those tokens, and 10,000 approved posts (one sandbox variant each, a distinct
text) scheduled for the same minute, one publication each. Then it starts the sandbox platform
(``warta web``: gunicorn, the sandbox API inside Warta, its access log kept) and 4 RQ workers
on the publishing queue (``warta rqworker`` with RQ's non-forking ``SimpleWorker``, see
``SIMPLE_WORKER``), runs the dispatcher once — what the scheduler's
``publishing.dispatch`` job does when the minute comes — and waits until every publication is
settled.

Figures: ``publish_10k_seconds`` — from the dispatcher's start until the last publication is
recorded published (goal: under 60 s); ``publish_duplicates`` — sandbox posts beyond one per
publication (must be 0); ``publish_post_requests`` — POST /posts requests the sandbox received
(the access log: more than one per publication would mean a resend that only the sandbox's
idempotency key absorbed); ``publish_failed`` / ``publish_unsettled`` — publications not
published; ``publish_per_s``; ``publish_dispatch_s``. Skipped, with the reason, when
PostgreSQL or Redis does not answer.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("WARTA_BENCH_PUBLISHING_DATABASE_URL",
                              "postgres://postgres@127.0.0.1:5432/warta_bench_publishing")
REDIS_URL = os.environ.get("WARTA_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
DROP_ENV = ("DATABASE_URL", "REDIS_URL", "WARTA_TASKS_EAGER", "WARTA_SQLITE_PATH", "WARTA_DEBUG",
            "WARTA_SECRET_KEY", "DJANGO_SETTINGS_MODULE", "WARTA_TESTING")
TEXT = "Info layanan publik #{n}: pelayanan KTP keliling hadir di kecamatan {k} pekan ini. #WartaBench"
GOAL_S = 60.0
# RQ's default worker forks a process for every job: for jobs of a few tens of milliseconds the
# fork, the new database and Redis connections dominate (measured here: 1.9 posts/s with 4
# forking workers against 9.7 with SimpleWorker). The bench runs RQ's non-forking worker;
# ``--worker-class ""`` measures exactly what ``warta worker`` starts today.
SIMPLE_WORKER = "rq.worker.SimpleWorker"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_ready(url: str) -> str | None:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=2).close()
    except OSError as exc:
        return f"no Redis server answers at {parts.hostname}:{parts.port or 6379} ({exc.strerror or exc})"
    try:
        import redis
    except ImportError as exc:
        return f"redis is not installed ({exc})"
    conn = redis.Redis.from_url(url)
    for pattern in ("rq:*", "*warta-bench-publishing*"):  # only our keys: the RQ queues and our cache
        for key in conn.scan_iter(pattern, count=1000):
            conn.delete(key)
    return None


# --- inside the bench processes ------------------------------------------------------------------


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warta.settings")
    import django

    django.setup()


def build(*, posts: int, accounts: int, base_url: str) -> None:
    """Create the world with bulk inserts (the bench measures publishing, not scheduling)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from warta.channels.models import Account, ConnectionState, Credential, PlatformApp
    from warta.organisations.models import Membership, UnitKind
    from warta.organisations.roles import Role
    from warta.organisations.services import unit_create
    from warta.publishing.models import Post, PostState, Publication, Variant
    from warta.sandbox.models import AccessToken, SandboxAccount
    from warta.sandbox.services import token_hash

    class NoMigrations:  # the schema from the models, as the test suite builds it
        def __contains__(self, item):
            return True

        def __getitem__(self, item):
            return None

    settings.MIGRATION_MODULES = NoMigrations()
    call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)
    now = timezone.now()
    unit = unit_create(actor=None, parent=None, kind=UnitKind.KABUPATEN, name="Kabupaten Bench", region_code="32.99")
    editor = get_user_model().objects.create_user(email="editor@bench.go.id", password="Sandi-Bench-2026!")
    Membership.objects.create(user=editor, unit=unit, role=Role.EDITOR)
    PlatformApp.objects.update_or_create(platform="sandbox", defaults={"base_url": base_url})
    sandbox = SandboxAccount.objects.bulk_create([
        SandboxAccount(handle=f"humas_bench_{i:04d}", display_name=f"Humas Bench {i}", kind="official", created_at=now)
        for i in range(accounts)], batch_size=1000)
    raw = [f"sbxa_bench_{i:04d}_{os.urandom(8).hex()}" for i in range(accounts)]
    AccessToken.objects.bulk_create([
        AccessToken(token_hash=token_hash(raw[i]), account=sandbox[i], expires_at=now + timedelta(days=1))
        for i in range(accounts)], batch_size=1000)
    warta_accounts = Account.objects.bulk_create([
        Account(unit=unit, platform="sandbox", handle=f"@{sandbox[i].handle}", external_id=str(sandbox[i].pk),
                state=ConnectionState.CONNECTED, connected_at=now) for i in range(accounts)], batch_size=1000)
    for i, account in enumerate(warta_accounts):  # encrypted field: saved one by one
        Credential.objects.create(account=account, tokens={"access_token": raw[i]})
    due = now.replace(second=0, microsecond=0)  # every post due in the same minute
    made = Post.objects.bulk_create([
        Post(unit=unit, title=f"Bench {n}", state=PostState.SCHEDULED, scheduled_at=due, created_by=editor,
             approved_at=now) for n in range(posts)], batch_size=2000)
    Variant.objects.bulk_create([Variant(post=p, platform="sandbox", text=TEXT.format(n=n, k=n % 97))
                                 for n, p in enumerate(made)], batch_size=2000)
    Publication.objects.bulk_create([Publication(post=p, account=warta_accounts[n % accounts], due_at=due)
                                     for n, p in enumerate(made)], batch_size=2000)


def drive(*, posts: int, timeout_s: float) -> dict:
    """Dispatch (as the scheduler's job would) and wait until every publication is settled."""
    from django.db.models import Count

    from warta.publishing import dispatch
    from warta.publishing.models import Publication, PublicationState
    from warta.sandbox.models import Post as SandboxPost

    started = time.perf_counter()
    dispatch.publications_dispatch()
    dispatched = time.perf_counter() - started
    settled = (PublicationState.PUBLISHED, PublicationState.FAILED, PublicationState.UNCERTAIN)
    deadline = started + timeout_s
    done = 0
    while time.perf_counter() < deadline:
        done = Publication.objects.filter(state__in=settled).count()
        if done >= posts:
            break
        time.sleep(0.25)
    elapsed = time.perf_counter() - started
    published = Publication.objects.filter(state=PublicationState.PUBLISHED).count()
    texts = (SandboxPost.objects.filter(text__endswith="#WartaBench", parent__isnull=True)
             .values("author_id", "text").annotate(n=Count("id")))
    created = sum(row["n"] for row in texts)
    duplicates = created - len(texts)
    ids = list(Publication.objects.filter(state=PublicationState.PUBLISHED).values_list("external_id", flat=True))
    return {
        "publish_10k_seconds": round(elapsed, 2) if published == posts else None,
        "publish_elapsed_s": round(elapsed, 2),
        "publish_dispatch_s": round(dispatched, 2),
        "publish_published": published,
        "publish_failed": Publication.objects.filter(state=PublicationState.FAILED).count(),
        "publish_unsettled": posts - done,
        "publish_duplicates": duplicates,
        "publish_sandbox_posts": created,
        "publish_external_ids_unique": len(ids) == len(set(ids)),
        "publish_per_s": round(published / elapsed, 1) if elapsed else None,
    }


# --- the orchestration (a plain process: no Django here) ------------------------------------------


def _env(data_dir: str, database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in DROP_ENV}
    env.update(WARTA_DATA_DIR=data_dir, WARTA_LOG_LEVEL="WARNING", DJANGO_SETTINGS_MODULE="warta.settings",
               DATABASE_URL=database_url, REDIS_URL=REDIS_URL, WARTA_CACHE_PREFIX="warta-bench-publishing",
               PYTHONHASHSEED="0", PYTHONWARNINGS="ignore", WARTA_SECRET_KEY="bench-publishing-" + "x" * 40)
    return env


def _wait_http(port: int, timeout_s: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.2)
    return False


def run(*, posts: int, accounts: int, workers: int, web_workers: int, timeout_s: float,
        worker_class: str = "") -> dict:
    from bench.__main__ import postgres_prepare

    skipped = postgres_prepare(DATABASE_URL) or _redis_ready(REDIS_URL)
    if skipped:
        return {"publish_10k_seconds": None, "publish_duplicates": None, "publish_skipped": skipped}
    warta = str(Path(sys.executable).with_name("warta"))
    procs: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="warta-bench-publishing-") as data_dir:
        env = _env(data_dir, DATABASE_URL)
        port = _free_port()
        base_url = f"http://127.0.0.1:{port}/sandbox/api"
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bench.publishing", "--build", "--posts", str(posts), "--accounts",
                        str(accounts), "--base-url", base_url], cwd=ROOT, env=env, check=True, timeout=1800)
        build_s = time.perf_counter() - t0
        access_log = Path(data_dir) / "access.log"
        try:
            with open(access_log, "w") as log, open(Path(data_dir) / "processes.log", "w") as errors:
                procs.append(subprocess.Popen([warta, "web", "--bind", f"127.0.0.1:{port}", "--workers",
                                               str(web_workers), "--threads", "8"], cwd=ROOT, env=env, stdout=log,
                                              stderr=errors))
                for _ in range(workers):
                    if worker_class:  # ``warta worker`` is rqworker with django-tasks' job class; same here
                        argv = [warta, "rqworker", "publishing", "--job-class", "django_tasks_rq.Job",
                                "--worker-class", worker_class]
                    else:
                        argv = [warta, "worker", "--queues", "publishing"]
                    procs.append(subprocess.Popen(argv, cwd=ROOT, env=env, stdout=errors, stderr=errors))
                if not _wait_http(port):
                    raise RuntimeError("the sandbox web server did not start")
                time.sleep(3)  # the workers connect to Redis
                out = Path(data_dir) / "result.json"
                subprocess.run([sys.executable, "-m", "bench.publishing", "--drive", "--posts", str(posts),
                                "--timeout", str(timeout_s), "--out", str(out)], cwd=ROOT, env=env, check=True,
                               timeout=timeout_s + 300)
                result = json.loads(out.read_text())
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
        requests = sum(1 for line in access_log.read_text(errors="replace").splitlines()
                       if '"POST /sandbox/api/posts ' in line)
    result.update(publish_post_requests=requests, publish_posts=posts, publish_accounts=accounts,
                  publish_workers=workers, publish_worker_class=worker_class or "rq.Worker (fork per job)",
                  publish_build_s=round(build_s, 1))
    return result


def bench_publishing(*, posts: int = 10_000, accounts: int = 2_000, workers: int = 4, web_workers: int = 3,
                     timeout_s: float = 1800.0, worker_class: str = SIMPLE_WORKER) -> dict:
    """Run the scenario; return its figures (``publish_10k_seconds``, ``publish_duplicates``…),
    or null figures with ``publish_skipped`` / ``publish_failed_reason``."""
    try:
        return run(posts=posts, accounts=accounts, workers=workers, web_workers=web_workers, timeout_s=timeout_s,
                   worker_class=worker_class)
    except Exception as exc:  # noqa: BLE001 - a failed scenario is reported, the others still run
        return {"publish_10k_seconds": None, "publish_duplicates": None, "publish_failed_reason": str(exc)[:500]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--accounts", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--worker-class", default=SIMPLE_WORKER,
                        help="RQ worker class; empty: exactly what `warta worker` starts (RQ's forking worker)")
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build:
        _setup()
        build(posts=args.posts, accounts=args.accounts, base_url=args.base_url)
        return 0
    if args.drive:
        _setup()
        Path(args.out).write_text(json.dumps(drive(posts=args.posts, timeout_s=args.timeout)))
        return 0
    figures = bench_publishing(posts=args.posts, accounts=args.accounts, workers=args.workers,
                               web_workers=args.web_workers, timeout_s=args.timeout, worker_class=args.worker_class)
    print(json.dumps(figures, indent=2))
    goal = figures.get("publish_10k_seconds")
    if goal is not None:
        print(f"publish: {figures['publish_published']} posts in {goal:.1f} s (goal < {GOAL_S:.0f} s for 10,000), "
              f"{figures['publish_duplicates']} duplicates", file=sys.stderr)
    return 0 if figures.get("publish_duplicates") == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
