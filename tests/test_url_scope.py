"""Every URL pattern is in this table, and every unit-scoped page proves its scope:
the sibling unit's user gets 404, the read-only user gets 403 where it writes, the unit's
admin gets through, and an anonymous visitor is sent to log in.

A URL added to Warta without a row here fails ``test_every_url_is_in_the_table``.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.url_routes import INSTALL, PERSONAL, UNIT, collect
from warta.organisations.models import Invitation, Membership

ROUTES, MAKERS = collect()


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
        concrete = re.sub(r"\{(\w+)\}", lambda m: "00000000-0000-0000-0000-000000000000" if "uuid" in m[1] else "1", path)
        response = client.get(concrete)
        assert response.status_code in (401, 405), (path, response.status_code)


def _make_objects(tree, admin, viewer):
    objects = {}
    for make in MAKERS:
        objects.update(make(tree, admin, viewer))
    return objects


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


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.kind == INSTALL))
def test_installation_settings_are_for_installation_admins_only(name, client, admin_client, tree, admin, viewer):
    route = ROUTES[name]
    url = _url(name, route, None, _make_objects(tree, admin, viewer))
    assert admin_client.get(url).status_code == 403  # a unit admin is not an installation admin
    assert admin_client.post(url, {}).status_code == 403
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    if not route.post_only:
        assert admin_client.get(url).status_code == 200
    admin_client.logout()
    assert client.get(url).status_code == 302
