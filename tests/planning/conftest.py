import pytest

from tests.conftest import login_client


@pytest.fixture
def editor_client(client, editor):
    return login_client(client, editor)



