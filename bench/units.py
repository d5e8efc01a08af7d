"""Scenario: the authorised render of a unit page and of the tree page at national scale.

Run by ``python -m bench`` once per database, in a fresh process so settings are read anew::

    python -m bench.units --db sqlite --out /tmp/result.json

It migrates an empty database, builds 100,000 units (1 national root → 38 provinces →
514 regencies → 7,300 kecamatan → villages, plus provincial offices), 50,000 users with
memberships, a valid audit chain and pending invitations, all with ``bulk_create`` and
materialised paths assigned here. Then, through ``django.test.Client`` (full middleware,
templates rendered), a signed-in editor and a provincial leader request the unit dashboard
(``/u/<uuid>/``) and the tree page (``/u/<uuid>/unit/``) at each level of their reach.
Every response must be 200 showing the unit, or the scenario fails (no figures, named in
``failures``, exit 1). The figures go to ``--out`` as JSON: wall-clock p50/p95 per page and
level and over all levels (what a user waits for, including time lost to other processes on
a busy machine), this process's CPU time per request (steadier under contention; on
PostgreSQL it leaves out the server's work), query counts, and for any scenario whose p95 is
over the goal the SQL and a short cProfile summary.
"""

import argparse
import cProfile
import hashlib
import io
import json
import os
import pstats
import random
import statistics
import sys
import time
import uuid
from collections import defaultdict
from datetime import timedelta

GOAL_MS = 50.0
UNITS = int(os.environ.get("BENCH_UNITS", 100_000))
USERS = int(os.environ.get("BENCH_USERS", 50_000))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 150))  # per page and level: 600 per page
WARMUP = int(os.environ.get("BENCH_WARMUP", 20))
AUDIT_EVENTS = 20_000
INVITATIONS = 2_000
REGENCIES = 514
KECAMATAN = 7_300
OFFICES_PER_PROVINCE = 12
LEADER_UPT = 300  # the leader's province also has hundreds of technical offices: several pages
SEED = 2026
PASSWORD = "Sandi-Bench-2026!"

# (code, name, time zone, regencies) — the 38 provinces and their regency counts (total 514).
PROVINCES = [
    ("11", "Aceh", "Asia/Jakarta", 23), ("12", "Sumatera Utara", "Asia/Jakarta", 33),
    ("13", "Sumatera Barat", "Asia/Jakarta", 19), ("14", "Riau", "Asia/Jakarta", 12),
    ("15", "Jambi", "Asia/Jakarta", 11), ("16", "Sumatera Selatan", "Asia/Jakarta", 17),
    ("17", "Bengkulu", "Asia/Jakarta", 10), ("18", "Lampung", "Asia/Jakarta", 15),
    ("19", "Kepulauan Bangka Belitung", "Asia/Jakarta", 7), ("21", "Kepulauan Riau", "Asia/Jakarta", 7),
    ("31", "DKI Jakarta", "Asia/Jakarta", 6), ("32", "Jawa Barat", "Asia/Jakarta", 27),
    ("33", "Jawa Tengah", "Asia/Jakarta", 35), ("34", "DI Yogyakarta", "Asia/Jakarta", 5),
    ("35", "Jawa Timur", "Asia/Jakarta", 38), ("36", "Banten", "Asia/Jakarta", 8),
    ("51", "Bali", "Asia/Makassar", 9), ("52", "Nusa Tenggara Barat", "Asia/Makassar", 10),
    ("53", "Nusa Tenggara Timur", "Asia/Makassar", 22), ("61", "Kalimantan Barat", "Asia/Jakarta", 14),
    ("62", "Kalimantan Tengah", "Asia/Jakarta", 14), ("63", "Kalimantan Selatan", "Asia/Makassar", 13),
    ("64", "Kalimantan Timur", "Asia/Makassar", 10), ("65", "Kalimantan Utara", "Asia/Makassar", 5),
    ("71", "Sulawesi Utara", "Asia/Makassar", 15), ("72", "Sulawesi Tengah", "Asia/Makassar", 13),
    ("73", "Sulawesi Selatan", "Asia/Makassar", 24), ("74", "Sulawesi Tenggara", "Asia/Makassar", 17),
    ("75", "Gorontalo", "Asia/Makassar", 6), ("76", "Sulawesi Barat", "Asia/Makassar", 6),
    ("81", "Maluku", "Asia/Jayapura", 11), ("82", "Maluku Utara", "Asia/Jayapura", 10),
    ("91", "Papua", "Asia/Jayapura", 9), ("92", "Papua Barat", "Asia/Jayapura", 7),
    ("93", "Papua Selatan", "Asia/Jayapura", 4), ("94", "Papua Tengah", "Asia/Jayapura", 8),
    ("95", "Papua Pegunungan", "Asia/Jayapura", 8), ("96", "Papua Barat Daya", "Asia/Jayapura", 6),
]
LEADER_PROVINCE = "33"
OFFICES = [
    "Dinas Komunikasi dan Informatika", "Dinas Kesehatan", "Dinas Pendidikan", "Dinas Sosial",
    "Dinas Pekerjaan Umum", "Dinas Perhubungan", "Badan Perencanaan Pembangunan Daerah",
    "Badan Kepegawaian Daerah", "Badan Penanggulangan Bencana Daerah", "Bagian Protokol dan Komunikasi Pimpinan",
    "Bagian Hukum", "Inspektorat",
]
SYLLABLES = [
    "suka", "maju", "jaya", "mekar", "sari", "tani", "karya", "baru", "makmur", "rejo", "harjo", "mulya",
    "asih", "indah", "raya", "pasir", "tanjung", "sungai", "batu", "bukit", "lubuk", "teluk", "muara",
    "wangi", "rahayu", "lestari", "sejahtera", "damai", "sumber", "gunung", "karang", "bojong", "cibeu",
]


