"""The URL table that proves scope: the foundation's rows here, each app's rows in its own
module of this package (``ROUTES`` and ``make_objects(tree, admin, viewer) -> dict``).

Kinds: ``UNIT`` (scoped to a unit: sibling 404, viewer 403 on writes), ``PERSONAL`` (login
required, no unit in the URL), ``PUBLIC`` (no login: login, reset, invitation, webhooks, signed
links), ``INSTALL`` (installation settings: only an installation admin, anyone else 403).
"""

import importlib
import pkgutil
from dataclasses import dataclass, field

UNIT = "unit"  # scoped to a unit of the tree: sibling 404, viewer 403 on writes
PERSONAL = "personal"  # the signed-in user's own: login required, no unit in the URL
PUBLIC = "public"  # reachable without signing in (login, reset, invitation link)
API = "api"  # the JSON API: token auth, covered in depth by tests/api
INSTALL = "install"  # installation-wide settings: installation admin only, others 403


@dataclass(frozen=True)
class Route:
    kind: str
    write: bool = False  # changes data: POST needs the write permission
    get_forbidden: bool = False  # the GET is a form to write: viewer gets 403 too
    post_only: bool = False
    objects: tuple[str, ...] = field(default_factory=tuple)  # kwargs made by OBJECT_MAKERS
    extra: dict = field(default_factory=dict)
    unit: str = "kab"  # which unit of the tree fixture the URL names




def collect():
    """Return every app's ROUTES merged, and the object makers, from this package's modules."""
    routes, makers = {}, []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        overlap = set(routes) & set(module.ROUTES)
        assert not overlap, f"URL names in two tables: {overlap}"
        routes.update(module.ROUTES)
        if hasattr(module, "make_objects"):
            makers.append(module.make_objects)
    return routes, makers
