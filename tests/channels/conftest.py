import sys
import types

import pytest

from tests.channels.fakes import FakeConnector, FakeProvider, FakeTelegramConnector
from warta.channels import connectors as registry
from warta.channels import crypto
from warta.channels.connectors.base import Platform
from warta.channels.models import Account, PlatformApp

CLIENT_SECRET = "app-secret-rahasia-9999"


@pytest.fixture(autouse=True)
def key_dir(settings, tmp_path, monkeypatch):
    """Every test gets its own key file; the real one is never touched."""
    monkeypatch.delenv("WARTA_ENCRYPTION_KEYS", raising=False)
    settings.WARTA_DATA_DIR = str(tmp_path)
    crypto.keys_reload()
    yield tmp_path
    crypto.keys_reload()


def _clear():
    registry.connector_class.cache_clear()
    registry.oauth_provider.cache_clear()


@pytest.fixture
def fake_platform(monkeypatch):
    """Facebook and Telegram served by the fakes; a Facebook app configured."""
    monkeypatch.setitem(registry.CONNECTORS, Platform.FACEBOOK, "tests.channels.fakes.FakeConnector")
    monkeypatch.setitem(registry.OAUTH_PROVIDERS, Platform.FACEBOOK, "tests.channels.fakes.FakeProvider")
    monkeypatch.setitem(registry.CONNECTORS, Platform.TELEGRAM, "tests.channels.fakes.FakeTelegramConnector")
    _clear()
    FakeProvider.reset()
    FakeConnector.fail_once_with_expired = False
    FakeTelegramConnector.valid = True
    PlatformApp.objects.create(platform="facebook", client_id="app-123", secret={"client_secret": CLIENT_SECRET},
                               api_version="v21.0")
    yield FakeProvider
    _clear()


def fake_module(monkeypatch, name: str, **attrs):
    """Install a fake module (and its parent package) in sys.modules."""
    parent_name = name.rsplit(".", 1)[0]
    parent = types.ModuleType(parent_name)
    parent.__path__ = []
    module = types.ModuleType(name)
    for key, value in attrs.items():
        setattr(module, key, value)
    setattr(parent, name.rsplit(".", 1)[1], module)
    monkeypatch.setitem(sys.modules, parent_name, parent)
    monkeypatch.setitem(sys.modules, name, module)
    return module


@pytest.fixture
def feeds(monkeypatch):
    """A fake feed_check: known URLs answer a FeedInfo, others raise ConnectorError."""
    from warta.channels.connectors.errors import ConnectorError, ErrorKind

    calls = []
    known = {"https://berita.bogorkab.go.id/rss": "Berita Kabupaten Bogor"}

    def feed_check(url, *, allow=(), timeout_s=10):
        calls.append((url, tuple(allow)))
        if url not in known:
            raise ConnectorError(ErrorKind.PERMANENT, "Alamat ini bukan umpan RSS atau Atom.")
        return types.SimpleNamespace(title=known[url], site_url=url, entry_count=3, latest_titles=("a",))

    fake_module(monkeypatch, "warta.channels.connectors.rss.connector", feed_check=feed_check)
    return types.SimpleNamespace(calls=calls, known=known)


def make_account(unit, platform="instagram", handle="@humasbogorkab", **fields) -> Account:
    return Account.objects.create(unit=unit, platform=platform, handle=handle, **fields)
