"""The OAuth connect flow end to end, with a fake provider in place of Facebook's."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.channels.conftest import CLIENT_SECRET, make_account
from tests.channels.fakes import ACCESS, PAGE_TOKEN
from warta.channels.connectors import pkce
from warta.channels.connectors.base import DiscoveredAccount, TokenSet
from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.models import ConnectionState, Credential, OAuthState
from warta.core.models import AuditEvent

CALLBACK = "/kanal/oauth/callback/"


@pytest.fixture
def account(tree):
    return make_account(tree.kab, platform="facebook", handle="humasbogorkab")


def _start(admin_client, tree, account):
    url = reverse("channels:account-connect", args=[tree.kab.uuid, account.uuid])
    response = admin_client.post(url)
    assert response.status_code == 200
    return OAuthState.objects.get(account=account), response


def test_connect_sends_the_user_to_the_platform_with_state_and_pkce(admin_client, tree, account, fake_platform, admin):
    state, response = _start(admin_client, tree, account)
    authorize = fake_platform.calls[0]
    assert authorize[:3] == ("authorize", "app-123", "http://testserver" + CALLBACK)
    assert authorize[3] == state.state
    assert authorize[4] == pkce.code_challenge(state.code_verifier)
    assert len(state.code_verifier) >= 43
    assert state.user == admin
    assert state.unit == tree.kab
    assert state.used_at is None
    assert f'href="https://fb.example/dialog/oauth?client_id=app-123&amp;state={state.state}' in response.content.decode()


def test_the_callback_connects_the_account(admin_client, tree, account, fake_platform):
    state, _ = _start(admin_client, tree, account)
    response = admin_client.get(CALLBACK, {"state": state.state, "code": "kode-1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("channels:account-detail", args=[tree.kab.uuid, account.uuid])
    exchange = fake_platform.calls[1]
    assert exchange == ("exchange", "kode-1", "http://testserver" + CALLBACK, state.code_verifier, CLIENT_SECRET)
    account.refresh_from_db()
    assert account.state == ConnectionState.CONNECTED
    assert (account.external_id, account.display_name) == ("1001", "Humas Kabupaten Bogor")
    tokens = Credential.objects.get(account=account).tokens
    assert tokens["access_token"] == PAGE_TOKEN  # the page's own token wins over the user's
    event = AuditEvent.objects.get(action="account.connect")
    assert event.changes["method"] == "oauth"
    state.refresh_from_db()
    assert state.used_at is not None


def _assert_refused(response, text):
    assert response.status_code == 400
    assert text in response.content.decode()


def test_an_unknown_state_is_refused(admin_client, tree, account, fake_platform):
    _start(admin_client, tree, account)
    _assert_refused(admin_client.get(CALLBACK, {"state": "palsu", "code": "x"}), "tidak dikenal")
    assert not Credential.objects.exists()


def test_a_reused_state_is_refused(admin_client, tree, account, fake_platform):
    state, _ = _start(admin_client, tree, account)
    admin_client.get(CALLBACK, {"state": state.state, "code": "kode-1"})
    Credential.objects.all().delete()
    _assert_refused(admin_client.get(CALLBACK, {"state": state.state, "code": "kode-1"}), "sudah dipakai")
    assert not Credential.objects.exists()


def test_an_expired_state_is_refused(admin_client, tree, account, fake_platform):
    state, _ = _start(admin_client, tree, account)
    OAuthState.objects.filter(pk=state.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    _assert_refused(admin_client.get(CALLBACK, {"state": state.state, "code": "kode-1"}), "15 menit")
    assert not Credential.objects.exists()
    assert [c[0] for c in fake_platform.calls] == ["authorize"]


def test_a_state_of_another_user_is_refused(admin_client, client, tree, account, fake_platform, editor):
    state, _ = _start(admin_client, tree, account)
    client.force_login(editor)
    _assert_refused(client.get(CALLBACK, {"state": state.state, "code": "kode-1"}), "tidak dikenal")
    assert not Credential.objects.exists()


def test_access_denied_is_explained_and_the_state_is_spent(admin_client, tree, account, fake_platform):
    state, _ = _start(admin_client, tree, account)
    response = admin_client.get(CALLBACK, {"state": state.state, "error": "access_denied",
                                           "error_description": "Permissions error"})
    _assert_refused(response, "menolak memberi izin")
    account.refresh_from_db()
    assert account.state == ConnectionState.NOT_CONNECTED
    state.refresh_from_db()
    assert state.used_at is not None


def test_a_failed_exchange_is_explained_plainly(admin_client, tree, account, fake_platform):
    fake_platform.exchange_error = ConnectorError(ErrorKind.PERMANENT, "bad code",
                                                  platform_message="This authorization code has expired.")
    state, _ = _start(admin_client, tree, account)
    _assert_refused(admin_client.get(CALLBACK, {"state": state.state, "code": "x"}), "Platform menolak permintaan Warta")
    assert not Credential.objects.exists()


def test_several_pages_ask_which_one(admin_client, tree, fake_platform):
    account = make_account(tree.kab, platform="facebook", handle="pemkabbogor")
    fake_platform.accounts = (
        DiscoveredAccount(platform="facebook", external_id="2001", handle="dinasa", display_name="Dinas A",
                          tokens=TokenSet(access_token="token-halaman-a")),
        DiscoveredAccount(platform="facebook", external_id="2002", handle="dinasb", display_name="Dinas B",
                          tokens=TokenSet(access_token="token-halaman-b")),
    )
    state, _ = _start(admin_client, tree, account)
    response = admin_client.get(CALLBACK, {"state": state.state, "code": "kode"})
    choose = reverse("channels:account-choose", args=[tree.kab.uuid, account.uuid])
    assert response["Location"] == choose
    page = admin_client.get(choose).content.decode()
    assert "Dinas A (dinasa)" in page
    assert "Dinas B (dinasb)" in page
    assert "token-halaman" not in page
    assert not Credential.objects.exists()
    assert admin_client.post(choose, {"external_id": "9999"}).status_code == 400
    response = admin_client.post(choose, {"external_id": "2002"})
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.external_id, account.state) == ("2002", ConnectionState.CONNECTED)
    assert Credential.objects.get(account=account).tokens["access_token"] == "token-halaman-b"
    state.refresh_from_db()
    assert state.discovered is None


def test_connect_without_a_configured_app_says_so(admin_client, tree, account, fake_platform):
    from warta.channels.models import PlatformApp

    PlatformApp.objects.all().delete()
    url = reverse("channels:account-connect", args=[tree.kab.uuid, account.uuid])
    response = admin_client.post(url)
    assert response.status_code == 400
    assert "belum diatur oleh admin instalasi" in response.content.decode()
    assert not OAuthState.objects.exists()


def test_disconnect_removes_the_credential(admin_client, tree, account, fake_platform):
    state, _ = _start(admin_client, tree, account)
    admin_client.get(CALLBACK, {"state": state.state, "code": "kode-1"})
    response = admin_client.post(reverse("channels:account-disconnect", args=[tree.kab.uuid, account.uuid]))
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.state == ConnectionState.NOT_CONNECTED
    assert not Credential.objects.exists()
    assert AuditEvent.objects.filter(action="account.disconnect").count() == 1


def test_telegram_connects_with_a_bot_token_and_sets_the_webhook(admin_client, tree, fake_platform, monkeypatch):
    from tests.channels.conftest import fake_module
    from tests.channels.fakes import BOT_TOKEN

    hooks = []
    fake_module(monkeypatch, "warta.channels.connectors.telegram.client",
                set_webhook=lambda context, url, secret: hooks.append((context.tokens.access_token, url, secret)))
    account = make_account(tree.kab, platform="telegram", handle="@infobogorkab")
    url = reverse("channels:account-connect", args=[tree.kab.uuid, account.uuid])
    assert 'type="password"' in admin_client.get(url).content.decode()
    response = admin_client.post(url, {"bot_token": BOT_TOKEN, "webhook": "on"})
    assert response.status_code == 302
    tokens = Credential.objects.get(account=account).tokens
    assert tokens["access_token"] == BOT_TOKEN
    secret = tokens["extra"]["webhook_secret"]
    assert hooks == [(BOT_TOKEN, f"http://testserver/webhook/telegram/{account.uuid}/", secret)]
    account.refresh_from_db()
    assert account.state == ConnectionState.CONNECTED


def test_a_telegram_token_the_platform_refuses_is_not_stored(admin_client, tree, fake_platform):
    from tests.channels.fakes import BOT_TOKEN, FakeTelegramConnector

    FakeTelegramConnector.valid = False
    account = make_account(tree.kab, platform="telegram", handle="@infobogorkab")
    url = reverse("channels:account-connect", args=[tree.kab.uuid, account.uuid])
    response = admin_client.post(url, {"bot_token": BOT_TOKEN})
    assert response.status_code == 400
    assert "Telegram menolak token bot ini." in response.content.decode()
    assert BOT_TOKEN not in response.content.decode()
    assert not Credential.objects.exists()


def test_a_malformed_telegram_token_is_refused(admin_client, tree, fake_platform):
    account = make_account(tree.kab, platform="telegram", handle="@infobogorkab")
    url = reverse("channels:account-connect", args=[tree.kab.uuid, account.uuid])
    response = admin_client.post(url, {"bot_token": "bukan-token"})
    assert response.status_code == 400
    assert "Token bot tidak sah" in response.content.decode()
    assert not Credential.objects.exists()


def test_the_exchange_tokens_are_the_user_s_when_the_page_has_none(admin_client, tree, account, fake_platform):
    fake_platform.accounts = (DiscoveredAccount(platform="facebook", external_id="1001", handle="humasbogorkab"),)
    state, _ = _start(admin_client, tree, account)
    admin_client.get(CALLBACK, {"state": state.state, "code": "kode-1"})
    assert Credential.objects.get(account=account).tokens["access_token"] == ACCESS


def test_telegram_with_the_real_connector_against_a_recorded_bot_api(admin_client, tree, httpserver):
    """The real Telegram package (when installed) behind pytest-httpserver: the token is
    proven with getChatMemberCount and the channel's chat id is learned with getChat."""
    pytest.importorskip("warta.channels.connectors.telegram.connector")
    from tests.channels.fakes import BOT_TOKEN
    from warta.channels import connectors as registry
    from warta.channels.models import PlatformApp

    registry.connector_class.cache_clear()
    PlatformApp.objects.create(platform="telegram", base_url=httpserver.url_for("/"))
    httpserver.expect_request(f"/bot{BOT_TOKEN}/getChatMemberCount", method="POST",
                              json={"chat_id": "@infobogorkab"}).respond_with_json({"ok": True, "result": 1520})
    httpserver.expect_request(f"/bot{BOT_TOKEN}/getChat", method="POST", json={"chat_id": "@infobogorkab"}) \
        .respond_with_json({"ok": True, "result": {"id": -1001234567890, "title": "Info Kabupaten Bogor",
                                                   "username": "infobogorkab", "type": "channel"}})
    account = make_account(tree.kab, platform="telegram", handle="@infobogorkab")
    url = reverse("channels:account-connect", args=[tree.kab.uuid, account.uuid])
    response = admin_client.post(url, {"bot_token": BOT_TOKEN})
    assert response.status_code == 302, response.content.decode()[:2000]
    account.refresh_from_db()
    assert (account.external_id, account.display_name, account.state) == (
        "-1001234567890", "Info Kabupaten Bogor", ConnectionState.CONNECTED)
    registry.connector_class.cache_clear()


def test_telegram_unauthorized_from_the_real_bot_api_is_explained(admin_client, tree, httpserver):
    pytest.importorskip("warta.channels.connectors.telegram.connector")
    from tests.channels.fakes import BOT_TOKEN
    from warta.channels import connectors as registry
    from warta.channels.models import PlatformApp

    registry.connector_class.cache_clear()
    PlatformApp.objects.create(platform="telegram", base_url=httpserver.url_for("/"))
    httpserver.expect_request(f"/bot{BOT_TOKEN}/getChatMemberCount", method="POST").respond_with_json(
        {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
    account = make_account(tree.kab, platform="telegram", handle="@infobogorkab")
    url = reverse("channels:account-connect", args=[tree.kab.uuid, account.uuid])
    response = admin_client.post(url, {"bot_token": BOT_TOKEN})
    assert response.status_code == 400
    assert "Telegram menolak token bot ini." in response.content.decode()
    assert BOT_TOKEN not in response.content.decode()
    assert not Credential.objects.exists()
    registry.connector_class.cache_clear()
