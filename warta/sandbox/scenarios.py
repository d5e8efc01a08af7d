"""The scenario engine: scripted surges of public talk for demos and crisis drills.

A scenario is a small JSON definition::

    {"slug": "jembatan-putus-cibinong", "name": "Jembatan putus di Kecamatan Cibinong",
     "start": "09:00", "texts": ["Jembatan di {kec} putus! {target}", ...], "kecamatan": "Cibinong",
     "initial_per_hour": 10, "growth": "x3 per hour", "sentiment": "negative",
     "targets": ["@humasbogorkab"], "duration_h": 6, "news": ["Jembatan di {kec} Putus"]}

The rate at ``t`` hours after the start is ``initial_per_hour * growth ** t`` (capped at
``max_per_hour``); a tick produces the integral of that rate over its span, carrying the
fraction to the next tick, so an hour of events is three times the hour before whatever the
tick length. ``start`` is informative (the time of day the story begins in the drill script);
a run starts when an admin starts it.
"""

from __future__ import annotations

import math
import random
import re
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from warta.core.audit import audit_record
from warta.sandbox.models import AccountKind, Post, RunState, SandboxAccount, Scenario, ScenarioRun
from warta.sandbox.services import SandboxError, article_publish, post_create

MAX_PER_HOUR = 6000.0

BUILT_IN: tuple[dict, ...] = (
    {
        "slug": "jembatan-putus-cibinong",
        "name": "Jembatan putus di Kecamatan Cibinong",
        "start": "09:00",
        "kecamatan": "Cibinong",
        "texts": [
            "Jembatan di {kec} putus! Anak-anak tidak bisa ke sekolah {target}",
            "{target} tolong segera tangani jembatan putus di {kec}, warga harus memutar jauh",
            "Sudah lama jembatan {kec} retak, sekarang putus. Ke mana saja pemerintah? {target}",
            "Motor saya hampir jatuh di jembatan {kec} yang putus, bahaya sekali {target}",
            "Kapan jembatan {kec} diperbaiki? Ekonomi warga lumpuh {target}",
        ],
        "news": ["Jembatan Penghubung di {kec} Putus, Warga Terisolasi",
                 "Warga {kec} Desak Pemda Segera Perbaiki Jembatan"],
        "initial_per_hour": 10,
        "growth": "x3 per hour",
        "sentiment": "negative",
        "targets": ["@humasbogorkab", "@diskominfobogorkab"],
        "duration_h": 6,
    },
    {
        "slug": "banjir-bogor",
        "name": "Banjir di wilayah Bogor",
        "start": "16:00",
        "kecamatan": "Citeureup",
        "texts": [
            "Banjir setinggi lutut di {kec}, mohon bantuan perahu karet {target}",
            "{target} air sungai meluap di {kec}, warga mulai mengungsi",
            "Posko banjir di {kec} di mana? Banyak lansia butuh evakuasi {target}",
            "Sudah dua jam listrik padam karena banjir di {kec} {target}",
        ],
        "news": ["Banjir Rendam Ratusan Rumah di {kec}", "BPBD Evakuasi Warga Terdampak Banjir di {kec}"],
        "initial_per_hour": 20,
        "growth": "x2 per hour",
        "sentiment": "negative",
        "targets": ["@humasbogorkab", "@kotabogor"],
        "duration_h": 8,
    },
    {
        "slug": "hoaks-bansos",
        "name": "Hoaks pendaftaran bansos lewat tautan",
        "start": "19:00",
        "kecamatan": "Bojonggede",
        "texts": [
            "Katanya bansos Rp600 ribu bisa didaftarkan lewat tautan di grup WA, benar tidak {target}?",
            "Info: pendaftaran bansos tahap baru lewat link, isi NIK dan nomor rekening {target}",
            "Tetangga di {kec} sudah isi data bansos di link itu, aman tidak ya {target}?",
            "{target} tolong klarifikasi soal pesan berantai bansos yang minta data KTP",
        ],
        "news": ["Beredar Pesan Berantai Pendaftaran Bansos, Pemda Minta Warga Waspada"],
        "initial_per_hour": 15,
        "growth": "x2.5 per hour",
        "sentiment": "neutral",
        "targets": ["@diskominfobogorkab", "@kemendagri"],
        "duration_h": 5,
    },
    {
        "slug": "pujian-viral-puskesmas",
        "name": "Pujian viral untuk petugas puskesmas",
        "start": "08:00",
        "kecamatan": "Cibinong",
        "texts": [
            "Salut untuk petugas puskesmas {kec} yang tetap melayani saat hujan deras {target}",
            "Video perawat puskesmas {kec} menggendong pasien lansia bikin terharu {target}",
            "Pelayanan publik seperti ini yang kami harapkan, terima kasih {target}",
        ],
        "news": ["Aksi Petugas Puskesmas {kec} Viral di Media Sosial"],
        "initial_per_hour": 8,
        "growth": "x2 per hour",
        "sentiment": "positive",
        "targets": ["@humasbogorkab"],
        "duration_h": 4,
    },
)


