"""The ingest app's URLs owned by the lead: webhooks (public; each call proves itself)."""

from tests.url_routes import PUBLIC, Route

ROUTES = {
    "webhooks:meta": Route(PUBLIC),
    "webhooks:telegram": Route(PUBLIC, extra={"account_uuid": "00000000-0000-0000-0000-000000000000"}),
}
