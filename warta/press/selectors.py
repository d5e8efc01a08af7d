"""Reads of the press app, always through the acting scope (a row outside it is a 404)."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from warta.press.models import (
    SENDING_LEASE,
    DistributionList,
    MediaContact,
    PressDelivery,
    PressRelease,
)


@dataclass(frozen=True)
class ReleaseFilter:
    query: str = ""
    state: str = ""


def release_list(*, scope, filters: ReleaseFilter = ReleaseFilter()):
    rows = PressRelease.objects.for_scope(scope).select_related("unit")
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.query:
        q = filters.query
        rows = rows.filter(Q(headline__icontains=q) | Q(number__icontains=q) | Q(lead__icontains=q))
    return rows


def release_get(*, scope, release_uuid) -> PressRelease:
    release = (PressRelease.objects.for_scope(scope).select_related("unit__parent", "created_by")
               .filter(uuid=release_uuid).first())
    if release is None:
        raise Http404
    return release


def public_release_get(*, slug: str) -> PressRelease:
    """A published release by its slug, for anyone; Http404 unless published."""
    release = (PressRelease.objects.select_related("unit__parent")
               .filter(slug=slug, state=PressRelease.State.PUBLISHED).first())
    if release is None:
        raise Http404
    return release


def contact_list(*, scope, query: str = "", archived: bool = False, beat: str = ""):
    rows = MediaContact.objects.for_scope(scope).filter(archived=archived).select_related("unit")
    if query:
        rows = rows.filter(Q(name__icontains=query) | Q(outlet__icontains=query) | Q(email__icontains=query))
    if beat:
        rows = [c for c in rows if beat.lower() in (b.lower() for b in c.beats)]
    return rows


def contact_get(*, scope, contact_uuid) -> MediaContact:
    contact = MediaContact.objects.for_scope(scope).select_related("unit").filter(uuid=contact_uuid).first()
    if contact is None:
        raise Http404
    return contact


def contacts_by_uuid(*, scope, uuids) -> list[MediaContact]:
    """The scope's contacts among ``uuids``; Http404-free: unknown ones are simply absent."""
    return list(MediaContact.objects.for_scope(scope).filter(uuid__in=list(uuids)).select_related("unit"))


def list_list(*, scope):
    return (DistributionList.objects.for_scope(scope).select_related("unit")
            .annotate(contact_count=Count("contacts", filter=Q(contacts__archived=False))).order_by("name", "pk"))


def list_get(*, scope, list_uuid) -> DistributionList:
    dlist = DistributionList.objects.for_scope(scope).select_related("unit").filter(uuid=list_uuid).first()
    if dlist is None:
        raise Http404
    return dlist


def delivery_list(*, release: PressRelease, state: str = ""):
    rows = PressDelivery.objects.filter(release=release).select_related("contact", "distribution_list")
    if state:
        rows = rows.filter(state=state)
    return rows


def delivery_get(*, release: PressRelease, delivery_uuid) -> PressDelivery:
    """One delivery of a release already found in the scope; Http404 otherwise."""
    row = PressDelivery.objects.filter(release=release, uuid=delivery_uuid).select_related("release__unit").first()
    if row is None:
        raise Http404
    row.release = release
    return row


def delivery_counts(*, release: PressRelease, now=None) -> dict[str, int]:
    """Deliveries per state, and ``uncertain``: those sending for longer than the lease (also
    counted in ``sending``)."""
    counts = {s: 0 for s in PressDelivery.State.values}
    for row in PressDelivery.objects.filter(release=release).values("state").annotate(n=Count("pk")):
        counts[row["state"]] = row["n"]
    counts["uncertain"] = PressDelivery.objects.filter(
        release=release, state=PressDelivery.State.SENDING,
        claimed_at__lte=(now or timezone.now()) - SENDING_LEASE).count()
    return counts