def spread(total: int, parts: int, rng: random.Random, low: float = 0.4, high: float = 1.6) -> list[int]:
    """Split ``total`` into ``parts`` positive integers with random, uneven weights."""
    weights = [rng.uniform(low, high) for _ in range(parts)]
    scale = (total - parts) / sum(weights)
    counts = [1 + int(w * scale) for w in weights]
    for i in rng.sample(range(parts), total - sum(counts)):
        counts[i] += 1
    return counts


def place_name(rng: random.Random) -> str:
    return (rng.choice(SYLLABLES) + rng.choice(SYLLABLES)).capitalize()


class TreeBuilder:
    """Assign ids and materialised paths in memory; ``bulk_create`` writes them afterwards."""

    def __init__(self):
        from django.utils import timezone

        self.rows = []
        self.children = defaultdict(int)
        self.now = timezone.now()

    def add(self, parent, kind: str, name: str, code: str | None = None, tz: str = "Asia/Jakarta", archived=False):
        from warta.organisations import tree
        from warta.organisations.models import Unit

        key = parent.id if parent is not None else None
        self.children[key] += 1
        path = (parent.path if parent is not None else "") + tree.segment(self.children[key])
        unit = Unit(
            id=len(self.rows) + 1, uuid=uuid.uuid4(), parent_id=key, path=path, depth=len(path) // tree.SEGMENT,
            kind=kind, name=name, region_code=code, time_zone=tz, created_at=self.now,
            archived_at=self.now if archived else None,
        )
        self.rows.append(unit)
        return unit


