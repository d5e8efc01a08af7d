"""Standing fixtures: a small tree and the standing users of every scope test.

Tree: Kemendagri; Provinsi Jawa Barat → Kabupaten Bogor → Diskominfo, Kecamatan Cibinong
→ Desa Pakansari; Jawa Barat → Kota Bogor (the sibling).
Users: ``admin`` (admin of Kabupaten Bogor, with a TOTP device), ``editor`` and ``viewer``
(Kabupaten Bogor), ``sibling`` (admin of Kota Bogor).
"""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, make_member, make_unit
from warta.organisations.models import UnitKind
from warta.organisations.roles import Role


@pytest.fixture
def tree(db):
    kemendagri = make_unit("Kementerian Dalam Negeri", kind=UnitKind.KEMENTERIAN, short_name="Kemendagri")
    jabar = make_unit("Provinsi Jawa Barat", kind=UnitKind.PROVINSI, region_code="32")
    kab = make_unit("Kabupaten Bogor", jabar, kind=UnitKind.KABUPATEN, region_code="32.01")
    diskominfo = make_unit("Dinas Komunikasi dan Informatika", kab, kind=UnitKind.DINAS, short_name="Diskominfo")
    kec = make_unit("Kecamatan Cibinong", kab, kind=UnitKind.KECAMATAN, region_code="32.01.01")
    desa = make_unit("Pakansari", kec, kind=UnitKind.KELURAHAN, region_code="32.01.01.1007")
    kota = make_unit("Kota Bogor", jabar, kind=UnitKind.KOTA, region_code="32.71")
    return type("Tree", (), dict(kemendagri=kemendagri, jabar=jabar, kab=kab, diskominfo=diskominfo,
                                 kec=kec, desa=desa, kota=kota))


def add_totp(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="uji", confirmed=True)


def totp_code(device: TOTPDevice) -> str:
    return str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)).zfill(device.digits)


def login_client(client, user, device=None):
    """Sign a user in through the real login form (and the TOTP step when they have one)."""
    response = client.post("/akun/masuk/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    if device is not None:
        response = client.post("/akun/masuk/verifikasi/", {"token": totp_code(device)})
        assert response.status_code == 302, response.content[:500]
    return client


@pytest.fixture
def admin(tree):
    user = make_member(tree.kab, Role.ADMIN, email="admin@bogorkab.go.id", full_name="Admin Kab Bogor")
    user.totp = add_totp(user)
    return user


@pytest.fixture
def editor(tree):
    return make_member(tree.kab, Role.EDITOR, email="editor@bogorkab.go.id")


@pytest.fixture
def viewer(tree):
    return make_member(tree.kab, Role.VIEWER, email="viewer@bogorkab.go.id")


@pytest.fixture
def sibling(tree):
    user = make_member(tree.kota, Role.ADMIN, email="admin@kotabogor.go.id")
    user.totp = add_totp(user)
    return user


@pytest.fixture
def admin_client(client, admin):
    return login_client(client, admin, admin.totp)


@pytest.fixture
def viewer_client(client, viewer):
    return login_client(client, viewer)


@pytest.fixture
def sibling_client(client, sibling):
    return login_client(client, sibling, sibling.totp)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    """No test writes into the real var/media: each test gets its own media folder."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def _guideline_cache():
    """The guideline's few-second rule cache must not carry one test's rules into the next."""
    from warta.guideline import selectors

    selectors.cache_clear()
    yield
    selectors.cache_clear()


# The JSON API as three users of the standing tree see it, through personal API tokens.
@pytest.fixture
def api(client, tree, admin):
    from tests.api import Api, make_token

    return Api(client, make_token(admin, tree.kab)[1])


@pytest.fixture
def viewer_api(client, tree, viewer):
    from tests.api import Api, make_token

    return Api(client, make_token(viewer, tree.kab)[1])


@pytest.fixture
def sibling_api(client, tree, sibling):
    from tests.api import Api, make_token

    return Api(client, make_token(sibling, tree.kota)[1])
