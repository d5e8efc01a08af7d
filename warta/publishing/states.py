"""The editorial state machine of a post: the one place that says which move is allowed.

draft → in review → changes requested / approved → scheduled → publishing → published,
failed, or uncertain. Editing approved or scheduled content sends it back to draft (and so
back through approval). Every move is audited as ``post.<state>``.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from warta.core.audit import audit_action_register, audit_record
from warta.publishing.models import Post, PostState

S = PostState
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.IN_REVIEW, S.APPROVED}),
    S.IN_REVIEW: frozenset({S.CHANGES_REQUESTED, S.APPROVED, S.DRAFT}),
    S.CHANGES_REQUESTED: frozenset({S.DRAFT, S.IN_REVIEW}),
    S.APPROVED: frozenset({S.SCHEDULED, S.PUBLISHING, S.DRAFT}),
    S.SCHEDULED: frozenset({S.PUBLISHING, S.APPROVED, S.DRAFT}),
    S.PUBLISHING: frozenset({S.PUBLISHED, S.FAILED, S.UNCERTAIN}),
    S.FAILED: frozenset({S.SCHEDULED, S.PUBLISHING, S.DRAFT}),
    S.UNCERTAIN: frozenset({S.PUBLISHED, S.FAILED, S.PUBLISHING}),
    S.PUBLISHED: frozenset(),
}
# Content in these states can be edited; an edit moves it back to draft (and out of approval).
EDITABLE = frozenset({S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED, S.SCHEDULED, S.FAILED})

audit_action_register({f"post.{state}": format_lazy("{}: {}", gettext_lazy("Konten"), label)
                       for state, label in PostState.choices})


class TransitionError(ValueError):
    """A move the state machine does not allow; the message is for the user."""


def transition_allowed(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def _move_stamps(steps, now) -> dict:
    """The time stamps a post gets when its moves include approval or publication."""
    return {**({"approved_at": now} if S.APPROVED in steps else {}),
            **({"published_at": now} if S.PUBLISHED in steps else {})}


def _move_audit(*, actor, post: Post, before: str, to: str, reason: str = "", changes: dict | None = None) -> None:
    audit_record(actor=actor, unit=post.unit, action=f"post.{to}", target=post,
                 changes={"state": [before, to], **({"reason": reason} if reason else {}), **(changes or {})})


def post_transition(*, post: Post, to: str, actor=None, reason: str = "", changes: dict | None = None,
                    locked: bool = False) -> Post:
    """Move ``post`` to state ``to`` (locking its row), audited; refuse a move the machine forbids.
    ``locked``: the caller read ``post`` under its row lock in this transaction (no second read)."""
    with transaction.atomic():
        row = post if locked else Post.objects.select_for_update(of=("self",)).select_related("unit").get(pk=post.pk)
        if row.state == to:
            return row
        if not transition_allowed(row.state, to):
            raise TransitionError(
                _("Konten berstatus “%(current)s” tidak dapat diubah menjadi “%(target)s”.")
                % {"current": PostState(row.state).label, "target": PostState(to).label})
        before = row.state
        row.state = to
        stamps = _move_stamps([to], timezone.now())
        for name, value in stamps.items():
            setattr(row, name, value)
        row.save(update_fields=["state", "updated_at", *stamps])
        _move_audit(actor=actor, post=row, before=before, to=to, reason=reason, changes=changes)
    post.state, post.approved_at, post.published_at = row.state, row.approved_at, row.published_at
    return row


def posts_moves_apply(moves: dict[Post, list[str]], *, actor=None, reason: str = "") -> None:
    """Apply each post's moves, in order (the posts were read under their row locks in the
    caller's transaction): one UPDATE per resulting state for all of them, one audit event per
    move of each post, exactly as ``post_transition`` records it."""
    now = timezone.now()
    groups: dict[tuple, list[Post]] = {}
    for post, steps in moves.items():
        current = post.state
        for to in steps:
            if not transition_allowed(current, to):
                raise TransitionError(f"{current} -> {to}")
            _move_audit(actor=actor, post=post, before=current, to=to, reason=reason)
            current = to
        if steps:
            stamps = _move_stamps(steps, now)
            post.state, post.updated_at = current, now
            for name, value in stamps.items():
                setattr(post, name, value)
            groups.setdefault((current, *sorted(stamps)), []).append(post)
    for (state, *stamped), posts in groups.items():
        Post.objects.filter(pk__in=[post.pk for post in posts]).update(
            state=state, updated_at=now, **dict.fromkeys(stamped, now))


def posts_transition_bulk(*, post_ids, from_state: str, to: str, reason: str = "") -> int:
    """Move every post of ``post_ids`` still in ``from_state`` to ``to`` in one statement; one
    audit event per unit lists the posts moved (the dispatcher moves thousands in a minute)."""
    if not transition_allowed(from_state, to):
        raise TransitionError(f"{from_state} -> {to}")
    from warta.organisations.models import Unit

    with transaction.atomic():
        rows = list(Post.objects.select_for_update().filter(pk__in=list(post_ids), state=from_state)
                    .values_list("pk", "uuid", "unit_id"))
        if not rows:
            return 0
        Post.objects.filter(pk__in=[pk for pk, _u, _unit in rows]).update(state=to, updated_at=timezone.now())
        by_unit: dict[int, list[str]] = {}
        for _pk, post_uuid, unit_id in rows:
            by_unit.setdefault(unit_id, []).append(str(post_uuid))
        units = Unit.objects.in_bulk(list(by_unit))
        for unit_id, uuids in by_unit.items():
            audit_record(actor=None, unit=units[unit_id], action=f"post.{to}", target_type="publishing.post",
                         target_id=uuids[0] if len(uuids) == 1 else "",
                         target_label=_("%(n)s konten") % {"n": len(uuids)},
                         changes={"state": [from_state, to], "posts": uuids, **({"reason": reason} if reason else {})})
    return len(rows)
