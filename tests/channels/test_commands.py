"""``warta channels rotate-key`` and ``warta connectors``."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from tests.channels.conftest import make_account
from warta.channels import connectors as registry
from warta.channels import crypto
from warta.channels.models import Credential, OAuthState, PlatformApp
from warta.core.models import AuditEvent


def _raw(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} ORDER BY id")  # noqa: S608 - fixed names
        return [r[0] for r in cursor.fetchall()]


@pytest.fixture
def stored(tree, admin):
    account = make_account(tree.kab, platform="x", handle="@humasbogor")
    Credential.objects.create(account=account, tokens={"access_token": "tok-rahasia"})
    PlatformApp.objects.create(platform="x", client_id="c", secret={"client_secret": "sec-rahasia"})
    OAuthState.objects.create(state="s1", code_verifier="ver-rahasia", platform="x", account=account, unit=tree.kab,
                              user=admin, redirect_uri="https://warta.example/kanal/oauth/callback/",
                              discovered={"accounts": []})
    return account


def test_rotate_key_re_encrypts_everything_and_drops_the_old_key(stored, key_dir):
    old_keys = crypto.keys_current()
    old_raw = _raw("channels_credential", "tokens") + _raw("channels_platformapp", "secret")
    out = StringIO()
    call_command("channels", "rotate-key", stdout=out)
    new_keys = crypto.keys_current()
    assert len(new_keys) == 1
    assert new_keys[0] not in old_keys
    assert (key_dir / "secret.key").read_bytes() == new_keys[0] + b"\n"
    assert (key_dir / "secret.key").stat().st_mode & 0o777 == 0o600
    only_new = Fernet(new_keys[0])
    for token in _raw("channels_credential", "tokens") + _raw("channels_platformapp", "secret") + \
            _raw("channels_oauthstate", "code_verifier") + _raw("channels_oauthstate", "discovered"):
        only_new.decrypt(token.encode())  # readable with the new key alone
    assert _raw("channels_credential", "tokens") + _raw("channels_platformapp", "secret") != old_raw
    assert Credential.objects.get().tokens == {"access_token": "tok-rahasia"}
    assert PlatformApp.objects.get().secret == {"client_secret": "sec-rahasia"}
    assert OAuthState.objects.get().code_verifier == "ver-rahasia"
    assert "4 nilai dienkripsi ulang" in out.getvalue()
    event = AuditEvent.objects.get(action="key.rotate")
    assert event.changes == {"values": 4}
    assert "rahasia" not in out.getvalue()


def test_rotate_key_dry_run_changes_nothing(stored, key_dir):
    before_keys = crypto.keys_current()
    before = _raw("channels_credential", "tokens")
    out = StringIO()
    call_command("channels", "rotate-key", "--dry-run", stdout=out)
    assert crypto.keys_current() == before_keys
    assert _raw("channels_credential", "tokens") == before
    assert "Uji coba" in out.getvalue()
    assert not AuditEvent.objects.filter(action="key.rotate").exists()


def test_rotate_key_with_keys_from_the_environment(stored, monkeypatch):
    old = crypto.keys_current()[0].decode()
    monkeypatch.setenv("WARTA_ENCRYPTION_KEYS", old)
    crypto.keys_reload()
    out = StringIO()
    call_command("channels", "rotate-key", stdout=out)
    text = out.getvalue()
    assert "Kunci baru:" in text
    new = text.split("Kunci baru: ")[1].split()[0]
    assert not AuditEvent.objects.filter(action="key.rotate").exists()
    monkeypatch.setenv("WARTA_ENCRYPTION_KEYS", f"{new},{old}")
    crypto.keys_reload()
    call_command("channels", "rotate-key", stdout=StringIO())
    only_new = Fernet(new.encode())
    for token in _raw("channels_credential", "tokens"):
        only_new.decrypt(token.encode())
    assert AuditEvent.objects.filter(action="key.rotate").count() == 1


def test_connectors_lists_every_platform_and_missing_packages(monkeypatch):
    from warta.channels.connectors.base import Platform

    monkeypatch.setitem(registry.CONNECTORS, Platform.FACEBOOK, "tests.channels.fakes.FakeConnector")
    monkeypatch.setitem(registry.CONNECTORS, Platform.X, "warta.channels.connectors.tidakada.connector.Nope")
    registry.connector_class.cache_clear()
    out = StringIO()
    try:
        call_command("connectors", stdout=out)
    finally:
        registry.connector_class.cache_clear()
    lines = out.getvalue().splitlines()
    assert lines[0].split()[:4] == ["platform", "nama", "koneksi", "kemampuan"]
    facebook = next(line for line in lines if line.startswith("facebook"))
    assert "OAuth" in facebook
    assert "account_metrics, publish_text" in facebook
    x = next(line for line in lines if line.startswith("x "))
    assert x.endswith("(tidak terpasang)")
    assert len(lines) == 1 + len(registry.CONNECTORS)


def test_a_failed_rotation_keeps_every_key_and_every_secret_readable(stored, monkeypatch):
    from django.core.management.base import CommandError
    from django.db import DatabaseError

    from warta.channels import services

    old = crypto.keys_current()

    def broken():
        raise DatabaseError("database is locked")

    monkeypatch.setattr(services, "secrets_reencrypt", broken)
    with pytest.raises(CommandError, match="tidak ada yang diubah"):
        call_command("channels", "rotate-key", stdout=StringIO())
    keys = crypto.keys_current()
    assert len(keys) == 2
    assert keys[1:] == old
    assert Credential.objects.get().tokens == {"access_token": "tok-rahasia"}
