"""Write and verify the append-only, hash-chained audit trail.

Each event's hash covers its own fields and the previous event's hash, so editing or
deleting any row breaks every hash after it. Writers serialise on the ``AuditHead`` row.
"""

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from warta.core.context import client_ip
from warta.core.models import AuditEvent, AuditHead

GENESIS = "0" * 64
_ACTION_LABELS: dict[str, object] = {}


def audit_action_register(labels: dict[str, object]) -> None:
    """Give audit action codes their human labels (lazy translations); apps call this."""
    _ACTION_LABELS.update(labels)


def audit_action_label(action: str) -> str:
    return str(_ACTION_LABELS.get(action, action))
SECRET_MARKERS = ("password", "secret", "token", "key", "otp", "credential")


def _clean_changes(changes: dict[str, Any] | None) -> dict[str, Any]:
    """Drop anything that looks like a secret: audit summaries never carry credentials."""
    out: dict[str, Any] = {}
    for key, value in (changes or {}).items():
        if any(marker in key.lower() for marker in SECRET_MARKERS):
            out[key] = "***"
        elif isinstance(value, dict):
            out[key] = _clean_changes(value)
        else:
            out[key] = value
    return out


def event_digest(*, prev_hash: str, fields: dict[str, Any]) -> str:
    """Return the hash of one event given the previous hash and its canonical fields."""
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def _fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "uuid": str(event.uuid),
        "created_at": event.created_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "unit_id": event.unit_id,
        "unit_path": event.unit_path,
        "unit_label": event.unit_label,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_label": event.target_label,
        "changes": event.changes,
        "ip": event.ip,
    }


def _head_advance(count: int = 1) -> tuple[int, str]:
    """Take the chain's head row lock and ``count`` sequence numbers in one statement (UPDATE …
    RETURNING, on PostgreSQL and SQLite alike): writers hold the lock for as short as possible.
    Return the first new number and the hash to chain onto."""
    table = connection.ops.quote_name(AuditHead._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET seq = seq + %s WHERE id = 1 RETURNING seq, hash", [count])  # noqa: S608
        row = cursor.fetchone()
    if row is None:  # a new database: the head is made once
        AuditHead.objects.get_or_create(pk=1)
        return _head_advance(count)
    return int(row[0]) - count + 1, row[1]


# The events of an ``audit_batch`` block, appended together when it ends.
_batch: ContextVar[list[AuditEvent] | None] = ContextVar("warta_audit_batch", default=None)


def _append(events: list[AuditEvent]) -> None:
    """Chain ``events`` onto the trail in order: one head advance, one INSERT, one head update."""
    with transaction.atomic():
        # The UPDATE takes the row lock (PostgreSQL) or the write lock (SQLite) first,
        # so two writers can never chain onto the same previous hash.
        seq, prev_hash = _head_advance(len(events))
        for event in events:
            event.seq, event.prev_hash = seq, prev_hash
            event.hash = event_digest(prev_hash=prev_hash, fields=_fields(event))
            seq, prev_hash = seq + 1, event.hash
        if len(events) == 1:
            events[0].save(force_insert=True)
        else:
            AuditEvent.objects.bulk_create(events)
        AuditHead.objects.filter(pk=1).update(hash=prev_hash)


@contextmanager
def audit_batch() -> Iterator[None]:
    """Append the events that ``audit_record`` makes inside the block together, when the block
    ends without an error: one head advance and one INSERT for all of them, so the chain's lock
    is taken once, late, and held only to the commit. Use it inside the caller's transaction
    (the events must commit with the change they record); the events get their ``seq`` and
    ``hash`` only at the end of the block. Nested blocks append with the outermost one."""
    if _batch.get() is not None:
        yield
        return
    events: list[AuditEvent] = []
    token = _batch.set(events)
    try:
        yield
    finally:
        _batch.reset(token)
    if events:
        _append(events)


def audit_record(
    *,
    actor=None,
    unit=None,
    action: str,
    target=None,
    target_type: str = "",
    target_id: str = "",
    target_label: str = "",
    changes: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Append one event to the audit trail, inside the caller's transaction.

    ``unit`` is the unit acted for (anything with ``pk``, ``path`` and ``__str__``);
    ``target`` a model instance whose type, id and label are recorded. The client address
    defaults to the current request's.
    """
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(getattr(target, "uuid", None) or target.pk)
        target_label = target_label or str(target)[:255]
    event = AuditEvent(
        created_at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_label=(getattr(actor, "email", "") or str(actor or ""))[:254] if actor is not None else "",
        unit_id=getattr(unit, "pk", None),
        unit_path=getattr(unit, "path", "") or "",
        unit_label=str(unit)[:255] if unit is not None else "",
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        target_label=target_label[:255],
        changes=_clean_changes(changes),
        ip=ip if ip is not None else client_ip.get(),
    )
    pending = _batch.get()
    if pending is not None:
        pending.append(event)
    else:
        _append([event])
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def audit_verify(*, batch_size: int = 2000) -> ChainReport:
    """Recompute the chain from the start and report the first broken link."""
    prev = GENESIS
    expected_seq = 1
    checked = 0
    last_seq = 0
    while True:
        batch = list(AuditEvent.objects.filter(seq__gt=last_seq).order_by("seq")[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.seq != expected_seq:
                return ChainReport(False, checked, expected_seq, "missing")
            if event.prev_hash != prev:
                return ChainReport(False, checked, event.seq, "prev_hash")
            if event_digest(prev_hash=prev, fields=_fields(event)) != event.hash:
                return ChainReport(False, checked, event.seq, "hash")
            prev = event.hash
            expected_seq += 1
            checked += 1
            last_seq = event.seq
    head = AuditHead.objects.filter(pk=1).first()
    if head and (head.seq != checked or (checked and head.hash != prev)):
        return ChainReport(False, checked, checked + 1, "truncated")
    return ChainReport(True, checked)
