"""The simulation driver: citizens post, comment on official posts, share and mention official
accounts with a daily and weekly rhythm; news portals publish; followers grow with engagement.

A tick is planned first (:func:`simulation_plan`, pure and deterministic for a seed, a moment
and a snapshot of the world) and then applied through the platform's services
(:func:`simulation_apply`). :func:`simulation_tick` does both for the span that ends at
``now``; the periodic task calls it every minute while the simulation is on.
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from warta.sandbox import corpus
from warta.sandbox.models import AccountKind, Post, SandboxAccount
from warta.sandbox.services import (
    account_create,
    article_publish,
    follow_create,
    like_create,
    message_send,
    post_create,
    share_create,
    simulation_state,
    views_add,
)

logger = logging.getLogger(__name__)
WIB = ZoneInfo("Asia/Jakarta")
BASE_PER_HOUR = 120.0  # events in an average hour at speed 1
APPLY_CHUNK = 25  # events per transaction

# Relative activity per local hour (WIB): quiet at night, peaks in the morning and evening.
WEEKDAY_RHYTHM = (0.15, 0.1, 0.08, 0.08, 0.12, 0.3, 0.7, 1.4, 1.7, 1.4, 1.1, 1.0,
                  1.1, 1.0, 0.9, 0.9, 1.0, 1.2, 1.4, 1.8, 1.9, 1.6, 1.0, 0.5)
# Weekends start later, stay busy through the day and are a little quieter overall.
WEEKEND_RHYTHM = (0.3, 0.2, 0.12, 0.1, 0.1, 0.15, 0.3, 0.6, 0.9, 1.2, 1.3, 1.25,
                  1.2, 1.1, 1.1, 1.1, 1.15, 1.2, 1.4, 1.6, 1.7, 1.5, 1.1, 0.7)
WEEKEND_FACTOR = 0.85

EVENT_WEIGHTS = {
    "mention": 0.22, "comment": 0.25, "reply": 0.05, "post": 0.14, "quote": 0.05, "like": 0.15,
    "share": 0.04, "message": 0.04, "official": 0.03, "news": 0.02, "follow": 0.01,
}
SENTIMENT_WEIGHTS = {"negative": 0.4, "neutral": 0.35, "positive": 0.25}
FIRST_NAMES = ("Asep", "Dewi", "Budi", "Siti", "Agus", "Rina", "Dedi", "Yuni", "Eko", "Lina", "Ujang", "Neng",
               "Rudi", "Wati", "Andi", "Tuti", "Hendra", "Ayu", "Iwan", "Sri", "Fajar", "Nur", "Dodi", "Euis")
LAST_NAMES = ("Saputra", "Lestari", "Hidayat", "Rahayu", "Kurniawan", "Permana", "Suryani", "Nugraha",
              "Wulandari", "Setiawan", "Maulana", "Pratama", "Sulastri", "Gunawan")


def rhythm(moment: datetime) -> float:
    """Return the relative activity at ``moment`` (1.0 = an average weekday hour)."""
    local = moment.astimezone(WIB)
    if local.weekday() >= 5:
        return WEEKEND_RHYTHM[local.hour] * WEEKEND_FACTOR
    return WEEKDAY_RHYTHM[local.hour]


@dataclass(frozen=True)
class World:
    """A snapshot of who and what the next events may involve (ids and handles only)."""

    officials: tuple[tuple[int, str], ...]
    citizens: tuple[int, ...]
    portals: tuple[int, ...]
    official_posts: tuple[int, ...]  # recent top-level posts of official accounts
    comments: tuple[int, ...]  # recent comments under official posts

    @classmethod
    def load(cls) -> World:
        officials = tuple(SandboxAccount.objects.filter(kind=AccountKind.OFFICIAL).order_by("id")
                          .values_list("id", "handle"))
        citizens = tuple(SandboxAccount.objects.filter(kind__in=[AccountKind.CITIZEN, AccountKind.INFLUENCER])
                         .order_by("id").values_list("id", flat=True))
        portals = tuple(SandboxAccount.objects.filter(kind=AccountKind.NEWS).order_by("id").values_list("id", flat=True))
        live = Post.objects.filter(deleted=False, hidden=False)
        official_posts = tuple(live.filter(author__kind=AccountKind.OFFICIAL, parent=None)
                               .order_by("-id").values_list("id", flat=True)[:40])
        comments = tuple(live.filter(root_id__in=official_posts, parent__isnull=False)
                         .order_by("-id").values_list("id", flat=True)[:60])
        return cls(officials, citizens, portals, official_posts, comments)


@dataclass(frozen=True)
class Event:
    kind: str
    at: datetime
    actor: int = 0  # account id
    target: int = 0  # account id (mentions, messages, follows)
    post: int = 0  # post id acted on (comment, reply, like, share, quote)
    text: str = ""
    title: str = ""
    sentiment: str = ""
    topic: str = ""


@dataclass
class TickReport:
    events: int = 0
    by_kind: Counter = field(default_factory=Counter)
    follows: int = 0


def expected_events(start: datetime, seconds: float, *, rate_per_hour: float = BASE_PER_HOUR,
                    speed: float = 1.0) -> float:
    """Return the expected number of events in ``[start, start+seconds)`` (rhythm per minute)."""
    total, step, t = 0.0, 60.0, 0.0
    while t < seconds:
        span = min(step, seconds - t)
        total += rate_per_hour / 3600.0 * span * rhythm(start + timedelta(seconds=t + span / 2))
        t += span
    return total * speed


def _rng(seed: int, now: datetime, seconds: float, salt: str = "") -> random.Random:
    return random.Random(f"{seed}:{salt}:{int(now.timestamp())}:{int(seconds)}")


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def simulation_plan(world: World, *, now: datetime, seconds: float, seed: int = 2026,
                    rate_per_hour: float = BASE_PER_HOUR, speed: float = 1.0) -> list[Event]:
    """Plan the events of the span ending at ``now`` (pure: same inputs, same events)."""
    rng = _rng(seed, now, seconds)
    start = now - timedelta(seconds=seconds)
    lam = expected_events(start, seconds, rate_per_hour=rate_per_hour, speed=speed)
    count = int(lam) + (1 if rng.random() < lam - int(lam) else 0)
    if not world.citizens or not world.officials:
        return []
    offsets = sorted(rng.random() * seconds for _ in range(count))
    events = []
    for offset in offsets:
        at = start + timedelta(seconds=offset)
        kind = _pick(rng, EVENT_WEIGHTS)
        sentiment = _pick(rng, SENTIMENT_WEIGHTS)
        actor = rng.choice(world.citizens)
        official_id, official_handle = rng.choice(world.officials)
        if kind in ("comment", "like", "share", "quote") and not world.official_posts:
            kind = "mention"
        if kind == "reply" and not world.comments:
            kind = "mention"
        if kind == "news" and not world.portals:
            kind = "post"
        if kind == "mention":
            text, topic = corpus.citizen_text(rng, sentiment=sentiment, target=f"@{official_handle}")
            events.append(Event("mention", at, actor=actor, target=official_id, text=text, sentiment=sentiment, topic=topic))
        elif kind == "post":
            text, topic = corpus.citizen_text(rng, sentiment=sentiment)
            events.append(Event("post", at, actor=actor, text=text, sentiment=sentiment, topic=topic))
        elif kind in ("comment", "quote"):
            text, topic = corpus.citizen_text(rng, sentiment=sentiment)
            events.append(Event(kind, at, actor=actor, post=rng.choice(world.official_posts), text=text,
                                sentiment=sentiment, topic=topic))
        elif kind == "reply":
            text, topic = corpus.citizen_text(rng, sentiment=sentiment)
            events.append(Event("reply", at, actor=actor, post=rng.choice(world.comments), text=text,
                                sentiment=sentiment, topic=topic))
        elif kind in ("like", "share"):
            events.append(Event(kind, at, actor=actor, post=rng.choice(world.official_posts), sentiment=sentiment))
        elif kind == "message":
            text, topic = corpus.citizen_text(rng, sentiment=sentiment)
            events.append(Event("message", at, actor=actor, target=official_id, text=text, sentiment=sentiment, topic=topic))
        elif kind == "official":
            events.append(Event("official", at, actor=official_id, text=corpus.official_text(rng)))
        elif kind == "news":
            title = corpus.news_title(rng)
            body = " ".join(rng.choice(corpus.sentences()[s]).text for s in ("neutral", sentiment, "neutral"))
            events.append(Event("news", at, actor=rng.choice(world.portals), title=title, text=body))
        else:
            events.append(Event("follow", at, actor=actor, target=official_id))
    return events


def _follow_chance(event: Event) -> float:
    """Engagement draws followers: warm interactions more than cold ones."""
    base = {"like": 0.08, "share": 0.15, "quote": 0.12, "comment": 0.05}.get(event.kind, 0.0)
    return base * (2.0 if event.sentiment == "positive" else 0.5 if event.sentiment == "negative" else 1.0)


def simulation_apply(events: list[Event], *, seed: int = 2026, scenario_run=None) -> TickReport:
    """Write planned events through the platform's services, in one transaction."""
    report = TickReport()
    if not events:
        return report
    rng = random.Random(f"{seed}:apply:{int(events[0].at.timestamp())}:{len(events)}")
    ids = {e.actor for e in events} | {e.target for e in events if e.target}
    accounts = SandboxAccount.objects.in_bulk(ids)
    post_ids = {e.post for e in events if e.post}
    posts = Post.objects.in_bulk(post_ids)
    viewed: list[int] = []
    # Short transactions: the platform keeps answering its API (and SQLite readers and
    # writers keep their turn) while a busy tick is written.
    for start in range(0, len(events), APPLY_CHUNK):
        with transaction.atomic():
            for event in events[start:start + APPLY_CHUNK]:
                _apply_one(event, accounts, posts, rng, report, viewed, scenario_run)
    if viewed:
        views_add(post_ids=viewed, views=rng.randint(3, 12))
    return report