def build_tree(rng: random.Random) -> dict:
    from warta.organisations.models import UnitKind

    b = TreeBuilder()
    root = b.add(None, UnitKind.KEMENTERIAN, "Kementerian Dalam Negeri")
    provinces, regencies, kecamatans = [], [], []
    for code, name, tz, n_regencies in PROVINCES:
        province = b.add(root, UnitKind.PROVINSI, f"Provinsi {name}", code, tz)
        provinces.append(province)
        for office in OFFICES:
            b.add(province, UnitKind.BAGIAN if office.startswith("Bagian") else UnitKind.DINAS if office.startswith("Dinas") else UnitKind.BADAN,
                  f"{office} Provinsi {name}", tz=tz)
        if code == LEADER_PROVINCE:
            for i in range(1, LEADER_UPT + 1):
                b.add(province, UnitKind.LAINNYA, f"UPT {rng.choice(['Samsat', 'Puskesmas', 'Balai Latihan', 'Pengelolaan Jalan', 'Cabang Dinas'])} {place_name(rng)} {i}", tz=tz)
        n_kota = max(1, n_regencies // 5)
        for i in range(n_regencies):
            is_kota = i >= n_regencies - n_kota
            number = (71 + i - (n_regencies - n_kota)) if is_kota else i + 1
            label = place_name(rng)
            regencies.append(b.add(province, UnitKind.KOTA if is_kota else UnitKind.KABUPATEN,
                                   f"{'Kota' if is_kota else 'Kabupaten'} {label}", f"{code}.{number:02d}", tz))
    assert len(regencies) == REGENCIES, len(regencies)
    for regency, n in zip(regencies, spread(KECAMATAN, len(regencies), rng), strict=True):
        for i in range(1, n + 1):
            kecamatans.append(b.add(regency, UnitKind.KECAMATAN, f"Kecamatan {place_name(rng)}",
                                    f"{regency.region_code}.{i:02d}", regency.time_zone))
    villages_total = UNITS - len(b.rows)
    for kec, n in zip(kecamatans, spread(villages_total, len(kecamatans), rng, 0.3, 1.7), strict=True):
        for i in range(1, n + 1):
            kelurahan = rng.random() < 0.1
            b.add(kec, UnitKind.KELURAHAN if kelurahan else UnitKind.DESA, place_name(rng),
                  f"{kec.region_code}.{(1000 if kelurahan else 2000) + i}", kec.time_zone,
                  archived=rng.random() < 0.005)
    assert len(b.rows) == UNITS
    return {"rows": b.rows, "root": root, "provinces": provinces, "regencies": regencies, "kecamatans": kecamatans}


def build(rng: random.Random) -> dict:
    """Write the whole data set; return the bench users and the units to visit, with timings."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from warta.core.audit import GENESIS, _fields, event_digest
    from warta.core.models import AuditEvent, AuditHead
    from warta.organisations.models import Invitation, Membership, Unit
    from warta.organisations.roles import Role

    user_model = get_user_model()
    timings = {}
    batch = 5000 if connection.vendor == "postgresql" else None  # SQLite: Django sizes by its parameter limit

    t0 = time.perf_counter()
    data = build_tree(rng)
    units = data["rows"]
    with transaction.atomic():
        Unit.objects.bulk_create(units, batch_size=batch)
    timings["build_units_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    now = timezone.now()
    password = make_password(PASSWORD)
    users = [
        user_model(id=n, email=f"pegawai{n:05d}@contoh.go.id", username=f"pegawai{n:05d}@contoh.go.id",
                   password=password, full_name=f"{place_name(rng)} {place_name(rng)}", date_joined=now)
        for n in range(1, USERS - 1)
    ]
    editor = user_model(id=USERS - 1, email="bench.editor@contoh.go.id", username="bench.editor@contoh.go.id",
                        password=password, full_name="Editor Bench", date_joined=now)
    leader = user_model(id=USERS, email="bench.pimpinan@contoh.go.id", username="bench.pimpinan@contoh.go.id",
                        password=password, full_name="Pimpinan Bench", date_joined=now)
    users += [editor, leader]

    # Memberships: mostly at regencies and kecamatan, some at villages, offices and provinces.
    active = [u for u in units if u.archived_at is None]
    by_depth = defaultdict(list)
    for u in active:
        by_depth[u.depth].append(u)
    levels = [(2, 0.04), (3, 0.30), (4, 0.40), (5, 0.26)]
    roles = [Role.EDITOR, Role.VIEWER, Role.ANALYST]
    memberships, seen = [], set()
    for user in users[:-2]:
        for _ in range(2 if rng.random() < 0.1 else 1):
            depth = rng.choices([d for d, _w in levels], [w for _d, w in levels])[0]
            unit = rng.choice(by_depth[depth])
            if (user.id, unit.id) not in seen:
                seen.add((user.id, unit.id))
                memberships.append(Membership(user_id=user.id, unit_id=unit.id, unit_path=unit.path, role=rng.choice(roles), created_at=now))

    leader_province = next(p for p in data["provinces"] if p.region_code == LEADER_PROVINCE)
    in_province = [r for r in data["regencies"] if r.parent_id == leader_province.id and r.kind == "kabupaten"]
    home = in_province[len(in_province) // 2]
    other = next(r for r in data["regencies"] if r.region_code == "32.01")
    memberships += [
        Membership(user_id=editor.id, unit_id=home.id, unit_path=home.path, role=Role.EDITOR, created_at=now),
        Membership(user_id=editor.id, unit_id=other.id, unit_path=other.path, role=Role.VIEWER, created_at=now),
        Membership(user_id=leader.id, unit_id=leader_province.id, unit_path=leader_province.path, role=Role.ANALYST, created_at=now),
    ]
    with transaction.atomic():
        user_model.objects.bulk_create(users, batch_size=batch)
        Membership.objects.bulk_create(memberships, batch_size=batch)
    timings["build_users_s"] = time.perf_counter() - t0

    # A valid audit chain and pending invitations, so the dashboard's lists and counts have rows.
    t0 = time.perf_counter()
    start = now - timedelta(days=90)
    prev, events = GENESIS, []
    actions = ["unit.update", "unit.create", "member.invite", "member.role", "token.create", "unit.import"]
    for seq in range(1, AUDIT_EVENTS + 1):
        unit = rng.choice(active) if seq % 10 else rng.choice([home, other, leader_province])
        actor = rng.choice(users)
        event = AuditEvent(
            seq=seq, uuid=uuid.uuid4(), created_at=start + timedelta(seconds=seq * 300), actor_id=actor.id,
            actor_label=actor.email, unit_id=unit.id, unit_path=unit.path, unit_label=unit.name,
            action=rng.choice(actions), target_type="organisations.unit", target_id=str(unit.uuid),
            target_label=unit.name, changes={"n": seq}, ip="10.0.0.1", prev_hash=prev,
        )
        event.hash = event_digest(prev_hash=prev, fields=_fields(event))
        prev = event.hash
        events.append(event)
    invitations = [
        Invitation(email=f"undangan{i}@contoh.go.id", unit_id=rng.choice(active).id, role=rng.choice(roles),
                   token_hash=hashlib.sha256(f"bench-{i}".encode()).hexdigest(), created_at=now,
                   expires_at=now + timedelta(days=7), invited_by_id=rng.choice(users).id)
        for i in range(INVITATIONS)
    ]
    with transaction.atomic():
        AuditEvent.objects.bulk_create(events, batch_size=batch)
        AuditHead.objects.update_or_create(pk=1, defaults={"seq": AUDIT_EVENTS, "hash": prev})
        Invitation.objects.bulk_create(invitations, batch_size=batch)
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Unit, user_model]):
                cursor.execute(sql)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # what autovacuum would have done on a live server
            cursor.execute("ANALYZE")
    timings["build_other_s"] = time.perf_counter() - t0

    kecs = [k for k in data["kecamatans"] if k.parent_id in (home.id, other.id)]
    kec_ids = {k.id for k in kecs}
    villages = [u for u in active if u.parent_id in kec_ids]
    return {
        "timings": timings, "editor": editor, "leader": leader,
        "regency": [home, other], "kecamatan": kecs, "village": villages[:: max(1, len(villages) // 60)],
        "province": leader_province,
        "counts": {"units": Unit.objects.count(), "users": user_model.objects.count(),
                   "memberships": Membership.objects.count()},
    }


def percentile(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


class ScenarioFailed(Exception):
    """A response other than a 200 showing the unit: the scenario has no figures."""


class Runner:
    def __init__(self, clients: dict):
        self.clients = clients

    def get(self, who: str, url: str, expect: str):
        from django.db import close_old_connections

        response = self.clients[who].get(url)
        close_old_connections()  # what the WSGI handler does at the end of every request
        if response.status_code != 200:
            raise ScenarioFailed(f"GET {url} as {who} answered {response.status_code}, expected 200")
        if expect.encode() not in response.content:
            raise ScenarioFailed(f"GET {url} as {who} did not show {expect!r}")
        return response

    def measure(self, who: str, targets: list[tuple[str, str]]) -> tuple[list[float], list[float]]:
        """Return wall-clock and this thread's CPU milliseconds per request."""
        for i in range(WARMUP):
            self.get(who, *targets[i % len(targets)])
        wall, cpu = [], []
        for i in range(REQUESTS):
            url, expect = targets[i % len(targets)]
            t0, c0 = time.perf_counter(), time.thread_time()
            self.get(who, url, expect)
            wall.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.thread_time() - c0) * 1000)
        return wall, cpu

    def queries(self, who: str, url: str, expect: str) -> dict:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            self.get(who, url, expect)
        timed = sorted(((float(q["time"]) * 1000, q["sql"]) for q in ctx.captured_queries), reverse=True)
        return {"count": len(timed), "sql_ms": sum(t for t, _ in timed),
                "slowest": [{"ms": round(t, 2), "sql": sql[:300]} for t, sql in timed[:3]]}

    def profile(self, who: str, targets: list[tuple[str, str]], n: int = 10) -> str:
        profiler = cProfile.Profile()
        profiler.enable()
        for i in range(n):
            self.get(who, *targets[i % len(targets)])
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(r"warta|django/(db|template)", 25)
        return out.getvalue()


