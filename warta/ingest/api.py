"""The ingest endpoints of the JSON API.

Sections: inbound items (lead); export-file imports (below, if present).
"""

from uuid import UUID

from django.http import Http404
from ninja import Router, Schema
from ninja.errors import HttpError

from warta.channels.models import Account
from warta.ingest.models import Source
from warta.ingest.services import items_ingest
from warta.organisations.api import responses, token_scope
from warta.organisations.roles import Role, permission_register
from warta.organisations.scope import scope_for_unit

router = Router(tags=["ingest"])

permission_register("ingest.push", {Role.ADMIN, Role.EDITOR})

# --- inbound items ------------------------------------------------------------------------


class ItemsIn(Schema):
    account_uuid: UUID
    items: list[dict]


class QuarantinedOut(Schema):
    index: int
    reason: str


class IngestOut(Schema):
    stored: int
    duplicates: int
    quarantined: list[QuarantinedOut]


@router.post("/ingest/items", response=responses({200: IngestOut}, 403, 404, 422), url_name="ingest-items",
             summary="Kirim butir masuk (bentuk docs/inbound-item.schema.json)")
def ingest_items(request, payload: ItemsIn):
    """Store up to 1,000 inbound items for one official account in the token's reach.

    Each is stored once by (platform, id); invalid ones are quarantined with their reason and
    reported by their index, and the rest are kept."""
    reach = token_scope(request)
    account = Account.objects.active().for_scope(reach).select_related("unit").filter(uuid=payload.account_uuid).first()
    if account is None:
        raise Http404
    scope = scope_for_unit(user=request.user, unit=account.unit, grants=reach.grants, ceiling=request.api_token.role)
    scope.require("ingest.push")
    if len(payload.items) > 1000:
        raise HttpError(422, "Paling banyak 1.000 butir per permintaan.")
    report = items_ingest(items=payload.items, source=Source.API, account=account)
    return {"stored": report.stored, "duplicates": report.duplicates,
            "quarantined": [{"index": i, "reason": r} for i, r in report.quarantined]}
