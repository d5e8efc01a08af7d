"""Secrets never leak: not in a page, not in the audit trail, not in a log, not in clear in
the database; installation settings are write-only for secrets."""

import json
import logging

from django.db import connection
from django.urls import reverse

from tests.channels.conftest import CLIENT_SECRET, make_account
from tests.channels.fakes import ACCESS, BOT_TOKEN, PAGE_TOKEN
from warta.channels.models import Credential, OAuthState, PlatformApp
from warta.core.models import AuditEvent

SECRETS = (ACCESS, PAGE_TOKEN, BOT_TOKEN, CLIENT_SECRET, "refresh-rahasia", "verify-rahasia-77", "secret-baru-55")


def _audit_dump() -> str:
    return json.dumps(list(AuditEvent.objects.values()), default=str)


def _raw_columns() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tokens FROM channels_credential UNION ALL SELECT secret FROM channels_platformapp "
                       "UNION ALL SELECT code_verifier FROM channels_oauthstate")
        return " ".join(str(r[0]) for r in cursor.fetchall())


def test_no_secret_reaches_a_page_the_audit_trail_a_log_or_the_database(admin_client, tree, admin, fake_platform,
                                                                        caplog, monkeypatch):
    from tests.channels.conftest import fake_module

    caplog.set_level(logging.DEBUG)
    fake_module(monkeypatch, "warta.channels.connectors.telegram.client", set_webhook=lambda *a: None)
    pages = []
    account = make_account(tree.kab, platform="facebook", handle="humasbogorkab")
    connect = reverse("channels:account-connect", args=[tree.kab.uuid, account.uuid])
    pages.append(admin_client.post(connect))
    state = OAuthState.objects.get()
    pages.append(admin_client.get("/kanal/oauth/callback/", {"state": state.state, "code": "kode"}, follow=True))
    telegram = make_account(tree.kab, platform="telegram", handle="@infobogorkab")
    tg_connect = reverse("channels:account-connect", args=[tree.kab.uuid, telegram.uuid])
    pages.append(admin_client.post(tg_connect, {"bot_token": BOT_TOKEN, "webhook": "on"}, follow=True))
    pages.append(admin_client.get(tg_connect))
    for a in (account, telegram):
        pages.append(admin_client.get(reverse("channels:account-detail", args=[tree.kab.uuid, a.uuid])))
    pages.append(admin_client.get(reverse("channels:account-list", args=[tree.kab.uuid])))
    pages.append(admin_client.get(reverse("channels:account-export", args=[tree.kab.uuid])))
    pages.append(admin_client.get(reverse("organisations:audit-list", args=[tree.kab.uuid])))
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    edit = reverse("channels:platform-app-edit", args=["facebook"])
    pages.append(admin_client.post(edit, {"client_id": "app-123", "client_secret": "secret-baru-55",
                                          "webhook_verify_token": "verify-rahasia-77"}, follow=True))
    pages.append(admin_client.get(edit))
    pages.append(admin_client.get(reverse("channels:platform-app-list")))
    assert Credential.objects.count() == 2
    assert PlatformApp.objects.get().secret == {"client_secret": "secret-baru-55", "webhook_verify_token": "verify-rahasia-77"}
    bodies = " ".join(
        (b"".join(p.streaming_content) if p.streaming else p.content).decode() for p in pages)
    audit = _audit_dump()
    raw = _raw_columns()
    for secret in SECRETS:
        assert secret not in bodies, secret
        assert secret not in audit, secret
        assert secret not in caplog.text, secret
        assert secret not in raw, secret
    assert "tersimpan" in bodies


def test_an_empty_secret_field_keeps_the_stored_secret_and_clear_removes_it(admin_client, admin, fake_platform):
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    edit = reverse("channels:platform-app-edit", args=["facebook"])
    assert admin_client.post(edit, {"client_id": "app-456", "client_secret": "", "options": '{"audited": true}'}).status_code == 302
    app = PlatformApp.objects.get()
    assert (app.client_id, app.secret, app.options) == ("app-456", {"client_secret": CLIENT_SECRET}, {"audited": True})
    assert admin_client.post(edit, {"client_id": "app-456", "clear_client_secret": "on"}).status_code == 302
    app.refresh_from_db()
    assert app.secret is None
    event = AuditEvent.objects.filter(action="platformapp.update").order_by("seq").last()
    assert event.changes["changed_fields"] == ["client_secret"]


def test_bad_options_json_is_refused(admin_client, admin, fake_platform):
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    response = admin_client.post(reverse("channels:platform-app-edit", args=["facebook"]),
                                 {"client_id": "x", "options": "[1, 2"})
    assert response.status_code == 400
    assert "Bukan JSON yang sah." in response.content.decode()
    assert PlatformApp.objects.get().client_id == "app-123"


def test_network_allow_list_add_and_remove(admin_client, admin):
    from warta.channels.models import NetworkAllow

    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    url = reverse("channels:network-allow")
    assert admin_client.post(url, {"network": "10.20.0.0/16", "note": "intranet"}).status_code == 302
    assert admin_client.post(url, {"network": "portal.intranet.go.id"}).status_code == 302
    response = admin_client.post(url, {"network": "bukan host!"})
    assert response.status_code == 400
    assert "jaringan CIDR" in response.content.decode()
    assert sorted(NetworkAllow.objects.values_list("network", flat=True)) == ["10.20.0.0/16", "portal.intranet.go.id"]
    row = NetworkAllow.objects.get(network="10.20.0.0/16")
    assert admin_client.post(reverse("channels:network-allow-remove", args=[row.pk])).status_code == 302
    assert list(NetworkAllow.objects.values_list("network", flat=True)) == ["portal.intranet.go.id"]
    assert list(AuditEvent.objects.filter(action__startswith="network_allow").order_by("seq").values_list("action", flat=True)) == [
        "network_allow.add", "network_allow.add", "network_allow.remove"]
