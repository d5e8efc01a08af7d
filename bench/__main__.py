"""``python -m bench`` (``make bench``): run every scenario on SQLite and on PostgreSQL.

Each database gets a fresh subprocess (settings are read once per process): SQLite in a
temporary ``WARTA_DATA_DIR``; PostgreSQL through ``DATABASE_URL`` on a ``warta_bench``
database dropped and created anew, when a server answers on 127.0.0.1:5432 (otherwise its
figures are null and ``postgres_skipped`` says why). Prints a table and writes the flat
figures to bench/results/latest.json. A scenario that fails (any response other than 200,
or a crash) has null figures and is named under ``failures``; the run then exits 1.

Environment: ``WARTA_BENCH_DATABASE_URL`` overrides the PostgreSQL address;
``BENCH_REQUESTS`` / ``BENCH_WARMUP`` change the requests per scenario (default 150 per page and level, i.e. 600 per page / 20).
"""

import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
POSTGRES_URL = os.environ.get("WARTA_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/warta_bench")
DATABASES = ("sqlite", "postgres")
PAGES = ("unit_page", "tree_page")
LEVELS = ("regency", "kecamatan", "village", "province")
GOAL_MS = 50.0
# Environment that would change what is measured: always removed for the subprocesses.
DROP_ENV = ("DATABASE_URL", "REDIS_URL", "WARTA_TASKS_EAGER", "WARTA_SQLITE_PATH", "WARTA_DEBUG",
            "WARTA_SECRET_KEY", "DJANGO_SETTINGS_MODULE")


def postgres_prepare(url: str) -> str | None:
    """Drop and create the bench database; return why PostgreSQL is skipped, or None."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 5432
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError as exc:
        return f"no PostgreSQL server answers on {host}:{port} ({exc.strerror or exc})"
    try:
        import psycopg
        from psycopg import sql
    except ImportError as exc:
        return f"psycopg is not installed ({exc})"
    name = parts.path.lstrip("/") or "warta_bench"
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        return f"cannot recreate database {name!r} on {host}:{port}: {str(exc).strip()}"
    return None


def run_scenario(db: str, data_dir: str) -> tuple[dict | None, str | None]:
    """Run one database's scenario in a fresh process; return (result, why it failed)."""
    env = {k: v for k, v in os.environ.items() if k not in DROP_ENV}
    env.update(WARTA_TESTING="1", WARTA_DATA_DIR=data_dir, WARTA_LOG_LEVEL="WARNING",
               DJANGO_SETTINGS_MODULE="warta.settings", PYTHONHASHSEED="0", PYTHONWARNINGS="ignore")
    if db == "postgres":
        env["DATABASE_URL"] = POSTGRES_URL
    out = Path(data_dir) / f"result-{db}.json"
    proc = subprocess.run([sys.executable, "-m", "bench.units", "--db", db, "--out", str(out)],
                          cwd=ROOT, env=env, timeout=900, stderr=subprocess.PIPE, text=True)
    if proc.stderr.strip():
        sys.stderr.write(proc.stderr)
    if out.exists():
        result = json.loads(out.read_text())
        return result, "; ".join(result["failures"]) or None
    last = [line for line in proc.stderr.splitlines() if line.strip()][-1:] or [f"exit {proc.returncode}"]
    return None, f"the scenario crashed: {last[0].strip()}"


def print_table(flat: dict) -> None:
    columns = [(db, q) for db in DATABASES for q in ("p50", "p95", "cpu_p50")]
    print()
    print(f"{'page':10} {'level':10}" + "".join(f" {db + ' ' + q.replace('_', ' '):>16}" for db, q in columns))
    for page in PAGES:
        for level in (*LEVELS, None):
            name = f"{page}_{level}" if level else page
            cells = ""
            for db, q in columns:
                value = flat.get(f"{name}_{q}_ms_{db}")
                cells += f" {'—' if value is None else f'{value:.2f} ms':>16}"
            print(f"{page if level in (LEVELS[0], None) else '':10} {level or 'ALL':10}{cells}")
    print("(p50/p95: wall clock per request; cpu p50: this process's CPU time, without the PostgreSQL server's)")
    for db in DATABASES:
        if flat.get(f"build_s_{db}") is not None:
            print(f"{db}: migrate {flat[f'migrate_s_{db}']:.1f} s, build {flat[f'build_s_{db}']:.1f} s "
                  f"(units {flat[f'build_units_s_{db}']:.1f} s, users+memberships {flat[f'build_users_s_{db}']:.1f} s)")
    if flat.get("postgres_skipped"):
        print(f"postgres skipped: {flat['postgres_skipped']}")
    over = [k for k, v in flat.items() if "_p95_ms_" in k and "cpu" not in k and v is not None and v > GOAL_MS]
    print(f"goal p95 < {GOAL_MS:.0f} ms: " + ("met everywhere" if not over else "MISSED by " + ", ".join(over)))
    machine = flat["machine"]
    print(f"machine: {machine['cpu_count']} CPUs, load average {machine['load_avg_1m_before']} before, "
          f"{machine['load_avg_1m_after']} after")


