import pytest

from tests.api import Api, make_token
from tests.conftest import login_client


@pytest.fixture
def editor_client(client, editor):
    return login_client(client, editor)


@pytest.fixture
def api(client, tree, admin):
    _token, raw = make_token(admin, tree.kab)
    return Api(client, raw)


@pytest.fixture
def viewer_api(client, tree, viewer):
    _token, raw = make_token(viewer, tree.kab)
    return Api(client, raw)


@pytest.fixture
def sibling_api(client, tree, sibling):
    _token, raw = make_token(sibling, tree.kota)
    return Api(client, raw)
