"""The JSON API at /api/v1/ (django-ninja); OpenAPI and its docs at /api/docs.

Each app contributes a router from its own ``api.py``; this module only mounts them.
"""

from ninja import NinjaAPI

from warta.amplification.api import router as amplification_router
from warta.approvals.api import router as approvals_router
from warta.channels.api import router as channels_router
from warta.guideline.api import router as guideline_router
from warta.ingest.api import router as ingest_router
from warta.language.api import router as language_router
from warta.media.api import router as media_router
from warta.notifications.api import router as notifications_router
from warta.organisations.api import auth, install_error_handlers
from warta.organisations.api import router as organisations_router
from warta.planning.api import router as planning_router
from warta.press.api import router as press_router
from warta.publishing.api import router as publishing_router
from warta.publishing.calendar_api import router as publishing_calendar_router
from warta.publishing.engine_api import router as publishing_engine_router

PROBLEM_JSON = "application/problem+json"


class WartaAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document gives error responses their real media type."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        response["content"] = {PROBLEM_JSON: content["application/json"]}
        return schema


api = WartaAPI(
    title="Warta API",
    version="1",
    description=(
        "API Warta untuk integrasi. Autentikasi: header `Authorization: Bearer <token API pribadi>`; "
        "token dibuat di halaman Token API dan hanya menjangkau unitnya beserta unit di bawahnya, "
        "dengan paling tinggi peran token itu. Galat dikirim sebagai `application/problem+json`."
    ),
    auth=auth,
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/", organisations_router)
api.add_router("/", channels_router)
api.add_router("/", ingest_router)
api.add_router("/", language_router)
api.add_router("/", notifications_router)
api.add_router("/", planning_router)
api.add_router("/", media_router)
api.add_router("/", guideline_router)
api.add_router("/", approvals_router)
api.add_router("/", publishing_router)
api.add_router("/", publishing_engine_router)
api.add_router("/", publishing_calendar_router)
api.add_router("/", amplification_router)
api.add_router("/", press_router)
