"""Helpers for the API tests: tokens made through the real service, a small client, and a
snapshot of every organisations table to prove that a refused call changed nothing."""

import json

from warta.core.models import AuditEvent
from warta.organisations.models import ApiToken, Invitation, Membership, Unit
from warta.organisations.scope import scope_for_unit
from warta.organisations.services import api_token_create

BASE = "/api/v1"
PROBLEM_JSON = "application/problem+json"


def make_token(user, unit, role: str | None = None, *, days: int = 30, name: str = "integrasi uji"):
    """Create a token the way the web page does (a session scope, not a token scope)."""
    scope = scope_for_unit(user=user, unit=unit)
    return api_token_create(scope=scope, name=name, role=role or scope.role, days=days)


class Api:
    """A test client speaking JSON with a bearer token (or none)."""

    def __init__(self, client, raw: str | None):
        self.client = client
        self.headers = {"authorization": f"Bearer {raw}"} if raw else {}

    def call(self, method: str, path: str, body=None, **params):
        url = BASE + path
        kwargs = {"headers": self.headers}
        if method == "get":
            return self.client.get(url, params, **kwargs)
        data = "" if body is None else json.dumps(body, default=str)
        kwargs |= {"data": data, "content_type": "application/json"}
        return getattr(self.client, method)(url, **kwargs)

    def get(self, path, **params):
        return self.call("get", path, **params)

    def post(self, path, body=None):
        return self.call("post", path, body)

    def put(self, path, body=None):
        return self.call("put", path, body)

    def patch(self, path, body=None):
        return self.call("patch", path, body)

    def delete(self, path):
        return self.call("delete", path)


def assert_problem(response, status: int) -> dict:
    """Assert an RFC 9457 problem response with ``status`` and return its body."""
    assert response.status_code == status, response.content[:1000]
    assert response["Content-Type"] == PROBLEM_JSON
    body = response.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"]
    assert body["detail"]
    return body


def db_state() -> dict:
    """Every row an organisations endpoint may write, for 'nothing changed' asserts.

    ``last_used_at`` is left out: authenticating a token marks it, by design.
    """
    return {
        "units": list(
            Unit.objects.order_by("pk").values_list(
                "pk",
                "uuid",
                "parent_id",
                "path",
                "depth",
                "kind",
                "name",
                "short_name",
                "region_code",
                "time_zone",
                "require_2fa",
                "archived_at",
            )
        ),
        "memberships": list(
            Membership.objects.order_by("pk").values_list("pk", "user_id", "unit_id", "role")
        ),
        "invitations": list(
            Invitation.objects.order_by("pk").values_list(
                "pk", "email", "unit_id", "role", "revoked_at"
            )
        ),
        "tokens": list(
            ApiToken.objects.order_by("pk").values_list(
                "pk", "user_id", "unit_id", "role", "revoked_at"
            )
        ),
        "audit": AuditEvent.objects.count(),
    }
