"""Reads on the media library, always within an acting scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from warta.media.models import MediaAsset, MediaKind, Rendition
from warta.organisations.scope import Scope


@dataclass(frozen=True)
class MediaFilter:
    """The library's filters; empty values filter nothing."""

    query: str = ""
    kind: str = ""
    archived: bool = False


def asset_list(*, scope: Scope, filters: MediaFilter | None = None) -> QuerySet[MediaAsset]:
    """Assets of the scope's unit and every unit below it, newest first."""
    f = filters or MediaFilter()
    qs = MediaAsset.objects.for_scope(scope).select_related("unit", "uploaded_by").filter(archived=f.archived)
    query = f.query.replace("\x00", "").strip()
    if query:
        qs = qs.filter(Q(title__icontains=query) | Q(alt_text__icontains=query))
    if f.kind in MediaKind.values:
        qs = qs.filter(kind=f.kind)
    return qs.order_by("-created_at", "-pk")


def asset_get(*, scope: Scope, asset_uuid) -> MediaAsset:
    """One asset inside the scope's subtree; Http404 for anything else."""
    asset = MediaAsset.objects.for_scope(scope).select_related("unit").filter(uuid=asset_uuid).first()
    if asset is None:
        raise Http404
    return asset


def rendition_get(*, scope: Scope, asset_uuid, platform: str) -> Rendition:
    asset = asset_get(scope=scope, asset_uuid=asset_uuid)
    rendition = asset.renditions.filter(platform=platform).first()
    if rendition is None:
        raise Http404
    rendition.asset = asset
    return rendition