def _apply_one(event: Event, accounts: dict, posts: dict, rng: random.Random, report: TickReport,
               viewed: list[int], scenario_run) -> None:
    actor = accounts.get(event.actor)
    post = posts.get(event.post) if event.post else None
    if actor is None or (event.post and post is None):
        return  # deleted since the plan was made
    if event.kind in ("mention", "post", "official"):
        post_create(author=actor, text=event.text, now=event.at, scenario_run=scenario_run)
    elif event.kind in ("comment", "reply"):
        post_create(author=actor, text=event.text, parent=post, now=event.at, scenario_run=scenario_run)
    elif event.kind == "quote":
        post_create(author=actor, text=event.text, quote_of=post, now=event.at, scenario_run=scenario_run)
    elif event.kind == "like":
        like_create(account=actor, post=post, now=event.at)
    elif event.kind == "share":
        share_create(account=actor, post=post, now=event.at)
    elif event.kind == "message":
        message_send(sender=actor, recipient=accounts[event.target], text=event.text, now=event.at)
    elif event.kind == "news":
        article_publish(portal=actor, title=event.title, body=event.text, now=event.at, scenario_run=scenario_run)
    elif event.kind == "follow":
        report.follows += follow_create(follower=actor, followed=accounts[event.target], now=event.at)
    if post is not None:
        viewed.append(post.pk)
        if rng.random() < _follow_chance(event):
            report.follows += follow_create(follower=actor, followed=SandboxAccount(pk=post.author_id), now=event.at)
    report.events += 1
    report.by_kind[event.kind] += 1


