"""Every URL pattern is in this table, and every unit-scoped page proves its scope:
the sibling unit's user gets 404, the read-only user gets 403 where it writes, the unit's
admin gets through, and an anonymous visitor is sent to log in.

A URL added to Warta without a row here fails ``test_every_url_is_in_the_table``.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from warta.organisations.models import ApiToken, Invitation, Membership, RegionImport

UNIT = "unit"  # scoped to a unit of the tree: sibling 404, viewer 403 on writes
PERSONAL = "personal"  # the signed-in user's own: login required, no unit in the URL
PUBLIC = "public"  # reachable without signing in (login, reset, invitation link)
API = "api"  # the JSON API: token auth, covered in depth by tests/api


@dataclass(frozen=True)
class Route:
    kind: str
    write: bool = False  # changes data: POST needs the write permission
    get_forbidden: bool = False  # the GET is a form to write: viewer gets 403 too
    post_only: bool = False
    objects: tuple[str, ...] = field(default_factory=tuple)  # kwargs made by OBJECT_MAKERS
    extra: dict = field(default_factory=dict)
    unit: str = "kab"  # which unit of the tree fixture the URL names


ROUTES = {
    "shell:home": Route(PERSONAL),
    "shell:switch-unit": Route(PERSONAL, post_only=True),
    "shell:health": Route(PERSONAL),
    "shell:dashboard": Route(UNIT),
    "shell:area": Route(UNIT, extra={"slug": "krisis"}),
    "shell:settings": Route(UNIT),
    "organisations:unit-tree": Route(UNIT),
    "organisations:unit-create": Route(UNIT, write=True, get_forbidden=True),
    "organisations:unit-edit": Route(UNIT, write=True, get_forbidden=True),
    "organisations:unit-move": Route(UNIT, write=True, get_forbidden=True, unit="kec"),
    "organisations:unit-archive": Route(UNIT, write=True, post_only=True),
    "organisations:member-list": Route(UNIT),
    "organisations:member-invite": Route(UNIT, write=True, get_forbidden=True),
    "organisations:member-update": Route(UNIT, write=True, post_only=True, objects=("pk",)),
    "organisations:invitation-revoke": Route(UNIT, write=True, post_only=True, objects=("invitation_uuid",)),
    "organisations:token-list": Route(UNIT),
    "organisations:token-revoke": Route(UNIT, post_only=True, objects=("token_uuid",)),
    "organisations:audit-list": Route(UNIT),
    "organisations:audit-export": Route(UNIT),
    "organisations:region-import": Route(UNIT, write=True, get_forbidden=True),
    "organisations:region-import-detail": Route(UNIT, write=True, get_forbidden=True, objects=("import_uuid",)),
    "organisations:region-import-apply": Route(UNIT, write=True, post_only=True, objects=("import_uuid",)),
    "organisations:invitation-accept": Route(PUBLIC, extra={"token": "tidak-dikenal"}),
    "accounts:login": Route(PUBLIC),
    "accounts:login-verify": Route(PUBLIC),
    "accounts:logout": Route(PERSONAL, post_only=True),
    "accounts:profile": Route(PERSONAL),
    "accounts:two-factor": Route(PERSONAL),
    "accounts:two-factor-disable": Route(PERSONAL, post_only=True),
    "accounts:password-change": Route(PERSONAL),
    "accounts:password-reset": Route(PUBLIC),
    "accounts:password-reset-done": Route(PUBLIC),
    "accounts:password-reset-confirm": Route(PUBLIC, extra={"uidb64": "MQ", "token": "x-y"}),
    "accounts:password-reset-complete": Route(PUBLIC),
    "set_language": Route(PUBLIC, post_only=True),
    "api-docs": Route(PUBLIC),
}


def _names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _names(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_every_url_is_in_the_table():
    names = {n for n in _names(get_resolver()) if not n.startswith("api:")}
    assert names - set(ROUTES) == set(), "add these URLs to ROUTES with their scope"
    assert set(ROUTES) - names == set(), "these ROUTES no longer exist"


def test_every_api_url_needs_a_token(client, db):
    from warta.api import api

    for path in api.get_openapi_schema()["paths"]:
        concrete = path.replace("{", "").replace("}", "")
        for part in ("unit_uuid", "token_uuid", "membership_id"):
            concrete = concrete.replace(part, "00000000-0000-0000-0000-000000000000" if "uuid" in part else "1")
        response = client.get(concrete)
        assert response.status_code in (401, 405), (path, response.status_code)


def _make_objects(tree, admin, viewer):
    membership = Membership.objects.get(user=viewer, unit=tree.kab)
    invitation = Invitation.objects.create(
        email="calon@bogorkab.go.id", unit=tree.kab, role="editor", token_hash="h" * 64,
        invited_by=admin, expires_at=timezone.now() + timedelta(days=3))
    token = ApiToken.objects.create(user=admin, unit=tree.kab, role="viewer", name="uji", prefix="wrt_x",
                                    token_hash="t" * 64, expires_at=timezone.now() + timedelta(days=3))
    region_import = RegionImport.objects.create(unit=tree.kab, created_by=admin, filename="w.csv",
                                                sha256="0" * 64, content="code,name\n")
    return {"pk": membership.pk, "invitation_uuid": invitation.uuid, "token_uuid": token.uuid,
            "import_uuid": region_import.uuid}


def _url(name, route, unit, objects):
    kwargs = dict(route.extra)
    if route.kind == UNIT:
        kwargs["unit_uuid"] = unit.uuid
    for key in route.objects:
        kwargs[key] = objects[key]
    return reverse(name, kwargs=kwargs or None)


UNIT_ROUTES = sorted(n for n, r in ROUTES.items() if r.kind == UNIT)


@pytest.mark.parametrize("name", UNIT_ROUTES)
def test_sibling_unit_gets_404(name, sibling_client, tree, admin, viewer):
    route = ROUTES[name]
    objects = _make_objects(tree, admin, viewer)
    url = _url(name, route, getattr(tree, route.unit), objects)
    if not route.post_only:
        assert sibling_client.get(url).status_code == 404
    assert sibling_client.post(url, {"role": "admin", "archived": "1"}).status_code == 404
    if route.objects:  # Kabupaten Bogor's objects under the sibling's own unit: still 404
        own = _url(name, route, tree.kota, objects)
        assert sibling_client.post(own, {"role": "admin"}).status_code == 404


@pytest.mark.parametrize("name", sorted(n for n in UNIT_ROUTES if ROUTES[n].write))
def test_read_only_role_gets_403_on_writes(name, viewer_client, tree, admin, viewer):
    route = ROUTES[name]
    url = _url(name, route, getattr(tree, route.unit), _make_objects(tree, admin, viewer))
    before = Membership.objects.count(), Invitation.objects.count()
    assert viewer_client.post(url, {"role": "admin", "email": "x@y.go.id", "name": "X", "kind": "dinas",
                                    "time_zone": "Asia/Jakarta", "archived": "1"}).status_code == 403
    if route.get_forbidden:
        assert viewer_client.get(url).status_code == 403
    assert (Membership.objects.count(), Invitation.objects.count()) == before


@pytest.mark.parametrize("name", sorted(n for n in UNIT_ROUTES if not ROUTES[n].post_only))
def test_unit_admin_gets_through_and_anonymous_must_log_in(name, client, admin_client, tree, admin, viewer):
    route = ROUTES[name]
    url = _url(name, route, getattr(tree, route.unit), _make_objects(tree, admin, viewer))
    assert admin_client.get(url).status_code == 200
    admin_client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.kind == PERSONAL and not r.post_only))
def test_personal_pages_need_login(name, client, db):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_viewer_reads_unit_pages_below_their_unit(viewer_client, tree):
    assert viewer_client.get(reverse("organisations:unit-tree", args=[tree.desa.uuid])).status_code == 200
    assert viewer_client.get(reverse("organisations:unit-tree", args=[tree.jabar.uuid])).status_code == 404