def print_profile(db: str, profile: dict) -> None:
    for name, info in profile.items():
        slow = info["slowest"][0] if info["slowest"] else None
        line = f"  [{db}] {name}: {info['sql_ms']:.1f} ms SQL"
        if slow:
            line += f"; slowest {slow['ms']:.1f} ms: {slow['sql'][:160]}"
        print(line)
        if "cprofile" in info:
            print(info["cprofile"])


def main() -> int:
    started = time.perf_counter()
    flat: dict = {}
    versions: dict = {}
    failures: list[str] = []
    skipped = None
    load_before = os.getloadavg()[0]
    for db in DATABASES:
        print(f"bench: {db}", flush=True)
        if db == "postgres":
            skipped = postgres_prepare(POSTGRES_URL)
            if skipped:
                print(f"bench: postgres skipped: {skipped}", flush=True)
                continue
        with tempfile.TemporaryDirectory(prefix=f"warta-bench-{db}-") as data_dir:
            result, failed = run_scenario(db, data_dir)
        if failed:
            failures.append(f"{db}: {failed}")
            print(f"bench: {db} FAILED: {failed}", flush=True)
        if result is not None:
            flat.update({f"{k}_{db}": v for k, v in result["figures"].items()})
            versions[f"{db}_version"] = result["version"]
            print_profile(db, result["profile"])

    from bench.sandbox import bench_sandbox

    print("bench: sandbox", flush=True)
    sandbox = bench_sandbox()  # a fresh process on a temporary SQLite directory
    flat.update(sandbox)
    if sandbox.get("sandbox_failed"):
        failures.append(f"sandbox: {sandbox['sandbox_failed']}")

    from bench import language

    print("bench: language", flush=True)
    try:
        figures = language.figures(cv=os.environ.get("BENCH_LANGUAGE_CV") == "1")
        flat.update(figures)
        print("language: " + ", ".join(f"{k} {v}" for k, v in figures.items()), flush=True)
    except Exception as exc:  # noqa: BLE001 - a failed scenario is reported, the others still run
        failures.append(f"language: {exc}")

    from bench.publishing import bench_publishing

    print("bench: publishing", flush=True)
    try:
        publishing = bench_publishing()
        flat.update(publishing)
        if publishing.get("publish_failed_reason"):
            failures.append(f"publishing: {publishing['publish_failed_reason']}")
    except Exception as exc:  # noqa: BLE001 - a failed scenario is reported, the others still run
        failures.append(f"publishing: {exc}")
    flat.setdefault("publish_10k_seconds", None)
    flat.setdefault("publish_duplicates", None)

    required = [f"{page}_{q}_ms_{db}" for page in PAGES for q in ("p50", "p95") for db in DATABASES]
    for name in required:
        flat.setdefault(name, None)
    flat["postgres_skipped"] = skipped
    flat["failures"] = failures
    flat["machine"] = {"platform": platform.platform(), "cpu_count": os.cpu_count(),
                       "python": platform.python_version(), **versions,
                       "load_avg_1m_before": round(load_before, 2),
                       "load_avg_1m_after": round(os.getloadavg()[0], 2)}
    flat["date"] = datetime.now(UTC).isoformat(timespec="seconds")
    flat["bench_s"] = round(time.perf_counter() - started, 1)
    print_table(flat)

    RESULTS.mkdir(exist_ok=True)
    tmp = RESULTS / "latest.json.tmp"
    tmp.write_text(json.dumps(dict(sorted(flat.items())), indent=2) + "\n")
    tmp.replace(RESULTS / "latest.json")
    print(f"bench: wrote {RESULTS / 'latest.json'} in {flat['bench_s']:.0f} s")
    if failures:
        print("bench: FAILED — " + " | ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
