"""Fixtures of the sandbox platform: a small world and tokens of an official account."""

from datetime import UTC, datetime

import pytest

from warta.sandbox.models import AccountKind
from warta.sandbox.services import account_create, client_create, token_issue

T0 = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # Monday 10:00 WIB


@pytest.fixture
def world(db):
    humas = account_create(handle="humasbogorkab", display_name="Humas Kab. Bogor", kind=AccountKind.OFFICIAL, now=T0)
    kota = account_create(handle="kotabogor", display_name="Pemkot Bogor", kind=AccountKind.OFFICIAL, now=T0)
    asep = account_create(handle="asep", display_name="Asep", now=T0)
    dewi = account_create(handle="dewi", display_name="Dewi", now=T0)
    portal = account_create(handle="beritabogor", display_name="Berita Bogor", kind=AccountKind.NEWS, now=T0)
    return type("World", (), dict(humas=humas, kota=kota, asep=asep, dewi=dewi, portal=portal))


@pytest.fixture
def humas_token(world):
    return token_issue(account=world.humas)


@pytest.fixture
def api(client, humas_token):
    """A Django test client speaking to the sandbox API as @humasbogorkab."""

    class Api:
        token = humas_token

        def get(self, path, **params):
            return client.get(f"/sandbox/api{path}", params, HTTP_AUTHORIZATION=f"Bearer {self.token['access_token']}")

        def post(self, path, data=None, **kw):
            return client.post(f"/sandbox/api{path}", data or {}, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {self.token['access_token']}", **kw)

        def delete(self, path):
            return client.delete(f"/sandbox/api{path}", HTTP_AUTHORIZATION=f"Bearer {self.token['access_token']}")

    return Api()


@pytest.fixture
def app_client(db):
    client, secret = client_create(name="Warta", redirect_uris=["http://testserver/kanal/oauth/selesai"],
                                   client_id="warta-local", client_secret="rahasia-klien")
    return client
