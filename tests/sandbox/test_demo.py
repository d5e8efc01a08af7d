"""The demo's sandbox: seeded once, official accounts connected, simulation on."""

import pytest
from django.core.management import call_command

from warta.channels.models import Account, ConnectionState, Credential, PlatformApp
from warta.sandbox.models import AccessToken, Post, SandboxAccount, SimulationState
from warta.shell.demo_channels import demo_channels_seed


def _snapshot():
    return (SandboxAccount.objects.count(), Post.objects.count(), AccessToken.objects.count(),
            list(Account.objects.order_by("handle").values_list("handle", "unit__name", "state", "external_id")),
            Credential.objects.count(), PlatformApp.objects.count(), SimulationState.objects.get().running)


@pytest.mark.django_db
def test_demo_seed_connects_the_demo_units_accounts_and_is_idempotent(client):
    call_command("demo", verbosity=0)
    demo_channels_seed()
    first = _snapshot()
    assert first[3] == [
        ("@diskominfobogorkab", "Dinas Komunikasi dan Informatika Kabupaten Bogor", ConnectionState.CONNECTED,
         str(SandboxAccount.objects.get(handle="diskominfobogorkab").pk)),
        ("@humasbogorkab", "Kabupaten Bogor", ConnectionState.CONNECTED,
         str(SandboxAccount.objects.get(handle="humasbogorkab").pk)),
        ("@kemendagri", "Kementerian Dalam Negeri", ConnectionState.CONNECTED,
         str(SandboxAccount.objects.get(handle="kemendagri").pk)),
        ("@kotabogor", "Kota Bogor", ConnectionState.CONNECTED, str(SandboxAccount.objects.get(handle="kotabogor").pk)),
    ]
    assert first[1] > 1000  # a few days of history
    assert first[6] is True
    demo_channels_seed()
    assert _snapshot() == first
    # the stored token works against the sandbox API
    token = Credential.objects.get(account__handle="@humasbogorkab").tokens["access_token"]
    response = client.get("/sandbox/api/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.json()["handle"] == "humasbogorkab"
