"""Request scope and two-factor enforcement."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from warta.organisations import tree
from warta.organisations.models import Unit
from warta.organisations.roles import Role
from warta.organisations.scope import grants_from, memberships_for

SESSION_UNIT = "warta_unit"
EXEMPT_PREFIXES = ("/static/", "/api/", "/i18n/", "/akun/", "/undangan/", "/health/live")


def two_factor_required(user, grants) -> bool:
    """Admins always; everyone under a unit whose setting requires it."""
    if any(g.role == Role.ADMIN for g in grants):
        return True
    paths = {p for g in grants for p in tree.ancestor_paths(g.path)}
    return bool(paths) and Unit.objects.filter(path__in=paths, require_2fa=True).exists()


class ScopeMiddleware:
    """Attach the user's grants to the request, and send an unverified user who must use
    two-factor authentication to set it up or enter a code before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # One query serves both the scope checks (grants) and the unit switcher (memberships).
        request.memberships = SimpleLazyObject(lambda: memberships_for(request.user))
        request.grants = SimpleLazyObject(lambda: grants_from(request.memberships))
        user = getattr(request, "user", None)
        request.two_factor_required = SimpleLazyObject(
            lambda: bool(user is not None and user.is_authenticated and two_factor_required(user, request.grants))
        )
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not user.is_verified()
            and request.two_factor_required
        ):
            from django_otp import devices_for_user

            if any(True for _ in devices_for_user(user, confirmed=True)):
                return redirect(reverse("accounts:login-verify") + "?next=" + request.get_full_path())
            return redirect(reverse("accounts:two-factor") + "?required=1")
        return self.get_response(request)