def growth_factor(definition: dict) -> float:
    """Read the hourly growth: a number, or text such as "x3 per hour"."""
    value = definition.get("growth", 1.0)
    if isinstance(value, int | float):
        factor = float(value)
    else:
        match = re.search(r"(\d+(?:[.,]\d+)?)", str(value))
        factor = float(match.group(1).replace(",", ".")) if match else 1.0
    return max(factor, 0.01)


def rate_at(definition: dict, hours: float) -> float:
    """Events per hour ``hours`` after the start."""
    return min(float(definition.get("initial_per_hour", 10)) * growth_factor(definition) ** hours,
               float(definition.get("max_per_hour", MAX_PER_HOUR)))


def expected_between(definition: dict, a_h: float, b_h: float) -> float:
    """Events expected between ``a_h`` and ``b_h`` hours after the start (the rate's integral)."""
    if b_h <= a_h:
        return 0.0
    initial, g = float(definition.get("initial_per_hour", 10)), growth_factor(definition)
    cap = float(definition.get("max_per_hour", MAX_PER_HOUR))
    if abs(g - 1.0) < 1e-9:
        return min(initial, cap) * (b_h - a_h)
    # the hour the cap is reached (if growing)
    t_cap = math.log(cap / initial) / math.log(g) if g > 1 and cap > initial else math.inf
    total = 0.0
    lo, hi = a_h, min(b_h, t_cap)
    if hi > lo:
        total += initial * (g ** hi - g ** lo) / math.log(g)
    if b_h > max(a_h, t_cap):
        total += cap * (b_h - max(a_h, t_cap))
    return total


def scenario_sync() -> int:
    """Create or refresh the built-in scenarios; return how many exist."""
    for definition in BUILT_IN:
        Scenario.objects.update_or_create(slug=definition["slug"], defaults={
            "name": definition["name"], "definition": definition, "built_in": True})
    return Scenario.objects.count()


def scenario_list() -> list[Scenario]:
    """Return every scenario with its latest run as ``latest_run`` (None if never run)."""
    scenario_sync()
    scenarios = list(Scenario.objects.order_by("name"))
    latest: dict[int, ScenarioRun] = {}
    for run in ScenarioRun.objects.order_by("scenario_id", "-started_at", "-id"):
        latest.setdefault(run.scenario_id, run)
    for scenario in scenarios:
        scenario.latest_run = latest.get(scenario.pk)
    return scenarios


def scenario_start(*, slug: str, actor=None, now: datetime | None = None) -> ScenarioRun:
    """Start a scenario (refused while it already runs)."""
    scenario_sync()
    scenario = Scenario.objects.filter(slug=slug).first()
    if scenario is None:
        raise SandboxError("not_found", _("Skenario tidak ditemukan."), status=404)
    now = now or timezone.now()
    try:
        with transaction.atomic():
            run = ScenarioRun.objects.create(scenario=scenario, started_at=now, last_tick_at=now,
                                             started_by=actor if getattr(actor, "pk", None) else None)
            if actor is not None:
                audit_record(actor=actor, action="sandbox.scenario_start", target=scenario)
    except IntegrityError:
        raise SandboxError("already_running", _("Skenario ini sedang berjalan."), status=409) from None
    return run


