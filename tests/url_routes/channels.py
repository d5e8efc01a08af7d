"""The channels app's URLs: the registry of official accounts, connect flows, installation settings."""

from tests.url_routes import INSTALL, PERSONAL, PUBLIC, UNIT, Route
from warta.channels.models import Account, NetworkAllow

ROUTES = {
    "channels:account-quota": Route(UNIT, objects=("account_uuid",)),
    "channels:media-signed": Route(PUBLIC, extra={"token": "tidak-sah"}),
    "channels:account-list": Route(UNIT),
    "channels:account-export": Route(UNIT),
    "channels:account-create": Route(UNIT, write=True, get_forbidden=True),
    "channels:account-detail": Route(UNIT, objects=("account_uuid",)),
    "channels:account-edit": Route(UNIT, write=True, get_forbidden=True, objects=("account_uuid",)),
    "channels:account-archive": Route(UNIT, write=True, post_only=True, objects=("account_uuid",)),
    "channels:account-connect": Route(UNIT, write=True, get_forbidden=True, objects=("account_uuid",)),
    "channels:account-choose": Route(UNIT, write=True, get_forbidden=True, objects=("account_uuid",)),
    "channels:account-disconnect": Route(UNIT, write=True, post_only=True, objects=("account_uuid",)),
    "channels:oauth-callback": Route(PERSONAL),
    "channels:platform-app-list": Route(INSTALL),
    "channels:platform-app-edit": Route(INSTALL, write=True, extra={"platform": "facebook"}),
    "channels:network-allow": Route(INSTALL, write=True),
    "channels:network-allow-remove": Route(INSTALL, write=True, post_only=True, objects=("network_pk",)),
}


def make_objects(tree, admin, viewer):
    account = Account.objects.create(unit=tree.kab, platform="instagram", handle="@humasbogorkab")
    network = NetworkAllow.objects.create(network="10.0.0.0/8")
    return {"account_uuid": account.uuid, "network_pk": network.pk}
