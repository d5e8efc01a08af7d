"""Platform limits said before they bite: Instagram's 24-hour publishing quota, asked of the
platform through the real connector, and TikTok's private-only posting until the app is audited."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.urls import reverse

from warta.channels.models import Account, Credential, PlatformApp

pytestmark = pytest.mark.django_db
RECORDED = Path(__file__).parents[1] / "connectors" / "recorded" / "instagram" / "publishing_limit.json"
IG_ID = "17841400000000001"


@pytest.fixture
def instagram(tree, httpserver):
    PlatformApp.objects.create(platform="instagram", client_id="app", api_version="v21.0",
                               base_url=httpserver.url_for("").rstrip("/"))
    account = Account.objects.create(unit=tree.kab, platform="instagram", handle="humasbogorkab",
                                     external_id=IG_ID, state="connected")
    Credential.objects.create(account=account, tokens={"access_token": "ig-token-123"},
                              expires_at=datetime.now(UTC) + timedelta(days=50))
    return account


def test_the_instagram_quota_is_asked_of_the_platform(viewer_client, tree, instagram, httpserver):
    httpserver.expect_request(f"/v21.0/{IG_ID}/content_publishing_limit").respond_with_json(
        json.loads(RECORDED.read_text()))
    response = viewer_client.get(reverse("channels:account-quota", args=[tree.kab.uuid, instagram.uuid]))
    assert response.status_code == 200
    assert "2 dari 50 unggahan terpakai" in response.content.decode()
    assert "ig-token-123" not in response.content.decode()


def test_a_failed_quota_check_says_why_in_plain_words(viewer_client, tree, instagram, httpserver):
    httpserver.expect_request(f"/v21.0/{IG_ID}/content_publishing_limit").respond_with_json(
        {"error": {"message": "(#4) Application request limit reached", "type": "OAuthException", "code": 4}},
        status=400)
    response = viewer_client.get(reverse("channels:account-quota", args=[tree.kab.uuid, instagram.uuid]))
    assert response.status_code == 200
    assert 'class="badge bad"' in response.content.decode()
    assert "dari 50" not in response.content.decode()
    instagram.refresh_from_db()
    assert instagram.state == "connected"  # a rate limit is not the account's fault


def test_other_platforms_have_no_quota_page(viewer_client, tree):
    account = Account.objects.create(unit=tree.kab, platform="x", handle="humasbogorkab")
    assert viewer_client.get(reverse("channels:account-quota", args=[tree.kab.uuid, account.uuid])).status_code == 404


def test_tiktok_accounts_warn_until_the_app_is_audited(admin_client, tree):
    account = Account.objects.create(unit=tree.kab, platform="tiktok", handle="humasbogorkab")
    url = reverse("channels:account-detail", args=[tree.kab.uuid, account.uuid])
    assert 'data-testid="tiktok-unaudited"' in admin_client.get(url).content.decode()
    PlatformApp.objects.create(platform="tiktok", client_id="ck", options={"audited": True})
    assert 'data-testid="tiktok-unaudited"' not in admin_client.get(url).content.decode()
