"""Scenario: Warta ingests a busy sandbox through the SandboxConnector.

Run by ``python -m bench`` (see :func:`bench_sandbox`) in a fresh temporary data directory::

    python -m bench.sandbox --out /tmp/sandbox.json [--seconds 20] [--rate 200] [--accounts 500]

It migrates an empty SQLite database, creates 500 sandbox accounts (4 official, 3 news
portals, 2 influencers, the rest citizens), a unit owning the four official accounts in
Warta's registry with sandbox tokens, and a few official posts. Then two processes run side
by side for ``--seconds``:

* the **producer** (a subprocess, like the web server where the sandbox lives) plans and
  applies simulation events at ``--rate`` events per second through the sandbox's services;
* the **consumer** (this process, like an ingest worker) loops over the official accounts
  with the real :class:`SandboxConnector` — over HTTP semantics through ``httpx.WSGITransport``
  into the sandbox's Django views — fetching mentions, comments under the official posts,
  search results and direct messages with cursor paging down to what it saw before, and hands
  every page to ``warta.ingest.services.items_ingest``.

After the producer stops, the consumer drains what is left. Figures (``--out`` JSON):
``sandbox_ingest_events_per_s`` = items stored by ingest per second over the whole run
(production plus drain: sustained, not a burst), ``sandbox_produced_events_per_s``,
``sandbox_content_events`` (posts, comments, messages the producer wrote: the ingestible ones;
likes, shares and follows only change counters), ``sandbox_items_stored``, ``sandbox_drain_s``
(how long ingest needed to catch up after production ended) and ``sandbox_requests``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEARCH_TERMS = ("banjir", "jalan", "bansos", "ktp", "puskesmas", "sekolah", "izin usaha")
DROP_ENV = ("DATABASE_URL", "REDIS_URL", "WARTA_TASKS_EAGER", "WARTA_SQLITE_PATH", "WARTA_DEBUG",
            "WARTA_SECRET_KEY", "DJANGO_SETTINGS_MODULE")


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warta.settings")
    import django

    django.setup()


def build(accounts: int) -> None:
    """Create the world: sandbox accounts, a unit owning the official accounts, their tokens."""
    from django.core.management import call_command

    from warta.channels.models import Account, ConnectionState, Credential
    from warta.organisations.models import UnitKind
    from warta.organisations.services import unit_create
    from warta.sandbox.models import SandboxAccount
    from warta.sandbox.services import post_create, token_issue
    from warta.sandbox.simulation import INFLUENCERS, OFFICIALS, PORTALS, world_seed

    call_command("migrate", verbosity=0, interactive=False)
    now = datetime.now(UTC)
    world_seed(citizens=accounts - len(OFFICIALS) - len(PORTALS) - len(INFLUENCERS), now=now - timedelta(days=1))
    unit = unit_create(actor=None, parent=None, kind=UnitKind.KABUPATEN, name="Kabupaten Bogor", region_code="32.01")
    for official in SandboxAccount.objects.filter(kind="official"):
        for i in range(10):
            post_create(author=official, text=f"Informasi layanan publik nomor {i}", now=now - timedelta(hours=i + 1))
        account = Account.objects.create(unit=unit, platform="sandbox", handle=f"@{official.handle}",
                                         external_id=str(official.pk), state=ConnectionState.CONNECTED)
        tokens = token_issue(account=official, access_ttl=timedelta(days=1))
        Credential.objects.create(account=account, tokens={"access_token": tokens["access_token"]})


def produce(seconds: float, rate: float) -> dict:
    """Write simulation events at ``rate`` per second for ``seconds``; return what was written."""
    from warta.sandbox.simulation import World, rhythm, simulation_apply, simulation_plan

    content_kinds = {"mention", "post", "official", "comment", "reply", "quote", "message"}
    start, wall_start = time.monotonic(), time.time()
    written = content = ticks = 0
    world = World.load()
    while time.monotonic() - start < seconds:
        tick_start = time.monotonic()
        now = datetime.now(UTC)
        if ticks % 5 == 0:
            world = World.load()
        events = simulation_plan(world, now=now, seconds=1.0, seed=ticks,
                                 rate_per_hour=rate * 3600 / max(rhythm(now), 0.01))
        report = simulation_apply(events, seed=ticks)
        written += report.events
        content += sum(n for kind, n in report.by_kind.items() if kind in content_kinds)
        ticks += 1
        time.sleep(max(0.0, 1.0 - (time.monotonic() - tick_start)))
    return {"events": written, "content": content, "elapsed_s": time.monotonic() - start, "started": wall_start}


class Consumer:
    """Fetch everything new of the official accounts through the connector; ingest it."""

    def __init__(self) -> None:
        import httpx
        from django.core.wsgi import get_wsgi_application

        from warta.channels.connectors.base import AccountRef, AppConfig, ConnectorContext, TokenSet
        from warta.channels.connectors.sandbox.connector import SandboxConnector
        from warta.channels.models import Account

        transport = httpx.WSGITransport(app=get_wsgi_application())
        self.pairs = []
        for account in Account.objects.filter(platform="sandbox").select_related("credential").order_by("id"):
            context = ConnectorContext(
                account=AccountRef(platform="sandbox", external_id=account.external_id, handle=account.handle,
                                   key=str(account.uuid)),
                app=AppConfig(platform="sandbox", base_url="http://testserver/sandbox/api"),
                tokens=TokenSet(access_token=account.credential.tokens["access_token"]))
            self.pairs.append((account, SandboxConnector(context, transport=transport)))
        self.seen: dict[str, int] = {}
        self.stored = self.requests = 0

    def _new(self, key: str, fetch) -> list:
        """Page newest first until an item seen before; remember the newest id."""
        mark, items, cursor = self.seen.get(key, 0), [], ""
        while True:
            page = fetch(cursor)
            self.requests += 1
            fresh = [i for i in page.items if int(i.external_id.removeprefix("dm:")) > mark]
            items += fresh
            if len(fresh) < len(page.items) or not page.next_cursor:
                break
            cursor = page.next_cursor
        if items:
            self.seen[key] = max(int(i.external_id.removeprefix("dm:")) for i in items)
        return items

    def round(self) -> int:
        from warta.ingest.services import items_ingest

        stored = 0
        for index, (account, connector) in enumerate(self.pairs):
            items = self._new(f"m:{account.pk}", lambda c, k=connector: k.fetch_mentions(cursor=c))
            items += self._new(f"dm:{account.pk}", lambda c, k=connector: k.fetch_messages(cursor=c))
            posts = connector.fetch_posts().items[:10]
            self.requests += 1
            items += [p for p in posts if int(p.external_id) > self.seen.get(f"p:{account.pk}", 0)]
            if posts:
                self.seen[f"p:{account.pk}"] = max(int(p.external_id) for p in posts)
            for post in posts:  # only posts whose comment count moved since the last round
                count = post.metrics.get("comments", 0)
                if count == self.seen.get(f"n:{post.external_id}", 0):
                    continue
                self.seen[f"n:{post.external_id}"] = count
                items += self._new(f"c:{post.external_id}",
                                   lambda c, k=connector, p=post.external_id: k.fetch_comments(p, cursor=c))
            for term in SEARCH_TERMS[index::len(self.pairs)]:
                items += self._new(f"s:{term}", lambda c, k=connector, t=term: k.search(t, cursor=c))
            if items:
                stored += items_ingest(items=items, source="fetch", account=account).stored
        self.stored += stored
        return stored


def run(*, seconds: float, rate: float, accounts: int) -> dict:
    from django.conf import settings

    settings.SANDBOX_RATE_LIMIT = (10**9, 900)  # measure throughput, not the platform's politeness
    build(accounts)
    consumer = Consumer()
    env = dict(os.environ)
    producer = subprocess.Popen([sys.executable, "-m", "bench.sandbox", "--produce", "--seconds", str(seconds),
                                 "--rate", str(rate)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    while producer.poll() is None:
        consumer.round()
    produced_at = time.time()
    drain_rounds = 0
    while consumer.round() > 0 or drain_rounds == 0:  # one quiet round proves it caught up
        drain_rounds += 1
    ended = time.time()
    out = json.loads(producer.stdout.read() or "{}")
    if producer.returncode != 0 or not out:
        raise RuntimeError(f"the producer failed (exit {producer.returncode})")
    elapsed = ended - out["started"]  # from the first event produced to the last one ingested
    return {
        "sandbox_ingest_events_per_s": round(consumer.stored / elapsed, 1),
        "sandbox_produced_events_per_s": round(out["events"] / out["elapsed_s"], 1),
        "sandbox_content_events": out["content"],
        "sandbox_items_stored": consumer.stored,
        "sandbox_drain_s": round(ended - produced_at, 2),
        "sandbox_requests": consumer.requests,
        "sandbox_accounts": accounts,
        "sandbox_seconds": seconds,
    }


def bench_sandbox(*, seconds: float = 20.0, rate: float = 200.0, accounts: int = 500) -> dict:
    """Run the scenario in a fresh process and SQLite data directory; return its figures
    (``sandbox_ingest_events_per_s`` among them) or ``{"sandbox_failed": reason}``."""
    env = {k: v for k, v in os.environ.items() if k not in DROP_ENV}
    with tempfile.TemporaryDirectory(prefix="warta-bench-sandbox-") as data_dir:
        env.update(WARTA_TESTING="1", WARTA_DATA_DIR=data_dir, WARTA_LOG_LEVEL="WARNING",
                   DJANGO_SETTINGS_MODULE="warta.settings", PYTHONHASHSEED="0", PYTHONWARNINGS="ignore")
        out = Path(data_dir) / "result-sandbox.json"
        proc = subprocess.run([sys.executable, "-m", "bench.sandbox", "--out", str(out), "--seconds", str(seconds),
                               "--rate", str(rate), "--accounts", str(accounts)],
                              cwd=ROOT, env=env, timeout=900, stderr=subprocess.PIPE, text=True)
        if out.exists():
            return json.loads(out.read_text())
    last = [line for line in proc.stderr.splitlines() if line.strip()][-1:] or [f"exit {proc.returncode}"]
    return {"sandbox_ingest_events_per_s": None, "sandbox_failed": last[0].strip()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--accounts", type=int, default=500)
    parser.add_argument("--produce", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.out and not args.produce:  # run standalone: a fresh data directory, print the figures
        print(json.dumps(bench_sandbox(seconds=args.seconds, rate=args.rate, accounts=args.accounts), indent=2))
        return 0
    _setup()
    if args.produce:
        print(json.dumps(produce(args.seconds, args.rate)))
        return 0
    figures = run(seconds=args.seconds, rate=args.rate, accounts=args.accounts)
    Path(args.out).write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
