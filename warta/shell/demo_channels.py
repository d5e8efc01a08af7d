"""Seed the demo's sandbox world and connect the demo units' official sandbox accounts.

Called by ``warta demo``. Idempotent: a second run changes nothing. Tokens are issued directly
by the sandbox's services (the demo skips the consent page) and stored encrypted in
``Credential.tokens``; the sandbox ``PlatformApp`` points at this installation's own sandbox.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from warta.channels.connectors.base import Platform
from warta.channels.models import Account, ConnectionState, Credential, PlatformApp
from warta.organisations.models import Unit
from warta.sandbox.models import AppClient, Post, SandboxAccount
from warta.sandbox.scenarios import scenario_sync
from warta.sandbox.services import client_create, simulation_state, simulation_update, token_issue
from warta.sandbox.simulation import history_seed, world_seed

DEMO_CLIENT_ID = "warta-demo"
# (sandbox handle, how to find the owning demo unit: region code or (parent code, name))
DEMO_ACCOUNTS = (
    ("humasbogorkab", "32.01"),
    ("diskominfobogorkab", ("32.01", "Dinas Komunikasi dan Informatika Kabupaten Bogor")),
    ("kotabogor", "32.71"),
    ("kemendagri", (None, "Kementerian Dalam Negeri")),
)
TOKEN_DAYS = 30


def _unit(key) -> Unit | None:
    if isinstance(key, str):
        return Unit.objects.filter(region_code=key).first()
    parent_code, name = key
    units = Unit.objects.filter(name=name)
    units = units.filter(parent=None) if parent_code is None else units.filter(parent__region_code=parent_code)
    return units.first()


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _sandbox_app() -> None:
    """Register Warta at its own sandbox (once) and record the app in the channels settings."""
    app = PlatformApp.objects.filter(platform=Platform.SANDBOX).first()
    if app is not None and AppClient.objects.filter(client_id=app.client_id or "-").exists():
        return
    secret = secrets.token_urlsafe(32)
    client = AppClient.objects.filter(client_id=DEMO_CLIENT_ID).first()
    if client is None:
        client, secret = client_create(name="Warta (demo)", client_id=DEMO_CLIENT_ID, client_secret=secret)
    else:  # the app row was lost: give the client a new secret both sides know
        from warta.sandbox.services import token_hash

        AppClient.objects.filter(pk=client.pk).update(secret_hash=token_hash(secret))
    PlatformApp.objects.update_or_create(platform=Platform.SANDBOX, defaults={
        "client_id": client.client_id, "secret": {"client_secret": secret},
        "base_url": ""})  # empty: the connector follows SITE_URL, so a changed port still works


def demo_channels_seed(*, stdout=None) -> None:
    """Seed the sandbox world, connect the demo units' official sandbox accounts, and switch
    the simulation on. Units missing from the demo are skipped."""
    now = timezone.now()
    with transaction.atomic():
        created = world_seed(citizens=200, now=now - timedelta(days=4))
        scenario_sync()
        _sandbox_app()
        client = AppClient.objects.get(client_id=PlatformApp.objects.get(platform=Platform.SANDBOX).client_id)
        connected = 0
        for handle, unit_key in DEMO_ACCOUNTS:
            unit = _unit(unit_key)
            sandbox_account = SandboxAccount.objects.filter(handle=handle).first()
            if unit is None or sandbox_account is None:
                continue
            account = Account.objects.filter(platform=Platform.SANDBOX, handle__iexact=f"@{handle}",
                                             archived_at__isnull=True).first()
            if account is None:
                account = Account.objects.create(
                    unit=unit, platform=Platform.SANDBOX, handle=f"@{handle}", display_name=sandbox_account.display_name,
                    url=f"{settings.SITE_URL.rstrip('/')}/sandbox/?akun={handle}", external_id=str(sandbox_account.pk),
                    verified=True)
            if not Credential.objects.filter(account=account).exists():
                tokens = token_issue(account=sandbox_account, client=client, scope="publish read messages metrics",
                                     access_ttl=timedelta(days=TOKEN_DAYS))
                Credential.objects.create(
                    account=account, expires_at=now + timedelta(days=TOKEN_DAYS),
                    scopes=tokens["scope"].split(),
                    tokens={"access_token": tokens["access_token"], "refresh_token": tokens["refresh_token"],
                            "expires_at": tokens["expires_at"], "extra": {"account_id": tokens["account_id"]}})
                Account.objects.filter(pk=account.pk).update(state=ConnectionState.CONNECTED, state_changed_at=now,
                                                             connected_at=now)
                connected += 1
    history = 0
    if not Post.objects.exists():
        history = history_seed(days=3, now=now)
    state = simulation_state()
    if not state.running:
        simulation_update(running=True)
    _say(stdout, f"Sandbox: {sum(created.values())} akun baru, {history} kejadian riwayat, "
                 f"{connected} akun resmi terhubung, simulasi berjalan.\n")
