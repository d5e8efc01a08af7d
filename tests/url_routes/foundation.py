"""The foundation's URLs: shell, accounts, organisations."""

from datetime import timedelta

from django.utils import timezone

from tests.url_routes import PERSONAL, PUBLIC, UNIT, Route
from warta.organisations.models import ApiToken, Invitation, Membership, RegionImport

ROUTES = {
    "shell:home": Route(PERSONAL),
    "shell:switch-unit": Route(PERSONAL, post_only=True),
    "shell:health": Route(PERSONAL),
    "shell:dashboard": Route(UNIT),
    "shell:area": Route(UNIT, extra={"slug": "krisis"}),
    "shell:settings": Route(UNIT),
    "organisations:unit-tree": Route(UNIT),
    "organisations:unit-create": Route(UNIT, write=True, get_forbidden=True),
    "organisations:unit-edit": Route(UNIT, write=True, get_forbidden=True),
    "organisations:unit-move": Route(UNIT, write=True, get_forbidden=True, unit="kec"),
    "organisations:unit-archive": Route(UNIT, write=True, post_only=True),
    "organisations:member-list": Route(UNIT),
    "organisations:member-invite": Route(UNIT, write=True, get_forbidden=True),
    "organisations:member-update": Route(UNIT, write=True, post_only=True, objects=("pk",)),
    "organisations:invitation-revoke": Route(UNIT, write=True, post_only=True, objects=("invitation_uuid",)),
    "organisations:token-list": Route(UNIT),
    "organisations:token-revoke": Route(UNIT, post_only=True, objects=("token_uuid",)),
    "organisations:audit-list": Route(UNIT),
    "organisations:audit-export": Route(UNIT),
    "organisations:region-import": Route(UNIT, write=True, get_forbidden=True),
    "organisations:region-import-detail": Route(UNIT, write=True, get_forbidden=True, objects=("import_uuid",)),
    "organisations:region-import-apply": Route(UNIT, write=True, post_only=True, objects=("import_uuid",)),
    "organisations:invitation-accept": Route(PUBLIC, extra={"token": "tidak-dikenal"}),
    "accounts:login": Route(PUBLIC),
    "accounts:login-verify": Route(PUBLIC),
    "accounts:logout": Route(PERSONAL, post_only=True),
    "accounts:profile": Route(PERSONAL),
    "accounts:two-factor": Route(PERSONAL),
    "accounts:two-factor-disable": Route(PERSONAL, post_only=True),
    "accounts:password-change": Route(PERSONAL),
    "accounts:password-reset": Route(PUBLIC),
    "accounts:password-reset-done": Route(PUBLIC),
    "accounts:password-reset-confirm": Route(PUBLIC, extra={"uidb64": "MQ", "token": "x-y"}),
    "accounts:password-reset-complete": Route(PUBLIC),
    "set_language": Route(PUBLIC, post_only=True),
    "api-docs": Route(PUBLIC),
}


def make_objects(tree, admin, viewer):
    membership = Membership.objects.get(user=viewer, unit=tree.kab)
    invitation = Invitation.objects.create(
        email="calon@bogorkab.go.id", unit=tree.kab, role="editor", token_hash="h" * 64,
        invited_by=admin, expires_at=timezone.now() + timedelta(days=3))
    token = ApiToken.objects.create(user=admin, unit=tree.kab, role="viewer", name="uji", prefix="wrt_x",
                                    token_hash="t" * 64, expires_at=timezone.now() + timedelta(days=3))
    region_import = RegionImport.objects.create(unit=tree.kab, created_by=admin, filename="w.csv",
                                                sha256="0" * 64, content="code,name\n")
    return {"pk": membership.pk, "invitation_uuid": invitation.uuid, "token_uuid": token.uuid,
            "import_uuid": region_import.uuid}
