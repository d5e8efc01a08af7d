"""Store what platforms deliver: validate, normalise, deduplicate, quarantine, hand over.

The one entry point for inbound data is :func:`items_ingest` — scheduled fetching, webhooks,
export-file imports, ``warta ingest FILE`` and the API all call it. Each item is stored once by
``(platform, external_id)``; a redelivery refreshes its metrics and counts the delivery. A
record that fails validation goes to :class:`Quarantine` with its reason and never blocks the
rest of its batch. Newly stored items are handed, after commit, to the consumers registered
in :mod:`warta.ingest.consumers` (inbox, listening, analytics, language).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.dateparse import parse_datetime
from jsonschema import Draft202012Validator

from warta.channels.connectors.base import AccountMetrics, InboundItem, PostMetrics
from warta.channels.models import Account
from warta.ingest import consumers
from warta.ingest.models import AccountMetricSnapshot, Item, PostMetricSnapshot, Quarantine

logger = logging.getLogger(__name__)

SCHEMA_PATH = Path(__file__).parent / "schema" / "inbound-item.schema.json"
ITEM_FIELDS = [f.name for f in dataclasses.fields(InboundItem)]


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA_PATH.read_text()))


@dataclass
class IngestReport:
    stored: int = 0
    duplicates: int = 0
    quarantined: list[tuple[int, str]] = field(default_factory=list)  # (index in the batch, reason)
    new_ids: list[int] = field(default_factory=list)

    def merge(self, other: IngestReport, offset: int = 0) -> None:
        self.stored += other.stored
        self.duplicates += other.duplicates
        self.quarantined += [(i + offset, r) for i, r in other.quarantined]
        self.new_ids += other.new_ids


def item_from_record(record: Mapping[str, Any] | InboundItem) -> InboundItem:
    """Validate one record against the schema and return it as an InboundItem.

    Raises ``ValueError`` with every problem in plain words.
    """
    if isinstance(record, InboundItem):
        data = dataclasses.asdict(record)
        created = record.created_at
        data["created_at"] = created.isoformat() if isinstance(created, datetime) else created
        data["media_urls"] = list(record.media_urls)
        data["metrics"] = dict(record.metrics)
        data["extra"] = dict(record.extra)
    elif isinstance(record, Mapping):
        data = dict(record)
    else:
        raise ValueError(f"expected an object, got {type(record).__name__}")
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.path))
    if errors:
        raise ValueError("; ".join(_describe(e) for e in errors[:5]))
    data = _without_nul(data)  # PostgreSQL refuses NUL in text
    created_at = parse_datetime(data["created_at"])
    if created_at is None or created_at.tzinfo is None:
        raise ValueError("created_at: expected an RFC 3339 date-time with a time zone")
    data["created_at"] = created_at
    data["media_urls"] = tuple(data.get("media_urls", ()))
    return InboundItem(**{k: v for k, v in data.items() if k in ITEM_FIELDS})


def _without_nul(value):
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {k: _without_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_without_nul(v) for v in value)
    return value


def _describe(error) -> str:
    where = ".".join(str(p) for p in error.path) or "(record)"
    return f"{where}: {error.message}"


def items_ingest(
    *,
    items: Iterable[Mapping[str, Any] | InboundItem],
    source: str,
    account: Account | None = None,
    batch_size: int = 500,
) -> IngestReport:
    """Store a stream of inbound records in batches; return what happened to them."""
    report = IngestReport()
    batch: list = []
    offset = 0
    for record in items:
        batch.append(record)
        if len(batch) >= batch_size:
            report.merge(_ingest_batch(batch, source=source, account=account), offset)
            offset += len(batch)
            batch = []
    if batch:
        report.merge(_ingest_batch(batch, source=source, account=account), offset)
    return report


def _ingest_batch(records: list, *, source: str, account: Account | None) -> IngestReport:
    report = IngestReport()
    valid: dict[tuple[str, str], InboundItem] = {}
    bad: list[Quarantine] = []
    for index, record in enumerate(records):
        try:
            item = item_from_record(record)
        except (ValueError, TypeError) as exc:
            report.quarantined.append((index, str(exc)))
            bad.append(Quarantine(source=source, account=account, unit=account.unit if account else None,
                                  payload=_payload_text(record), reason=str(exc)))
            continue
        key = (item.platform, item.external_id)
        if key in valid:
            report.duplicates += 1  # delivered twice in the same batch
        valid[key] = item
    with transaction.atomic():
        if bad:
            Quarantine.objects.bulk_create(bad)
        if valid:
            stored, duplicates, new_ids = _store(valid, source=source, account=account)
            report.stored += stored
            report.duplicates += duplicates
            report.new_ids += new_ids
            if new_ids:
                transaction.on_commit(lambda ids=tuple(new_ids): consumers.items_dispatch(ids))
    return report


def _store(valid: dict[tuple[str, str], InboundItem], *, source: str, account: Account | None):
    by_platform: dict[str, list[str]] = {}
    for platform, external_id in valid:
        by_platform.setdefault(platform, []).append(external_id)
    existing: dict[tuple[str, str], tuple[int, dict]] = {}
    for platform, ids in by_platform.items():
        for pk, ext, metrics in Item.objects.filter(platform=platform, external_id__in=ids).values_list(
                "pk", "external_id", "metrics"):
            existing[(platform, ext)] = (pk, metrics)
    accounts = _accounts_for(valid.values())
    new = [_row(item, source=source, account=accounts.get((item.platform, item.account_external_id)) or account)
           for key, item in valid.items() if key not in existing]
    new_ids: list[int] = []
    if new:
        try:
            with transaction.atomic():
                created = Item.objects.bulk_create(new)
            new_ids = [row.pk for row in created if row.pk is not None]
        except IntegrityError:  # a concurrent worker stored some of them first: one by one
            for row in new:
                try:
                    with transaction.atomic():
                        row.save(force_insert=True)
                    new_ids.append(row.pk)
                except IntegrityError:
                    existing[(row.platform, row.external_id)] = (None, {})
    repeats = [pk for key, (pk, _) in existing.items() if pk is not None]
    if repeats:
        Item.objects.filter(pk__in=repeats).update(deliveries=F("deliveries") + 1)
        changed = []
        for key, (pk, metrics) in existing.items():
            fresh = dict(valid[key].metrics)
            if pk is not None and fresh and fresh != metrics:
                changed.append(Item(pk=pk, metrics={**metrics, **fresh}))
        if changed:
            Item.objects.bulk_update(changed, ["metrics"])
    return len(new), len(existing), new_ids


def _accounts_for(items: Iterable[InboundItem]) -> dict[tuple[str, str], Account]:
    """Find the official account each item speaks to by its platform id or handle."""
    wanted: dict[str, set[str]] = {}
    for item in items:
        if item.account_external_id:
            wanted.setdefault(item.platform, set()).add(item.account_external_id)
    found: dict[tuple[str, str], Account] = {}
    for platform, refs in wanted.items():
        matching = Q(external_id__in=refs) | Q(handle__in=refs)
        for acc in Account.objects.active().filter(matching, platform=platform).select_related("unit"):
            found[(platform, acc.external_id)] = acc
            found[(platform, acc.handle)] = acc
    return found


def _row(item: InboundItem, *, source: str, account: Account | None) -> Item:
    return Item(
        platform=item.platform, external_id=item.external_id, kind=item.kind, account=account,
        unit=account.unit if account else None, text=item.text, title=item.title[:500], url=item.url[:1000],
        created_at=item.created_at, author_external_id=item.author_external_id,
        author_handle=item.author_handle, author_name=item.author_name,
        account_external_id=item.account_external_id, parent_external_id=item.parent_external_id,
        thread_external_id=item.thread_external_id, source_name=item.source_name, language=item.language,
        media_urls=list(item.media_urls), metrics=dict(item.metrics), extra=dict(item.extra), source=source,
    )


def _payload_text(record: Any) -> str:
    if isinstance(record, InboundItem):
        record = dataclasses.asdict(record)
    try:
        return json.dumps(record, ensure_ascii=False, default=str)[:100_000]
    except (TypeError, ValueError):
        return repr(record)[:100_000]


def quarantine_record(*, payload: str, reason: str, source: str, account: Account | None = None) -> Quarantine:
    """Keep a record that could not even be read (broken JSON line, bad webhook body)."""
    return Quarantine.objects.create(source=source, account=account, unit=account.unit if account else None,
                                     payload=payload[:100_000], reason=reason)


def metrics_record(
    *,
    account: Account,
    post_metrics: Iterable[PostMetrics] = (),
    account_metrics: AccountMetrics | None = None,
) -> int:
    """Store metric snapshots once each (a repeated observation changes nothing)."""
    rows = [PostMetricSnapshot(account=account, external_id=m.external_id, observed_at=m.observed_at,
                               values={k: int(v) for k, v in m.values.items()}) for m in post_metrics]
    stored = 0
    with transaction.atomic():
        if rows:
            before = PostMetricSnapshot.objects.filter(account=account).count()
            PostMetricSnapshot.objects.bulk_create(rows, ignore_conflicts=True)
            stored += PostMetricSnapshot.objects.filter(account=account).count() - before
            latest: dict[str, dict] = {}
            for m in sorted(rows, key=lambda r: r.observed_at):
                latest[m.external_id] = m.values
            _items_metrics_refresh(account, latest)
        if account_metrics is not None:
            _, created = AccountMetricSnapshot.objects.get_or_create(
                account=account, observed_at=account_metrics.observed_at,
                defaults={"followers": account_metrics.followers, "following": account_metrics.following,
                          "posts": account_metrics.posts, "values": dict(account_metrics.values)})
            stored += int(created)
    return stored


def _items_metrics_refresh(account: Account, latest: dict[str, dict]) -> None:
    items = list(Item.objects.filter(account=account, platform=account.platform, external_id__in=latest)
                 .only("pk", "external_id", "metrics"))
    for item in items:
        item.metrics = {**item.metrics, **latest[item.external_id]}
    if items:
        Item.objects.bulk_update(items, ["metrics"])