def run(db: str) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warta.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from warta.organisations.models import Unit

    assert settings.TESTING, "WARTA_TESTING=1 is expected (fast password hasher)"
    assert connection.vendor == ("postgresql" if db == "postgres" else "sqlite"), connection.vendor
    figures, profile, failures = {}, {}, []
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    figures["migrate_s"] = time.perf_counter() - t0

    rng = random.Random(SEED)
    t0 = time.perf_counter()
    data = build(rng)
    figures.update(data["timings"])
    figures["build_s"] = time.perf_counter() - t0
    print(f"  [{db}] built {data['counts']} in {figures['build_s']:.1f}s", flush=True)
    assert data["counts"]["units"] == UNITS, data["counts"]
    assert data["counts"]["users"] == USERS, data["counts"]

    clients = {}
    for who in ("editor", "leader"):
        client = Client()
        client.force_login(data[who], backend="django.contrib.auth.backends.ModelBackend")
        clients[who] = client
    runner = Runner(clients)

    province = data["province"]
    pages = -(-Unit.objects.filter(parent=province, archived_at__isnull=True).count() // 50)
    levels = {
        "regency": ("editor", data["regency"]),
        "kecamatan": ("editor", data["kecamatan"]),
        "village": ("editor", data["village"]),
        "province": ("leader", [province]),
    }
    for page in ("unit_page", "tree_page"):
        everything, everything_cpu = [], []
        for level, (who, units) in levels.items():
            if page == "unit_page":
                targets = [(reverse("shell:dashboard", args=[u.uuid]), u.name) for u in units]
            elif level == "province":
                base = reverse("organisations:unit-tree", args=[province.uuid])
                targets = [(f"{base}?page={p}", province.name) for p in range(1, pages + 1)]
            else:
                targets = [(reverse("organisations:unit-tree", args=[u.uuid]), u.name) for u in units]
            try:
                samples, cpu = runner.measure(who, targets)
            except ScenarioFailed as exc:
                failures.append(f"{page} {level}: {exc}")
                print(f"  [{db}] {page:9} {level:9} FAILED: {exc}", flush=True)
                continue
            everything += samples
            everything_cpu += cpu
            p50, p95 = percentile(samples, 50), percentile(samples, 95)
            figures[f"{page}_{level}_p50_ms"] = p50
            figures[f"{page}_{level}_p95_ms"] = p95
            figures[f"{page}_{level}_cpu_p50_ms"] = percentile(cpu, 50)
            q = runner.queries(who, *targets[0])
            figures[f"{page}_{level}_queries"] = q["count"]
            profile[f"{page}_{level}"] = {"targets": len(targets), "sql_ms": round(q["sql_ms"], 2), "slowest": q["slowest"]}
            if p95 > GOAL_MS:
                profile[f"{page}_{level}"]["cprofile"] = runner.profile(who, targets)
            print(f"  [{db}] {page:9} {level:9} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  "
                  f"cpu p50 {percentile(cpu, 50):6.2f} ms  "
                  f"{q['count']:2d} queries ({q['sql_ms']:.1f} ms SQL)", flush=True)
        if len(everything) == REQUESTS * len(levels):  # an aggregate only over every level
            figures[f"{page}_p50_ms"] = percentile(everything, 50)
            figures[f"{page}_p95_ms"] = percentile(everything, 95)
            figures[f"{page}_max_ms"] = max(everything)
            figures[f"{page}_cpu_p50_ms"] = percentile(everything_cpu, 50)
            figures[f"{page}_cpu_p95_ms"] = percentile(everything_cpu, 95)
    figures["tree_page_province_pages"] = pages
    figures["requests_per_scenario"] = REQUESTS
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if db == "sqlite" else "SHOW server_version")
        version = cursor.fetchone()[0]
    return {"figures": {k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()},
            "profile": profile, "failures": failures, "version": version}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    result = run(args.db)
    with open(args.out, "w") as fh:
        json.dump(result, fh, indent=2)
    return 1 if result["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