def simulation_tick(now: datetime | None = None, seconds: float = 60.0, *, seed: int | None = None,
                    speed: float | None = None, rate_per_hour: float = BASE_PER_HOUR) -> TickReport:
    """Advance the world by the span of ``seconds`` that ends at ``now``."""
    now = now or timezone.now()
    state = simulation_state()
    seed = state.seed if seed is None else seed
    speed = state.speed if speed is None else speed
    events = simulation_plan(World.load(), now=now, seconds=seconds, seed=seed, rate_per_hour=rate_per_hour,
                             speed=speed)
    report = simulation_apply(events, seed=seed)
    type(state).objects.filter(pk=state.pk).update(last_tick_at=now, events_total=state.events_total + report.events)
    logger.debug("sandbox tick %s: %s events", now.isoformat(), report.events)
    return report


def simulation_run_due(now: datetime | None = None, *, max_span_s: float = 600.0) -> TickReport:
    """Tick from the last tick to ``now`` when the simulation is on (at most ``max_span_s``:
    a sandbox that was off does not flood the platform with the hours it missed)."""
    now = now or timezone.now()
    state = simulation_state()
    if not state.running:
        return TickReport()
    last = state.last_tick_at or now - timedelta(seconds=60)
    seconds = min(max((now - last).total_seconds(), 0.0), max_span_s)
    if seconds < 1:
        return TickReport()
    return simulation_tick(now, seconds)


