"""The view guard: resolve the acting scope from the URL once, then check the permission."""

from functools import wraps

from django.contrib.auth.decorators import login_required

from warta.organisations.scope import scope_for_uuid


def scoped(permission: str, *, write_permission: str | None = None):
    """Resolve ``unit_uuid`` into ``request.scope`` (404 outside the user's reach) and
    require ``permission`` (403); for POST also ``write_permission`` when given."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, unit_uuid, *args, **kwargs):
            scope = scope_for_uuid(user=request.user, unit_uuid=unit_uuid, grants=tuple(request.grants))
            scope.require(permission)
            if write_permission and request.method not in ("GET", "HEAD", "OPTIONS"):
                scope.require(write_permission)
            request.scope = scope
            if request.session.get("warta_unit") != str(scope.unit.uuid):
                request.session["warta_unit"] = str(scope.unit.uuid)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
