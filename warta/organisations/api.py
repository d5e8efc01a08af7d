"""API endpoints for units, memberships, tokens and the audit trail (django-ninja router).

Authentication: a personal API token as ``Authorization: Bearer wrt_…``. The token's
unit and role cap what it may do. Errors are problem+json (RFC 9457).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from warta.organisations.scope import Scope, grants_for, scope_for_unit
from warta.organisations.services import api_token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        api_token = api_token_authenticate(token)
        if api_token is None:
            return None
        request.user = api_token.user
        request.api_token = api_token
        grants = grants_for(api_token.user)
        # The token's reach is its unit's subtree, with at most its role.
        request.token_scope = scope_for_unit(user=api_token.user, unit=api_token.unit, grants=grants, ceiling=api_token.role)
        return api_token


auth = TokenAuth()
router = Router(tags=["organisasi"])


def problem(api, request, status: int, title: str, detail: str = "", errors=None):
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail or title}
    if errors is not None:
        body["errors"] = errors
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


def install_error_handlers(api) -> None:
    """Map every error to problem+json in the user's language."""

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return problem(api, request, 404, _("Tidak ditemukan"), _("Data yang diminta tidak ada atau di luar wewenang Anda."))

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return problem(api, request, 403, _("Tidak diizinkan"), _("Peran Anda tidak mengizinkan tindakan ini."))

    @api.exception_handler(AuthenticationError)
    def unauthorized(request, exc):
        return problem(api, request, 401, _("Perlu autentikasi"), _("Kirim token API yang masih berlaku sebagai header Authorization: Bearer."))

    @api.exception_handler(ValidationError)
    def invalid(request, exc):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return problem(api, request, 422, _("Data tidak valid"), " ".join(m for ms in errors.values() for m in ms), errors)

    @api.exception_handler(NinjaValidationError)
    def invalid_schema(request, exc):
        return problem(api, request, 422, _("Data tidak valid"), _("Periksa kembali isian permintaan."), exc.errors)


def token_scope(request) -> Scope:
    return request.token_scope
