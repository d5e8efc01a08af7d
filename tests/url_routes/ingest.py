"""The ingest app's URLs owned by the lead: inbound data pages and webhooks."""

from tests.url_routes import PUBLIC, UNIT, Route
from warta.ingest.models import TrackedTerm

ROUTES = {
    "webhooks:meta": Route(PUBLIC),
    "webhooks:telegram": Route(PUBLIC, extra={"account_uuid": "00000000-0000-0000-0000-000000000000"}),
    "ingest:item-list": Route(UNIT),
    "ingest:quarantine-list": Route(UNIT),
    "ingest:term-list": Route(UNIT, write=True),
    "ingest:term-remove": Route(UNIT, write=True, post_only=True, objects=("term_uuid",)),
}


def make_objects(tree, admin, viewer):
    return {"term_uuid": TrackedTerm.objects.create(unit=tree.kab, term="jembatan").uuid}
