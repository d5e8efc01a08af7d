"""Refreshing tokens ahead of expiry, connector_for and its on_auth_expired, error records."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.channels.conftest import make_account
from tests.channels.fakes import ACCESS, REFRESHED
from warta.channels import services
from warta.channels.connectors.base import TokenSet
from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.models import ConnectionState, Credential
from warta.core.models import AuditEvent


def _connected(unit, *, expires_in: timedelta | None, handle="humasbogorkab", refresh_token="refresh-rahasia"):
    account = make_account(unit, platform="facebook", handle=handle, external_id=f"id-{handle}",
                           state=ConnectionState.CONNECTED)
    expires = timezone.now() + expires_in if expires_in is not None else None
    Credential.objects.create(account=account, expires_at=expires, tokens=services.tokens_to_dict(
        TokenSet(access_token=ACCESS, refresh_token=refresh_token, expires_at=expires)))
    return account


def test_a_credential_expiring_within_a_day_is_refreshed(tree, fake_platform, admin):
    account = _connected(tree.kab, expires_in=timedelta(hours=5))
    later = _connected(tree.kab, expires_in=timedelta(days=30), handle="lain.lagi")
    report = services.credentials_refresh_due()
    assert report["refreshed"] == 1
    credential = Credential.objects.get(account=account)
    assert credential.tokens["access_token"] == REFRESHED
    assert credential.expires_at > timezone.now() + timedelta(days=59)
    assert credential.refreshed_at is not None
    assert Credential.objects.get(account=later).tokens["access_token"] == ACCESS
    account.refresh_from_db()
    assert account.state == ConnectionState.CONNECTED
    assert AuditEvent.objects.filter(action="credential.refresh").count() == 1


def test_a_refused_refresh_needs_reconnection_and_emails_the_admins(tree, fake_platform, admin, editor, mailoutbox):
    fake_platform.refresh_error = ConnectorError(ErrorKind.AUTH_EXPIRED, "refresh refused",
                                                 platform_message="Error validating access token: session invalidated")
    account = _connected(tree.diskominfo, expires_in=timedelta(hours=5))
    report = services.credentials_refresh_due()
    assert report["failed"] == 1
    account.refresh_from_db()
    assert account.state == ConnectionState.RECONNECT
    assert account.state_message == "Error validating access token: session invalidated"
    assert Credential.objects.get(account=account).refresh_failures == 1
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["admin@bogorkab.go.id"]  # the nearest admins: Kabupaten Bogor's
    assert "humasbogorkab" in mail.subject
    assert f"/kanal/u/{tree.diskominfo.uuid}/akun/{account.uuid}/" in mail.body
    assert ACCESS not in mail.body
    assert "refresh-rahasia" not in mail.body
    assert AuditEvent.objects.filter(action="credential.refresh_failed").count() == 1


def test_a_transient_refresh_failure_is_retried_before_giving_up(tree, fake_platform, admin, mailoutbox):
    fake_platform.refresh_error = ConnectorError(ErrorKind.TRANSIENT, "timeout")
    account = _connected(tree.kab, expires_in=timedelta(hours=5))
    services.credentials_refresh_due()
    account.refresh_from_db()
    assert account.state == ConnectionState.EXPIRING  # not given up yet; the officer is warned on the page
    assert mailoutbox == []
    services.credentials_refresh_due()
    services.credentials_refresh_due()
    account.refresh_from_db()
    assert account.state == ConnectionState.RECONNECT
    assert Credential.objects.get(account=account).refresh_failures == 3
    assert len(mailoutbox) == 1


def test_credentials_expiring_within_a_week_without_a_refresh_token_are_marked(tree, fake_platform):
    lasting = _connected(tree.kab, expires_in=timedelta(days=3), refresh_token="")
    renewable = _connected(tree.kab, expires_in=timedelta(days=3), handle="lain.lagi")
    services.credentials_refresh_due()
    lasting.refresh_from_db()
    renewable.refresh_from_db()
    assert lasting.state == ConnectionState.EXPIRING
    assert renewable.state == ConnectionState.CONNECTED


def test_the_periodic_job_is_registered():
    from warta.core.periodic import periodic_jobs

    assert "channels.credentials_refresh" in [job.name for job in periodic_jobs()]


def test_connector_for_gives_a_working_connector_and_audits_the_use(tree, fake_platform, admin):
    account = _connected(tree.kab, expires_in=timedelta(days=30))
    connector = services.connector_for(account, purpose="ingest.account_metrics", actor=admin)
    assert connector.context.tokens.access_token == ACCESS
    assert connector.context.account.key == str(account.uuid)
    assert connector.context.app.client_id == "app-123"
    assert connector.context.rate_limiter is not None
    assert connector.account_metrics().followers == 10
    event = AuditEvent.objects.get(action="credential.use")
    assert event.changes == {"purpose": "ingest.account_metrics"}
    assert event.actor == admin


def test_on_auth_expired_refreshes_and_stores(tree, fake_platform):
    from tests.channels.fakes import FakeConnector

    account = _connected(tree.kab, expires_in=timedelta(days=30))
    FakeConnector.fail_once_with_expired = True
    connector = services.connector_for(account, purpose="publish")
    assert connector.account_metrics().followers == len(REFRESHED)
    assert Credential.objects.get(account=account).tokens["access_token"] == REFRESHED


def test_on_auth_expired_that_cannot_refresh_marks_reconnect_and_raises(tree, fake_platform, admin, mailoutbox):
    fake_platform.refresh_error = ConnectorError(ErrorKind.AUTH_EXPIRED, "revoked", platform_message="User revoked")
    account = _connected(tree.kab, expires_in=timedelta(days=30))
    connector = services.connector_for(account, purpose="publish")
    with pytest.raises(ConnectorError) as info:
        connector.context.on_auth_expired()
    assert info.value.kind == ErrorKind.AUTH_EXPIRED
    account.refresh_from_db()
    assert account.state == ConnectionState.RECONNECT
    assert account.state_message == "User revoked"


def test_connector_for_an_unconnected_account_raises_auth_expired(tree, fake_platform):
    account = make_account(tree.kab, platform="facebook", handle="humasbogorkab")
    with pytest.raises(ConnectorError) as info:
        services.connector_for(account, purpose="publish")
    assert info.value.kind == ErrorKind.AUTH_EXPIRED


@pytest.mark.parametrize(("error", "state"), [
    (ConnectorError(ErrorKind.AUTH_EXPIRED, "expired", platform_message="Session has expired"), ConnectionState.RECONNECT),
    (ConnectorError(ErrorKind.PERMANENT, "x", platform_message="The account has been suspended"), ConnectionState.SUSPENDED),
    (ConnectorError(ErrorKind.TRANSIENT, "timeout"), ConnectionState.CONNECTED),
    (ConnectorError(ErrorKind.PERMANENT, "bad request", platform_message="Invalid parameter"), ConnectionState.CONNECTED),
])
def test_account_error_record(tree, error, state):
    account = make_account(tree.kab, platform="x", handle="@humasbogor", state=ConnectionState.CONNECTED)
    services.account_error_record(account, error)
    account.refresh_from_db()
    assert account.state == state


def test_the_account_page_explains_the_state_in_plain_words(admin_client, tree):
    account = make_account(tree.kab, platform="x", handle="@humasbogor", state=ConnectionState.SUSPENDED,
                           state_message="Your account is suspended")
    page = admin_client.get(f"/kanal/u/{tree.kab.uuid}/akun/{account.uuid}/").content.decode()
    assert "Platform menangguhkan atau menonaktifkan akun ini." in page
    assert "Your account is suspended" in page
    assert "Hubungkan ulang" in page