# --- the world itself ---------------------------------------------------------------------------------

OFFICIALS = (
    ("humasbogorkab", "Humas Pemerintah Kabupaten Bogor", "Akun resmi Bagian Protokol dan Komunikasi Pimpinan Kabupaten Bogor."),
    ("diskominfobogorkab", "Diskominfo Kabupaten Bogor", "Dinas Komunikasi dan Informatika Kabupaten Bogor."),
    ("kotabogor", "Pemerintah Kota Bogor", "Akun resmi Pemerintah Kota Bogor."),
    ("kemendagri", "Kementerian Dalam Negeri", "Akun resmi Kementerian Dalam Negeri Republik Indonesia."),
)
PORTALS = (
    ("beritabogor", "Berita Bogor"),
    ("radarcibinong", "Radar Cibinong"),
    ("kabarjabar", "Kabar Jabar"),
)
INFLUENCERS = (("kangasepbogor", "Kang Asep Bogor"), ("neng_bogorpisan", "Neng Bogor Pisan"))


def world_seed(*, citizens: int = 200, seed: int = 2026, now: datetime | None = None) -> dict[str, int]:
    """Create the standing accounts (officials, portals, influencers, citizens) that do not
    exist yet; return how many of each were created. Safe to run again."""
    now = now or timezone.now()
    rng = random.Random(f"{seed}:world")
    created: Counter = Counter()
    existing = set(SandboxAccount.objects.values_list("handle", flat=True))
    for handle, name, bio in OFFICIALS:
        if handle not in existing:
            account_create(handle=handle, display_name=name, kind=AccountKind.OFFICIAL, bio=bio,
                           followers_count=rng.randint(2000, 20000), now=now)
            created["official"] += 1
    for handle, name in PORTALS:
        if handle not in existing:
            account_create(handle=handle, display_name=name, kind=AccountKind.NEWS, now=now,
                           bio="Portal berita daring.", followers_count=rng.randint(1000, 8000))
            created["news"] += 1
    for handle, name in INFLUENCERS:
        if handle not in existing:
            account_create(handle=handle, display_name=name, kind=AccountKind.INFLUENCER, now=now,
                           followers_count=rng.randint(20000, 90000))
            created["influencer"] += 1
    kec = corpus.kecamatan()
    new = []
    for i in range(citizens):
        one = random.Random(f"{seed}:citizen:{i}")  # each citizen the same whatever exists already
        first, last = one.choice(FIRST_NAMES), one.choice(LAST_NAMES)
        handle = f"{first}{last}{i}".lower()[:50]
        region = one.choice(kec)
        if handle in existing:
            continue
        new.append(SandboxAccount(handle=handle, display_name=f"{first} {last}", kind=AccountKind.CITIZEN,
                                  region=f"{region[0]}, {region[1]}", followers_count=one.randint(0, 400),
                                  created_at=now))
    SandboxAccount.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    created["citizen"] += len(new)
    return dict(created)


def history_seed(*, days: int = 3, now: datetime | None = None, step_h: int = 1, seed: int = 2026,
                 rate_per_hour: float = BASE_PER_HOUR / 3) -> int:
    """Fill the past ``days`` with simulated activity, hour by hour; return the events made."""
    now = now or timezone.now()
    total = 0
    start = now - timedelta(days=days)
    t = start + timedelta(hours=step_h)
    while t <= now:
        total += simulation_tick(t, step_h * 3600, seed=seed, speed=1.0, rate_per_hour=rate_per_hour).events
        t += timedelta(hours=step_h)
    return total