def scenario_stop(*, slug: str, actor=None, now: datetime | None = None) -> ScenarioRun:
    """Stop the running run of a scenario."""
    run = ScenarioRun.objects.filter(scenario__slug=slug, state=RunState.RUNNING).select_related("scenario").first()
    if run is None:
        raise SandboxError("not_running", _("Skenario ini tidak sedang berjalan."), status=409)
    run.state = RunState.STOPPED
    run.stopped_at = now or timezone.now()
    run.save(update_fields=["state", "stopped_at"])
    if actor is not None:
        audit_record(actor=actor, action="sandbox.scenario_stop", target=run.scenario)
    return run


def _targets(definition: dict) -> list[SandboxAccount]:
    handles = [t.lstrip("@").lower() for t in definition.get("targets", [])]
    found = {a.handle: a for a in SandboxAccount.objects.filter(handle__in=handles)}
    return [found[h] for h in handles if h in found]


def scenario_tick(run: ScenarioRun, *, now: datetime | None = None) -> int:
    """Produce the run's events from its last tick to ``now``; return how many were written."""
    now = now or timezone.now()
    definition = run.scenario.definition
    duration = float(definition.get("duration_h", 6))
    start = run.started_at
    a_h = ((run.last_tick_at or start) - start).total_seconds() / 3600
    end = min(now, start + timedelta(hours=duration))
    b_h = max((end - start).total_seconds() / 3600, a_h)
    exact = expected_between(definition, a_h, b_h) + run.carry
    count = int(exact)
    rng = random.Random(f"scenario:{run.pk}:{int(a_h * 3600)}:{int(b_h * 3600)}")
    citizens = list(SandboxAccount.objects.filter(kind__in=[AccountKind.CITIZEN, AccountKind.INFLUENCER])
                    .order_by("id").values_list("id", flat=True))
    portals = list(SandboxAccount.objects.filter(kind=AccountKind.NEWS).order_by("id"))
    targets = _targets(definition)
    texts = definition.get("texts") or ["{target}"]
    kec = definition.get("kecamatan", "Cibinong")
    written = 0
    if citizens and count:
        target_posts = {t.pk: list(Post.objects.filter(author=t, parent=None, deleted=False)
                                   .order_by("-id").values_list("id", flat=True)[:5]) for t in targets}
        authors = SandboxAccount.objects.in_bulk(citizens)
        with transaction.atomic():
            for i in range(count):
                at = start + timedelta(hours=a_h + (b_h - a_h) * (i + rng.random()) / count)
                target = rng.choice(targets) if targets else None
                text = rng.choice(texts).format(kec=kec, target=f"@{target.handle}" if target else "")
                text = " ".join(text.split())
                author = authors[rng.choice(citizens)]
                news = definition.get("news") or []
                if portals and news and rng.random() < 0.04:
                    article_publish(portal=rng.choice(portals), title=rng.choice(news).format(kec=kec),
                                    body=text, now=at, scenario_run=run)
                elif target is not None and target_posts.get(target.pk) and rng.random() < 0.35:
                    parent = Post.objects.get(pk=rng.choice(target_posts[target.pk]))
                    post_create(author=author, text=text, parent=parent, now=at, scenario_run=run)
                else:
                    post_create(author=author, text=text, now=at, scenario_run=run)
                written += 1
    run.carry = exact - count
    run.last_tick_at = end
    run.events_generated += written
    fields = ["carry", "last_tick_at", "events_generated"]
    if end >= start + timedelta(hours=duration):
        run.state, run.stopped_at = RunState.FINISHED, end
        fields += ["state", "stopped_at"]
    run.save(update_fields=fields)
    return written


def scenarios_tick(*, now: datetime | None = None) -> int:
    """Tick every running scenario; return the events written."""
    return sum(scenario_tick(run, now=now) for run in
               ScenarioRun.objects.filter(state=RunState.RUNNING).select_related("scenario").order_by("id"))
