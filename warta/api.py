"""The JSON API at /api/v1/ (django-ninja); OpenAPI and its docs at /api/docs.

Each app contributes a router from its own ``api.py``; this module only mounts them.
"""

from ninja import NinjaAPI

from warta.organisations.api import auth, install_error_handlers, router as organisations_router

api = NinjaAPI(
    title="Warta API",
    version="1",
    description="API Warta untuk integrasi. Autentikasi: header `Authorization: Bearer <token API pribadi>`.",
    auth=auth,
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/", organisations_router)
